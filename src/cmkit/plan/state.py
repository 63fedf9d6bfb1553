"""Where each post stands: its front-matter status, joined with what the publish ledger
says went out (see notes on the ledger format: a `done` line per (post, network)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .index import PlanClient, PlanPost


class State(StrEnum):
    """What a CM needs to know about a post at a glance."""

    PUBLISHED = "published"  # every network has a `done` line in the ledger
    PARTIAL = "partial"  # some networks done, others not
    OVERDUE = "overdue"  # approved, its time has passed, not (fully) published
    MISSED = "missed"  # never approved and its time has passed: it will not go out
    APPROVED = "approved"  # approved, waiting for its time
    REVIEW = "review"
    DRAFT = "draft"
    IDEA = "idea"
    CANCELLED = "cancelled"


def published_pairs(data_dir: Path) -> set[tuple[str, str]]:
    """(post id, network) pairs the ledger records as done."""
    from ..ledger import published

    return set(published(data_dir))


@dataclass
class ClientState:
    """The ledger of one client, read once."""

    done: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def read(cls, space: PlanClient) -> ClientState:
        return cls(published_pairs(space.data_dir))

    def networks_done(self, post: PlanPost) -> list[str]:
        return [str(n) for n in post.networks if (post.id, str(n)) in self.done]

    def state(self, post: PlanPost, now: datetime) -> State:
        status = post.status
        if status == "cancelled":
            return State.CANCELLED
        done = self.networks_done(post)
        if post.networks and len(done) == len(post.networks):
            return State.PUBLISHED
        past = post.at is not None and post.at <= now
        if done:
            return State.PARTIAL if not past or status != "approved" else State.OVERDUE
        if status == "approved":
            return State.OVERDUE if past else State.APPROVED
        if past:
            return State.MISSED
        return State(str(status))


def excerpt(text: str, width: int = 80) -> str:
    """The first words of a text on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1].rsplit(" ", 1)[0]
    return (cut or flat[: width - 1]) + "…"


def title_of(post: PlanPost, width: int = 60) -> str:
    """What to call a post in a listing: its title, else the start of its text, else its id."""
    if post.title:
        return excerpt(post.title, width)
    body = post.body.strip()
    if body:
        first_line = next(line for line in body.splitlines() if line.strip())
        return excerpt(first_line, width)
    return post.id

"""The inbox: what people said to the client, what is still to answer, and how fast it was."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import CmkitError
from . import store
from .priority import Complaints, Ranked, rank

if TYPE_CHECKING:
    from ..workspace import ClientSpace


@dataclass
class ClientInbox:
    slug: str
    name: str
    waiting: list[Ranked]  # to answer: complaints first, then the oldest
    handled: list[store.Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def oldest(self) -> datetime | None:
        return min((r.item.mention.created_at for r in self.waiting), default=None)

    @property
    def complaints(self) -> int:
        return sum(r.high for r in self.waiting)


def complaints_of(space: ClientSpace) -> list[str]:
    return list(space.charter.complaint_words) if space.charter else []


def overview(slug: str, name: str, data_dir: Path, complaint_words: list[str]) -> ClientInbox:
    inbox = store.read(data_dir)
    waiting = [i for i in inbox.items.values() if not i.answered]
    handled = sorted(
        (i for i in inbox.items.values() if i.answered), key=lambda i: i.mention.created_at
    )
    return ClientInbox(
        slug, name, rank(waiting, Complaints(complaint_words)), handled, inbox.problems
    )


def find(spaces: list[ClientSpace], wanted: str) -> tuple[ClientSpace, store.Item]:
    """The item with this id (or unambiguous prefix) among the clients."""
    found = []
    for space in spaces:
        item = store.read(space.data_dir).find(wanted)
        if item is not None:
            found.append((space, item))
    if len(found) == 1:
        return found[0]
    if not found:
        raise CmkitError(
            f"no inbox item '{wanted}'", "`cmkit inbox` lists the items to answer and their ids"
        )
    raise CmkitError(
        f"'{wanted}' matches items of several clients",
        "give more characters of the id, or the client (--client)",
    )


def mark(
    root: Path, space: ClientSpace, item: store.Item, name: str, now: datetime, **data: Any
) -> None:
    """Record a decision on an item: done, assigned (to=…), reopened."""
    with store.locked(root, space.slug):
        store.append(space.data_dir, [store.event(name, item.id, now, **data)])


@dataclass
class ResponseStats:
    """How fast the client's community was answered, over replies sent in a period."""

    replies: int
    median_seconds: int | None
    within_24h: float | None  # share of replies sent within 24 hours
    waiting: int  # messages received in the period and still unanswered
    received: int

    def to_dict(self) -> dict[str, Any]:
        return vars(self).copy()


def response_stats(space: ClientSpace, start: datetime, end: datetime) -> ResponseStats:
    """Replies sent in [start, end) and messages received then (for the monthly report)."""
    inbox = store.read(space.data_dir)
    seconds = [r.seconds for i in inbox.items.values() for r in i.replies if start <= r.at < end]
    received = [i for i in inbox.items.values() if start <= i.mention.created_at < end]
    return ResponseStats(
        replies=len(seconds),
        median_seconds=int(statistics.median(seconds)) if seconds else None,
        within_24h=sum(s <= 86400 for s in seconds) / len(seconds) if seconds else None,
        waiting=sum(not i.answered for i in received),
        received=len(received),
    )

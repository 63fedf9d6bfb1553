"""The inbox: what people said to the client, what is still to answer, and how fast it was."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import CmkitError
from . import store
from .priority import Complaints, Ranked, rank

if TYPE_CHECKING:
    from ..reports.model import InboxSection
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


def report_section(space: ClientSpace, start: date, end: date) -> InboxSection | None:
    """The monthly report's inbox figures (the hook `cmkit.reports.build` calls): messages
    received from `start` to `end` inclusive, in the client's time zone; how many were
    answered (a reply, or marked done); response times of their first replies. None when
    nothing was received: the report then says the inbox has no data."""
    from ..reports.model import InboxSection

    since = datetime.combine(start, time(), space.tz)
    until = datetime.combine(end + timedelta(days=1), time(), space.tz)
    items = [
        i
        for i in store.read(space.data_dir).items.values()
        if since <= i.mention.created_at < until
    ]
    if not items:
        return None
    minutes = sorted(i.replies[0].seconds / 60 for i in items if i.replies)
    answered = sum(i.answered for i in items)
    return InboxSection(
        received=len(items),
        answered=answered,
        unanswered=len(items) - answered,
        median_response_minutes=round(statistics.median(minutes), 1) if minutes else None,
        p90_response_minutes=round(_percentile(minutes, 0.9), 1) if minutes else None,
    )


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(values) * share // 1))
    return values[int(rank) - 1]

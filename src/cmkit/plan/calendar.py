"""The plan over a month or a week: each day's posts, key dates and empty slots, per client.

Pure data (what `cmkit calendar` prints or dumps as JSON, and what the .ics export reads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..diagnostics import CmkitError
from .keydates import DateBook, KeyDate
from .slots import SlotTime, fill_slots, slot_times
from .state import ClientState, State, excerpt, title_of

if TYPE_CHECKING:
    from .index import PlanClient, PlanPost

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.I)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # "2026-12", "2026-W49", "2026-12-01..2026-12-31"

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def month_period(value: str) -> Period:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CmkitError(f"'{value}' is not a month", "write it YYYY-MM, e.g. 2026-12")
    year, month = int(match.group(1)), int(match.group(2))
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Period(date(year, month, 1), following - timedelta(days=1), f"{year}-{month:02d}")


def week_period(value: str) -> Period:
    match = WEEK.match(value.strip())
    if not match:
        raise CmkitError(f"'{value}' is not an ISO week", "write it YYYY-Www, e.g. 2026-W49")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise CmkitError(
            f"{value}: {match.group(1)} has no week {match.group(2)}",
            "ISO years have 52 or 53 weeks",
        ) from None
    return Period(monday, monday + timedelta(days=6), f"{match.group(1)}-W{match.group(2)}")


def range_period(start: date, end: date) -> Period:
    if end < start:
        raise CmkitError(f"--to {end} is before --from {start}", "swap the two dates")
    return Period(start, end, f"{start}..{end}")


@dataclass
class PlannedPost:
    post: PlanPost = field(repr=False)
    state: State
    done: list[str]  # networks already published

    @property
    def id(self) -> str:
        return self.post.id

    def to_dict(self) -> dict[str, Any]:
        post = self.post
        return {
            "id": post.id,
            "at": post.at.isoformat() if post.at else None,
            "networks": [str(n) for n in post.networks],
            "published": self.done,
            "format": post.format,
            "pillar": post.pillar,
            "status": post.status,
            "state": str(self.state),
            "title": title_of(post),
            "excerpt": excerpt(post.body, 160),
            "highlight": post.highlight,
            "campaign": post.campaign,
            "path": post.rel,
        }


@dataclass
class DayPlan:
    day: date
    posts: list[PlannedPost] = field(default_factory=list)
    key_dates: list[KeyDate] = field(default_factory=list)
    empty_slots: list[SlotTime] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.posts or self.key_dates or self.empty_slots)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "posts": [p.to_dict() for p in self.posts],
            "key_dates": [k.to_dict() for k in self.key_dates],
            "empty_slots": [s.to_dict() for s in self.empty_slots],
        }


@dataclass
class ClientPlan:
    slug: str
    name: str
    timezone: str
    days: list[DayPlan]
    undated: int = 0  # posts (not cancelled) with no date yet
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for day in self.days:
            for planned in day.posts:
                out[str(planned.state)] = out.get(str(planned.state), 0) + 1
        return out

    @property
    def empty_slot_count(self) -> int:
        return sum(len(d.empty_slots) for d in self.days)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.slug,
            "name": self.name,
            "timezone": self.timezone,
            "counts": self.counts(),
            "empty_slots": self.empty_slot_count,
            "undated": self.undated,
            "warnings": self.warnings,
            "days": [d.to_dict() for d in self.days if not d.is_empty],
        }


@dataclass
class PlanView:
    period: Period
    now: datetime
    clients: list[ClientPlan]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "now": self.now.isoformat(),
            "clients": [c.to_dict() for c in self.clients],
        }


def client_plan(
    space: PlanClient, period: Period, now: datetime, state: ClientState | None = None
) -> ClientPlan:
    """One client's days over a period.

    Empty slots are listed from the client's today on: a past empty slot is history,
    not something left to do.
    """
    state = state or ClientState.read(space)
    book = DateBook(space)
    days = {d: DayPlan(d) for d in period.days()}
    live: list[PlanPost] = []
    undated = 0
    for post in space.posts:
        if post.at is None:
            undated += post.status != "cancelled"
            continue
        day = days.get(post.at.date())
        if day is None:
            continue
        planned = PlannedPost(post, state.state(post, now), state.networks_done(post))
        day.posts.append(planned)
        if planned.state is not State.CANCELLED:
            live.append(post)
    for day in days.values():
        day.posts.sort(key=lambda p: (p.post.at, p.post.id))
    for key in book.key_dates(period.start, period.end):
        for d in period.days():
            if key.covers(d) and (d == key.start or d == period.start):
                days[d].key_dates.append(key)  # a period shows where it starts
    today = now.astimezone(space.tz).date()
    slot_start = max(period.start, today)
    if slot_start <= period.end:
        slots = slot_times(space.calendar, space.tz, slot_start, period.end)
        for fill in fill_slots(slots, live):
            if fill.post is None and fill.slot.at >= now:
                days[fill.slot.day].empty_slots.append(fill.slot)
    return ClientPlan(
        space.slug, space.name, space.tz.key, list(days.values()), undated, book.warnings
    )


def plan_view(spaces: list[PlanClient], period: Period, now: datetime) -> PlanView:
    return PlanView(period, now, [client_plan(s, period, now) for s in spaces])

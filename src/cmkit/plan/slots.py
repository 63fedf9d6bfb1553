"""Weekly slots (`calendar.yaml` → `slots:`) turned into concrete moments, and matched
against the posts that fill them.

A slot says "Instagram, Tuesdays and Thursdays at 09:30": it is a wall-clock time in the
client's time zone, so 09:30 stays 09:30 across a DST change (the UTC instant moves). A
wall-clock time that does not exist on a spring-forward day is moved forward by the gap,
as a person would read it (02:30 → 03:30); an ambiguous one (fall back) is the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..networks import Network
from .settings import CalendarSettings, Slot

if TYPE_CHECKING:
    from .index import PlanPost


@dataclass(frozen=True)
class SlotTime:
    """One occurrence of a weekly slot."""

    network: Network
    at: datetime  # aware, in the client's time zone
    format: str | None = None
    pillar: str | None = None

    @property
    def day(self) -> date:
        return self.at.date()

    def to_dict(self) -> dict[str, Any]:
        return {
            "network": str(self.network),
            "at": self.at.isoformat(),
            "format": self.format,
            "pillar": self.pillar,
        }


def wall_clock(day: date, moment: time, tz: ZoneInfo) -> datetime:
    """An aware datetime for a local date and time, existing times only."""
    local = datetime.combine(day, moment, tzinfo=tz)
    # a time in the spring-forward gap does not survive a round trip through UTC: use
    # the instant it maps to, which reads as the time shifted by the gap
    return local.astimezone(UTC).astimezone(tz)


def slot_times(
    calendar: CalendarSettings | None, tz: ZoneInfo, start: date, end: date
) -> list[SlotTime]:
    """Every slot occurrence from start to end (inclusive), in time order."""
    if calendar is None or not calendar.slots:
        return []
    out: list[SlotTime] = []
    by_weekday: dict[int, list[Slot]] = defaultdict(list)
    for slot in calendar.slots:
        for weekday in slot.days:
            by_weekday[weekday].append(slot)
    day = start
    while day <= end:
        for slot in by_weekday.get(day.weekday(), ()):
            out.append(
                SlotTime(slot.network, wall_clock(day, slot.time, tz), slot.format, slot.pillar)
            )
        day += timedelta(days=1)
    out.sort(key=lambda s: (s.at, s.network))
    return out


@dataclass(frozen=True)
class SlotFill:
    slot: SlotTime
    post: PlanPost | None  # the post planned in this slot, if any


def fill_slots(slots: Sequence[SlotTime], posts: Iterable[PlanPost]) -> list[SlotFill]:
    """Which post takes each slot: a post fills a slot of one of its networks on the same
    local day, the nearest in time; each (post, network) fills at most one slot.

    A post planned at 10:00 rather than the 09:30 slot still fills it: CMs shift times.
    """
    candidates: dict[tuple[date, Network], list[PlanPost]] = defaultdict(list)
    for post in posts:
        if post.at is None:
            continue
        local_day = post.at.date()
        for network in post.networks:
            candidates[(local_day, network)].append(post)
    groups: dict[tuple[date, Network], list[SlotTime]] = defaultdict(list)
    for slot in slots:
        groups[(slot.day, slot.network)].append(slot)
    taken: dict[SlotTime, PlanPost] = {}
    for key, group in groups.items():
        free = list(candidates.get(key, ()))
        # nearest pairs first, so two posts on one day take the two slots in order
        pairs = sorted(
            (
                (abs((p.at - s.at).total_seconds()), i, j)  # type: ignore[operator]
                for i, s in enumerate(group)
                for j, p in enumerate(free)
            ),
        )
        used_slots: set[int] = set()
        used_posts: set[int] = set()
        for _, i, j in pairs:
            if i in used_slots or j in used_posts:
                continue
            used_slots.add(i)
            used_posts.add(j)
            taken[group[i]] = free[j]
    return [SlotFill(slot, taken.get(slot)) for slot in slots]


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)

"""The content stock of a client: what exists, what is approved, what is published, what
will soon be missing (runway against the weekly slots, unfilled slots, highlights without
content) and how the coming posts balance across the strategy's pillars.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .keydates import DateBook, KeyDate, next_occurrence
from .slots import SlotTime, fill_slots, slot_times
from .state import ClientState, State

if TYPE_CHECKING:
    from .index import PlanClient, PlanPost

RUNWAY_HORIZON_DAYS = 180  # beyond this, "enough" is all a CM needs to know
PILLAR_TOLERANCE_POINTS = 10.0  # a pillar further than this from its target share is flagged
NEXT_SLOTS = 5
# posts linked to a yearly highlight count for the occurrence they precede by this much
HIGHLIGHT_LEAD_DAYS = 90

# the stock: content that is neither out nor dropped
IN_STOCK = {State.APPROVED, State.REVIEW, State.DRAFT, State.IDEA, State.PARTIAL, State.OVERDUE}
READY = {State.APPROVED, State.PARTIAL}


@dataclass
class Runway:
    days: int | None  # None: no weekly slots to measure against
    horizon: int
    first_gap: SlotTime | None = None  # the first slot approved content does not fill
    covered: int = 0  # slots filled with approved content before the gap

    @property
    def beyond_horizon(self) -> bool:
        return self.days is not None and self.first_gap is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "beyond_horizon": self.beyond_horizon,
            "horizon_days": self.horizon,
            "slots_covered": self.covered,
            "first_gap": self.first_gap.to_dict() if self.first_gap else None,
        }


@dataclass
class HighlightNeed:
    occurrence: KeyDate
    wanted: int
    have: int
    networks_missing: list[str]

    @property
    def missing(self) -> int:
        return max(0, self.wanted - self.have)

    @property
    def lacking(self) -> bool:
        return self.missing > 0 or bool(self.networks_missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.occurrence.id,
            "name": self.occurrence.name,
            "start": self.occurrence.start.isoformat(),
            "end": self.occurrence.end.isoformat() if self.occurrence.end else None,
            "wanted": self.wanted,
            "have": self.have,
            "missing": self.missing,
            "networks_missing": self.networks_missing,
        }


@dataclass
class PillarShare:
    id: str
    label: str
    target: float | None  # % from the strategy
    count: int
    actual: float | None  # % of the coming posts; None when nothing is planned

    @property
    def delta(self) -> float | None:
        if self.target is None or self.actual is None:
            return None
        return self.actual - self.target

    @property
    def off_balance(self) -> bool:
        return self.delta is not None and abs(self.delta) >= PILLAR_TOLERANCE_POINTS

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "target": self.target,
            "count": self.count,
            "actual": None if self.actual is None else round(self.actual, 1),
            "delta": None if self.delta is None else round(self.delta, 1),
            "off_balance": self.off_balance,
        }


@dataclass
class ClientStock:
    slug: str
    name: str
    today: date
    window_days: int
    states: dict[str, int]
    pillars: dict[str, int]
    formats: dict[str, int]
    networks: dict[str, int]
    runway: Runway
    next_unfilled: list[SlotTime]
    to_approve: list[PlanPost] = field(repr=False)
    highlights: list[HighlightNeed]
    balance: list[PillarShare]
    undated_ready: int
    warnings: list[str] = field(default_factory=list)

    @property
    def in_stock(self) -> int:
        return sum(self.states.get(str(s), 0) for s in IN_STOCK)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.slug,
            "name": self.name,
            "today": self.today.isoformat(),
            "window_days": self.window_days,
            "in_stock": self.in_stock,
            "states": self.states,
            "pillars": self.pillars,
            "formats": self.formats,
            "networks": self.networks,
            "runway": self.runway.to_dict(),
            "undated_ready": self.undated_ready,
            "next_unfilled": [s.to_dict() for s in self.next_unfilled],
            "to_approve": [
                {
                    "id": p.id,
                    "at": p.at.isoformat() if p.at else None,
                    "status": str(p.status),
                    "path": p.rel,
                }
                for p in self.to_approve
            ],
            "highlights": [h.to_dict() for h in self.highlights],
            "pillar_balance": [b.to_dict() for b in self.balance],
            "warnings": self.warnings,
        }


def client_stock(
    space: PlanClient, now: datetime, window_days: int = 30, state: ClientState | None = None
) -> ClientStock:
    state = state or ClientState.read(space)
    today = now.astimezone(space.tz).date()
    window_end = today + timedelta(days=window_days)
    states: Counter[str] = Counter()
    pillars: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    networks: Counter[str] = Counter()
    ready: list[PlanPost] = []
    live: list[PlanPost] = []
    to_approve: list[PlanPost] = []
    undated_ready = 0
    for post in space.posts:
        current = state.state(post, now)
        states[str(current)] += 1
        if current not in IN_STOCK:
            continue
        if current is not State.OVERDUE and current is not State.MISSED:
            live.append(post)
        pillars[post.pillar or "(none)"] += 1
        formats[str(post.format) if post.format else "(none)"] += 1
        for network in post.networks:
            networks[str(network)] += 1
        if current in READY:
            if post.at is None:
                undated_ready += 1
            else:
                ready.append(post)
        elif current is not State.OVERDUE and post.at and today <= post.at.date() <= window_end:
            to_approve.append(post)  # an approved post whose time passed is overdue, not this
    to_approve.sort(key=lambda p: (p.at, p.id))
    upcoming = [p for p in live if p.at is not None and p.at >= now]
    book = DateBook(space)
    return ClientStock(
        space.slug,
        space.name,
        today,
        window_days,
        dict(sorted(states.items())),
        dict(pillars.most_common()),
        dict(formats.most_common()),
        dict(networks.most_common()),
        runway(space, now, today, ready),
        next_unfilled(space, now, today, window_end, upcoming),
        to_approve,
        highlight_needs(space, today, window_days),
        pillar_balance(space, [p for p in upcoming if p.at and p.at.date() <= window_end]),
        undated_ready,
        book.warnings,
    )


def runway(space: PlanClient, now: datetime, today: date, ready: list[PlanPost]) -> Runway:
    """Days until approved content runs out: up to the first slot it does not fill.

    Slots are walked a fortnight at a time and the walk stops at the first gap, which for
    most clients is within days: no need to lay out half a year of slots.
    """
    if space.calendar is None or not space.calendar.slots:
        return Runway(None, RUNWAY_HORIZON_DAYS)
    covered = 0
    step = timedelta(days=14)
    start, horizon = today, today + timedelta(days=RUNWAY_HORIZON_DAYS)
    while start <= horizon:
        end = min(start + step - timedelta(days=1), horizon)
        slots = [s for s in slot_times(space.calendar, space.tz, start, end) if s.at >= now]
        window = [p for p in ready if p.at is not None and start <= p.at.date() <= end]
        for fill in fill_slots(slots, window):
            if fill.post is None:
                return Runway((fill.slot.day - today).days, RUNWAY_HORIZON_DAYS, fill.slot, covered)
            covered += 1
        start = end + timedelta(days=1)
    return Runway(RUNWAY_HORIZON_DAYS, RUNWAY_HORIZON_DAYS, None, covered)


def next_unfilled(
    space: PlanClient,
    now: datetime,
    today: date,
    end: date,
    upcoming: list[PlanPost],
    limit: int = NEXT_SLOTS,
) -> list[SlotTime]:
    """The next slots no post (of any status) is planned for."""
    slots = [s for s in slot_times(space.calendar, space.tz, today, end) if s.at >= now]
    return [f.slot for f in fill_slots(slots, upcoming) if f.post is None][:limit]


def highlight_needs(space: PlanClient, today: date, window_days: int) -> list[HighlightNeed]:
    """Highlights under way or starting within the window, against their brief (one post
    when they have none)."""
    if space.calendar is None:
        return []
    out = []
    for highlight in space.calendar.highlights:
        occurrence = next_occurrence(highlight, today, window_days)
        if occurrence is None:
            continue
        linked = [
            p
            for p in space.posts
            if p.highlight == highlight.id
            and p.status != "cancelled"
            and (
                p.at is None
                or highlight.recurring is None
                or occurrence.start - timedelta(days=HIGHLIGHT_LEAD_DAYS)
                <= p.at.date()
                <= occurrence.last
            )
        ]
        brief = highlight.brief
        wanted = brief.posts if brief else 1
        covered = {str(n) for p in linked for n in p.networks}
        missing = [str(n) for n in (brief.networks if brief else []) if str(n) not in covered]
        out.append(HighlightNeed(occurrence, wanted, len(linked), missing))
    return sorted(out, key=lambda h: h.occurrence.start)


def pillar_balance(space: PlanClient, coming: list[PlanPost]) -> list[PillarShare]:
    """Each strategy pillar's share of the coming posts against its target."""
    pillars = space.client.pillars
    if not pillars:
        return []
    counts = Counter(p.pillar for p in coming)
    total = len(coming)
    out = [
        PillarShare(
            p.id,
            p.label or p.id,
            p.share,
            counts.get(p.id, 0),
            100.0 * counts.get(p.id, 0) / total if total else None,
        )
        for p in pillars
    ]
    known = {p.id for p in pillars}
    stray = sum(n for pillar, n in counts.items() if pillar not in known)
    if stray:
        out.append(
            PillarShare("(other)", "no pillar / unknown", None, stray, 100.0 * stray / total)
        )
    return out

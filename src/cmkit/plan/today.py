"""The day's checklist across clients: posts due today and whether each is ready, overdue
items, stock alerts and the CM's routine.

Each section comes from a provider, a plain function of the day's context; later features
(inbox, campaigns) add theirs with `register_section` instead of editing this module.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ..clock import duration
from ..diagnostics import CmkitError, Problem
from .keydates import DateBook
from .readiness import Check, checks, problems_by_file
from .state import ClientState, State, title_of
from .stock import ClientStock, client_stock

if TYPE_CHECKING:
    from .index import PlanClient, PlanPost, PlanWorkspace

Level = Literal["done", "ok", "todo", "warn", "alert"]

RUNWAY_ALERT_DAYS = 7  # less approved content than this: time to produce
EMPTY_SLOT_ALERT_DAYS = 2  # an empty slot this close is an alert
APPROVAL_ALERT_DAYS = 2  # posts due this soon and not approved
HIGHLIGHT_ALERT_DAYS = 14  # a highlight starting this soon still lacking content
MISSED_LOOKBACK_DAYS = 7  # never-approved posts whose date passed this recently


@dataclass
class Item:
    text: str
    level: Level
    client: str | None = None
    post: str | None = None
    at: datetime | None = None
    checks: list[Check] = field(default_factory=list)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "level": self.level,
            "client": self.client,
            "post": self.post,
            "at": self.at.isoformat() if self.at else None,
            "path": self.path,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    empty: str = ""  # what to say when there is nothing (a reassuring "nothing due")

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "items": [i.to_dict() for i in self.items]}


@dataclass
class TodayContext:
    """What providers read: the workspace, the day, and what is shared between them."""

    ws: PlanWorkspace
    spaces: list[PlanClient]
    day: date
    now: datetime
    states: dict[str, ClientState] = field(default_factory=dict)
    _stock: dict[str, ClientStock] = field(default_factory=dict)

    def state(self, space: PlanClient) -> ClientState:
        if space.slug not in self.states:
            self.states[space.slug] = ClientState.read(space)
        return self.states[space.slug]

    def stock(self, space: PlanClient) -> ClientStock:
        if space.slug not in self._stock:
            self._stock[space.slug] = client_stock(
                space, self.now, HIGHLIGHT_ALERT_DAYS, self.state(space)
            )
        return self._stock[space.slug]


SectionProvider = Callable[[TodayContext], "Section | None"]
_SECTIONS: list[tuple[str, SectionProvider]] = []


def register_section(key: str, provider: SectionProvider, *, before: str | None = None) -> None:
    """Add a section to `cmkit today` (e.g. inbox, campaigns), before another one or last."""
    global _SECTIONS
    entries = [entry for entry in _SECTIONS if entry[0] != key]
    position = next((i for i, (k, _) in enumerate(entries) if k == before), len(entries))
    entries.insert(position, (key, provider))
    _SECTIONS = entries


def sections() -> list[str]:
    return [key for key, _ in _SECTIONS]


@dataclass
class TodayReport:
    day: date
    now: datetime
    sections: list[Section]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "now": self.now.isoformat(),
            "sections": [s.to_dict() for s in self.sections],
        }


def build(ws: PlanWorkspace, spaces: list[PlanClient], day: date, now: datetime) -> TodayReport:
    ctx = TodayContext(ws, spaces, day, now)
    found = []
    for _, provider in _SECTIONS:
        section = provider(ctx)
        if section is not None:
            found.append(section)
    return TodayReport(day, now, found)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# --- Built-in sections -----------------------------------------------------------------


def due_section(ctx: TodayContext) -> Section:
    due: list[tuple[PlanClient, PlanPost]] = [
        (space, post)
        for space in ctx.spaces
        for post in space.posts
        if post.at is not None and post.at.date() == ctx.day and post.status != "cancelled"
    ]
    due.sort(key=lambda sp: (sp[1].at, sp[0].slug, sp[1].id))
    pending = [(s, p) for s, p in due if ctx.state(s).state(p, ctx.now) is not State.PUBLISHED]
    problems = problems_by_file(ctx.ws, {s.slug for s, _ in pending})
    items = []
    for space, post in due:
        networks = ", ".join(str(n) for n in post.networks)
        label = f"{title_of(post, 50)} · {networks}"
        current = ctx.state(space).state(post, ctx.now)
        if current is State.PUBLISHED:
            items.append(Item(label, "done", space.slug, post.id, post.at, path=post.rel))
            continue
        found: list[Problem] = problems.get(post.rel, [])
        result = checks(space, post, found)
        if current is State.OVERDUE:
            result.append(_still_sent(ctx, post))
        ready = all(c.ok for c in result)
        items.append(
            Item(label, "ok" if ready else "alert", space.slug, post.id, post.at, result, post.rel)
        )
    return Section("due", "Due today", items, "nothing planned today")


SENT_NEXT = "the next `cmkit publish` sends it"


def _still_sent(ctx: TodayContext, post: PlanPost) -> Check:
    """Whether `cmkit publish` still sends an approved post whose time has passed: it
    does within the workspace's grace (publish.grace_minutes), and refuses after it."""
    assert post.at is not None
    late, grace = ctx.now - post.at, timedelta(minutes=ctx.ws.config.grace_minutes)
    if late <= grace:
        return Check("on time", True, f"due {duration(late)} ago; {SENT_NEXT}")
    return Check(
        "on time",
        False,
        f"{duration(late)} late, past the {duration(grace)} grace: cmkit will not send it "
        f"by itself — `cmkit publish --post {post.id}`, or re-date it",
    )


def overdue_section(ctx: TodayContext) -> Section:
    items = []
    since = ctx.now - timedelta(days=MISSED_LOOKBACK_DAYS)
    for space in ctx.spaces:
        state = ctx.state(space)
        for post in space.posts:
            if post.at is None or post.at > ctx.now:
                continue
            current = state.state(post, ctx.now)
            if current is State.OVERDUE:
                if post.at.date() == ctx.day:
                    continue  # under "Due today", with whether it still goes out
                done = state.networks_done(post)
                left = [str(n) for n in post.networks if str(n) not in done]
                why = f"approved, not published on {', '.join(left)}"
                if done:
                    why += f" (out on {', '.join(done)})"
                sent = _still_sent(ctx, post).ok
                if sent:
                    why += f"; {SENT_NEXT}"
                items.append(
                    Item(
                        f"{title_of(post, 40)} — {why}",
                        "todo" if sent else "alert",
                        space.slug,
                        post.id,
                        post.at,
                        path=post.rel,
                    )
                )
            elif current is State.MISSED and post.at >= since:
                items.append(
                    Item(
                        f"{title_of(post, 40)} — never approved "
                        f"(still {post.status}); reschedule or cancel it",
                        "warn",
                        space.slug,
                        post.id,
                        post.at,
                        path=post.rel,
                    )
                )
    items.sort(key=lambda i: (i.at or ctx.now, i.client or ""))
    return Section("overdue", "Overdue", items, "nothing overdue")


def stock_section(ctx: TodayContext) -> Section:
    items = []
    for space in ctx.spaces:
        stock = ctx.stock(space)
        runway = stock.runway
        if (
            runway.days is not None
            and runway.first_gap is not None
            and runway.days < RUNWAY_ALERT_DAYS
        ):
            gap = runway.first_gap
            items.append(
                Item(
                    f"runway {plural(runway.days, 'day')}: no approved post for {gap.network} "
                    f"{gap.at:%a %d %b %H:%M}",
                    "alert" if runway.days <= 1 else "warn",
                    space.slug,
                    at=gap.at,
                )
            )
        soon = ctx.now + timedelta(days=EMPTY_SLOT_ALERT_DAYS)
        empty = [s for s in stock.next_unfilled if s.at <= soon]
        if empty:
            shown = ", ".join(f"{s.network} {s.at:%a %H:%M}" for s in empty[:3])
            items.append(
                Item(
                    f"{plural(len(empty), 'empty slot')} within "
                    f"{EMPTY_SLOT_ALERT_DAYS} days: {shown}",
                    "warn",
                    space.slug,
                    at=empty[0].at,
                )
            )
        deadline = ctx.now + timedelta(days=APPROVAL_ALERT_DAYS)
        # posts due today are in the "due" section already
        waiting = [
            p
            for p in stock.to_approve
            if p.at and ctx.now < p.at <= deadline and p.at.date() > ctx.day
        ]
        for post in waiting:
            items.append(
                Item(
                    f"to approve: {title_of(post, 40)} ({post.status}), due "
                    f"{post.at:%a %d %b %H:%M}",
                    "todo",
                    space.slug,
                    post.id,
                    post.at,
                    path=post.rel,
                )
            )
        for need in stock.highlights:
            if not need.lacking:
                continue
            lacks = []
            if need.missing:
                lacks.append(f"{need.have} of {plural(need.wanted, 'post')}")
            if need.networks_missing:
                lacks.append(f"nothing on {', '.join(need.networks_missing)}")
            start = need.occurrence.start
            when = "under way" if start <= ctx.day else f"starts {start:%a %d %b}"
            items.append(
                Item(f"{need.occurrence.name} ({when}): {'; '.join(lacks)}", "warn", space.slug)
            )
    return Section("stock", "Stock alerts", items, "stock is fine")


def routine_section(ctx: TodayContext) -> Section:
    routine = ctx.ws.config.routine
    items = [Item(task, "todo") for task in routine.daily]
    items += [Item(task, "todo") for task in routine.weekly.get(ctx.day.weekday(), ())]
    for task in routine.monthly:
        concerned = [s.slug for s in ctx.spaces if is_monthly_day(task.day, ctx.day, s)]
        if not ctx.spaces and is_monthly_day(task.day, ctx.day, None):
            concerned = ["all"]
        if concerned:
            items.append(Item(f"{task.task} — {', '.join(concerned)}", "todo"))
    return Section("routine", f"Routine ({ctx.day:%A})", items, "no routine set")


def is_monthly_day(rule: int | str, day: date, space: PlanClient | None) -> bool:
    """Whether a monthly task falls on this day, with the client's public holidays."""
    book = DateBook(space) if space is not None else None

    def working(d: date) -> bool:
        return book.is_working_day(d) if book else d.weekday() < 5

    first = day.replace(day=1)
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    last = following - timedelta(days=1)
    if isinstance(rule, int) or str(rule).isdigit():
        return day.day == min(int(rule), last.day)
    month_days = [first + timedelta(days=i) for i in range(last.day)]
    working_days = [d for d in month_days if working(d)]
    if not working_days:
        return False
    if rule == "first-working-day":
        return day == working_days[0]
    if rule == "last-working-day":
        return day == working_days[-1]
    raise CmkitError(
        f"cmkit.yaml: routine.monthly day '{rule}' is not a day of the month",
        "use a number (1–31), first-working-day or last-working-day",
    )


register_section("due", due_section)
register_section("overdue", overdue_section)
register_section("stock", stock_section)
register_section("routine", routine_section)

# features outside the plan add their sections when imported (inbox, paid campaigns)
for _feature in ("cmkit.inbox.today", "cmkit.campaigns.today"):
    if importlib.util.find_spec(_feature) is not None:
        importlib.import_module(_feature)

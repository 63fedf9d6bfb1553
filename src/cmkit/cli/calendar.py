"""`cmkit calendar`: the month (or week) ahead, key dates, and the iCalendar export."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..plan.calendar import ClientPlan, Period
    from ..plan.index import PlanWorkspace
    from ..plan.keydates import KeyDate

# one style per state; the state's name is always printed too, so NO_COLOR loses nothing
STYLES = {
    "published": "green", "approved": "bold green", "partial": "yellow",
    "overdue": "bold red", "missed": "red", "review": "cyan", "draft": "yellow",
    "idea": "magenta", "cancelled": "dim strike", "empty": "bold yellow",
    "holiday": "blue", "commercial": "blue", "key-date": "bold blue", "highlight": "bold blue",
}
SHORT = {"instagram": "ig", "facebook": "fb", "linkedin": "li", "x": "x", "threads": "th",
         "bluesky": "bs", "mastodon": "ma", "telegram": "tg", "discord": "dc"}


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def short_networks(networks: list[str]) -> str:
    return " ".join(SHORT.get(n, n) for n in networks)


def legend(networks: set[str]) -> str:
    return " · ".join(f"{SHORT.get(n, n)} {n}" for n in sorted(networks, key=list(SHORT).index))


def calendar(
    ctx: typer.Context,
    clients: Annotated[list[str] | None, typer.Argument(
        help="Clients to show (default: all).", show_default=False)] = None,
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help="Month to show, YYYY-MM (default: this month).",
        show_default=False)] = None,
    week: Annotated[str | None, typer.Option(
        "--week", help="ISO week to show instead, YYYY-Www (e.g. 2026-W49).",
        show_default=False)] = None,
    start: Annotated[datetime | None, typer.Option(
        "--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).",
        show_default=False)] = None,
    end: Annotated[datetime | None, typer.Option(
        "--to", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD).", show_default=False)] = None,
    dates: Annotated[bool, typer.Option(
        "--dates", help="List the key dates only (default range: the next 12 months).")] = False,
    ics: Annotated[Path | None, typer.Option(
        "--ics", help="Write an iCalendar file (- for stdout) instead of showing the plan "
        "(default range: this month and the 11 after).", show_default=False,
        dir_okay=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (see docs/calendar.md).")]
    = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every file.")] = False,
) -> None:
    """Show the plan: each day's posts (time, networks, format, status), key dates and the
    weekly slots still empty.

    Key dates are the client's public holidays (country and region), commercial dates
    (French sales, Black Friday, Mother's Day…) and calendar.yaml's own dates and
    highlights. --dates lists them; --ics exports posts and key dates for a calendar app.
    """
    from ..clock import now as clock_now
    from ..plan.index import load_plan
    from .common import workspace_root

    ws = load_plan(workspace_root(ctx), clients or [], use_cache=not no_cache)
    moment = clock_now()
    today = moment.astimezone(_zone(ws.config.timezone)).date()
    mode = "dates" if dates else "ics" if ics is not None else "plan"
    period = _period(month, week, start, end, today, mode)
    _warn(ws)
    if dates:
        _show_dates(ws, period, as_json)
    elif ics is not None:
        _write_ics(ws, period, moment, ics)
    else:
        _show_plan(ws, period, moment, as_json)


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _period(month: str | None, week: str | None, start: datetime | None, end: datetime | None,
            today: date, mode: str) -> Period:
    """The range to show: the options, else this month (plan), the next 12 months from
    today (--dates) or from the first of this month (--ics)."""
    from ..diagnostics import CmkitError
    from ..plan.calendar import month_period, range_period, week_period

    chosen = [name for name, value in (("--month", month), ("--week", week),
                                       ("--from/--to", start or end)) if value]
    if len(chosen) > 1:
        raise CmkitError(f"{' and '.join(chosen)} cannot be used together", "pick one")
    if month:
        return month_period(month)
    if week:
        return week_period(week)
    span = 1 if mode == "plan" else 12
    if start or end:
        first = start.date() if start else today
        return range_period(first, end.date() if end else _months_later(first, span))
    if mode == "plan":
        return month_period(f"{today:%Y-%m}")
    first = today.replace(day=1) if mode == "ics" else today
    return range_period(first, _months_later(first, span))


def _months_later(day: date, months: int) -> date:
    """The day before the same day `months` later: 1 Dec + 1 month → 31 Dec."""
    from calendar import monthrange
    from datetime import timedelta

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1])) - timedelta(days=1)


def _warn(ws: PlanWorkspace) -> None:
    from .common import note

    for plan in ws.clients:
        if plan.unreadable:
            note(f"{plan.slug}: {len(plan.unreadable)} file(s) with errors are left out "
                 f"(e.g. {plan.unreadable[0]}); run `cmkit check`")


def _show_plan(ws: PlanWorkspace, period: Period, moment: datetime, as_json: bool) -> None:
    from ..plan.calendar import plan_view
    from .common import note, out, print_json

    view = plan_view(ws.clients, period, moment)
    for plan in view.clients:
        for warning in plan.warnings:
            note(f"{plan.slug}: {warning}")
    if as_json:
        print_json(view.to_dict())
        return
    console = out()
    if not view.clients:
        note("no client yet (cmkit init CLIENT)")
        return
    side_by_side = len(view.clients) > 1 and console.width >= 160
    width = min(console.width // 2 - 2, 100) if side_by_side else console.width
    blocks = [render_client(plan, period, width) for plan in view.clients]
    if side_by_side:
        from rich.columns import Columns

        console.print(Columns(blocks, width=width))
    else:
        for index, block in enumerate(blocks):
            if index:
                console.print()
            console.print(block)


def kind_label(key: KeyDate) -> str:
    return key.label or {"key-date": "key date"}.get(key.kind, key.kind)


def render_client(plan: ClientPlan, period: Period, width: int = 80) -> RenderableType:
    """One client's period as a table: a row per key date, post, and time with empty slots."""
    from rich.console import Group
    from rich.text import Text

    from ..plan.state import title_of

    counts = plan.counts()
    summary = ", ".join(f"{n} {state}" for state, n in sorted(
        counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "no post"
    header = Text.assemble((plan.name, "bold"), f" · {period.label} · {plan.timezone}\n",
                           f"{plural(sum(counts.values()), 'post')}: {summary}")
    extra = []
    if plan.empty_slot_count:
        extra.append(Text(plural(plan.empty_slot_count, "empty slot"), STYLES["empty"]))
    if plan.undated:
        extra.append(Text(f"{plural(plan.undated, 'post')} without a date"))
    if extra:
        header.append("\n")
        header.append(Text(" · ").join(extra))
    table = plan_table(width)
    used: set[str] = set()
    for day in plan.days:
        if day.is_empty:
            continue
        label = f"{day.day:%a %d}"
        for key in day.key_dates:
            table.add_row(label, "", Text("★ " + _key_name(key, day.day), overflow="fold",
                                          no_wrap=False), "", "",
                          Text(kind_label(key), STYLES.get(key.kind, "")))
            label = ""
        rows: list[tuple[datetime, int, list[RenderableType]]] = []
        for planned in day.posts:
            post = planned.post
            assert post.at is not None
            nets = [str(n) for n in post.networks]
            used.update(nets)
            state = str(planned.state)
            rows.append((post.at, 0, [f"{post.at:%H:%M}", title_of(post, 60),
                                      short_networks(nets), str(post.format or ""),
                                      Text(state, STYLES.get(state, ""))]))
        empty: dict[datetime, list[str]] = {}
        formats: dict[datetime, set[str]] = {}
        for slot in day.empty_slots:
            empty.setdefault(slot.at, []).append(str(slot.network))
            formats.setdefault(slot.at, set()).add(str(slot.format or ""))
        for at, nets in empty.items():
            used.update(nets)
            rows.append((at, 1, [f"{at:%H:%M}", Text("· empty slot", "dim"), short_networks(nets),
                                 "/".join(sorted(f for f in formats[at] if f)),
                                 Text("empty", STYLES["empty"])]))
        for _, _, row in sorted(rows, key=lambda r: (r[0], r[1])):
            table.add_row(label, *row)
            label = ""
    parts: list[RenderableType] = [header]
    parts.append(table if table.row_count else Text("nothing planned, no slot to fill", "dim"))
    if used:
        parts.append(Text(legend(used), "dim"))
    return Group(*parts)


def plan_table(width: int) -> Any:
    """Day, time, post, networks, format, status in `width` columns; the post title shrinks."""
    from rich import box
    from rich.table import Table

    fixed = {"Day": 6, "Time": 5, "Networks": 11, "Format": 8, "Status": 9}
    # two spaces between columns: one of padding, one of the box's blank divider
    post_width = max(16, width - sum(fixed.values()) - 2 * len(fixed) - 1)
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False)
    table.add_column("Day", no_wrap=True, width=fixed["Day"])
    table.add_column("Time", no_wrap=True, width=fixed["Time"])
    table.add_column("Post", overflow="ellipsis", no_wrap=True, max_width=post_width)
    table.add_column("Networks", overflow="fold", width=fixed["Networks"])
    table.add_column("Format", no_wrap=True, width=fixed["Format"])
    table.add_column("Status", no_wrap=True, width=fixed["Status"])
    return table


def _key_name(key: KeyDate, day: date) -> str:
    name = key.name
    if key.end and key.end != key.start:
        name += f" (until {key.end:%a %d %b})" if key.start == day else \
            f" ({key.start:%d %b}–{key.end:%d %b})"
    if key.at:
        name += f", {key.at:%H:%M}"
    return name


def _show_dates(ws: PlanWorkspace, period: Period, as_json: bool) -> None:
    """Key dates of every selected client, shared ones once."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..plan.keydates import DateBook
    from .common import note, out, print_json

    merged: dict[tuple[date, str, str], dict[str, Any]] = {}
    for plan in ws.clients:
        book = DateBook(plan)
        for warning in book.warnings:
            note(f"{plan.slug}: {warning}")
        for key in book.key_dates(period.start, period.end):
            entry = merged.setdefault((key.start, key.kind, key.name),
                                      {"key": key, "clients": []})
            entry["clients"].append(plan.slug)
    entries = sorted(merged.values(), key=lambda e: (e["key"].start, e["key"].name))
    if as_json:
        print_json({"from": period.start.isoformat(), "to": period.end.isoformat(),
                    "dates": [{**e["key"].to_dict(), "clients": e["clients"]}
                              for e in entries]})
        return
    everyone = len(ws.clients)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False,
                  title=f"Key dates {period.start:%d %b %Y} – {period.end:%d %b %Y}",
                  title_justify="left")
    table.add_column("Date", no_wrap=True)
    table.add_column("Key date", overflow="fold", ratio=1)
    table.add_column("Kind", no_wrap=True)
    if everyone > 1:
        table.add_column("Clients", overflow="fold")
    month = None
    for entry in entries:
        key = entry["key"]
        if (key.start.year, key.start.month) != month:
            month = (key.start.year, key.start.month)
            table.add_row(Text(f"{key.start:%B %Y}", "bold"))
        when = f"{key.start:%a %d}"
        row: list[RenderableType] = [when, _key_name(key, key.start),
                                     Text(kind_label(key), STYLES.get(key.kind, ""))]
        if everyone > 1:
            row.append("all" if len(entry["clients"]) == everyone else
                       ", ".join(entry["clients"]))
        table.add_row(*row)
    out().print(table if entries else Text("no key date in this range", "dim"))


def _write_ics(ws: PlanWorkspace, period: Period, moment: datetime, target: Path) -> None:
    import sys

    from ..diagnostics import CmkitError
    from ..plan.calendar import plan_view
    from ..plan.ics import to_ics
    from .common import note

    view = plan_view(ws.clients, period, moment)
    data = to_ics(view, moment)
    events = data.count(b"BEGIN:VEVENT")
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.tmp")
        partial.write_bytes(data)
        partial.replace(target)  # a calendar app polling the file never reads half of it
    except OSError as exc:
        raise CmkitError(f"cannot write {target}: {exc.strerror or exc}",
                         "pick a folder you can write to") from None
    note(f"wrote {events} event(s) from {period.start} to {period.end} to {target}")


def register(app: typer.Typer) -> None:
    app.command()(calendar)

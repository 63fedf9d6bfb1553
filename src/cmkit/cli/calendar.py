"""`cmkit calendar`: the month (or week) ahead, key dates, and the iCalendar export."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ..plan.calendar import ClientPlan, Period
    from ..plan.index import PlanWorkspace
    from ..plan.keydates import KeyDate


def calendar(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None, typer.Argument(help="Clients to show (default: all).", show_default=False)
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            "-m",
            help="Month to show, YYYY-MM (default: this month).",
            show_default=False,
        ),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week", help="ISO week to show instead, YYYY-Www (e.g. 2026-W49).", show_default=False
        ),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option(
            "--to", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    dates: Annotated[
        bool,
        typer.Option(
            "--dates", help="List the key dates only (default range: the next 12 months)."
        ),
    ] = False,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            help="Write an iCalendar file (- for stdout) instead of showing the plan "
            "(default range: this month and the 11 after).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (see docs/calendar.md).")
    ] = False,
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


def _period(
    month: str | None,
    week: str | None,
    start: datetime | None,
    end: datetime | None,
    today: date,
    mode: str,
) -> Period:
    """The range to show: the options, else this month (plan), the next 12 months from
    today (--dates) or from the first of this month (--ics)."""
    from ..diagnostics import CmkitError
    from ..plan.calendar import month_period, range_period, week_period

    chosen = [
        name
        for name, value in (("--month", month), ("--week", week), ("--from/--to", start or end))
        if value
    ]
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

    if ws.config.invalid:
        note(
            f"cmkit.yaml has errors: its settings are left out (time zone {ws.config.timezone}, "
            "default routine); run `cmkit check`"
        )
    for plan in ws.clients:
        if plan.unreadable:
            note(
                f"{plan.slug}: {len(plan.unreadable)} file(s) with errors are left out "
                f"(e.g. {plan.unreadable[0]}); run `cmkit check`"
            )


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
    blocks = [render_client(console, plan, period, width) for plan in view.clients]
    if side_by_side:
        from rich.columns import Columns

        console.print(Columns(blocks, width=width))
    else:
        from rich.text import Text

        from .plantext import show

        show(console, Text("\n\n").join(blocks))


def kind_label(key: KeyDate) -> str:
    return key.label or {"key-date": "key date"}.get(key.kind, key.kind)


def render_client(console: Console, plan: ClientPlan, period: Period, width: int = 80) -> Text:
    """One client's period: a row per key date, post, and time with empty slots."""
    from rich.text import Text

    from ..plan.state import title_of
    from .plantext import STYLES, fit, grid, legend, plural, short_networks, wrapped

    counts = plan.counts()
    summary = (
        ", ".join(
            f"{n} {state}" for state, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        or "no post"
    )
    header = Text.assemble(
        (plan.name, "bold"),
        f" · {period.label} · {plan.timezone}\n",
        f"{plural(sum(counts.values()), 'post')}: {summary}",
    )
    extra = []
    if plan.empty_slot_count:
        extra.append(Text(plural(plan.empty_slot_count, "empty slot"), STYLES["empty"]))
    if plan.undated:
        extra.append(Text(f"{plural(plan.undated, 'post')} without a date"))
    if extra:
        header.append("\n")
        header.append(Text(" · ").join(extra))
    rows: list[list[str | Text]] = []
    used: set[str] = set()
    # Day, Time, Post (what is left), Networks, Format, Status
    fixed = [6, 5, 11, 8, 10]
    post_width = max(16, width - sum(fixed) - 2 * len(fixed))
    for day in plan.days:
        if day.is_empty:
            continue
        label = f"{day.day:%a %d}"
        for key in day.key_dates:
            rows.append(
                [
                    label,
                    "",
                    wrapped("★ " + _key_name(key, day.day)),
                    "",
                    "",
                    Text(kind_label(key), STYLES.get(key.kind, "")),
                ]
            )
            label = ""
        timed: list[tuple[datetime, int, list[str | Text]]] = []
        for planned in day.posts:
            post = planned.post
            assert post.at is not None
            nets = [str(n) for n in post.networks]
            used.update(nets)
            state = str(planned.state)
            shown = short_networks(nets)
            timed.append(
                (
                    post.at,
                    0,
                    [
                        f"{post.at:%H:%M}",
                        title_of(post, post_width),
                        wrapped(shown) if len(shown) > 11 else shown,
                        str(post.format or ""),
                        Text(state, STYLES.get(state, "")),
                    ],
                )
            )
        empty: dict[datetime, list[str]] = {}
        formats: dict[datetime, set[str]] = {}
        for slot in day.empty_slots:
            empty.setdefault(slot.at, []).append(str(slot.network))
            formats.setdefault(slot.at, set()).add(str(slot.format or ""))
        for at, nets in empty.items():
            used.update(nets)
            timed.append(
                (
                    at,
                    1,
                    [
                        f"{at:%H:%M}",
                        Text("· empty slot", "dim"),
                        wrapped(short_networks(nets)),
                        "/".join(sorted(f for f in formats[at] if f)),
                        Text("empty", STYLES["empty"]),
                    ],
                )
            )
        for _, _, row in sorted(timed, key=lambda r: (r[0], r[1])):
            rows.append([label, *row])
            label = ""
    parts = [fit(console, header, width)]
    if rows:
        parts.append(
            grid(
                console,
                rows,
                [6, 5, post_width, 11, 8, 10],
                header=["Day", "Time", "Post", "Networks", "Format", "Status"],
            )
        )
    else:
        parts.append(Text("nothing planned, no slot to fill", "dim"))
    if used:
        parts.append(fit(console, Text(legend(used), "dim"), width))
    return Text("\n").join(parts)


def _key_name(key: KeyDate, day: date) -> str:
    name = key.name
    if key.end and key.end != key.start:
        name += (
            f" (until {key.end:%a %d %b})"
            if key.start == day
            else f" ({key.start:%d %b}–{key.end:%d %b})"
        )
    if key.at:
        name += f", {key.at:%H:%M}"
    return name


def _show_dates(ws: PlanWorkspace, period: Period, as_json: bool) -> None:
    """Key dates of every selected client, shared ones once."""
    from rich.text import Text

    from ..plan.keydates import DateBook
    from .common import note, out, print_json
    from .plantext import STYLES, grid, show, wrapped

    merged: dict[tuple[date, str, str], dict[str, Any]] = {}
    for plan in ws.clients:
        book = DateBook(plan)
        for warning in book.warnings:
            note(f"{plan.slug}: {warning}")
        for key in book.key_dates(period.start, period.end):
            entry = merged.setdefault((key.start, key.kind, key.name), {"key": key, "clients": []})
            entry["clients"].append(plan.slug)
    entries = sorted(merged.values(), key=lambda e: (e["key"].start, e["key"].name))
    if as_json:
        print_json(
            {
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "dates": [{**e["key"].to_dict(), "clients": e["clients"]} for e in entries],
            }
        )
        return
    console = out()
    title = Text(f"Key dates {period.start:%d %b %Y} – {period.end:%d %b %Y}", "bold")
    if not entries:
        console.print(Text.assemble(title, "\n", ("no key date in this range", "dim")))
        return
    everyone = len(ws.clients)
    rows: list[list[str | Text]] = []
    month = None
    for entry in entries:
        key = entry["key"]
        if (key.start.year, key.start.month) != month:
            month = (key.start.year, key.start.month)
            month_row: list[str | Text] = ["", Text(f"{key.start:%B %Y}", "bold"), ""]
            rows.append(month_row + [""] * (everyone > 1))
        row: list[str | Text] = [
            f"{key.start:%a %d}",
            wrapped(_key_name(key, key.start)),
            Text(kind_label(key), STYLES.get(key.kind, "")),
        ]
        if everyone > 1:
            row.append(
                wrapped("all" if len(entry["clients"]) == everyone else ", ".join(entry["clients"]))
            )
        rows.append(row)
    # Date, Key date (what is left), Kind, Clients
    widths = [6, 0, 10] + ([18] if everyone > 1 else [])
    widths[1] = max(20, console.width - sum(widths) - 2 * (len(widths) - 1))
    header = ["Date", "Key date", "Kind"] + (["Clients"] if everyone > 1 else [])
    show(console, Text.assemble(title, "\n", grid(console, rows, widths, header)))


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
        raise CmkitError(
            f"cannot write {target}: {exc.strerror or exc}", "pick a folder you can write to"
        ) from None
    note(f"wrote {events} event(s) from {period.start} to {period.end} to {target}")


def register(app: typer.Typer) -> None:
    app.command()(calendar)

"""`cmkit today`: the day's checklist across every client."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ..plan.today import Item, Section, TodayReport

# a mark per level, readable without colour
MARKS = {
    "done": ("✓", "green"),
    "ok": ("✓", "bold green"),
    "todo": ("☐", ""),
    "warn": ("!", "yellow"),
    "alert": ("✗", "bold red"),
}
TIMED = {"due", "overdue"}  # sections whose items are at a moment worth a column


def today(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(help="Clients to include (default: all).", show_default=False),
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="The day to check (default: today).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (see docs/today.md).")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every file.")] = False,
) -> None:
    """The day's checklist: posts due today and whether each is ready (approved, valid,
    media present), overdue posts, stock alerts, and the routine from cmkit.yaml.

    --date shows another day's posts and routine; overdue posts and stock alerts are
    always as of now.

    Exit code 1 when a post due today is not ready or an approved post is overdue, so a
    morning cron job can say so.
    """
    from zoneinfo import ZoneInfo

    from ..clock import now as clock_now
    from ..plan.index import load_plan
    from ..plan.today import build
    from .calendar import _warn
    from .common import print_json, workspace_root

    ws = load_plan(workspace_root(ctx), clients or [], use_cache=not no_cache)
    zone = ZoneInfo(ws.config.timezone)
    moment = clock_now()
    # another day changes what is due and the routine; what is overdue, published or
    # missing is always as of now
    chosen = day.date() if day else moment.astimezone(zone).date()
    _warn(ws)
    report = build(ws, ws.clients, chosen, moment)
    if as_json:
        print_json(report.to_dict())
    else:
        from .common import out

        console = out()
        from .plantext import show

        show(console, render(console, report, ws.config.timezone))
    blocking = any(
        item.level == "alert"
        for section in report.sections
        if section.key in TIMED
        for item in section.items
    )
    raise typer.Exit(1 if blocking else 0)


def render(console: Console, report: TodayReport, zone: str) -> Text:
    from rich.text import Text

    from .plantext import fit

    parts: list[Text] = [
        fit(console, Text.assemble(("Today", "bold"), f" · {report.day:%A %d %B %Y} · {zone}"))
    ]
    for section in report.sections:
        parts.append(Text(""))
        parts.append(_section(console, section, zone))
    return Text("\n").join(parts)


def _section(console: Console, section: Section, zone: str) -> Text:
    from rich.text import Text

    from .plantext import fit, grid

    alerts = sum(item.level in ("alert", "warn") for item in section.items)
    title = Text(section.title, "bold")
    if section.items and section.key != "routine":
        title.append(f" ({len(section.items)})")
        if alerts:
            title.append(f" — {alerts} to look at", "yellow")
    title = fit(console, title)
    if not section.items:
        return Text.assemble(title, "\n", (f"  {section.empty}", "dim"))
    timed = section.key in TIMED
    with_client = any(item.client for item in section.items)
    rows: list[list[str | Text]] = []
    for item in section.items:
        mark, style = MARKS[item.level]
        row: list[str | Text] = [Text(mark, style)]
        if timed:
            row.append(_when(item, section.key, zone))
        if with_client:
            row.append(item.client or "")
        row.append(_what(item))
        rows.append(row)
    widths = [1]
    if timed:
        widths.append(max(len(str(r[1])) for r in rows))
    if with_client:
        widths.append(min(22, max(len(str(r[-2])) for r in rows)))
    widths.append(max(20, console.width - sum(widths) - 2 * len(widths)))
    return Text.assemble(title, "\n", grid(console, rows, widths))


def _when(item: Item, key: str, zone: str) -> str:
    if item.at is None:
        return ""
    local = item.at
    shown = f"{local:%H:%M}" if key == "due" else f"{local:%a %d %b %H:%M}"
    # a client in another time zone: say which clock the time is on
    tz = getattr(local.tzinfo, "key", None)
    return shown + (f" {local:%Z}" if tz and tz != zone else "")


def _what(item: Item) -> Text:
    from rich.text import Text

    text = Text(item.text, no_wrap=False)
    if item.level == "done":
        text.append(" — published", "green")
    elif item.checks:
        failing = [c for c in item.checks if not c.ok]
        if not failing:
            text.append(" — ready", "green")
        for check in failing:
            text.append(f"\n{check.name}: {check.detail}", "red")
        for check in item.checks:
            if check.ok and check.detail:
                text.append(f"\n{check.name}: {check.detail}", "dim")
    return text


def register(app: typer.Typer) -> None:
    app.command()(today)

"""`cmkit report CLIENT… --month YYYY-MM | --week YYYY-Www`: the report a client reads."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from ..models import WorkspaceConfig
    from ..reports.period import Period
    from ..workspace import ClientSpace


class ReportFormat(StrEnum):
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    JSON = "json"


class Language(StrEnum):
    FR = "fr"
    EN = "en"


def report(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(help="Clients to report on (default: every client).", show_default=False),
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            help="Month to report on, YYYY-MM (default: the last complete month).",
            show_default=False,
        ),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            help="ISO week for the small weekly report, YYYY-Www (e.g. 2026-W47).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="md (with PNG charts beside it), html (one self-contained "
            "file), pdf (printed by headless Chromium) or json (the report model).",
        ),
    ] = ReportFormat.HTML,
    lang: Annotated[
        Language | None,
        typer.Option(
            help="Language (default: the client's report_language, else its locale's).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write, for one client (default: "
            "clients/CLIENT/reports/PERIOD.EXT; '-' prints html or json to stdout).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Render a client's monthly (or weekly) report: objectives and their pace, followers,
    impressions and engagement per network, best and weakest posts, what works (format,
    theme, day, hour, hashtag), planned vs published, paid campaigns, and recommendations
    for next month, each with the figure behind it.

    Figures come from data/metrics-*.jsonl (`cmkit metrics pull` or `import`), the ledger,
    the posts, strategy.yaml and campaigns/. Prints the path of each file written.
    """
    from ..clock import now
    from ..diagnostics import CmkitError
    from ..reports.period import last_complete, parse_month, parse_week
    from .common import open_workspace

    if month and week:
        raise CmkitError("--month and --week cannot be used together", "choose one")
    if output is not None and len(clients or []) != 1:
        raise CmkitError(
            "-o names one file: give exactly one client",
            "leave -o out to write each report under clients/CLIENT/reports/",
        )
    ws = open_workspace(ctx, clients)
    moment = now()
    for space in ws.select(clients or []):
        today = moment.astimezone(space.tz).date()
        period: Period
        if week:
            period = parse_week(week)
        elif month:
            period = parse_month(month)
        else:
            period = last_complete("month", today)
        if period.start > today:
            raise CmkitError(
                f"{period.label} has not started yet",
                "pick a period that has begun (a report on the current month "
                "shows the figures so far)",
            )
        _one(space, period, ws.config, moment, fmt, lang, output)


def _one(
    space: ClientSpace,
    period: Period,
    config: WorkspaceConfig,
    moment: datetime,
    fmt: ReportFormat,
    lang: Language | None,
    output: Path | None,
) -> None:
    import sys

    from ..diagnostics import CmkitError
    from ..reports.build import build_report
    from ..reports.render import default_path, write
    from .common import note

    model = build_report(
        space, period, now=moment, config=config, language=lang.value if lang else None
    )
    for warning in model.warnings:
        note(f"warning: {warning}")
    for n in model.networks:
        if n.posts and not n.posts_measured:
            note(
                f"note: no metrics for {space.slug}'s {n.network} posts in {period.label}: "
                f"run `cmkit metrics pull {space.slug}` or import the platform's export"
            )
    if output is not None and str(output) == "-":
        if fmt not in (ReportFormat.HTML, ReportFormat.JSON):
            raise CmkitError(
                "only html and json can be printed to stdout",
                "pass a file name to -o for md or pdf",
            )
        if fmt is ReportFormat.JSON:
            from .common import print_json

            print_json(model.to_dict())
        else:
            from ..reports.render import render_html

            sys.stdout.write(render_html(model))
        return
    target = output or default_path(model, space.root, fmt.value)
    written = write(model, fmt.value, target)
    print(written[0])
    if len(written) > 1:
        note(f"{len(written) - 1} chart(s) in {written[1].parent}")


def register(app: typer.Typer) -> None:
    app.command()(report)

"""`cmkit metrics pull | import`: metrics from the networks or from their own exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..metrics.imports import ImportReport
    from ..metrics.pull import Outcome

metrics_app = typer.Typer(
    name="metrics",
    no_args_is_help=True,
    add_completion=False,
    help="Metrics from the networks (pull) or from the platforms' own exports (import).",
)


def _day(value: str | None, what: str = "--day") -> date | None:
    from ..diagnostics import CmkitError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CmkitError(f"{what} {value!r} is not a date", "write it as YYYY-MM-DD") from None


@metrics_app.command("pull")
def pull(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None, typer.Argument(help="Clients to pull (default: all).", show_default=False)
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            help="Day the snapshot is for (default: today in each client's time zone).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Pull again a network already pulled that day.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per network.")] = False,
) -> None:
    """Pull today's account and post metrics from each configured network.

    Stores followers (and impressions, reach, profile visits where the network exposes
    them) and the counters of every post the ledger records as published in the last
    40 days, in the client's data/metrics-*.jsonl. Running it twice the same day adds
    nothing. Exit code 4 when a network failed (the others are still stored).
    """
    from ..clock import now
    from ..connectors import get_connector
    from ..metrics.pull import pull_client
    from ..secrets import Secrets
    from .common import note, open_workspace, print_json

    ws = open_workspace(ctx, clients)
    secrets = Secrets(ws.root)
    wanted = _day(day)
    outcomes: list[Outcome] = []
    for space in ws.select(clients or []):

        def open_connector(network: object, account: object, slug: str = space.slug) -> object:
            lookup = secrets.lookup_for(slug, str(network), account)  # type: ignore[arg-type]
            return get_connector(str(network), account, lookup)  # type: ignore[arg-type]

        the_day = wanted or now().astimezone(space.tz).date()
        outcomes += pull_client(
            space,
            the_day,
            open_connector,  # type: ignore[arg-type]
            force=force,
        )
    for warning in secrets.warnings:
        note(f"warning: {warning}")
    if as_json:
        print_json([o.to_dict() for o in outcomes])
    else:
        _print_outcomes(outcomes)
    failed = [o for o in outcomes if o.status in ("failed", "partial")]
    raise typer.Exit(4 if failed else 0)


def _print_outcomes(outcomes: list[Outcome]) -> None:
    from .common import note

    if not outcomes:
        note("no accounts configured: add them under `accounts:` in client.yaml")
        return
    width = max(len(o.client) for o in outcomes)
    for o in outcomes:
        print(f"{o.client:<{width}}  {o.network!s:<9}  {o.status:<11}  {o.message}")
        for extra in o.notes:
            print(f"{'':<{width}}  {'':<9}  {'':<11}  note: {extra}")
    stored = sum(o.accounts + o.posts for o in outcomes)
    note(f"{stored} line(s) stored")


@metrics_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The export file (CSV or .xlsx).", show_default=False)
    ],
    network: Annotated[
        str,
        typer.Option(
            "--network", "-n", help="facebook, instagram, linkedin or x.", show_default=False
        ),
    ],
    client: Annotated[
        str | None,
        typer.Option(
            help="Client it belongs to (default: the only client, or the account named in "
            "the file).",
            show_default=False,
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(help="Day the figures were exported (default: today).", show_default=False),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be stored; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The import report as JSON.")] = False,
) -> None:
    """Import a platform's own export: Meta Business Suite (post export, page/account
    exports), LinkedIn page analytics (content, followers, visitors) or X analytics
    (posts, account overview).

    Column headers may be in English or French and numbers in either style ("1,234.5" or
    "1 234,5"). Columns cmkit does not know are listed, never guessed. Post rows are
    matched to the ledger's posts by id, permalink or publication time.
    """
    from ..clock import now
    from ..diagnostics import CmkitError
    from ..metrics.imports import client_for, import_export
    from ..networks import parse_network
    from .common import open_workspace, print_json

    net = parse_network(network)
    if net is None:
        raise CmkitError(f"unknown network '{network}'", "use facebook, instagram, linkedin or x")
    if not file.is_file():
        raise CmkitError(f"no file {file}", "pass the path of the downloaded export")
    ws = open_workspace(ctx, [client] if client else [])
    space = client_for(ws, file, net, client)
    the_day = _day(day) or now().astimezone(space.tz).date()
    report = import_export(file, net, space, day=the_day, dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_import(report)


def _print_import(report: ImportReport) -> None:
    from .common import note

    note(f"{report.file} → {report.client} / {report.network}")
    for sheet in report.sheets:
        what = f" ({sheet.metric})" if sheet.metric else ""
        note(f"  {sheet.label}{what}: {sheet.rows} row(s) in '{sheet.sheet}'")
        if sheet.ignored:
            _wrapped("  ignored, known but not stored: ", ", ".join(sheet.ignored))
        if sheet.unknown:
            _wrapped(
                "  unknown, not stored (cmkit does not guess): ",
                ", ".join(repr(u) for u in sheet.unknown),
            )
    for name in report.skipped_sheets:
        note(f"  sheet '{name}' skipped: not metrics cmkit stores")
    if report.matched or report.outside:
        note(
            f"  posts: {report.matched} matched to the ledger, {report.outside} published "
            "outside cmkit (counted in the network's totals only)"
        )
    for problem in report.problems:
        note(f"  problem: {problem}")
    if report.dry_run:
        _print_lines(report)
        note(f"dry run: {len(report.snapshots)} line(s) would be stored; nothing written")
    else:
        unchanged = len(report.snapshots) - report.written
        note(
            f"stored {report.written} line(s)"
            + (f"; {unchanged} already stored unchanged" if unchanged else "")
        )


def _wrapped(head: str, text: str) -> None:
    import textwrap

    from .common import note

    note(textwrap.fill(text, width=80, initial_indent=head, subsequent_indent="    "))


def _print_lines(report: ImportReport) -> None:
    from ..metrics.store import AccountSnapshot

    for s in report.snapshots:
        if isinstance(s, AccountSnapshot):
            figures = [
                f"{name}={getattr(s, name)}"
                for name in ("followers", "new_followers", "impressions", "reach", "profile_visits")
                if getattr(s, name) is not None
            ]
            print(f"{s.day}  {s.network}  account  {' '.join(figures)}")
        else:
            who = s.post or f"(outside cmkit) {s.remote_id}"
            figures = [
                f"{name}={getattr(s, name)}"
                for name in (
                    "impressions",
                    "views",
                    "reach",
                    "likes",
                    "comments",
                    "shares",
                    "saves",
                    "clicks",
                )
                if getattr(s, name) is not None
            ]
            print(f"{s.day}  {s.network}  {who}  {' '.join(figures)}")


def register(app: typer.Typer) -> None:
    app.add_typer(metrics_app)

"""`cmkit publish`: publish what is due, safely under cron."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from ..networks import Network
    from ..publish import Report, Result
    from ..workspace import Workspace

STATUS_WORDS = {
    "published": "published",
    "recovered": "recovered",
    "already": "already out",
    "would-publish": "would publish",
    "failed": "FAILED",
    "unknown": "UNKNOWN",
    "skipped": "missed",
    "blocked": "blocked",
}


def publish(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(
            help="Clients to publish for (default: all).", show_default=False, metavar="CLIENT..."
        ),
    ] = None,
    due: Annotated[
        bool,
        typer.Option(
            "--due", help="Publish every approved post whose time has come (what cron runs)."
        ),
    ] = False,
    post: Annotated[
        list[str] | None,
        typer.Option(
            "--post",
            help="Publish this post now, whatever its time (repeatable).",
            show_default=False,
            metavar="ID",
        ),
    ] = None,
    network: Annotated[
        list[str] | None,
        typer.Option(
            "--network",
            "-n",
            help="Only this network (repeatable).",
            show_default=False,
            metavar="NETWORK",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; write and send nothing.")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Decide what is due as if it were "
            "TIME (ISO 8601; without an offset, the workspace's time zone).",
            show_default=False,
            metavar="TIME",
        ),
    ] = None,
    outbox: Annotated[
        Path | None,
        typer.Option(
            "--outbox",
            help="Send every network to files "
            "in DIR instead (a rehearsal with its own ledger in DIR).",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            min=1,
            max=32,
            help="Sends at once per network (default: cmkit.yaml, else 10).",
            show_default=False,
            metavar="N",
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="Seconds to wait for another run to finish before giving up.",
        ),
    ] = 10.0,
    mark_done: Annotated[
        bool,
        typer.Option(
            "--mark-done",
            help="Record that --post went out on --network (after an UNKNOWN outcome).",
        ),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="With --mark-done: its address.", show_default=False, metavar="URL"
        ),
    ] = None,
    resend: Annotated[
        bool,
        typer.Option(
            "--resend", help="Record that --post did NOT go out on --network, then send it."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only what did not go out, and warnings (for cron)."
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Publish what is due, exactly once, and record it in each client's data/ledger.jsonl.

    Only approved posts that `cmkit check` finds clean are sent. A post more than
    publish.grace_minutes (cmkit.yaml) late is reported as missed, not sent late.
    A second run started meanwhile waits --wait seconds, then exits 0 doing nothing.

    Exit code: 0 when everything due went out (or nothing was due); 4 when some
    post failed, was blocked, missed or needs a human (UNKNOWN); 2 on usage errors.
    """
    from ..diagnostics import CmkitError
    from ..networks import Network, parse_network
    from ..publish import Options, run
    from .common import open_workspace

    if not due and not post:
        raise CmkitError("say what to publish", "use --due (what cron runs) or --post ID")
    networks: list[Network] = []
    for name in network or []:
        parsed = parse_network(name)
        if parsed is None:
            raise CmkitError(
                f"unknown network '{name}'", f"networks: {', '.join(n.value for n in Network)}"
            )
        networks.append(parsed)
    ws = open_workspace(ctx, clients)
    _log_to_file()
    if mark_done or resend:
        _resolve(ws, clients or [], post or [], networks, mark_done, resend, url, outbox, wait)
        if mark_done:
            raise typer.Exit(0)
    options = Options(
        due=due,
        post_ids=tuple(post or ()),
        networks=tuple(networks),
        now=_parse_now(now, ws) if now else None,
        dry_run=dry_run,
        outbox=outbox,
        concurrency=concurrency,
        lock_wait=wait,
    )
    report = run(ws, clients or [], options)
    if json_out:
        from .common import print_json

        print_json(report.to_json())
    else:
        _print(report, ws.config.timezone, quiet)
    raise typer.Exit(0 if report.busy else report.exit_code)


def _parse_now(value: str, ws: Workspace) -> datetime:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ..diagnostics import CmkitError

    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CmkitError(
            f"--now {value!r} is not a date and time",
            "use ISO 8601, e.g. 2026-12-01T09:30 or 2026-12-01T09:30+01:00",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(ws.config.timezone))


def _resolve(
    ws: Workspace,
    clients: list[str],
    posts: list[str],
    networks: list[Network],
    mark_done: bool,
    resend: bool,
    url: str | None,
    outbox: Path | None,
    wait: float,
) -> None:
    from ..diagnostics import CmkitError
    from ..publish import find_post, resolve
    from .common import note

    if mark_done and resend:
        raise CmkitError("--mark-done and --resend contradict each other", "choose one")
    if len(posts) != 1 or len(networks) != 1:
        raise CmkitError(
            "--mark-done and --resend need one --post and one --network",
            "e.g. cmkit publish CLIENT --post ID --network mastodon --mark-done",
        )
    space = find_post(ws, clients, posts[0])
    network = networks[0]
    result = resolve(
        ws,
        space.slug,
        posts[0],
        network,
        "done" if mark_done else "resend",
        url=url,
        outbox=outbox,
        lock_wait=wait,
    )
    note(f"{space.slug}/{posts[0]} on {network}: {result.message}")


def _log_to_file() -> None:
    """Unexpected connector errors go, redacted, to the log that crash reports use."""
    import logging

    from ..redaction import redact
    from .app import log_path

    class Redacting(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact(super().format(record))

    logger = logging.getLogger("cmkit")
    if not any(isinstance(h, logging.FileHandler) for h in logger.handlers):
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(Redacting("--- %(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _print(report: Report, timezone: str, quiet: bool = False) -> None:
    from rich import box
    from rich.table import Table

    from ..publish import FAILING
    from .common import err, note, out

    for warning in report.warnings:
        note(f"warning: {warning}")
    if report.busy:
        if not quiet:
            note(report.busy)
        return
    if report.dry_run:
        _print_deliveries(report)
    if quiet:
        # cron mails any output: a run where everything went out prints nothing at all
        report.results = [r for r in report.results if r.status in FAILING]
        if not report.results:
            return
    if not report.results:
        from zoneinfo import ZoneInfo

        local = report.now.astimezone(ZoneInfo(timezone))
        note(f"nothing due at {local:%Y-%m-%d %H:%M} ({timezone})")
        return
    by_client: dict[str, list[Result]] = {}
    for result in report.results:
        by_client.setdefault(result.client, []).append(result)
    for client, results in by_client.items():
        table = Table(
            title=client, title_justify="left", box=box.SIMPLE, show_edge=False, pad_edge=False
        )
        table.add_column("Post", no_wrap=True)
        table.add_column("Network", no_wrap=True)
        table.add_column("Result", no_wrap=True)
        table.add_column("Details", overflow="fold")
        for r in results:
            details = "" if report.outbox and r.status == "published" else _details(r)
            table.add_row(r.post, r.network, STATUS_WORDS.get(r.status, r.status), details)
        out().print(table)
    counts = report.counts()
    summary = ", ".join(f"{n} {STATUS_WORDS.get(s, s)}" for s, n in sorted(counts.items()))
    where = f" — files in {report.outbox}/CLIENT/" if report.outbox else ""
    err().print(f"{summary}{where}", markup=False, highlight=False, soft_wrap=True)


def _details(r: Result) -> str:
    if r.status in ("published", "recovered", "already"):
        where = r.url or r.remote_id or ""
        return f"{where} — {r.message}" if where and r.message else where or r.message
    if r.hint and r.status in ("failed", "unknown", "blocked"):
        return f"{r.message}\n→ {r.hint}"
    return r.message


def _print_deliveries(report: Report) -> None:
    from .common import out

    console = out()
    for r in report.results:
        if r.record is None:
            continue
        record = r.record
        console.rule(f"{r.client}/{r.post} → {r.network}", style="none", align="left")
        when = record["at"][:16].replace("T", " ") if record["at"] else "now"
        console.print(
            f"account {record['account'] or '-'} · {when} · {record['lang'] or '-'}",
            markup=False,
            highlight=False,
        )
        console.print(record["text"], markup=False, highlight=False, soft_wrap=True)
        for part in record["thread"]:
            console.print(f"  ↳ {part}", markup=False, highlight=False, soft_wrap=True)
        for media in record["media"]:
            alt = f" — alt: {media['alt']}" if media["alt"] else " — no alt text"
            console.print(
                f"  [media] {media['path']}{alt}", markup=False, highlight=False, soft_wrap=True
            )
        if record["link"]:
            console.print(
                f"  [link] {record['link']}", markup=False, highlight=False, soft_wrap=True
            )
        console.print("")


def register(app: typer.Typer) -> None:
    app.command()(publish)

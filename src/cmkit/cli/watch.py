"""`cmkit watch`: fetch feeds, keyword searches and competitor counts; print a digest."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

if TYPE_CHECKING:
    from ..watch.run import ClientRun


class DigestFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


def parse_since(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A date (midnight, local time) or a duration back from now: 7d, 24h, 2w."""
    from ..diagnostics import CmkitError

    text = value.strip().lower()
    m = re.fullmatch(r"(\d+)\s*([hdw])", text)
    if m:
        unit = {"h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return now - timedelta(**{unit: int(m.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CmkitError(
            f"--since {value!r} is not a date or a duration",
            "write a date (2026-11-18) or a duration back from now (24h, 7d, 2w)",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def watch(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(
            help="Clients to watch (default: all with a watch.yaml).", show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Show what was found since this date or duration (2026-11-18, 24h, 7d) "
            "instead of only what this run finds.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        DigestFormat,
        typer.Option("--format", "-f", help="text, md (Markdown, e.g. to mail), or json."),
    ] = DigestFormat.TEXT,
    no_fetch: Annotated[
        bool,
        typer.Option(
            "--no-fetch",
            help="Fetch nothing; show what is stored (the last 7 days unless --since).",
        ),
    ] = False,
    jobs: Annotated[int, typer.Option(min=1, max=64, help="Feeds fetched at the same time.")] = 24,
) -> None:
    """Fetch the watch list's feeds, keyword searches and competitor counts; print a digest.

    Reads each client's watch.yaml: RSS/Atom feeds (Google Alerts, competitors' blogs,
    industry news), keyword searches on Mastodon and Bluesky, competitors' accounts.
    New items are stored in data/watch.jsonl (each story once, whatever the feed or the
    tracking tags); the digest groups them by topic, brand mentions (★) and competitors
    (◆) first. A feed that is down, slow, too large or not a feed is reported in one line
    on stderr and the others still run. Exit code 1 only when every source failed.
    """
    from ..clock import now as clock_now
    from ..watch import digest as digest_mod
    from ..watch import store
    from ..watch.feeds import Limits
    from .common import connector_factory, note, open_workspace, print_json

    ws = open_workspace(ctx, clients)
    spaces = [s for s in ws.select(clients or []) if s.watch is not None]
    if clients and len(spaces) < len(clients):
        missing = sorted(set(clients) - {s.slug for s in spaces})
        note(f"no watch.yaml for {', '.join(missing)}: nothing to watch there")
    now = clock_now()
    tz = ZoneInfo(ws.config.timezone)
    start = (
        parse_since(since, now, tz) if since else (now - timedelta(days=7) if no_fetch else None)
    )
    runs: list[ClientRun] = []
    if not no_fetch and spaces:
        from ..connectors.http import default_timeout
        from ..watch.run import run

        timeout = min(default_timeout(), Limits.timeout)
        limits = Limits(timeout=timeout, deadline=2 * timeout, jobs=jobs)
        runs = run(ws.root, spaces, now, connector_factory(ws.root), limits)
        _report(runs)
    found = {r.slug: r.new for r in runs}
    today = now.astimezone(tz).date()
    digests = []
    for space in spaces:
        data = store.read(space.data_dir)
        items = (
            digest_mod.select(data.items, start) if start is not None else found.get(space.slug, [])
        )
        digests.append(digest_mod.build(space, items, data.counts, today))
    title = f"since {start.astimezone(tz):%d %b %Y %H:%M}" if start else "new"
    if fmt is DigestFormat.JSON:
        outcomes = {r.slug: [o.to_dict() for o in r.outcomes] for r in runs}
        print_json(
            {
                "title": title,
                "since": start.isoformat() if start else None,
                "clients": [d.to_dict() | {"sources": outcomes.get(d.slug, [])} for d in digests],
            }
        )
    elif fmt is DigestFormat.MD:
        print(digest_mod.render_markdown(digests, title), end="")
    else:
        print(digest_mod.render_text(digests, title), end="")
    sources = [o for r in runs for o in r.outcomes if o.status != "skipped"]
    if sources and all(o.status == "failed" for o in sources):
        raise typer.Exit(1)


def _report(runs: list[ClientRun]) -> None:
    """One line per source that failed, was skipped or was read despite a defect; then a
    summary line. All on stderr: stdout is the digest."""
    from .common import note

    for run in runs:
        prefix = f"{run.slug}: " if len(runs) > 1 else ""
        for problem in run.problems:
            note(f"{prefix}data/{problem}")
        for o in run.outcomes:
            hint = f" (fix: {o.hint})" if o.hint else ""
            if o.status == "failed":
                note(f"{prefix}{o.name}: {o.message}{hint}")
            elif o.status == "skipped":
                note(f"{prefix}{o.name}: skipped — {o.message}")
            for extra in o.notes:
                note(f"{prefix}{o.name}: note: {extra}")
    outcomes = [o for r in runs for o in r.outcomes]
    feeds = [o for o in outcomes if o.kind == "feed"]
    searches = [o for o in outcomes if o.kind == "search" and o.status != "skipped"]
    failed = sum(o.status == "failed" for o in outcomes)
    unchanged = sum(o.status == "unchanged" for o in feeds)
    new = sum(len(r.new) for r in runs)
    parts = [f"{len(feeds)} feed(s)"]
    if unchanged:
        parts.append(f"{unchanged} unchanged")
    if searches:
        parts.append(f"{len(searches)} search(es)")
    counted = sum(len(r.counts) for r in runs)
    if counted:
        parts.append(f"{counted} competitor count(s)")
    parts.append(f"{failed} failed" if failed else "none failed")
    note(f"{', '.join(parts)}; {new} new item(s)")


def register(app: typer.Typer) -> None:
    app.command()(watch)

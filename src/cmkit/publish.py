"""The publishing engine: due posts → ledger intent → connector → ledger outcome.

Safe under cron: one run at a time per workspace (`lock.workspace_lock`), the
ledger read only once the lock is held, an `intent` line fsync'd before anything
is sent, and a send whose outcome is unknown (a crash, a timeout after the
request left) looked up on the network before anything is sent again — when the
connector cannot look it up, nothing is resent and a human is asked.

`run(ws, options)` returns a `Report` (one `Result` per (post, network)); the CLI
prints it. See docs/publish.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import ledger
from .clock import now as clock_now
from .diagnostics import CmkitError
from .models import Status
from .networks import Network
from .publish_jobs import Runner
from .publish_types import Job, Result
from .render import edited_after_publish
from .workspace import ClientSpace, Post, Workspace

__all__ = [
    "Options",
    "Report",
    "Result",
    "edited_after_publish",
    "find_post",
    "plan",
    "resolve",
    "run",
]

FAILING = frozenset({"failed", "unknown", "skipped", "blocked"})


@dataclass(frozen=True)
class Options:
    due: bool = True
    post_ids: tuple[str, ...] = ()
    networks: tuple[Network, ...] = ()
    now: datetime | None = None  # the moment that decides what is due (default: clock)
    dry_run: bool = False
    outbox: Path | None = None  # send every network to this folder instead
    concurrency: int | None = None  # sends at once per network (default: cmkit.yaml)
    lock_wait: float = 10.0


@dataclass
class Report:
    now: datetime
    results: list[Result] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    busy: str | None = None  # another run held the lock: nothing was done
    dry_run: bool = False
    outbox: Path | None = None

    @property
    def exit_code(self) -> int:
        return 4 if any(r.status in FAILING for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for result in self.results:
            out[result.status] = out.get(result.status, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "outbox": str(self.outbox) if self.outbox else None,
            "busy": self.busy,
            "counts": self.counts(),
            "results": [r.to_json() for r in self.results],
            "warnings": self.warnings,
            "exit_code": 0 if self.busy else self.exit_code,
        }


def _data_dir(space: ClientSpace, outbox: Path | None) -> Path:
    return outbox / space.slug if outbox is not None else space.data_dir


def _find_posts(spaces: list[ClientSpace], post_ids: Iterable[str]) -> dict[str, ClientSpace]:
    """Post id → the client holding it; an explicit id must name exactly one post."""
    found: dict[str, ClientSpace] = {}
    for post_id in post_ids:
        owners = [s for s in spaces if s.post(post_id) is not None]
        if not owners:
            raise CmkitError(
                f"no post '{post_id}' in {', '.join(s.slug for s in spaces) or 'this workspace'}",
                "the id is the file name without .md (or the post's `id:`)",
            )
        if len(owners) > 1:
            raise CmkitError(
                f"post '{post_id}' exists in {', '.join(s.slug for s in owners)}",
                "name the client: cmkit publish CLIENT --post ID",
            )
        found[post_id] = owners[0]
    return found


def find_post(ws: Workspace, clients: Iterable[str], post_id: str) -> ClientSpace:
    """The client holding `post_id` (among those named, or all)."""
    return _find_posts(ws.select(clients), [post_id])[post_id]


def plan(
    ws: Workspace,
    spaces: list[ClientSpace],
    options: Options,
    now: datetime,
    warnings: list[str] | None = None,
) -> list[Job]:
    """The (post, network) pairs to consider, in time order. A pair already published, or
    already reported as missed, is left out unless named with --post."""
    explicit = _find_posts(spaces, options.post_ids)
    grace = timedelta(minutes=ws.config.publish.grace_minutes)
    jobs: list[Job] = []
    for space in spaces:
        data_dir = _data_dir(space, options.outbox)
        entries, bad = ledger.scan(data_dir)
        for line in bad:
            where = ws.rel(ledger.ledger_path(data_dir))
            (warnings if warnings is not None else []).append(f"{where}: {line.message}; skipped")
        tracks = ledger.tracks(entries)
        # a rehearsal leaves out what a real run would: what really went out already
        really_done = ledger.published(space.data_dir) if options.outbox is not None else {}
        for post in space.posts:
            is_explicit = explicit.get(post.id) is space
            if not is_explicit and not (options.due and _is_due(post, now)):
                continue
            for network in post.meta.networks:
                if options.networks and network not in options.networks:
                    continue
                track = tracks.get((post.id, str(network))) or ledger.Track(post.id, str(network))
                late = now - post.at if post.at is not None and not is_explicit else None
                missed = late if late is not None and late > grace else None
                done = track.done is not None or (post.id, str(network)) in really_done
                if not is_explicit and (done or (missed and _skipped(track))):
                    continue
                jobs.append(Job(space, post, network, track, is_explicit, missed, grace))
    jobs.sort(key=lambda j: (j.post.at or now, j.space.slug, j.post.id, str(j.network)))
    return jobs


def _is_due(post: Post, now: datetime) -> bool:
    # a date without a time of day is not a publishing time (`cmkit check`: post/no-time)
    timed = isinstance(post.meta.at, datetime)
    return post.meta.status is Status.APPROVED and timed and post.at is not None and post.at <= now


def _skipped(track: ledger.Track) -> bool:
    return any(e.event == "skipped" for e in track.entries)


def run(ws: Workspace, clients: Iterable[str] = (), options: Options | None = None) -> Report:
    """Publish what is due (or the posts named) for the selected clients."""
    from .lock import Busy, workspace_lock

    options = options or Options()
    now = options.now or clock_now()
    spaces = ws.select(clients)
    report = Report(now, dry_run=options.dry_run, outbox=options.outbox)
    if not options.due and not options.post_ids:
        raise CmkitError("say what to publish", "use --due, or --post ID")
    if options.dry_run:
        _run_locked(ws, spaces, options, now, report)
        return report
    try:
        with workspace_lock(ws.root, options.lock_wait):
            _run_locked(ws, spaces, options, now, report)
    except Busy as exc:
        report.busy = f"{exc}; nothing done, the next run will pick up what is due"
    return report


def _run_locked(
    ws: Workspace, spaces: list[ClientSpace], options: Options, now: datetime, report: Report
) -> None:
    jobs = plan(ws, spaces, options, now, report.warnings)
    if not jobs:
        return
    runner = Runner(ws, options.outbox, options.dry_run)
    try:
        runner.lint([j.space.slug for j in jobs])
        concurrency = options.concurrency or ws.config.publish.concurrency
        report.results = _execute(runner, jobs, concurrency)
    finally:
        runner.close()
        report.warnings += runner.warnings()


def _execute(runner: Runner, jobs: list[Job], concurrency: int) -> list[Result]:
    """Each network gets its own pool of `concurrency` threads: one slow or failing
    network never holds the others back."""
    pools: dict[Network, ThreadPoolExecutor] = {}
    futures: list[Future[Result]] = []
    try:
        for job in jobs:
            pool = pools.get(job.network)
            if pool is None:
                pool = pools[job.network] = ThreadPoolExecutor(
                    max(1, concurrency), thread_name_prefix=f"publish-{job.network}"
                )
            futures.append(pool.submit(runner.run_job, job))
        return [f.result() for f in futures]
    finally:
        for pool in pools.values():
            pool.shutdown(wait=True)


def resolve(
    ws: Workspace,
    client: str,
    post_id: str,
    network: Network,
    action: str,
    url: str | None = None,
    outbox: Path | None = None,
    lock_wait: float = 10.0,
) -> Result:
    """A human's answer for a send whose outcome cmkit could not know: it went out
    (`action="done"`, with its URL if known) or it did not (`"resend"`: the next
    publish sends it)."""
    from .lock import Busy, workspace_lock
    from .render import content_hash

    space = ws.select([client])[0]
    post = space.post(post_id)
    if post is None:
        raise CmkitError(f"no post '{post_id}' in {client}", "check the id (file name without .md)")
    if network not in post.meta.networks:
        raise CmkitError(
            f"post '{post_id}' is not planned on {network}",
            f"its networks: {', '.join(post.meta.networks) or 'none'}",
        )
    data_dir = _data_dir(space, outbox)
    track = ledger.tracks(ledger.read(data_dir)).get((post_id, str(network)))
    digest = content_hash(space, post, network)
    key = ledger.idempotency_key(space.slug, post_id, str(network), digest)
    pending = track.unresolved() if track else []
    if pending:
        key, digest = pending[0].key, pending[0].hash  # answer for the send in doubt
    try:
        with workspace_lock(ws.root, lock_wait), ledger.Writer(data_dir) as writer:
            if action == "done":
                writer.append(
                    "done",
                    post_id,
                    str(network),
                    key,
                    digest,
                    remote_id=url or "",
                    url=url,
                    extra={"by": "hand"},
                )
                return Result(
                    client,
                    post_id,
                    str(network),
                    "published",
                    "marked as published",
                    url=url,
                    key=key,
                )
            writer.append(
                "failed",
                post_id,
                str(network),
                key,
                digest,
                error="marked by hand as not published",
                retryable=True,
            )
            return Result(
                client,
                post_id,
                str(network),
                "failed",
                "marked as not published: the next run sends it",
                key=key,
            )
    except Busy as exc:
        raise CmkitError(str(exc), "wait for it to finish, then run this again") from None

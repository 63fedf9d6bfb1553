"""One `cmkit watch` run: every client's feeds, searches and competitor counts, at once.

Network work for all clients happens first, concurrently and without any lock. Then, for
each client and under that client's watch lock, the store is read afresh, what is new is
kept (de-duplicated against everything stored, by every key), and appended. Two runs at the
same time therefore never store the same item twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import CmkitError
from ..lock import Busy, workspace_lock
from ..networks import Network
from . import counts, searches, store
from .dedupe import Seen, keys
from .feeds import FeedResult, FeedSource, Limits, Validators, fetch_all
from .sources import Outcome, feed_sources, keyword_searches
from .store import CountLine, FeedState, Item

if TYPE_CHECKING:
    from ..connectors.base import Connector
    from ..models import Account
    from ..workspace import ClientSpace

# (client slug, network, account) → a ready connector
Connectors = Callable[[str, Network, "Account"], "Connector"]


@dataclass
class ClientRun:
    slug: str
    name: str
    new: list[Item] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    counts: list[CountLine] = field(default_factory=list)  # written in this run
    problems: list[str] = field(default_factory=list)  # unreadable lines in data/

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


@dataclass
class _Plan:
    space: ClientSpace
    feeds: list[FeedSource]
    validators: dict[str, Validators]
    search_jobs: list[searches.SearchJob]
    count_job: counts.CountJob | None
    skipped: list[Outcome]


def lock_name(slug: str) -> str:
    return f"watch-{slug}"


def run(
    root: Path,
    spaces: list[ClientSpace],
    now: datetime,
    connectors: Connectors,
    limits: Limits | None = None,
) -> list[ClientRun]:
    limits = limits or Limits()
    plans = [_plan(space, now, limits) for space in spaces if space.watch is not None]
    requests = [
        (source, plan.validators.get(source.url)) for plan in plans for source in plan.feeds
    ]
    since = now - searches.LOOKBACK
    tasks: list[Callable[[], None]] = []
    for plan in plans:
        slug = plan.space.slug
        for job in plan.search_jobs:

            def task(job: searches.SearchJob = job, slug: str = slug) -> None:
                job.run(lambda network, account: connectors(slug, network, account), since)

            tasks.append(task)
        if plan.count_job is not None:
            tasks.append(plan.count_job.run)
    results = iter(fetch_all(requests, limits, tasks))
    runs = []
    for plan in plans:
        fetched = [next(results) for _ in plan.feeds]
        runs.append(_keep(root, plan, fetched, now))
    return runs


def _plan(space: ClientSpace, now: datetime, limits: Limits) -> _Plan:
    assert space.watch is not None
    data = store.read(space.data_dir)
    accounts = space.client.accounts if space.client else {}
    jobs, skipped = searches.plan(space.slug, keyword_searches(space.watch), accounts)
    day = now.astimezone(space.tz).date()
    done = {(c.competitor, c.network) for c in data.counts if c.day == day}
    count_job, count_skipped = counts.plan(
        space.slug, space.watch.competitors, day, done, limits.timeout
    )
    # items are appended before the validators that go with them, so a run cut short
    # re-reads its feeds in full; a store whose last write was cut short gets the same
    # full re-read, so an item whose line was lost is found again, not hidden by a 304
    validators = {} if data.torn else {u: s.validators for u, s in data.feeds.items()}
    return _Plan(
        space,
        feed_sources(space.watch),
        validators,
        jobs,
        count_job,
        skipped + count_skipped,
    )


def _keep(root: Path, plan: _Plan, fetched: list[FeedResult], now: datetime) -> ClientRun:
    space = plan.space
    outcome = ClientRun(space.slug, space.name)
    try:
        with workspace_lock(root, wait=30, name=lock_name(space.slug)):
            data = store.read(space.data_dir)  # afresh: another run may have added lines
            outcome.problems = data.problems
            seen = Seen(data.known_keys())
            states: list[FeedState] = []
            for result in fetched:
                new = [item for item in _feed_items(result, now) if seen.claim(item.keys)]
                outcome.new += new
                outcome.outcomes.append(
                    _feed_outcome(
                        space.slug, result, len(new), data.feeds.get(result.source.url), now
                    )
                )
                state = _next_state(result, data.feeds.get(result.source.url), now)
                if state is not None:
                    states.append(state)
            for job in plan.search_jobs:
                for search, hit in job.hits:
                    item = searches.hit_item(search, hit, now)
                    if seen.claim(item.keys):
                        outcome.new.append(item)
                        for line in job.outcomes:
                            line.new += line.name == item.source
                outcome.outcomes += job.outcomes
            outcome.outcomes += plan.skipped
            if plan.count_job is not None:
                day = plan.count_job.day
                done = {(c.competitor, c.network) for c in data.counts if c.day == day}
                outcome.counts = [
                    c for c in plan.count_job.lines if (c.competitor, c.network) not in done
                ]
                outcome.outcomes += plan.count_job.outcomes
            store.append_items(space.data_dir, outcome.new)
            store.append_feed_states(space.data_dir, states, now)
            store.append_counts(space.data_dir, outcome.counts)
    except Busy as exc:
        raise CmkitError(f"{space.slug}: {exc}", "wait for it to finish, then run again") from None
    return outcome


def _feed_items(result: FeedResult, now: datetime) -> list[Item]:
    from .dedupe import clean_link, is_web

    source = result.source
    out = []
    for entry in result.entries:
        # only web links: a feed's javascript: or data: link must never reach a report
        link = clean_link(entry.link) if entry.link and is_web(entry.link) else None
        item_keys = keys(entry.link, entry.guid, source.url)
        if not item_keys:  # neither link nor guid: the title is all that identifies it
            item_keys = (f"title:{source.url}#{entry.title.casefold()}",)
        out.append(
            Item(
                seen=now,
                source=source.name,
                title=entry.title,
                keys=item_keys,
                kind="feed",
                topic=source.topic,
                link=link,
                published=entry.published,
                summary=entry.summary,
                author=entry.author,
                source_url=source.url,
                competitor=source.competitor,
            )
        )
    return out


def _feed_outcome(
    slug: str, result: FeedResult, new: int, previous: FeedState | None, now: datetime
) -> Outcome:
    message = result.message
    if result.failed and previous is not None and not previous.ok and previous.since:
        days = (now - previous.since).days
        if days >= 1:
            message += f" — failing for {days} day(s)"
    return Outcome(
        slug,
        "feed",
        result.source.name,
        result.status,
        new,
        message,
        result.hint,
        result.notes,
        result.source.url,
        result.seconds,
    )


def _next_state(result: FeedResult, previous: FeedState | None, now: datetime) -> FeedState | None:
    """The feed's new state line, or None when nothing worth a line changed."""
    url = result.source.url
    if result.status == "ok":
        validators = result.validators or Validators()
        if previous is not None and previous.ok and previous.validators == validators:
            return None
        since = previous.since if previous is not None and previous.ok else now
        return FeedState(url, validators, True, "", since)
    if result.status == "unchanged":
        if previous is None or previous.ok:
            return None
        return FeedState(url, previous.validators, True, "", now)
    if previous is not None and not previous.ok:
        return None  # still failing: the first failure's line says since when
    validators = previous.validators if previous is not None else Validators()
    return FeedState(url, validators, False, result.message, now)

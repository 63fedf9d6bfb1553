"""`metrics pull`: today's account and post metrics from each network's connector.

Idempotent per day: a network already pulled today is skipped (unless forced), so cron can
run it as often as it likes. Each network is stored as soon as it answers, so a failure or
a rate limit on one never loses another's figures. A connector that offers no metrics
(the outbox, or a network whose API exposes none) says so; nothing is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..connectors.base import (
    AccountMetrics,
    Connector,
    ConnectorError,
    NotSupported,
    PostMetrics,
)
from ..diagnostics import CmkitError
from ..models import Account
from ..networks import Network
from ..redaction import redact
from ..workspace import ClientSpace
from . import store
from .published import Published, published

# posts older than this are not pulled any more: their counters have settled, and a
# month's report reads them at most a week after the month ends
DEFAULT_WINDOW_DAYS = 40
# the APIs that take several ids per call accept 25–100; stay under the smallest
BATCH = 25

OpenConnector = Callable[[Network, Account], Connector]


@dataclass
class Outcome:
    """What happened for one network of one client."""

    client: str
    network: Network
    status: str  # stored | unchanged | already | unsupported | failed | partial
    message: str = ""
    accounts: int = 0  # account lines written
    posts: int = 0  # post lines written
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "network": str(self.network),
            "status": self.status,
            "message": self.message,
            "account_lines": self.accounts,
            "post_lines": self.posts,
            "notes": self.notes,
        }


def pull_client(
    space: ClientSpace,
    day: date,
    open_connector: OpenConnector,
    *,
    force: bool = False,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[Outcome]:
    """Pull every configured account of one client for `day`."""
    accounts = space.client.accounts if space.client else {}
    existing = store.read(space.data_dir)
    done_accounts = {s.network for s in existing.accounts if s.day == day and s.source == "pull"}
    done_posts = {
        (s.network, s.remote_id) for s in existing.posts if s.day == day and s.source == "pull"
    }
    since = day - timedelta(days=window_days)
    recent: dict[Network, list[Published]] = {}
    for (_, network), entry in sorted(published(space.data_dir).items()):
        if entry.at.date() >= since:
            recent.setdefault(network, []).append(entry)
    outcomes = []
    for network, account in accounts.items():
        posts = recent.get(network, [])
        todo = [p for p in posts if force or (network, p.remote_id) not in done_posts]
        if not force and network in done_accounts and not todo:
            outcomes.append(
                Outcome(space.slug, network, "already", f"already pulled for {day.isoformat()}")
            )
            continue
        outcomes.append(
            _pull_network(
                space,
                network,
                account,
                day,
                todo,
                open_connector,
                pull_account=force or network not in done_accounts,
            )
        )
    return outcomes


def _pull_network(
    space: ClientSpace,
    network: Network,
    account: Account,
    day: date,
    posts: list[Published],
    open_connector: OpenConnector,
    *,
    pull_account: bool,
) -> Outcome:
    outcome = Outcome(space.slug, network, "stored")
    try:
        connector = open_connector(network, account)
    except NotSupported as exc:
        return Outcome(space.slug, network, "unsupported", _one_line(exc))
    except CmkitError as exc:  # a connector error, or a missing token
        return Outcome(space.slug, network, "failed", _one_line(exc))
    snapshots: list[store.Snapshot] = []
    unsupported: list[str] = []
    try:
        if pull_account:
            try:
                snapshots.append(_account_snapshot(connector.account_metrics(day), day))
            except NotSupported as exc:
                unsupported.append(_one_line(exc))
        try:
            snapshots += _post_snapshots(connector, network, posts, day)
        except NotSupported as exc:
            unsupported.append(_one_line(exc))
    except CmkitError as exc:
        retryable = isinstance(exc, ConnectorError) and exc.retryable
        outcome.status = "partial" if snapshots else "failed"
        outcome.message = _one_line(exc) + (" — try again later" if retryable else "")
    finally:
        connector.close()
    written = store.append(space.data_dir, snapshots)
    outcome.accounts = sum(isinstance(s, store.AccountSnapshot) for s in written)
    outcome.posts = sum(isinstance(s, store.PostSnapshot) for s in written)
    if unsupported and not snapshots and outcome.status == "stored":
        outcome.status = "unsupported"
        outcome.message = "; ".join(unsupported)
    elif unsupported:
        outcome.notes += unsupported
    if outcome.status == "stored" and not written:
        outcome.status = "unchanged"
    if outcome.status in ("stored", "unchanged") and not outcome.message:
        outcome.message = (
            f"{outcome.accounts} account line(s), {outcome.posts} post line(s)"
            f" for {day.isoformat()}"
        )
    return outcome


def _post_snapshots(
    connector: Connector, network: Network, posts: list[Published], day: date
) -> list[store.Snapshot]:
    by_remote = {p.remote_id: p for p in posts}
    out: list[store.Snapshot] = []
    ids = list(by_remote)
    for start in range(0, len(ids), BATCH):
        for metrics in connector.post_metrics(ids[start : start + BATCH], day):
            entry = by_remote.get(metrics.remote_id)
            if entry is not None:
                out.append(_post_snapshot(metrics, entry, day))
    return out


def _account_snapshot(metrics: AccountMetrics, day: date) -> store.AccountSnapshot:
    new = metrics.extra.get("new_followers")
    return store.AccountSnapshot(
        day=day,
        network=metrics.network,
        followers=metrics.followers,
        new_followers=int(new) if new is not None else None,
        impressions=metrics.impressions,
        reach=metrics.reach,
        profile_visits=metrics.profile_visits,
        source="pull",
        extra={k: v for k, v in metrics.extra.items() if k != "new_followers"},
    )


def _post_snapshot(metrics: PostMetrics, entry: Published, day: date) -> store.PostSnapshot:
    reach = metrics.extra.get("reach")
    return store.PostSnapshot(
        day=day,
        network=entry.network,
        remote_id=entry.remote_id,
        post=entry.post,
        impressions=metrics.impressions,
        views=metrics.views,
        reach=int(reach) if reach is not None else None,
        likes=metrics.likes,
        comments=metrics.comments,
        shares=metrics.shares,
        saves=metrics.saves,
        clicks=metrics.clicks,
        source="pull",
        extra={k: v for k, v in metrics.extra.items() if k != "reach"},
    )


def _one_line(exc: Exception) -> str:
    return redact(" ".join(str(exc).split()))

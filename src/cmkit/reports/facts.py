"""The facts a report is made of: each published post with its latest metrics, and each
network's figures for a period.

Definitions (docs/report.md repeats them for the client):
- engagements = likes (reactions, favourites) + comments (replies) + shares (reposts,
  retweets, reblogs) + saves (bookmarks), counting what the network exposes;
- impressions = the network's impressions, or its views where it counts views instead
  (Meta since 2025, Threads);
- engagement rate = engagements ÷ impressions; on networks that expose no impressions
  (Bluesky, Mastodon) it is engagements ÷ followers on the day of the post, marked as such
  and never added to the other networks' rate.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..metrics.published import Published
from ..metrics.store import AccountSnapshot, PostSnapshot, Store
from ..networks import Network
from ..workspace import ClientSpace, Post
from .model import FollowerPoint, Missing, NetworkSummary

# What each network's API and exports never give, post by post (docs/metrics.md).
NOT_EXPOSED: dict[Network, frozenset[str]] = {
    Network.BLUESKY: frozenset({"impressions", "reach", "clicks", "saves"}),
    Network.MASTODON: frozenset({"impressions", "reach", "clicks", "saves"}),
    Network.INSTAGRAM: frozenset({"clicks"}),
    Network.FACEBOOK: frozenset({"saves"}),
    Network.LINKEDIN: frozenset({"reach", "saves"}),
    Network.X: frozenset({"reach"}),
    Network.THREADS: frozenset({"reach", "clicks", "saves"}),
    Network.TELEGRAM: frozenset({"reach", "likes", "comments", "shares", "saves", "clicks"}),
    Network.DISCORD: frozenset(
        {"impressions", "reach", "likes", "comments", "shares", "saves", "clicks"}
    ),
}
# counters settle within days: a month is read a week after it ends
SETTLE = timedelta(days=7)
FRESH = timedelta(days=2)


@dataclass
class Delivery:
    """One post on one network, as published, with its latest metrics (if any)."""

    post: Post | None  # None: published outside cmkit, known from an export
    post_id: str
    network: Network
    at: datetime  # local time it went out
    url: str | None
    snapshot: PostSnapshot | None
    followers: int | None = None  # on the day it went out, for follower-based rates

    @property
    def impressions(self) -> int | None:
        s = self.snapshot
        if s is None:
            return None
        return s.impressions if s.impressions is not None else s.views

    @property
    def engagements(self) -> int | None:
        s = self.snapshot
        if s is None:
            return None
        parts = [s.likes, s.comments, s.shares, s.saves]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None

    @property
    def rate(self) -> tuple[float | None, str | None]:
        engagements = self.engagements
        if engagements is None:
            return None, None
        if self.impressions:
            return engagements / self.impressions, "impressions"
        if self.impressions is None and self.followers:
            return engagements / self.followers, "followers"
        return None, None


def deliveries(
    space: ClientSpace, metrics: Store, done: Mapping[tuple[str, Network], Published], cutoff: date
) -> list[Delivery]:
    """Every published (post, network), with the latest snapshot on or before `cutoff`."""
    latest: dict[tuple[str, Network, str], PostSnapshot] = {}
    for snapshot in metrics.posts:  # oldest day first: later snapshots overwrite
        if snapshot.day <= cutoff:
            latest[(snapshot.post or "", snapshot.network, snapshot.remote_id)] = snapshot
    by_post = {(s.post, s.network): s for s in latest.values() if s.post}
    followers = follower_lookup(metrics.accounts)
    out = []
    for (post_id, network), entry in done.items():
        post = space.post(post_id)
        at = entry.at.astimezone(space.tz)
        snap = by_post.get((post_id, network))
        out.append(
            Delivery(
                post,
                post_id,
                network,
                at,
                entry.url,
                snap,
                followers(network, at.date()),
            )
        )
    for snapshot in latest.values():
        if snapshot.post is None and snapshot.published is not None:
            at = snapshot.published.astimezone(space.tz)
            out.append(
                Delivery(
                    None,
                    snapshot.remote_id,
                    snapshot.network,
                    at,
                    snapshot.url,
                    snapshot,
                    followers(snapshot.network, at.date()),
                )
            )
    return sorted(out, key=lambda d: (d.at, d.post_id, str(d.network)))


def follower_lookup(accounts: list[AccountSnapshot]) -> _Followers:
    return _Followers(accounts)


class _Followers:
    """Followers of a network on a day: the latest count on or before it."""

    def __init__(self, accounts: list[AccountSnapshot]) -> None:
        self.series: dict[Network, list[tuple[date, int]]] = {}
        for s in accounts:
            if s.followers is not None:
                self.series.setdefault(s.network, []).append((s.day, s.followers))
        for points in self.series.values():
            points.sort()

    def __call__(self, network: Network, day: date) -> int | None:
        points = self.series.get(network, [])
        index = bisect_right(points, (day, 2**62))
        return points[index - 1][1] if index else None

    def points(self, network: Network, start: date, end: date) -> list[FollowerPoint]:
        return [FollowerPoint(d, f) for d, f in self.series.get(network, []) if start <= d <= end]


def medians(history: Iterable[Delivery]) -> dict[Network, float]:
    """Each network's median engagements per post: the yardstick of the performance index."""
    values: dict[Network, list[int]] = {}
    for d in history:
        if d.engagements is not None:
            values.setdefault(d.network, []).append(d.engagements)
    return {
        n: statistics.median(v)
        for n, v in values.items()
        if len(v) >= 3 and statistics.median(v) > 0
    }


def index_of(delivery: Delivery, yardstick: dict[Network, float]) -> float | None:
    median = yardstick.get(delivery.network)
    if median is None or delivery.engagements is None:
        return None
    return delivery.engagements / median


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def summarize(
    network: Network,
    in_period: list[Delivery],
    accounts: list[AccountSnapshot],
    start: date,
    end: date,
    previous_rate: float | None,
    chart_from: date,
) -> NetworkSummary:
    follow = _Followers(accounts)
    before = follow(network, start - timedelta(days=1))
    in_range = follow.points(network, start, end)
    followers_start = (
        before if before is not None else (in_range[0].followers if in_range else None)
    )
    followers_end = follow(network, end) if (before is not None or in_range) else None
    gained = [s.new_followers for s in accounts if s.network == network and start <= s.day <= end]
    measured = [d for d in in_period if d.snapshot is not None]
    snaps = [d.snapshot for d in measured if d.snapshot is not None]
    impressions = _sum(d.impressions for d in measured)
    engagements = _sum(d.engagements for d in measured)
    rate, basis = _rate(measured, impressions, engagements)
    missing = [
        Missing(metric, str(network), "not_exposed")
        for metric in ("impressions", "reach", "clicks", "saves")
        if metric in NOT_EXPOSED.get(network, frozenset())
    ]
    if followers_end is None:
        missing.append(Missing("followers", str(network), "no_data"))
    if in_period and not measured:
        missing.append(Missing("post_metrics", str(network), "no_data"))
    return NetworkSummary(
        network=str(network),
        followers_start=followers_start,
        followers_end=followers_end,
        followers_change=(
            followers_end - followers_start
            if followers_end is not None and followers_start is not None
            else None
        ),
        new_followers=_sum(gained) if followers_end is None else None,
        series=follow.points(network, chart_from, end),
        posts=len(in_period),
        posts_measured=len(measured),
        outside_posts=sum(d.post is None for d in in_period),
        impressions=impressions,
        reach=_sum(s.reach for s in snaps),
        engagements=engagements,
        likes=_sum(s.likes for s in snaps),
        comments=_sum(s.comments for s in snaps),
        shares=_sum(s.shares for s in snaps),
        saves=_sum(s.saves for s in snaps),
        clicks=_sum(s.clicks for s in snaps),
        engagement_rate=rate,
        rate_basis=basis,
        previous_engagement_rate=previous_rate,
        missing=missing,
    )


def _rate(
    measured: list[Delivery], impressions: int | None, engagements: int | None
) -> tuple[float | None, str | None]:
    if engagements is None:
        return None, None
    if impressions:
        counted = [d for d in measured if d.impressions]
        return (_sum(d.engagements for d in counted) or 0) / impressions, "impressions"
    with_followers = [d for d in measured if d.followers and d.engagements is not None]
    if not with_followers:
        return None, None
    rates = [(d.engagements or 0) / (d.followers or 1) for d in with_followers]
    return statistics.fmean(rates), "followers"


def total_summary(networks: list[NetworkSummary]) -> NetworkSummary | None:
    """All networks together; the engagement rate only over impression-based networks."""
    if not networks:
        return None
    rated = [n for n in networks if n.rate_basis == "impressions" and n.impressions]
    rated_engagements = _sum(n.engagements for n in rated)
    rated_impressions = _sum(n.impressions for n in rated)
    rate = (
        rated_engagements / rated_impressions
        if rated_engagements is not None and rated_impressions
        else None
    )
    ends = [n.followers_end for n in networks if n.followers_end is not None]
    changes = [n.followers_change for n in networks if n.followers_change is not None]
    return NetworkSummary(
        network="all",
        followers_start=None,
        followers_end=sum(ends) if ends else None,
        followers_change=sum(changes) if changes else None,
        new_followers=_sum(n.new_followers for n in networks),
        series=[],
        posts=sum(n.posts for n in networks),
        posts_measured=sum(n.posts_measured for n in networks),
        outside_posts=sum(n.outside_posts for n in networks),
        impressions=_sum(n.impressions for n in networks),
        reach=_sum(n.reach for n in networks),
        engagements=_sum(n.engagements for n in networks),
        likes=_sum(n.likes for n in networks),
        comments=_sum(n.comments for n in networks),
        shares=_sum(n.shares for n in networks),
        saves=_sum(n.saves for n in networks),
        clicks=_sum(n.clicks for n in networks),
        engagement_rate=rate,
        rate_basis="impressions" if rate is not None else None,
        previous_engagement_rate=None,
    )

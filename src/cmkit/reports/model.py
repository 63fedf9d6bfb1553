"""The report model: plain data, no formatting, no language.

`build.build_report` fills it from the workspace files; `render` turns it into Markdown,
HTML or PDF in the client's language; `to_dict` gives the JSON a test compares with a
golden file. A figure cmkit does not have is None, and a `Missing` entry says why, so a
template can say it plainly instead of printing 0.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from .period import Period


@dataclass(frozen=True)
class Missing:
    """A figure the report does not show, and why."""

    metric: str  # impressions, reach, followers, clicks, saves, inbox…
    network: str | None
    reason: str  # not_exposed | no_data | no_baseline


@dataclass
class ObjectiveResult:
    id: str
    label: str | None
    metric: str
    network: str | None
    baseline: float
    target: float
    start: date
    deadline: date
    actual: float | None
    expected: float | None  # where a steady pace from baseline to target would be now
    progress: float | None  # share of the way from baseline to target (1.0 = reached)
    elapsed: float  # share of the objective's time gone by at the report's date
    verdict: str  # reached | on_track | behind | not_started | no_data
    needed_per_month: float | None  # what it takes from here to reach the target
    this_period: float | None  # change (or value, for rates) during the report's period
    unit: str  # count | percent | minutes | currency
    missing: Missing | None = None


@dataclass
class FollowerPoint:
    day: date
    followers: int


@dataclass
class NetworkSummary:
    network: str
    followers_start: int | None
    followers_end: int | None
    followers_change: int | None  # end − start, from absolute counts
    new_followers: int | None  # gross follows from exports, when no absolute counts
    series: list[FollowerPoint]
    posts: int  # published in the period (with or without metrics)
    posts_measured: int  # … of which with metrics
    outside_posts: int  # published outside cmkit, found in an export
    impressions: int | None
    reach: int | None
    engagements: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    clicks: int | None
    engagement_rate: float | None  # engagements ÷ impressions (or ÷ followers: rate_basis)
    rate_basis: str | None  # impressions | followers
    previous_engagement_rate: float | None  # same figure for the previous period
    missing: list[Missing] = field(default_factory=list)


@dataclass
class PostResult:
    post: str
    network: str
    at: datetime
    text: str  # the first words of what was published, as plain text
    format: str | None
    pillar: str | None
    hashtags: list[str]
    url: str | None
    impressions: int | None
    engagements: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    clicks: int | None
    engagement_rate: float | None
    rate_basis: str | None
    index: float | None  # engagements ÷ the network's median post (1.0 = a typical post)
    fresh: bool = False  # published too recently for its figures to have settled


@dataclass
class Group:
    """Posts sharing a format, a pillar, a weekday, a time of day or a hashtag."""

    key: str
    posts: int
    engagements: int | None
    index: float | None  # mean performance index
    engagement_rate: float | None  # over the networks that expose impressions
    few: bool  # fewer posts than it takes to conclude anything


@dataclass
class HeatCell:
    weekday: int  # 0 = Monday
    bucket: int  # index into HOUR_BUCKETS
    posts: int
    index: float | None


@dataclass
class Miss:
    post: str
    network: str
    at: datetime
    reason: str  # not_published | failed | skipped | not_approved
    detail: str = ""


@dataclass
class Adherence:
    planned: int  # (post, network) deliveries dated in the period, up to now
    published: int
    on_time: int
    late: int
    misses: list[Miss]
    slots_planned: int  # weekly slots of calendar.yaml in the period, up to now
    slots_filled: int
    unplanned: int  # published in the period with no slot that day on that network

    @property
    def rate(self) -> float | None:
        return self.published / self.planned if self.planned else None

    @property
    def slot_rate(self) -> float | None:
        return self.slots_filled / self.slots_planned if self.slots_planned else None


@dataclass
class CampaignResult:
    id: str
    name: str
    platform: str
    objective: str
    start: date
    end: date
    currency: str
    budget: float
    spent: float  # to the report's date
    spent_in_period: float | None  # None when spend is a single total, not dated entries
    elapsed: float  # share of the campaign's days gone by
    pacing: str  # on_pace | over | under | ended | not_started
    impressions: int | None
    clicks: int | None
    conversions: int | None
    revenue: float | None
    cpc: float | None
    cpm: float | None
    cpa: float | None
    roas: float | None


@dataclass
class InboxSection:
    """Filled by the inbox once it exists (`cmkit.inbox`); absent until then."""

    received: int
    answered: int
    unanswered: int
    median_response_minutes: float | None
    p90_response_minutes: float | None = None


@dataclass
class WatchHighlight:
    day: date
    title: str
    link: str | None
    source: str
    brand: bool  # mentions the brand
    competitors: list[str]  # competitors it is about


@dataclass
class WatchSection:
    """Filled by the watch (`cmkit.watch.report_section`): what was found in the period."""

    found: int
    brand_mentions: int
    competitor_items: int
    highlights: list[WatchHighlight]  # brand mentions first, then competitors; a few


@dataclass
class Recommendation:
    kind: str  # an i18n key: more_format, best_slot, objective_behind, …
    params: dict[str, Any]  # the figures the sentence and its evidence are made of


@dataclass
class Report:
    client: str
    client_name: str
    period: Period
    language: str
    locale: str
    timezone: str
    currency: str
    as_of: date  # figures up to this day
    prepared: date  # the day the report was made
    partial: bool  # the period is not over yet
    networks: list[NetworkSummary]
    objectives: list[ObjectiveResult]
    top_posts: list[PostResult]
    bottom_posts: list[PostResult]
    by_format: list[Group]
    by_pillar: list[Group]
    by_weekday: list[Group]
    by_hour: list[Group]
    heatmap: list[HeatCell]
    history_posts: int  # posts behind the best-time figures
    history_since: date | None
    by_hashtag: list[Group]
    adherence: Adherence
    campaigns: list[CampaignResult]
    recommendations: list[Recommendation]
    missing: list[Missing]  # what the whole report lacks, said once
    pillar_labels: dict[str, str] = field(default_factory=dict)
    inbox: InboxSection | None = None
    watch: WatchSection | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> NetworkSummary | None:
        """Every network together (impressions-based figures only)."""
        from .facts import total_summary

        return total_summary(self.networks)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _plain(dataclasses.asdict(self))
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return round(value, 6)
    return value

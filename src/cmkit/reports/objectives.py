"""Each strategy objective: where it stands, where a steady pace would put it, a verdict.

Level metrics (followers, engagement rate, response time) are read at the report's date.
Flow metrics (impressions, clicks, posts…) are read one of two ways: with a baseline of 0
the objective is a total to build up ("400 clicks by 22 December"), counted from its
start; with a baseline above 0 it is a monthly rate ("from 18 to 40 interactions a
month"), counted over the 30 days to the report's date. A total also counts the results
of paid campaigns (clicks, impressions, reach, conversions, leads, revenue) running on the
objective's network in that time. The expected value is the straight line from
(start, baseline) to (deadline, target); "on track" means at or ahead of that line, give
or take 5 % of the way.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Campaign, Objective
from ..networks import Network
from .facts import NOT_EXPOSED, Delivery, _Followers
from .model import InboxSection, Missing, ObjectiveResult

TOLERANCE = 0.05
MONTH = timedelta(days=29)  # a monthly rate is read over the 30 days to the report's date
LEVELS = {"followers", "engagement_rate", "response_time"}
PAID = {
    "clicks": "clicks",
    "impressions": "impressions",
    "reach": "reach",
    "conversions": "conversions",
    "leads": "leads",
    "revenue": "revenue",
}
POST_FIELDS = {"impressions", "reach", "clicks", "video_views", "engagement"}
CAMPAIGN_NETWORKS = {"meta": {Network.FACEBOOK, Network.INSTAGRAM}}
UNITS = {"engagement_rate": "percent", "response_time": "minutes", "revenue": "currency"}


def evaluate(
    objective: Objective,
    index: int,
    default_start: date,
    as_of: date,
    period_start: date,
    period_end: date,
    delivered: list[Delivery],
    followers: _Followers,
    campaigns: dict[str, Campaign],
    inbox: InboxSection | None,
) -> ObjectiveResult:
    start = objective.start or default_start
    at = min(as_of, period_end)
    span = max((objective.deadline - start).days, 1)
    elapsed = min(max((at - start).days + 1, 0) / span, 1.0)
    network = Network(objective.network) if objective.network else None
    metric = str(objective.metric)
    result = ObjectiveResult(
        id=objective.id or f"objective-{index + 1}",
        label=objective.label,
        metric=metric,
        network=str(network) if network else None,
        baseline=objective.baseline,
        target=objective.target,
        start=start,
        deadline=objective.deadline,
        actual=None,
        expected=None,
        progress=None,
        elapsed=elapsed,
        verdict="no_data",
        needed_per_month=None,
        this_period=None,
        unit=UNITS.get(metric, "count"),
    )
    if at < start:
        result.verdict = "not_started"
        return result
    if metric in LEVELS:
        actual, this_period, missing = _level(
            metric, network, at, period_start, delivered, followers, inbox
        )
    elif objective.baseline:
        actual, this_period, missing = _flow(
            metric, network, max(start, at - MONTH), at, period_start, delivered, {}, rate=True
        )
    else:
        actual, this_period, missing = _flow(
            metric, network, start, at, period_start, delivered, campaigns, rate=False
        )
    result.missing = missing
    if actual is None:
        return result
    result.actual, result.this_period = actual, this_period
    gap = objective.target - objective.baseline
    result.expected = objective.baseline + gap * elapsed
    result.progress = (actual - objective.baseline) / gap if gap else 1.0
    months_left = max((objective.deadline - at).days, 0) / 30.44
    # a pace to keep only means something for what accumulates: followers, totals
    accumulates = metric == "followers" or (metric not in LEVELS and not objective.baseline)
    if months_left > 0 and accumulates:
        result.needed_per_month = (objective.target - actual) / months_left
    if result.progress >= 1:
        result.verdict = "reached"
    elif result.progress >= elapsed - TOLERANCE:
        result.verdict = "on_track"
    else:
        result.verdict = "behind"
    return result


def _networks(network: Network | None, delivered: list[Delivery]) -> set[Network]:
    return {network} if network else {d.network for d in delivered}


def _level(
    metric: str,
    network: Network | None,
    at: date,
    period_start: date,
    delivered: list[Delivery],
    followers: _Followers,
    inbox: InboxSection | None,
) -> tuple[float | None, float | None, Missing | None]:
    if metric == "followers":
        nets = _networks(network, delivered) if network is None else {network}
        counts = [followers(n, at) for n in nets]
        if not nets or any(c is None for c in counts):
            return None, None, Missing("followers", str(network) if network else None, "no_data")
        before = [followers(n, period_start - timedelta(days=1)) for n in nets]
        total = float(sum(c or 0 for c in counts))
        change = total - sum(b or 0 for b in before) if all(b is not None for b in before) else None
        return total, change, None
    if metric == "engagement_rate":
        if network is not None and "impressions" in NOT_EXPOSED.get(network, frozenset()):
            return None, None, Missing("impressions", str(network), "not_exposed")
        window = [
            d
            for d in delivered
            if (network is None or d.network == network)
            and period_start <= d.at.date() <= at
            and d.impressions
        ]
        impressions = sum(d.impressions or 0 for d in window)
        if not impressions:
            return None, None, Missing("post_metrics", str(network) if network else None, "no_data")
        rate = 100 * sum(d.engagements or 0 for d in window) / impressions
        return rate, rate, None
    if inbox is None or inbox.median_response_minutes is None:
        return None, None, Missing("inbox", None, "no_data")
    return inbox.median_response_minutes, inbox.median_response_minutes, None


def _flow(
    metric: str,
    network: Network | None,
    start: date,
    at: date,
    period_start: date,
    delivered: list[Delivery],
    campaigns: dict[str, Campaign],
    *,
    rate: bool,
) -> tuple[float | None, float | None, Missing | None]:
    window = [
        d
        for d in delivered
        if (network is None or d.network == network) and start <= d.at.date() <= at
    ]
    organic: float | None = None
    this_period: float | None = None
    if metric == "posts":
        organic = float(len(window))
        this_period = organic if rate else float(sum(d.at.date() >= period_start for d in window))
    elif metric in POST_FIELDS:
        if network is not None and metric in NOT_EXPOSED.get(network, frozenset()):
            return None, None, Missing(metric, str(network), "not_exposed")
        values = [(d, _post_value(d, metric)) for d in window]
        known = [(d, v) for d, v in values if v is not None]
        if known:
            organic = float(sum(v for _, v in known))
            this_period = (
                organic if rate else float(sum(v for d, v in known if d.at.date() >= period_start))
            )
    paid = _paid(metric, network, start, at, campaigns)
    if organic is None and paid is None:
        reason = "no_data"
        return None, None, Missing(metric, str(network) if network else None, reason)
    return (organic or 0) + (paid or 0), this_period, None


def _post_value(delivery: Delivery, metric: str) -> int | None:
    s = delivery.snapshot
    if s is None:
        return None
    if metric == "impressions":
        return delivery.impressions
    if metric == "engagement":
        return delivery.engagements
    if metric == "video_views":
        return s.views
    return getattr(s, metric, None)


def _paid(
    metric: str, network: Network | None, start: date, at: date, campaigns: dict[str, Campaign]
) -> float | None:
    field = PAID.get(metric)
    if field is None:
        return None
    total: float | None = None
    for campaign in campaigns.values():
        if campaign.end < start or campaign.start > at:
            continue
        nets = CAMPAIGN_NETWORKS.get(campaign.platform, {_platform(campaign.platform)})
        if network is not None and network not in nets:
            continue
        value = getattr(campaign.results, field, None)
        if value is not None:
            total = (total or 0) + float(value)
    return total


def _platform(name: str) -> Network | None:
    try:
        return Network(name)
    except ValueError:
        return None

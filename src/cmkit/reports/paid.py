"""Paid campaigns running during the period: spend, budget pacing, CPC, CPM, CPA, ROAS.

Spend and results are the campaign file's hand-entered figures merged with the ads
managers' exports imported into data/campaigns/ (the same merge as `cmkit campaigns`),
up to the report's date. Pacing compares the share of the budget
spent with the share of the campaign's days gone by: more than 15 % ahead is "over",
more than 15 % behind is "under".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..models import Campaign
from .model import CampaignResult
from .period import Period

PACE_TOLERANCE = 0.15


def campaigns(
    found: dict[str, Campaign],
    period: Period,
    as_of: date,
    default_currency: str,
    data_dir: Path | None = None,
) -> list[CampaignResult]:
    """Hand-entered and imported figures merged as `cmkit campaigns` merges them
    (cmkit.campaigns.metrics.merge), cut at the report's date."""
    from ..campaigns import store
    from ..campaigns.metrics import merge
    from ..diagnostics import CmkitError

    out = []
    at = min(period.end, as_of)
    for campaign_id, c in sorted(found.items(), key=lambda kv: (kv[1].start, kv[0])):
        if c.end < period.start or c.start > period.end:
            continue
        try:
            rows = store.read(data_dir, campaign_id)[0] if data_dir is not None else []
        except CmkitError:
            rows = []  # an unreadable import is `cmkit check`'s to report
        rows = [r for r in rows if r.end <= at]
        entries = c.spend if isinstance(c.spend, list) else None
        upto = (
            c.model_copy(update={"spend": [e for e in entries if e.date <= at]}) if entries else c
        )
        figures = merge(upto, rows)
        in_period: float | None = None
        if entries is not None or rows:
            in_period = sum(e.amount for e in entries or [] if period.start <= e.date <= at)
            in_period += sum(r.spend or 0.0 for r in rows if r.start >= period.start)
        spent = figures.spend
        days = (c.end - c.start).days + 1
        elapsed = min(max((at - c.start).days + 1, 0) / days, 1.0)
        clicks, impressions = figures.get("clicks"), figures.get("impressions")
        conversions = figures.get("conversions")
        if conversions is None:
            conversions = figures.get("leads")
        revenue = figures.get("revenue")
        out.append(
            CampaignResult(
                id=campaign_id,
                name=c.name,
                platform=c.platform,
                objective=c.objective,
                start=c.start,
                end=c.end,
                currency=c.budget.currency or default_currency,
                budget=c.budget.total,
                spent=spent,
                spent_in_period=in_period,
                elapsed=elapsed,
                pacing=_pacing(spent, c.budget.total, elapsed, at >= c.end),
                impressions=_whole(impressions),
                clicks=_whole(clicks),
                conversions=_whole(conversions),
                revenue=revenue,
                cpc=figures.cpc,
                cpm=figures.cpm,
                cpa=figures.cpa,
                roas=figures.roas,
            )
        )
    return out


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _pacing(spent: float, budget: float, elapsed: float, ended: bool) -> str:
    if elapsed <= 0:
        return "not_started"
    if not budget:
        return "on_pace"
    share = spent / budget
    if ended:
        return "over" if share > 1 + 0.02 else "ended"
    if share > elapsed * (1 + PACE_TOLERANCE):
        return "over"
    if share < elapsed * (1 - PACE_TOLERANCE):
        return "under"
    return "on_pace"

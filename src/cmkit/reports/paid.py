"""Paid campaigns running during the period: spend, budget pacing, CPC, CPM, CPA, ROAS.

Spend is read up to the report's date (dated entries) or as the single total entered.
Results are what the campaign file holds to date. Pacing compares the share of the budget
spent with the share of the campaign's days gone by: more than 15 % ahead is "over",
more than 15 % behind is "under".
"""

from __future__ import annotations

from datetime import date

from ..models import Campaign
from .model import CampaignResult
from .period import Period

PACE_TOLERANCE = 0.15


def campaigns(
    found: dict[str, Campaign], period: Period, as_of: date, default_currency: str
) -> list[CampaignResult]:
    out = []
    at = min(period.end, as_of)
    for campaign_id, c in sorted(found.items(), key=lambda kv: (kv[1].start, kv[0])):
        if c.end < period.start or c.start > period.end:
            continue
        if isinstance(c.spend, list):
            spent = sum(e.amount for e in c.spend if e.date <= at)
            in_period: float | None = sum(e.amount for e in c.spend if period.start <= e.date <= at)
        else:
            spent, in_period = float(c.spend), None
        days = (c.end - c.start).days + 1
        elapsed = min(max((at - c.start).days + 1, 0) / days, 1.0)
        r = c.results
        conversions = r.conversions if r.conversions is not None else r.leads
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
                impressions=r.impressions,
                clicks=r.clicks,
                conversions=conversions,
                revenue=r.revenue,
                cpc=spent / r.clicks if r.clicks else None,
                cpm=1000 * spent / r.impressions if r.impressions else None,
                cpa=spent / conversions if conversions else None,
                roas=r.revenue / spent if r.revenue is not None and spent else None,
            )
        )
    return out


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

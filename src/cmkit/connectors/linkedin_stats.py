"""A LinkedIn Page's statistics: the day's share statistics, and each post's.

`organizationalEntityShareStatistics` gives, for a Page (needs r_organization_social),
totals over a time range or per post: impressions, unique impressions, clicks, likes,
comments, shares, engagement. Posts are named in Rest.li's `List(…)` syntax, their URNs
percent-encoded inside it. Members' statistics are not open to apps.
Reference: learn.microsoft.com/linkedin/marketing/community-management/organizations/
share-statistics
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..networks import Network
from .base import AccountMetrics, PostMetrics
from .linkedin_api import LinkedInApi, encoded

STATS = "rest/organizationalEntityShareStatistics"


def page_day(api: LinkedInApi, page: str, day: date, followers: int | None) -> AccountMetrics:
    start = int(datetime.combine(day, time(), UTC).timestamp() * 1000)
    end = start + int(timedelta(days=1).total_seconds() * 1000)
    query = (
        f"q=organizationalEntity&organizationalEntity={encoded(page)}"
        f"&timeIntervals=(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)"
    )
    totals = _totals(api.get(f"{STATS}?{query}", "r_organization_social"))
    return AccountMetrics(
        Network.LINKEDIN,
        day,
        followers=followers,
        impressions=_int(totals.get("impressionCount")),
        reach=_int(totals.get("uniqueImpressionsCount")),
        extra={k: float(totals[k]) for k in ("clickCount", "engagement") if k in totals},
    )


def page_posts(api: LinkedInApi, page: str, remote_ids: list[str], day: date) -> list[PostMetrics]:
    out: list[PostMetrics] = []
    for kind in ("share", "ugcPost"):
        urns = [u for u in remote_ids if u.startswith(f"urn:li:{kind}:")]
        if not urns:
            continue
        listed = ",".join(encoded(u) for u in urns)
        query = (
            f"q=organizationalEntity&organizationalEntity={encoded(page)}&{kind}s=List({listed})"
        )
        body = api.get(f"{STATS}?{query}", "r_organization_social")
        for element in body.get("elements") or []:
            stats = element.get("totalShareStatistics") or {}
            out.append(
                PostMetrics(
                    Network.LINKEDIN,
                    str(element.get(kind) or ""),
                    day,
                    impressions=_int(stats.get("impressionCount")),
                    likes=_int(stats.get("likeCount")),
                    comments=_int(stats.get("commentCount")),
                    shares=_int(stats.get("shareCount")),
                    clicks=_int(stats.get("clickCount")),
                    extra={
                        k: float(stats[k])
                        for k in ("uniqueImpressionsCount", "engagement")
                        if k in stats
                    },
                )
            )
    return out


def _totals(body: dict[str, Any]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for element in body.get("elements") or []:
        for key, value in (element.get("totalShareStatistics") or {}).items():
            if isinstance(value, int | float):
                totals[key] = totals.get(key, 0) + value
    return totals


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None

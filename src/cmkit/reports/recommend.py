"""Recommendations for next month, each resting on a figure from the report.

A recommendation is a kind and the figures it is made of; i18n turns it into a sentence
and its evidence. Nothing is recommended from a group of fewer than MIN_POSTS posts, and
the list is ordered by what matters most to the client: objectives first.
"""

from __future__ import annotations

from ..models import Pillar
from .breakdowns import HOUR_BUCKETS, MIN_POSTS
from .model import (
    Adherence,
    CampaignResult,
    Group,
    HeatCell,
    NetworkSummary,
    ObjectiveResult,
    Recommendation,
)

LIFT = 1.2  # a group must beat the other by this factor to be worth a sentence
DROP = 0.8  # an engagement rate falling below this share of the previous period's
ADHERENCE_OK = 0.9
RHYTHM_OK = 0.6  # share of calendar.yaml's weekly slots that should see a post
MIN_SLOTS = 6
PILLAR_GAP = 10.0  # percentage points under the strategy's share
MIN_SHARE_SAMPLE = 10  # posts it takes before shares of posts say anything


def recommend(
    objectives: list[ObjectiveResult],
    adherence: Adherence,
    campaigns: list[CampaignResult],
    by_format: list[Group],
    heatmap: list[HeatCell],
    by_hour: list[Group],
    by_pillar: list[Group],
    pillars: list[Pillar],
    by_hashtag: list[Group],
    networks: list[NetworkSummary],
    limit: int,
) -> list[Recommendation]:
    out: list[Recommendation] = []
    for o in objectives:
        if o.verdict == "behind" and o.actual is not None:
            out.append(
                Recommendation(
                    "objective_behind",
                    {
                        "objective": o.label or o.id,
                        "metric": o.metric,
                        "network": o.network,
                        "actual": o.actual,
                        "expected": o.expected,
                        "target": o.target,
                        "deadline": o.deadline,
                        "needed_per_month": o.needed_per_month,
                        "unit": o.unit,
                    },
                )
            )
    if adherence.planned and (adherence.rate or 0) < ADHERENCE_OK:
        reasons: dict[str, int] = {}
        for miss in adherence.misses:
            reasons[miss.reason] = reasons.get(miss.reason, 0) + 1
        main = max(sorted(reasons), key=lambda r: reasons[r]) if reasons else "not_published"
        out.append(
            Recommendation(
                "adherence",
                {
                    "missed": adherence.planned - adherence.published,
                    "planned": adherence.planned,
                    "rate": adherence.rate,
                    "reason": main,
                    "reason_count": reasons.get(main, 0),
                },
            )
        )
    if adherence.slots_planned >= MIN_SLOTS and (adherence.slot_rate or 0) < RHYTHM_OK:
        out.append(
            Recommendation(
                "rhythm",
                {
                    "filled": adherence.slots_filled,
                    "slots": adherence.slots_planned,
                    "rate": adherence.slot_rate,
                    "unplanned": adherence.unplanned,
                },
            )
        )
    for c in campaigns:
        if c.pacing in ("over", "under"):
            out.append(
                Recommendation(
                    f"campaign_{c.pacing}",
                    {
                        "campaign": c.name,
                        "spent_share": c.spent / c.budget if c.budget else None,
                        "elapsed": c.elapsed,
                        "spent": c.spent,
                        "budget": c.budget,
                        "currency": c.currency,
                    },
                )
            )
        elif c.roas is not None and c.roas >= 2:
            out.append(
                Recommendation(
                    "campaign_return",
                    {"campaign": c.name, "roas": c.roas, "cpa": c.cpa, "currency": c.currency},
                )
            )
    out += _best_vs_worst("format", by_format)
    slot = _best_slot(heatmap, by_hour)
    if slot is not None:
        out.append(slot)
    out += _pillar_gaps(by_pillar, pillars)
    solid_tags = [g for g in by_hashtag if not g.few and g.index is not None]
    if solid_tags and (solid_tags[0].index or 0) >= 1.3:
        g = solid_tags[0]
        out.append(
            Recommendation("hashtag", {"hashtag": g.key, "index": g.index, "posts": g.posts})
        )
    for n in networks:
        if (
            n.engagement_rate is not None
            and n.posts_measured >= MIN_POSTS
            and n.previous_engagement_rate
            and n.rate_basis == "impressions"
            and n.engagement_rate < DROP * n.previous_engagement_rate
        ):
            out.append(
                Recommendation(
                    "rate_drop",
                    {
                        "network": n.network,
                        "rate": n.engagement_rate,
                        "previous": n.previous_engagement_rate,
                    },
                )
            )
    return out[:limit]


def _best_vs_worst(dimension: str, groups: list[Group]) -> list[Recommendation]:
    solid = [g for g in groups if not g.few and g.index is not None]
    if len(solid) < 2:
        return []
    best = max(solid, key=lambda g: (g.index or 0, g.key))
    worst = min(solid, key=lambda g: (g.index or 0, g.key))
    if (best.index or 0) < LIFT * (worst.index or 0) or not worst.index:
        return []
    return [
        Recommendation(
            f"more_{dimension}",
            {
                "best": best.key,
                "best_index": best.index,
                "best_posts": best.posts,
                "worst": worst.key,
                "worst_index": worst.index,
                "worst_posts": worst.posts,
                "lift": (best.index or 0) / worst.index,
            },
        )
    ]


def _best_slot(heatmap: list[HeatCell], by_hour: list[Group]) -> Recommendation | None:
    cells = [c for c in heatmap if c.posts >= MIN_POSTS and c.index is not None]
    if cells:
        best = max(cells, key=lambda c: (c.index or 0, -c.weekday, -c.bucket))
        if (best.index or 0) >= LIFT:
            start, end = HOUR_BUCKETS[best.bucket]
            return Recommendation(
                "best_slot",
                {
                    "weekday": best.weekday,
                    "start": start,
                    "end": end,
                    "index": best.index,
                    "posts": best.posts,
                },
            )
    hours = [g for g in by_hour if not g.few and g.index is not None]
    if hours:
        best_hour = max(hours, key=lambda g: (g.index or 0, g.key))
        if (best_hour.index or 0) >= LIFT:
            start, end = HOUR_BUCKETS[int(best_hour.key)]
            return Recommendation(
                "best_hours",
                {"start": start, "end": end, "index": best_hour.index, "posts": best_hour.posts},
            )
    return None


def _pillar_gaps(groups: list[Group], pillars: list[Pillar]) -> list[Recommendation]:
    total = sum(g.posts for g in groups)
    if total < MIN_SHARE_SAMPLE:
        return []
    out = []
    posts = {g.key: g for g in groups}
    for pillar in pillars:
        if pillar.share is None:
            continue
        g = posts.get(pillar.id)
        actual = 100 * (g.posts if g else 0) / total
        if pillar.share - actual >= PILLAR_GAP:
            out.append(
                Recommendation(
                    "pillar_gap",
                    {
                        "pillar": pillar.label or pillar.id,
                        "share": actual,
                        "target_share": pillar.share,
                        "index": g.index if g and not g.few else None,
                    },
                )
            )
    return out

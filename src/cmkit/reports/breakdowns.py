"""What works: posts grouped by format, pillar, weekday, time of day and hashtag, the best
and weakest posts, and the weekday × time-of-day map behind "best time to post".

Networks are compared through the performance index (a post's engagements ÷ its network's
median post), so a LinkedIn post and an Instagram post weigh the same. A group with fewer
than MIN_POSTS posts is shown but marked, and no recommendation rests on it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from datetime import date

from ..networks import Network
from .facts import FRESH, Delivery, index_of
from .model import Group, HeatCell, PostResult

MIN_POSTS = 3
TOP = 3
# time-of-day buckets (start hour, end hour), local time
HOUR_BUCKETS = ((0, 7), (7, 9), (9, 11), (11, 13), (13, 16), (16, 18), (18, 20), (20, 24))
EXCERPT = 110


def bucket_of(hour: int) -> int:
    return next(i for i, (a, b) in enumerate(HOUR_BUCKETS) if a <= hour < b)


def hashtags_of(text: str) -> list[str]:
    """The post's hashtags by cmkit.text's (twitter-text) rules, each once."""
    from ..text import extract_hashtags
    from ..text.twitter import extract_hashtags_with_indices

    if all(k == 0 or text[k - 1].isspace() for k, ch in enumerate(text) if ch in "#＃"):
        # no "#" touches another character, so none can sit inside a URL: skip the URL
        # pass, whose regex alone takes longer to compile than a whole chart to draw
        tags = [e.value for e in extract_hashtags_with_indices(text, check_url_overlap=False)]
    else:
        tags = extract_hashtags(text)
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag.lower(), tag)
    return list(seen.values())


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT:
        return flat
    return flat[:EXCERPT].rsplit(" ", 1)[0] + " …"


def post_result(
    d: Delivery,
    yardstick: dict[Network, float],
    cutoff: date,
    locales: dict[Network, str],
    hashtags: bool = True,
) -> PostResult:
    post, s = d.post, d.snapshot
    text = post.text_for(d.network, locales.get(d.network)) if post else ""
    rate, basis = d.rate
    return PostResult(
        post=d.post_id,
        network=str(d.network),
        at=d.at,
        text=excerpt(text),
        format=str(post.meta.format) if post and post.meta.format else None,
        pillar=post.meta.pillar if post else None,
        hashtags=hashtags_of(text) if text and hashtags else [],
        url=d.url,
        impressions=d.impressions,
        engagements=d.engagements,
        likes=s.likes if s else None,
        comments=s.comments if s else None,
        shares=s.shares if s else None,
        saves=s.saves if s else None,
        clicks=s.clicks if s else None,
        engagement_rate=rate,
        rate_basis=basis,
        index=index_of(d, yardstick),
        fresh=(cutoff - d.at.date()) < FRESH,
    )


def top_and_bottom(results: list[PostResult]) -> tuple[list[PostResult], list[PostResult]]:
    ranked = sorted(
        (r for r in results if r.index is not None),
        key=lambda r: (-(r.index or 0), r.at, r.network),
    )
    top = ranked[:TOP]
    settled = [r for r in ranked[TOP:] if not r.fresh]
    bottom = list(reversed(settled[-TOP:])) if len(ranked) > TOP else []
    return top, bottom


def group(
    results: Iterable[PostResult],
    key: Callable[[PostResult], Iterable[str]],
    order: Callable[[str], object] | None = None,
) -> list[Group]:
    buckets: dict[str, list[PostResult]] = {}
    for r in results:
        for k in key(r):
            buckets.setdefault(k, []).append(r)
    groups = [_group(k, members) for k, members in buckets.items()]
    if order is not None:
        return sorted(groups, key=lambda g: order(g.key))  # type: ignore[arg-type,return-value]
    return sorted(groups, key=lambda g: (g.few, -(g.index or 0), g.key))


def _group(key: str, members: list[PostResult]) -> Group:
    indexes = [m.index for m in members if m.index is not None]
    engagements = [m.engagements for m in members if m.engagements is not None]
    rated = [m for m in members if m.rate_basis == "impressions" and m.impressions]
    impressions = sum(m.impressions or 0 for m in rated)
    return Group(
        key=key,
        posts=len(members),
        engagements=sum(engagements) if engagements else None,
        index=statistics.fmean(indexes) if indexes else None,
        engagement_rate=(
            sum(m.engagements or 0 for m in rated) / impressions if impressions else None
        ),
        few=len(indexes) < MIN_POSTS,
    )


def by_format(results: list[PostResult]) -> list[Group]:
    return group(results, lambda r: [r.format] if r.format else [])


def by_pillar(results: list[PostResult]) -> list[Group]:
    return group(results, lambda r: [r.pillar] if r.pillar else [])


def by_hashtag(results: list[PostResult], limit: int = 10) -> list[Group]:
    groups = group(results, lambda r: r.hashtags)
    return groups[:limit]


def by_weekday(results: list[PostResult]) -> list[Group]:
    return group(results, lambda r: [str(r.at.weekday())], order=int)


def by_hour(results: list[PostResult]) -> list[Group]:
    return group(results, lambda r: [str(bucket_of(r.at.hour))], order=int)


def heatmap(results: list[PostResult]) -> list[HeatCell]:
    cells: dict[tuple[int, int], list[float]] = {}
    counts: dict[tuple[int, int], int] = {}
    for r in results:
        place = (r.at.weekday(), bucket_of(r.at.hour))
        counts[place] = counts.get(place, 0) + 1
        if r.index is not None:
            cells.setdefault(place, []).append(r.index)
    return [
        HeatCell(
            day,
            bucket,
            counts[(day, bucket)],
            statistics.fmean(cells[(day, bucket)]) if (day, bucket) in cells else None,
        )
        for day, bucket in sorted(counts)
    ]

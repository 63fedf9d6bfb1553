"""Reading from the Graph API: insights that survive Meta's metric churn, and timestamps.

Meta renames and retires insights metrics every few months (Page `impressions` became
`views` on 2025-11-15, Instagram `impressions` on 2025-04-21). `insight_values` asks
for a list and, when Meta refuses it, asks each metric alone and keeps what it gets,
so one retired metric never costs the report the others.
Reference: developers.facebook.com/docs/graph-api/reference/insights
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .base import ConnectorError
from .graph import GraphApi, number


def insight_values(
    api: GraphApi, path: str, metrics: tuple[str, ...], needs: str = "", **params: Any
) -> dict[str, float]:
    """Insights by metric name. Meta retires metrics often (impressions became views in
    2025): when it refuses the list, each metric is asked alone and the refused dropped."""
    try:
        return _insights(api.get(path, needs, metric=",".join(metrics), **params))
    except ConnectorError as exc:
        if exc.status != 400 or len(metrics) == 1:
            raise
    values: dict[str, float] = {}
    for metric in metrics:
        try:
            values.update(_insights(api.get(path, needs, metric=metric, **params)))
        except ConnectorError as exc:
            if exc.status != 400:
                raise
    return values


def _insights(body: dict[str, Any]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in body.get("data") or []:
        total = (item.get("total_value") or {}).get("value")
        series = item.get("values") or []
        value = total if total is not None else (series[-1].get("value") if series else None)
        if isinstance(value, dict):  # a breakdown (reactions by type…): its sum
            value = sum(v for v in value.values() if isinstance(v, int | float))
        found = number(value)
        if found is not None and item.get("name"):
            values[str(item["name"])] = found
    return values


def created_at(item: dict[str, Any]) -> datetime:
    """`created_time` / `timestamp` of a Graph object ("2026-11-24T08:30:04+0000")."""
    raw = str(item.get("created_time") or item.get("timestamp") or "")
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def as_int(value: object) -> int | None:
    found = number(value)
    return int(found) if found is not None else None

"""A campaign's figures: hand-entered and imported merged, the ratios, and the pacing.

Merging `campaigns/<id>.yaml` (the CM's) with `data/campaigns/<id>.csv` (imports):

- imports: rows of the latest import win; an older row overlapping a newer one is dropped
  (a re-export with corrected figures replaces the old one, never adds to it);
- spend: imported rows cover their days; a dated `spend:` entry in the YAML counts for a
  day no import covers (days before the first export, a manual correction); a bare
  `spend: 123` total counts only when nothing was imported;
- results: a figure written in the YAML's `results:` wins over the imported one, field by
  field (conversions and revenue often come from the shop, not the ad platform); the
  others come from the imports.

Ratios are None when their divisor is missing or zero: nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..models import Campaign
from .store import FIGURES, Row

PACE_TOLERANCE = 0.15  # within ±15 % of the straight line is "on pace"
RESULT_FIELDS = (
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "revenue",
    "leads",
    "video_views",
    "followers",
)


@dataclass
class Figures:
    spend: float = 0.0
    currency: str = "EUR"
    results: dict[str, float | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # figure → yaml | import | both
    spend_through: date | None = None  # the last day the spend figures cover
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> float | None:
        return self.results.get(name)

    def _per(self, divisor: float | None, scale: float = 1.0) -> float | None:
        return self.spend / divisor * scale if divisor else None

    @property
    def cpc(self) -> float | None:
        return self._per(self.get("clicks"))

    @property
    def cpm(self) -> float | None:
        return self._per(self.get("impressions"), 1000.0)

    @property
    def cpa(self) -> float | None:
        return self._per(self.get("conversions") or self.get("leads"))

    @property
    def ctr(self) -> float | None:
        clicks, impressions = self.get("clicks"), self.get("impressions")
        return clicks / impressions if clicks is not None and impressions else None

    @property
    def roas(self) -> float | None:
        revenue = self.get("revenue")
        return revenue / self.spend if revenue is not None and self.spend else None

    @property
    def has_results(self) -> bool:
        return any(v is not None for v in self.results.values())


@dataclass
class Pacing:
    status: str  # scheduled | on pace | ahead | behind | over budget | ended
    day: int  # day of the campaign the figures are at (1-based; 0 before it starts)
    days: int  # the campaign's length in days
    expected: float  # spend expected by the straight line at `day`
    ratio: float | None  # spent / expected
    projected: float | None  # at this pace, spend by the end


def effective_rows(rows: list[Row]) -> tuple[list[Row], list[str]]:
    """The imported rows that count: the latest import wins where periods overlap."""
    kept: list[Row] = []
    dropped = 0
    for row in sorted(rows, key=lambda r: r.batch, reverse=True):
        clash = [k for k in kept if k.overlaps(row) and k.batch != row.batch]
        if clash:
            dropped += 1
            continue
        kept.append(row)
    notes = [f"{dropped} older imported row(s) replaced by a later import"] if dropped else []
    return sorted(kept, key=lambda r: (r.start, r.end)), notes


def merge(campaign: Campaign, rows: list[Row]) -> Figures:
    kept, notes = effective_rows(rows)
    figures = Figures(currency=campaign.budget.currency, notes=notes)
    covered = {r.start + timedelta(days=i) for r in kept for i in range(r.days())}
    imported_spend = sum(r.spend or 0.0 for r in kept)
    if isinstance(campaign.spend, list):
        manual = [e for e in campaign.spend if e.date not in covered]
        figures.spend = imported_spend + sum(e.amount for e in manual)
        dates = [e.date for e in manual] + [r.end for r in kept]
        figures.spend_through = max(dates) if dates else None
        figures.sources["spend"] = _source(bool(manual), bool(kept))
        hidden = len(campaign.spend) - len(manual)
        if hidden:
            figures.notes.append(
                f"{hidden} hand-entered spend line(s) on days an import "
                "covers: the import's figure counts"
            )
    elif kept:
        figures.spend = imported_spend
        figures.spend_through = max(r.end for r in kept)
        figures.sources["spend"] = "import"
        if campaign.spend:
            figures.notes.append(
                f"spend: {campaign.spend:g} in the YAML is ignored: "
                "imported spend replaces a bare total"
            )
    else:
        figures.spend = float(campaign.spend)
        figures.sources["spend"] = "yaml"
    currencies = {r.currency for r in kept if r.currency}
    if currencies - {figures.currency}:
        figures.notes.append(
            f"imported figures are in {', '.join(sorted(currencies))}, the "
            f"budget in {figures.currency}: check the ad account's currency"
        )
    hand = campaign.results.model_dump()
    for name in RESULT_FIELDS:
        imported = _sum(kept, name) if name in FIGURES else None
        if hand.get(name) is not None:
            figures.results[name] = float(hand[name])
            figures.sources[name] = "yaml"
        elif imported is not None:
            figures.results[name] = imported
            figures.sources[name] = "import"
    return figures


def _source(manual: bool, imported: bool) -> str:
    return "both" if manual and imported else "import" if imported else "yaml"


def _sum(rows: list[Row], name: str) -> float | None:
    values = [getattr(r, name) for r in rows if getattr(r, name) is not None]
    return float(sum(values)) if values else None


def pacing(campaign: Campaign, figures: Figures, today: date) -> Pacing:
    """Spend against the straight line from 0 on the first day to the budget on the last,
    at the last day the spend figures cover (today for a bare total)."""
    days = (campaign.end - campaign.start).days + 1
    total = campaign.budget.total
    at = min(figures.spend_through or today, campaign.end, today)
    day = max(0, min(days, (at - campaign.start).days + 1))
    expected = total * day / days
    ratio = figures.spend / expected if expected else None
    projected = figures.spend / day * days if day else None
    if figures.spend > total:
        status = "over budget"
    elif today < campaign.start:
        status = "scheduled"
    elif today > campaign.end:
        status = "ended"
    elif ratio is None:
        status = "on pace"
    elif ratio > 1 + PACE_TOLERANCE:
        status = "ahead"
    elif ratio < 1 - PACE_TOLERANCE:
        status = "behind"
    else:
        status = "on pace"
    return Pacing(status, day, days, expected, ratio, projected)


def summary(
    slug: str, campaign_id: str, campaign: Campaign, figures: Figures, pace: Pacing
) -> dict[str, Any]:
    """The stable JSON shape of `cmkit campaigns --json` (docs/campaigns.md)."""

    def money(value: float | None) -> float | None:
        return round(value, 2) if value is not None else None

    return {
        "client": slug,
        "id": campaign_id,
        "name": campaign.name,
        "platform": campaign.platform,
        "objective": campaign.objective,
        "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(),
        "currency": figures.currency,
        "budget": campaign.budget.total,
        "split": campaign.budget.split,
        "spent": money(figures.spend),
        "spent_through": figures.spend_through.isoformat() if figures.spend_through else None,
        "results": figures.results,
        "sources": figures.sources,
        "cpc": money(figures.cpc),
        "cpm": money(figures.cpm),
        "cpa": money(figures.cpa),
        "ctr": round(figures.ctr, 4) if figures.ctr is not None else None,
        "roas": round(figures.roas, 2) if figures.roas is not None else None,
        "pacing": {
            "status": pace.status,
            "day": pace.day,
            "days": pace.days,
            "expected": money(pace.expected),
            "ratio": round(pace.ratio, 3) if pace.ratio is not None else None,
            "projected": money(pace.projected),
        },
        "notes": figures.notes,
    }

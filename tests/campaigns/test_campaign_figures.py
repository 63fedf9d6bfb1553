"""Ratios and pacing a CM would compute by hand, and how hand-entered and imported merge."""

from __future__ import annotations

from datetime import date

import pytest

from cmkit.campaigns.metrics import merge, pacing
from cmkit.campaigns.store import Row
from cmkit.models import Campaign


def _campaign(**overrides: object) -> Campaign:
    data: dict[str, object] = {
        "name": "Noël",
        "platform": "meta",
        "objective": "sales",
        "start": "2026-12-01",
        "end": "2026-12-10",
        "budget": {"total": 100},
        "spend": [],
    }
    data.update(overrides)
    return Campaign.model_validate(data)


def _row(start: str, end: str, stamp: str = "2026-12-05T08:00:00Z", **figures: float) -> Row:
    return Row(
        date.fromisoformat(start),
        date.fromisoformat(end),
        imported_at=stamp,
        file="export.csv",
        source="meta",
        **figures,
    )  # type: ignore[arg-type]


def test_cpc_cpm_cpa_and_roas_from_spend_and_results() -> None:
    campaign = _campaign(
        spend=50, results={"impressions": 20000, "clicks": 125, "conversions": 10, "revenue": 400}
    )
    figures = merge(campaign, [])
    assert figures.cpc == pytest.approx(0.40)
    assert figures.cpm == pytest.approx(2.50)
    assert figures.cpa == pytest.approx(5.00)
    assert figures.roas == pytest.approx(8.0)
    assert figures.ctr == pytest.approx(0.00625)


def test_a_ratio_without_its_divisor_is_unknown_not_zero() -> None:
    figures = merge(_campaign(spend=50, results={"clicks": 0}), [])
    assert figures.cpc is None and figures.cpm is None and figures.roas is None
    assert merge(_campaign(spend=0, results={"revenue": 10}), []).roas is None


def test_a_lead_campaign_costs_per_lead() -> None:
    figures = merge(_campaign(objective="leads", spend=60, results={"leads": 12}), [])
    assert figures.cpa == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("spent", "today", "status"),
    [
        (50, "2026-12-05", "on pace"),  # day 5 of 10: 50 expected
        (70, "2026-12-05", "ahead"),
        (30, "2026-12-05", "behind"),
        (120, "2026-12-05", "over budget"),
        (0, "2026-11-20", "scheduled"),
        (98, "2026-12-12", "ended"),
    ],
)
def test_pacing_against_the_straight_line(spent: float, today: str, status: str) -> None:
    campaign = _campaign(spend=spent)
    pace = pacing(campaign, merge(campaign, []), date.fromisoformat(today))
    assert pace.status == status


def test_pacing_is_judged_on_the_last_day_the_spend_covers() -> None:
    # spend entered up to the 4th only: 40 by day 4 is on pace, even on the 6th
    campaign = _campaign(spend=[{"date": f"2026-12-0{d}", "amount": 10} for d in range(1, 5)])
    pace = pacing(campaign, merge(campaign, []), date(2026, 12, 6))
    assert (pace.status, pace.day, pace.expected, pace.projected) == ("on pace", 4, 40, 100)


def test_imports_cover_their_days_and_hand_entries_fill_the_others() -> None:
    campaign = _campaign(
        spend=[{"date": "2026-12-01", "amount": 9}, {"date": "2026-12-02", "amount": 99}]
    )
    figures = merge(campaign, [_row("2026-12-02", "2026-12-03", spend=20, clicks=40)])
    assert figures.spend == pytest.approx(29)  # 9 by hand + 20 imported (not the 99)
    assert figures.sources["spend"] == "both"
    assert figures.spend_through == date(2026, 12, 3)
    assert "1 hand-entered spend line(s) on days an import covers" in figures.notes[0]


def test_a_later_export_replaces_the_days_it_covers_instead_of_adding() -> None:
    rows = [
        _row("2026-12-01", "2026-12-01", "2026-12-02T08:00:00Z", spend=10, clicks=20),
        _row("2026-12-02", "2026-12-02", "2026-12-03T08:00:00Z", spend=11, clicks=21),
        # a full re-export over both days, with corrected figures
        _row("2026-12-01", "2026-12-02", "2026-12-04T08:00:00Z", spend=22, clicks=44),
    ]
    figures = merge(_campaign(), rows)
    assert figures.spend == pytest.approx(22)
    assert figures.get("clicks") == 44


def test_hand_entered_results_win_field_by_field() -> None:
    campaign = _campaign(results={"conversions": 7})
    figures = merge(
        campaign,
        [_row("2026-12-01", "2026-12-03", spend=30, clicks=90, conversions=3, revenue=120)],
    )
    assert figures.get("conversions") == 7 and figures.sources["conversions"] == "yaml"
    assert figures.get("clicks") == 90 and figures.sources["clicks"] == "import"
    assert figures.get("revenue") == 120


def test_a_bare_total_is_replaced_by_imports() -> None:
    figures = merge(_campaign(spend=80), [_row("2026-12-01", "2026-12-04", spend=45)])
    assert figures.spend == pytest.approx(45)
    assert "spend: 80 in the YAML is ignored" in figures.notes[0]

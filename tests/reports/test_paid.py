"""The report's paid section counts what was imported from the ads managers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cmkit.campaigns import store
from cmkit.models import Campaign
from cmkit.reports.paid import campaigns
from cmkit.reports.period import parse_month

CAMPAIGN = Campaign.model_validate(
    {
        "name": "Noël",
        "platform": "meta",
        "objective": "traffic",
        "start": "2026-11-16",
        "end": "2026-12-20",
        "budget": {"total": 300, "currency": "EUR"},
        "spend": [{"date": "2026-11-20", "amount": 10}],
    }
)


def test_imported_rows_count_and_stop_at_the_report_date(tmp_path: Path) -> None:
    store.append(
        tmp_path,
        "noel",
        [
            store.Row(
                date(2026, 11, 21),
                date(2026, 11, 24),
                spend=40.0,
                impressions=10_000,
                clicks=100,
                source="meta",
                file="export.csv",
                imported_at="2026-11-25T08:00Z",
            ),
            store.Row(
                date(2026, 12, 1),
                date(2026, 12, 5),
                spend=99.0,
                clicks=999,
                source="meta",
                file="export.csv",
                imported_at="2026-11-25T08:00Z",
            ),
        ],
    )
    period = parse_month("2026-11")
    (result,) = campaigns({"noel": CAMPAIGN}, period, date(2026, 12, 10), "EUR", tmp_path)
    assert result.spent == 50.0  # 10 by hand + 40 imported; December's row is after the month
    assert result.clicks == 100 and result.impressions == 10_000
    assert result.cpc == 0.5 and result.cpm == 5.0
    assert result.spent_in_period == 50.0

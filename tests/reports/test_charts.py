"""Charts: self-contained, reproducible, in the report's language."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from cmkit.reports import charts
from cmkit.reports.build import build_report
from cmkit.reports.i18n import I18n
from cmkit.reports.period import parse_month
from cmkit.workspace import load
from reports.conftest import NOW


def test_charts_need_nothing_from_outside_and_are_reproducible(agency: Path) -> None:
    ws = load(agency)
    report = build_report(
        ws.clients["boulangerie-martin"],
        parse_month("2026-11"),
        now=datetime.fromisoformat(NOW),
        config=ws.config,
    )
    first = {name: charts.svg(fig) for name, fig in charts.draw(report, I18n("fr")).items()}
    again = {name: charts.svg(fig) for name, fig in charts.draw(report, I18n("fr")).items()}
    assert list(first) == ["followers", "engagement", "kpis", "heatmap", "campaigns"]
    assert first == again  # same data, same bytes: goldens and git diffs stay quiet
    for svg in first.values():
        refs = re.findall(r'(?:href|src)="([^"#][^"]*)"', svg)
        outside = [r for r in refs if not r.startswith("data:")]
        assert outside == [], outside  # no image, font or stylesheet fetched from anywhere
    assert "1er nov." in first["followers"]  # French dates on the axis
    assert "en retard" in first["kpis"]
    assert "jeudi" in first["heatmap"]

"""`cmkit check` on campaigns, and what `cmkit campaigns` shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

OVER = """name: Soldes
platform: meta
objective: sales
start: 2026-11-01
end: 2026-11-30
budget:
  total: 100
  split: {instagram: 70, facebook: 50}
spend:
  - {date: 2026-10-31, amount: 60}
  - {date: 2026-11-02, amount: 55.5}
"""
ENDED = """name: Rentrée
platform: meta
objective: traffic
start: 2026-09-01
end: 2026-09-30
budget: {total: 200}
spend: 190
"""


def _rules(stdout: str) -> list[tuple[str, str]]:
    out = []
    for line in stdout.splitlines():
        where, _, rest = line.partition(": ")
        out.append((where, rest.split("[", 1)[1].split("]", 1)[0]))
    return out


def test_overspend_split_and_dates_are_flagged_where_they_are(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws({"soldes": OVER})
    r = cmkit("-w", ws, "check", "--no-cache")
    assert r.exit_code == 1  # the split is an error: it cannot be right
    assert _rules(r.stdout) == [
        ("clients/martin/campaigns/soldes.yaml:7:10", "campaign/overspend"),
        ("clients/martin/campaigns/soldes.yaml:8:10", "campaign/split-over-budget"),
        ("clients/martin/campaigns/soldes.yaml:10:12", "campaign/spend-outside-dates"),
    ]
    assert "115.50 EUR spent of a 100 EUR budget (15.50 EUR over)" in r.stdout
    assert "the split adds up to 120 EUR, more than the 100 EUR budget" in r.stdout


def test_an_import_that_takes_spend_over_budget_is_flagged(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    assert cmkit("-w", ws, "check").stdout == ""
    export = ws / "export.csv"
    export.write_text(
        "Reporting starts,Reporting ends,Campaign name,Amount spent (EUR)\n"
        '2026-11-19,2026-11-24,Noël 2026 — précommandes des bûches,"1,250.00"\n'
    )
    cmkit("-w", ws, "campaigns", "import", export, "--client", "martin", "--campaign", "noel-2026")
    r = cmkit("-w", ws, "check")  # the cache notices data/ changed
    assert "[campaign/overspend] 1275.75 EUR spent of a 300 EUR budget" in r.stdout


def test_a_campaign_that_ended_without_results_is_flagged_after_a_few_days(
    cmkit: Callable[..., object],
    campaign_ws: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = campaign_ws({"rentree": ENDED})
    monkeypatch.setenv("CMKIT_NOW", "2026-10-02T09:00:00+02:00")
    assert cmkit("-w", ws, "check").stdout == ""  # results take a few days to settle
    monkeypatch.setenv("CMKIT_NOW", "2026-10-05T09:00:00+02:00")
    r = cmkit("-w", ws, "check")  # same files, cached result: the rule still runs
    assert r.exit_code == 0
    assert r.stdout.startswith(
        "clients/martin/campaigns/rentree.yaml:5:6: warning "
        "[campaign/no-results] ended 5 days ago (2026-09-30)"
    )
    assert "cmkit campaigns import FILE --client martin --campaign rentree" in r.stdout
    (ws / "clients/martin/campaigns/rentree.yaml").write_text(ENDED + "results: {clicks: 410}\n")
    assert cmkit("-w", ws, "check").stdout == ""


def test_the_listing_reads_well_in_80_columns(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    r = cmkit("-w", ws, "campaigns")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "Boulangerie Martin"
    assert "  noel-2026  Noël 2026 — précommandes des bûches" in lines
    assert "    spent 25.75 EUR of 300.00 EUR (9%), to 18 Nov" in lines
    # 3 days of 35 → 25.71 expected
    assert "    on pace: expected 25.71 EUR by now, heading for 300.42 EUR" in lines
    assert all(len(line) <= 80 for line in lines)
    assert cmkit("-w", ws, "campaigns", "martin").stdout == r.stdout
    assert cmkit("-w", ws, "campaigns", "list", "martin").stdout == r.stdout
    unknown = cmkit("-w", ws, "campaigns", "marten")
    assert unknown.exit_code == 2 and "did you mean 'martin'?" in unknown.stderr

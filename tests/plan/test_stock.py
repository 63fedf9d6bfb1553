"""`cmkit stock`: counts, runway, what will soon be missing, pillar balance."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from planws import Builder

CALENDAR = """\
slots:
  - {network: instagram, days: [mon, wed, fri], time: "09:30"}
  - {network: facebook, days: [tue], time: "12:00"}
highlights:
  - id: concours
    name: Grand concours de Noël
    kind: contest
    start: 2026-12-01
    end: 2026-12-20
    brief: {posts: 3, networks: [instagram, facebook]}
  - id: galettes
    name: Galettes des rois
    start: 2027-01-02
    recurring: yearly
"""
STRATEGY = """\
period: {start: 2026-01-01, end: 2026-12-31}
pillars:
  - {id: produits, label: Nos produits, share: 50}
  - {id: coulisses, label: Les coulisses, share: 50}
"""


@pytest.fixture
def ws(build: Callable[[], Builder], now: Callable[[str], None]) -> Path:
    now("2026-11-25T09:00:00+01:00")  # a Wednesday
    b = build().client("martin", calendar=CALENDAR, strategy=STRATEGY)
    b.post("martin", "mercredi", "2026-11-25 09:30", extra="pillar: produits")
    b.post("martin", "vendredi", "2026-11-27 09:30", extra="pillar: produits")
    b.post("martin", "lundi", "2026-11-30 09:30", status="draft", extra="pillar: produits")
    b.post(
        "martin",
        "avent-j1",
        "2026-12-01 12:00",
        networks="[facebook]",
        extra="highlight: concours\npillar: coulisses",
    )
    b.post("martin", "en-reserve", None, extra="pillar: produits")
    b.post("martin", "oublie", "2026-11-23 09:30")  # approved, passed, never published
    b.post("martin", "publie", "2026-11-20 09:30", networks="[instagram, facebook]")
    b.published("martin", "publie", "instagram")
    b.published("martin", "publie", "facebook")
    b.post("martin", "abandon", "2026-12-02 09:30", status="cancelled")
    return b.root


def _stock(cmkit: Callable[..., object], ws: Path, *args: str) -> dict[str, object]:
    r = cmkit("-w", ws, "stock", "--json", *args)
    assert r.exit_code == 0, r.stderr  # type: ignore[attr-defined]
    data = json.loads(r.stdout)  # type: ignore[attr-defined]
    return data["clients"][0]  # type: ignore[no-any-return]


def test_counts_per_state_pillar_format_network(cmkit: Callable[..., object], ws: Path) -> None:
    stock = _stock(cmkit, ws)
    assert stock["states"] == {
        "approved": 4,
        "cancelled": 1,
        "draft": 1,
        "overdue": 1,
        "published": 1,
    }
    assert stock["in_stock"] == 6  # approved, draft and overdue: not published, not dropped
    assert stock["pillars"] == {"produits": 4, "coulisses": 1, "(none)": 1}
    assert stock["networks"] == {"instagram": 5, "facebook": 1}


def test_runway_stops_at_the_first_slot_without_approved_content(
    cmkit: Callable[..., object],
    ws: Path,
) -> None:
    runway = _stock(cmkit, ws)["runway"]
    # Wed 25 and Fri 27 are approved; Mon 30's post is still a draft
    assert runway == {
        "days": 5,
        "beyond_horizon": False,
        "horizon_days": 180,
        "slots_covered": 2,
        "first_gap": {
            "network": "instagram",
            "at": "2026-11-30T09:30:00+01:00",
            "format": None,
            "pillar": None,
        },
    }


def test_soon_missing(cmkit: Callable[..., object], ws: Path) -> None:
    stock = _stock(cmkit, ws, "--days", "14")
    assert stock["undated_ready"] == 1
    # Mon 30 (draft) and Tue 1 (approved) are planned; Wed 2's post is cancelled
    assert [s["at"] for s in stock["next_unfilled"]][:2] == [  # type: ignore[index]
        "2026-12-02T09:30:00+01:00",
        "2026-12-04T09:30:00+01:00",
    ]
    assert [p["id"] for p in stock["to_approve"]] == ["lundi"]  # type: ignore[union-attr]
    [concours] = stock["highlights"]  # type: ignore[misc]
    assert concours == {
        "id": "concours",
        "name": "Grand concours de Noël",
        "start": "2026-12-01",
        "end": "2026-12-20",
        "wanted": 3,
        "have": 1,
        "missing": 2,
        "networks_missing": ["instagram"],
    }


def test_an_approved_post_whose_time_passed_today_is_not_to_approve(
    cmkit: Callable[..., object], build: Callable[[], Builder], now: Callable[[str], None]
) -> None:
    now("2026-11-25T12:05:00+01:00")
    b = build().client("martin", calendar=CALENDAR, strategy=STRATEGY)
    b.post("martin", "midi", "2026-11-25 12:00")  # approved, five minutes ago
    b.post("martin", "soir", "2026-11-25 18:00", status="review")
    stock = _stock(cmkit, b.root)
    assert stock["states"] == {"overdue": 1, "review": 1}
    assert [p["id"] for p in stock["to_approve"]] == ["soir"]  # type: ignore[union-attr]


def test_yearly_highlight_without_brief_wants_one_post(
    cmkit: Callable[..., object], ws: Path
) -> None:
    stock = _stock(cmkit, ws, "--days", "60")
    galettes = next(h for h in stock["highlights"] if h["id"] == "galettes")  # type: ignore
    assert (galettes["start"], galettes["wanted"], galettes["have"]) == ("2027-01-02", 1, 0)


def test_pillar_balance_against_the_strategy(cmkit: Callable[..., object], ws: Path) -> None:
    balance = _stock(cmkit, ws)["pillar_balance"]
    # coming: mercredi, vendredi, lundi (produits), avent-j1 (coulisses)
    assert balance == [
        {
            "id": "produits",
            "label": "Nos produits",
            "target": 50.0,
            "count": 3,
            "actual": 75.0,
            "delta": 25.0,
            "off_balance": True,
        },
        {
            "id": "coulisses",
            "label": "Les coulisses",
            "target": 50.0,
            "count": 1,
            "actual": 25.0,
            "delta": -25.0,
            "off_balance": True,
        },
    ]


def test_text_output(
    cmkit: Callable[..., object], ws: Path, columns: Callable[[int], None]
) -> None:
    columns(80)
    r = cmkit("-w", ws, "stock")
    out: str = r.stdout  # type: ignore[attr-defined]
    assert "Boulangerie Martin · stock on Wed 25 Nov 2026" in out
    assert "In stock: 6 posts (1 overdue, 4 approved, 1 draft) · 1 published · 1 cancelled" in out
    assert "Runway: 5 days — first slot without approved content: instagram Mon 30 Nov 09:30" in out
    assert "1 approved post(s) without a date could fill the gap" in out
    assert "to approve  Mon 30 Nov 09:30  lundi (draft)" in out
    assert "Grand concours de Noël: 1 of 3 posts; nothing on" in out
    assert "Pillar balance (4 post(s) planned in the next 30 days)" in out
    assert "Nos produits" in out and "+25 pts over" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_no_slots_no_runway(
    cmkit: Callable[..., object], build: Callable[[], Builder], now: Callable[[str], None]
) -> None:
    now("2026-11-25T09:00:00+01:00")
    b = build().client("nu")
    b.post("nu", "seul", "2026-12-01 09:00")
    r = cmkit("-w", b.root, "stock")
    assert "Runway: no weekly slots in calendar.yaml" in r.stdout  # type: ignore[attr-defined]


def test_runway_beyond_the_horizon(
    cmkit: Callable[..., object], build: Callable[[], Builder], now: Callable[[str], None]
) -> None:
    now("2026-11-25T09:00:00+01:00")
    b = build().client(
        "rare", calendar='slots:\n  - {network: instagram, days: [wed], time: "09:30"}\n'
    )
    from datetime import date, timedelta

    day = date(2026, 11, 25)
    while day <= date(2027, 5, 26):
        b.post("rare", f"p-{day}", f"{day} 09:30")
        day += timedelta(days=7)
    stock = _stock(cmkit, b.root)
    assert stock["runway"]["beyond_horizon"] is True  # type: ignore[index]
    r = cmkit("-w", b.root, "stock")
    assert "Runway: 180+ days" in r.stdout  # type: ignore[attr-defined]

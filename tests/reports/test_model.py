"""The report model of the example month: what the client is told, figure by figure."""

from __future__ import annotations

import json
import sys
import types
from datetime import date, datetime
from pathlib import Path

import pytest

from cmkit.reports.build import build_report
from cmkit.reports.model import InboxSection, Missing, Report
from cmkit.reports.period import parse_month, parse_week
from cmkit.workspace import load
from reports.conftest import NOW, check_golden


def model(
    root: Path,
    client: str = "boulangerie-martin",
    month: str = "2026-11",
    week: str | None = None,
    now: str = NOW,
) -> Report:
    ws = load(root)
    period = parse_week(week) if week else parse_month(month)
    return build_report(
        ws.clients[client], period, now=datetime.fromisoformat(now), config=ws.config
    )


def test_the_example_month_matches_its_golden_file(agency: Path) -> None:
    data = model(agency).to_dict()
    check_golden(
        "boulangerie-martin-2026-11.json",
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
    )


def test_objectives_get_a_verdict_and_a_pace(agency: Path) -> None:
    by_id = {o.id: o for o in model(agency).objectives}
    linkedin = by_id["abonnes-linkedin"]
    assert (linkedin.actual, linkedin.verdict) == (315, "behind")
    assert linkedin.expected is not None and 320 < linkedin.expected < 322
    assert linkedin.needed_per_month is not None and linkedin.needed_per_month > 15
    # 400 clicks from 16 November: organic post clicks plus the campaign's 187
    clicks = by_id["clics-precommandes"]
    assert clicks.verdict == "on_track" and clicks.actual is not None and clicks.actual > 187
    assert by_id["abonnes-facebook-decembre"].verdict == "not_started"
    rate = by_id["engagement-instagram"]
    assert rate.unit == "percent" and rate.verdict == "on_track"


def test_a_monthly_rate_objective_is_read_over_thirty_days(agency: Path) -> None:
    (mastodon,) = [
        o for o in model(agency, "cafe-erable").objectives if o.id == "engagement-mastodon"
    ]
    assert mastodon.verdict == "on_track"
    assert mastodon.actual is not None and 18 < mastodon.actual < 40
    assert mastodon.needed_per_month is None  # a rate is not built up month after month


def test_what_a_network_does_not_expose_is_missing_not_zero(agency: Path) -> None:
    report = model(agency)
    bluesky = next(n for n in report.networks if n.network == "bluesky")
    assert bluesky.impressions is None and bluesky.reach is None
    assert bluesky.engagements and bluesky.rate_basis == "followers"
    assert Missing("impressions", "bluesky", "not_exposed") in report.missing
    # and the all-network rate is computed without Bluesky's per-follower one
    total = report.totals
    rated = [n for n in report.networks if n.rate_basis == "impressions"]
    assert total is not None and total.engagement_rate == pytest.approx(
        sum(n.engagements or 0 for n in rated) / sum(n.impressions or 0 for n in rated)
    )


def test_a_network_with_no_figures_is_said_to_have_none(agency: Path) -> None:
    data = agency / "clients" / "boulangerie-martin" / "data"
    posts = data / "metrics-posts.jsonl"
    posts.write_text(
        "".join(
            line + "\n"
            for line in posts.read_text("utf-8").splitlines()
            if '"network":"linkedin"' not in line
        ),
        "utf-8",
    )
    report = model(agency)
    linkedin = next(n for n in report.networks if n.network == "linkedin")
    assert linkedin.posts == 3 and linkedin.posts_measured == 0
    assert linkedin.impressions is None and linkedin.engagements is None
    assert Missing("post_metrics", "linkedin", "no_data") in report.missing


def test_a_post_published_by_hand_counts_in_the_totals(agency: Path) -> None:
    october = model(agency, month="2026-10")
    facebook = next(n for n in october.networks if n.network == "facebook")
    assert facebook.outside_posts == 1  # the closing notice, known from the Meta export
    assert all(p.post != "104000000000001_122111430017882" for p in october.top_posts)


def test_best_times_come_from_the_clients_own_history(agency: Path) -> None:
    report = model(agency)
    assert report.history_since == date(2026, 9, 1)
    thursday_evening = [c for c in report.heatmap if (c.weekday, c.bucket) == (3, 6)]
    assert thursday_evening and thursday_evening[0].posts >= 10
    best = [r for r in report.recommendations if r.kind == "best_slot"]
    assert best and (best[0].params["weekday"], best[0].params["start"]) == (3, 18)


def test_every_recommendation_rests_on_a_figure(agency: Path) -> None:
    from cmkit.reports.i18n import I18n

    report = model(agency)
    assert report.recommendations
    for rec in report.recommendations:
        _, evidence = I18n("fr").recommendation(rec, report.currency)
        assert any(ch.isdigit() for ch in evidence), (rec.kind, evidence)
    assert report.recommendations[0].kind == "objective_behind"


def test_planned_versus_published(agency: Path) -> None:
    plan = model(agency).adherence
    assert plan.planned == plan.published == 26 and plan.misses == []
    # a post approved for this morning that the ledger never saw go out
    post = agency / "clients" / "boulangerie-martin" / "posts" / "2026-11-25-portrait-lea.md"
    post.write_text(post.read_text("utf-8").replace("12:00", "08:00"), "utf-8")
    plan = model(agency).adherence
    assert plan.planned == 29 and plan.published == 26
    assert {(m.post, m.reason) for m in plan.misses} == {
        ("2026-11-25-portrait-lea", "not_published")
    }


def test_campaign_pacing_and_costs(agency: Path) -> None:
    (noel,) = model(agency).campaigns
    assert noel.spent == pytest.approx(79.80)
    assert noel.pacing == "on_pace"
    assert noel.cpa == pytest.approx(79.80 / 41) and noel.roas == pytest.approx(1394 / 79.80)
    assert noel.cpm == pytest.approx(1000 * 79.80 / 21480)


def test_the_inbox_section_appears_once_the_inbox_provides_it(
    agency: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the example's inbox (data/inbox.jsonl): three messages, one answered after 13 h 17
    assert model(agency).inbox == InboxSection(3, 2, 1, 796.8, 796.8)
    (agency / "clients/boulangerie-martin/data/inbox.jsonl").unlink()
    assert model(agency).inbox is None  # no messages: no section, no invented figures
    fake = types.ModuleType("cmkit.inbox")
    fake.report_section = lambda space, start, end: InboxSection(  # type: ignore[attr-defined]
        received=31, answered=29, unanswered=2, median_response_minutes=42.0
    )
    monkeypatch.setitem(sys.modules, "cmkit.inbox", fake)
    assert model(agency).inbox == InboxSection(31, 29, 2, 42.0)


def test_the_weekly_model_is_smaller(agency: Path) -> None:
    week = model(agency, week="2026-W47")
    assert week.period.label == "2026-W47" and not week.partial
    assert len(week.recommendations) <= 3
    assert sum(n.posts for n in week.networks) == 11  # the ledger: 16–22 November

"""Figures, dates and sentences as a French or an English reader expects them."""

from __future__ import annotations

from datetime import date

import pytest

from cmkit.reports.i18n import NNBSP, I18n
from cmkit.reports.model import Missing, Recommendation
from cmkit.reports.period import parse_month, parse_week

FR, EN = I18n("fr"), I18n("en")


def plain(text: str) -> str:
    return text.replace(NNBSP, " ")


def test_french_figures() -> None:
    assert plain(FR.number(1234.5, 1)) == "1 234,5"
    assert plain(FR.percent(0.12)) == "12 %"
    assert plain(FR.percent(0.0345)) == "3,5 %"
    assert plain(FR.money(1394, "EUR")) == "1 394,00 €"
    assert plain(FR.signed(-12)) == "−12"
    assert FR.number(None) == "—"  # never a 0 for a missing figure


def test_english_figures() -> None:
    assert EN.number(1234.5, 1) == "1,234.5"
    assert EN.percent(0.12) == "12%"
    assert EN.money(1394, "EUR") == "€1,394.00"
    assert EN.money(250, "CAD", 0) == "$250"


def test_figures_do_not_break_across_lines() -> None:
    assert " " not in FR.number(1234567) and " " not in FR.percent(0.5)


def test_dates() -> None:
    assert FR.date(date(2026, 11, 1)) == "1er novembre 2026"
    assert FR.month(date(2026, 11, 1)) == "novembre 2026"
    assert EN.date(date(2026, 11, 1)) == "1 November 2026"
    assert FR.weekday(3) == "jeudi" and EN.weekday(3) == "Thursday"


def test_missing_data_is_said_plainly() -> None:
    missing = [
        Missing("impressions", "bluesky", "not_exposed"),
        Missing("reach", "bluesky", "not_exposed"),
    ]
    assert EN.missing(missing[0]) == (
        "No impressions for Bluesky: the network does not expose them."
    )
    assert plain(FR.missing_lines(missing)[0]) == (
        "Pas d'impressions ni de couverture pour Bluesky : le réseau ne les communique pas."
    )


def test_a_recommendation_comes_with_its_figure() -> None:
    rec = Recommendation(
        "best_slot", {"weekday": 3, "start": 18, "end": 20, "index": 1.41, "posts": 15}
    )
    advice, evidence = FR.recommendation(rec, "EUR")
    assert plain(advice) == "Garder le jeudi entre 18 h et 20 h pour les posts importants."
    assert plain(evidence) == "Indice 1,41 sur 15 posts publiés à ce moment-là."
    advice, evidence = EN.recommendation(rec, "EUR")
    assert advice == "Keep Thursdays between 18:00 and 20:00 for the important posts."


def test_periods() -> None:
    assert parse_month("2026-11").end == date(2026, 11, 30)
    week = parse_week("2026-W47")
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert plain(FR.period_title(type("R", (), {"period": week})())) == (
        "Semaine 47, du 16 nov. au 22 novembre 2026"
    )
    for bad in ("2026-13", "nov"):
        with pytest.raises(Exception, match="YYYY-MM"):
            parse_month(bad)


def test_response_times_read_as_hours_and_minutes() -> None:
    assert plain(FR.duration(42)) == "42 min"
    assert plain(FR.duration(796.8)) == "13 h 17"
    assert plain(EN.duration(796.8)) == "13 h 17 min"

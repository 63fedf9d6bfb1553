"""Key dates of a client: public holidays by country and region, commercial dates,
calendar.yaml's own dates and highlights."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from planws import Builder

from cmkit.plan.index import load_plan
from cmkit.plan.keydates import DateBook


def _book(ws: Builder, slug: str) -> DateBook:
    plan = next(c for c in load_plan(ws.root).clients if c.slug == slug)
    return DateBook(plan)


def _names(book: DateBook, start: date, end: date) -> list[tuple[str, str, str]]:
    return [(k.start.isoformat(), k.kind, k.name) for k in book.key_dates(start, end)]


def test_french_client_gets_french_holidays_and_sales(build: Callable[[], Builder]) -> None:
    ws = build().client("martin")
    found = _names(_book(ws, "martin"), date(2026, 12, 20), date(2027, 1, 10))
    assert ("2026-12-25", "holiday", "Noël") in found
    assert ("2027-01-01", "holiday", "Jour de l'an") in found
    assert ("2027-01-06", "commercial", "Soldes d'hiver") in found
    assert ("2027-01-03", "commercial", "Épiphanie (galette des rois)") in found


def test_quebec_client_gets_quebec_holidays_in_french(build: Callable[[], Builder]) -> None:
    ws = build().client("erable", tz="America/Montreal", country="CA", region="QC", locale="fr-CA")
    found = _names(_book(ws, "erable"), date(2026, 5, 1), date(2026, 6, 30))
    assert ("2026-05-18", "holiday", "Journée nationale des patriotes") in found
    assert ("2026-06-24", "holiday", "Fête nationale du Québec") in found
    assert ("2026-05-10", "commercial", "Fête des mères") in found
    assert not any(name.startswith("Soldes") for _, _, name in found)


def test_english_locale_gets_english_names(build: Callable[[], Builder]) -> None:
    ws = build().client("shop", tz="America/Toronto", country="CA", region="ON", locale="en-CA")
    found = _names(_book(ws, "shop"), date(2026, 12, 24), date(2026, 12, 27))
    assert ("2026-12-25", "holiday", "Christmas Day") in found
    assert ("2026-12-26", "holiday", "Boxing Day") in found


def test_unknown_region_falls_back_to_national_holidays_with_a_warning(
    build: Callable[[], Builder],
) -> None:
    ws = build().client("erable", country="CA", region="ZZ", locale="fr-CA")
    book = _book(ws, "erable")
    assert book.warnings and "region 'ZZ' is unknown for CA" in book.warnings[0]
    assert ("2026-07-01", "holiday", "Fête du Canada") in _names(
        book, date(2026, 7, 1), date(2026, 7, 1)
    )


def test_french_department_is_known_to_the_sales_rules(build: Callable[[], Builder]) -> None:
    ws = build().client("metz", region="57")
    book = _book(ws, "metz")
    assert book.warnings == []
    winter = [
        k for k in book.key_dates(date(2027, 1, 1), date(2027, 1, 31)) if k.id == "soldes-hiver"
    ]
    assert winter[0].start == date(2027, 1, 2)
    # Alsace-Moselle's own public holiday comes from the holidays library
    assert any(
        k.name == "Vendredi saint" for k in book.key_dates(date(2027, 3, 26), date(2027, 3, 26))
    )


def test_commercial_dates_can_be_turned_off(build: Callable[[], Builder]) -> None:
    ws = build().client("martin", calendar="holidays:\n  commercial: false\n")
    kinds = {k.kind for k in _book(ws, "martin").key_dates(date(2026, 1, 1), date(2026, 12, 31))}
    assert kinds == {"holiday"}


def test_own_dates_and_yearly_highlights(build: Callable[[], Builder]) -> None:
    ws = build().client(
        "martin",
        calendar="""\
key_dates:
  - {date: 2026-12-08, name: Fête des Lumières}
highlights:
  - id: galettes
    name: Galettes des rois
    kind: season
    start: 2026-01-02
    end: 2026-01-31
    recurring: yearly
  - id: concours
    name: Grand concours
    kind: contest
    start: 2026-12-01
    end: 2026-12-20
""",
    )
    book = _book(ws, "martin")
    found = book.key_dates(date(2026, 12, 1), date(2027, 1, 15))
    by_id = {(k.id, k.start.isoformat()): k for k in found}
    assert ("fete-des-lumieres", "2026-12-08") in by_id
    assert by_id[("concours", "2026-12-01")].label == "contest"
    # the yearly highlight comes back in 2027
    galettes = by_id[("galettes", "2027-01-02")]
    assert galettes.end == date(2027, 1, 31) and galettes.kind == "highlight"


def test_working_days_skip_weekends_and_the_clients_holidays(
    build: Callable[[], Builder],
) -> None:
    ws = build().client("martin").client("erable", country="CA", region="QC", tz="America/Montreal")
    paris, montreal = _book(ws, "martin"), _book(ws, "erable")
    assert not paris.is_working_day(date(2026, 5, 1))  # Fête du Travail
    assert montreal.is_working_day(date(2026, 5, 1))
    assert not montreal.is_working_day(date(2026, 6, 24))
    assert not paris.is_working_day(date(2026, 5, 2))  # a Saturday


def test_holiday_tables_are_remembered_outside_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cmkit.plan import holidaydata

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    holidaydata.holiday_table.cache_clear()
    table = holidaydata.holiday_table("FR", None, "fr", 2026)
    assert table[date(2026, 7, 14)] == "Fête nationale"
    [stored] = (tmp_path / "cache" / "cmkit" / "holidays").rglob("FR--fr-2026-public.json")
    # a later run reads the file instead of the library
    stored.write_text('{"2026-07-14": "Fête nationale (remembered)"}', "utf-8")
    holidaydata.holiday_table.cache_clear()
    assert holidaydata.holiday_table("FR", None, "fr", 2026) == {
        date(2026, 7, 14): "Fête nationale (remembered)"
    }
    # a corrupt file is rebuilt, not trusted
    stored.write_text("{not json", "utf-8")
    holidaydata.holiday_table.cache_clear()
    assert len(holidaydata.holiday_table("FR", None, "fr", 2026)) == 11
    holidaydata.holiday_table.cache_clear()

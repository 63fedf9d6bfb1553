"""Commercial dates against the dates France, Canada and others actually had."""

from __future__ import annotations

from datetime import date, time

import pytest

from cmkit.plan.commercial import easter, moments, nth_weekday, soldes


def _soldes(year: int, region: str | None = None) -> dict[str, tuple[date, date | None]]:
    return {m.id: (m.start, m.end) for m in soldes(year, region)}


@pytest.mark.parametrize(
    ("year", "winter", "summer"),
    [
        # published national dates (service-public.fr / economie.gouv.fr)
        (2017, (date(2017, 1, 11), date(2017, 2, 21)), (date(2017, 6, 28), date(2017, 8, 8))),
        (2019, (date(2019, 1, 9), date(2019, 2, 19)), (date(2019, 6, 26), date(2019, 8, 6))),
        (2020, (date(2020, 1, 8), date(2020, 2, 4)), (date(2020, 7, 15), date(2020, 8, 11))),
        (2021, (date(2021, 1, 20), date(2021, 3, 2)), (date(2021, 6, 30), date(2021, 7, 27))),
        (2022, (date(2022, 1, 12), date(2022, 2, 8)), (date(2022, 6, 22), date(2022, 7, 19))),
        (2023, (date(2023, 1, 11), date(2023, 2, 7)), (date(2023, 6, 28), date(2023, 8, 1))),
        (2024, (date(2024, 1, 10), date(2024, 2, 6)), (date(2024, 6, 26), date(2024, 7, 23))),
        (2025, (date(2025, 1, 8), date(2025, 2, 4)), (date(2025, 6, 25), date(2025, 7, 22))),
        (2026, (date(2026, 1, 7), date(2026, 2, 3)), (date(2026, 6, 24), date(2026, 7, 21))),
    ],
)
def test_soldes_follow_the_rule_and_its_exceptions(
    year: int, winter: tuple[date, date], summer: tuple[date, date]
) -> None:
    found = _soldes(year)
    assert found["soldes-hiver"] == winter
    assert found["soldes-ete"] == summer


def test_winter_sales_move_to_the_first_wednesday_when_the_second_is_after_the_12th() -> None:
    # 2nd Wednesday of January 2026 is the 14th: the sales start on the 7th
    assert nth_weekday(2026, 1, 2, 2) == date(2026, 1, 14)
    assert _soldes(2026)["soldes-hiver"][0] == date(2026, 1, 7)


def test_summer_sales_move_back_a_week_when_the_last_wednesday_is_after_the_28th() -> None:
    assert nth_weekday(2022, 6, 2, -1) == date(2022, 6, 29)
    assert _soldes(2022)["soldes-ete"][0] == date(2022, 6, 22)


def test_sales_start_at_eight_in_the_morning() -> None:
    assert {m.at for m in soldes(2027)} == {time(8, 0)}


def test_lorraine_starts_winter_sales_on_the_second_of_january() -> None:
    assert _soldes(2023, "57")["soldes-hiver"] == (date(2023, 1, 2), date(2023, 1, 29))
    # 2 January 2022 was a Sunday
    assert _soldes(2022, "54")["soldes-hiver"][0] == date(2022, 1, 3)
    # in 2021 the postponement applied there too
    assert _soldes(2021, "88")["soldes-hiver"][0] == date(2021, 1, 20)
    assert _soldes(2021, "57")["soldes-ete"][0] == date(2021, 6, 26)


def test_no_sales_before_the_2009_rule() -> None:
    assert soldes(2008) == []


def test_easter() -> None:
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


def _on(country: str, year: int, moment_id: str) -> date:
    found = {m.id: m.start for m in moments(country, year)}
    return found[moment_id]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2020, date(2020, 6, 7)),  # Pentecost on 31 May: first Sunday of June
        (2023, date(2023, 6, 4)),  # Pentecost on 28 May
        (2024, date(2024, 5, 26)),
        (2026, date(2026, 5, 31)),
    ],
)
def test_french_mothers_day_gives_way_to_pentecost(year: int, expected: date) -> None:
    assert _on("FR", year, "mothers-day") == expected


def test_mothers_and_fathers_day_per_country() -> None:
    assert _on("CA", 2026, "mothers-day") == date(2026, 5, 10)
    assert _on("US", 2026, "fathers-day") == date(2026, 6, 21)
    assert _on("FR", 2026, "fathers-day") == date(2026, 6, 21)
    assert _on("GB", 2026, "mothers-day") == date(2026, 3, 15)  # Mothering Sunday
    assert _on("DE", 2026, "fathers-day") == date(2026, 5, 14)  # Ascension Day
    assert _on("BE", 2026, "fathers-day") == date(2026, 6, 14)


def test_black_friday_follows_thanksgiving_everywhere() -> None:
    assert _on("FR", 2026, "black-friday") == date(2026, 11, 27)
    assert _on("FR", 2026, "cyber-monday") == date(2026, 11, 30)
    assert _on("CA", 2025, "black-friday") == date(2025, 11, 28)


def test_valentines_day_for_any_country() -> None:
    assert _on("JP", 2026, "valentines-day") == date(2026, 2, 14)


def test_french_rentree_is_the_day_after_the_summer_school_holidays() -> None:
    assert _on("FR", 2023, "rentree") == date(2023, 9, 4)
    assert _on("FR", 2025, "rentree") == date(2025, 9, 1)
    assert _on("FR", 2026, "rentree") == date(2026, 9, 1)


def test_back_to_school_season_in_north_america_ends_on_labour_day() -> None:
    season = next(m for m in moments("CA", 2026) if m.id == "back-to-school")
    assert (season.start, season.end) == (date(2026, 8, 15), date(2026, 9, 7))


def test_epiphany_is_kept_on_the_first_sunday_in_france() -> None:
    assert _on("FR", 2026, "epiphanie") == date(2026, 1, 4)
    assert _on("FR", 2023, "epiphanie") == date(2023, 1, 8)  # 1 January was a Sunday
    assert _on("BE", 2026, "epiphanie") == date(2026, 1, 6)


def test_names_follow_the_language() -> None:
    winter = soldes(2027)[0]
    assert winter.name("fr") == "Soldes d'hiver"
    assert winter.name("en") == "Winter sales (soldes)"
    assert winter.name("de") == "Winter sales (soldes)"

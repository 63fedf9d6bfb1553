"""Commercial dates a community manager plans around, by country, from their actual rules.

Public holidays come from the `holidays` library (keydates.py); what is here is what no
holiday table holds: sales periods fixed by law, Mother's and Father's Day (which differ
by country), Valentine's Day, Black Friday, back to school, and a few food moments French
bakeries and cafés live by. Every rule names its source; years that broke the rule are
listed explicitly (see docs/calendar.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

WED, THU, SUN, MON = 2, 3, 6, 0


@dataclass(frozen=True)
class Moment:
    """A commercial date, before it becomes a client's KeyDate."""

    id: str
    start: date
    names: dict[str, str]  # language → name
    end: date | None = None  # inclusive, for periods
    at: time | None = None  # when it starts, if the rule says so (soldes: 08:00)
    note: str | None = None

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th weekday (0 = Monday) of a month; n = -1 for the last, -2 the one before."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))


# --- French sales (soldes) -------------------------------------------------------------
#
# Rule: Code de commerce art. D310-15-2 (2008-12-20 → 2019-12-31), then art. 1 of the
# arrêté du 27 mai 2019 (from 2020, under art. L310-3 as amended by the loi PACTE), same
# wording: winter sales start at 8:00 on the 2nd Wednesday of January, moved to the 1st
# Wednesday when the 2nd falls after the 12th; summer sales start at 8:00 on the last
# Wednesday of June, moved to the one before when the last falls after the 28th (that
# second clause exists since the 2010-10-14 version). Length: 5 weeks 2009–2014 (loi LME),
# 6 weeks 2015–2019 (loi Pinel), 4 weeks from 2020 (arrêté du 27 mai 2019).

SOLDES_FIRST_YEAR = 2009

# Years a decree moved the national dates (start, last day), for metropolitan France.
SOLDES_EXCEPTIONS: dict[tuple[int, str], tuple[date, date, str]] = {
    (2020, "summer"): (
        date(2020, 7, 15),
        date(2020, 8, 11),
        "postponed after the lockdown (arrêté du 10 juin 2020)",
    ),
    (2021, "winter"): (
        date(2021, 1, 20),
        date(2021, 3, 2),
        "postponed from 6 January (arrêté, JO du 29 décembre 2020), then "
        "extended by two weeks to 2 March",
    ),
    (2021, "summer"): (
        date(2021, 6, 30),
        date(2021, 7, 27),
        "set to 30 June instead of 23 June by derogation to the arrêté du 27 mai 2019",
    ),
    (2023, "summer"): (
        date(2023, 6, 28),
        date(2023, 8, 1),
        "extended by one week after the riots (arrêté du 6 juillet 2023)",
    ),
}

# The same, for one department only.
SOLDES_REGIONAL_EXCEPTIONS: dict[tuple[int, str, str], tuple[date, date, str]] = {
    (2021, "summer", "57"): (
        date(2021, 6, 26),
        date(2021, 7, 23),
        "Moselle: from 26 June, by the same derogation",
    ),
}

# Moselle, Meurthe-et-Moselle, Meuse and Vosges start the winter sales on 2 January
# (3 January when the 2nd is a Sunday), like neighbouring Luxembourg (annex of the
# arrêté du 27 mai 2019); in 2021 they were aligned on the postponed national date.
LORRAINE = {"54", "55", "57", "88"}


def _soldes_weeks(year: int) -> int:
    return 5 if year <= 2014 else 6 if year <= 2019 else 4


def soldes(year: int, region: str | None = None) -> list[Moment]:
    """The two French sales periods of a year (metropolitan rule, Lorraine's winter date)."""
    if year < SOLDES_FIRST_YEAR:
        return []
    winter = nth_weekday(year, 1, WED, 2)
    if winter.day > 12:
        winter = nth_weekday(year, 1, WED, 1)
    summer = nth_weekday(year, 6, WED, -1)
    # the first version of D310-15-2 (until 2010-10-13) had no "moved" clause for summer
    if summer.day > 28 and year >= 2011:
        summer = nth_weekday(year, 6, WED, -2)
    length = timedelta(weeks=_soldes_weeks(year)) - timedelta(days=1)
    periods = {"winter": (winter, winter + length), "summer": (summer, summer + length)}
    notes: dict[str, str | None] = {"winter": None, "summer": None}
    if region in LORRAINE:
        start = date(year, 1, 3) if date(year, 1, 2).weekday() == SUN else date(year, 1, 2)
        periods["winter"] = (start, start + length)
        notes["winter"] = "Moselle, Meurthe-et-Moselle, Meuse, Vosges: from 2 January"
    for season in ("winter", "summer"):
        exception = SOLDES_REGIONAL_EXCEPTIONS.get(
            (year, season, region or "")
        ) or SOLDES_EXCEPTIONS.get((year, season))
        if exception:
            periods[season] = exception[:2]
            notes[season] = exception[2]
    names = {
        "winter": {"fr": "Soldes d'hiver", "en": "Winter sales (soldes)"},
        "summer": {"fr": "Soldes d'été", "en": "Summer sales (soldes)"},
    }
    return [
        Moment(
            f"soldes-{'hiver' if s == 'winter' else 'ete'}",
            periods[s][0],
            names[s],
            end=periods[s][1],
            at=time(8, 0),
            note=notes[s],
        )
        for s in ("winter", "summer")
    ]


# --- Mother's and Father's Day ---------------------------------------------------------


def _fr_mothers_day(year: int) -> date:
    # loi n° 50-577 du 24 mai 1950: last Sunday of May; the first Sunday of June when
    # that is Pentecost (Easter + 49 days)
    day = nth_weekday(year, 5, SUN, -1)
    return nth_weekday(year, 6, SUN, 1) if day == easter(year) + timedelta(days=49) else day


def _second_sunday_may(year: int) -> date:
    return nth_weekday(year, 5, SUN, 2)


def _third_sunday_june(year: int) -> date:
    return nth_weekday(year, 6, SUN, 3)


MOTHERS_DAY: dict[str, Callable[[int], date]] = {
    "FR": _fr_mothers_day,
    "MC": _fr_mothers_day,
    "BE": _second_sunday_may,
    "CH": _second_sunday_may,
    "LU": _second_sunday_may,
    "CA": _second_sunday_may,
    "US": _second_sunday_may,
    "DE": _second_sunday_may,
    "AT": _second_sunday_may,
    "IT": _second_sunday_may,
    "NL": _second_sunday_may,
    "AU": _second_sunday_may,
    "GB": lambda y: easter(y) - timedelta(days=21),  # Mothering Sunday, 4th Sunday of Lent
    "IE": lambda y: easter(y) - timedelta(days=21),
    "ES": lambda y: nth_weekday(y, 5, SUN, 1),
    "PT": lambda y: nth_weekday(y, 5, SUN, 1),
}

FATHERS_DAY: dict[str, Callable[[int], date]] = {
    "FR": _third_sunday_june,
    "MC": _third_sunday_june,
    "CA": _third_sunday_june,
    "US": _third_sunday_june,
    "GB": _third_sunday_june,
    "IE": _third_sunday_june,
    "NL": _third_sunday_june,
    "BE": lambda y: nth_weekday(y, 6, SUN, 2),
    "CH": lambda y: nth_weekday(y, 6, SUN, 1),
    "LU": lambda y: nth_weekday(y, 10, SUN, 1),
    "DE": lambda y: easter(y) + timedelta(days=39),  # Vatertag, on Ascension Day
    "AT": lambda y: nth_weekday(y, 6, SUN, 2),
    "AU": lambda y: nth_weekday(y, 9, SUN, 1),
    "ES": lambda y: date(y, 3, 19),  # San José
    "IT": lambda y: date(y, 3, 19),
    "PT": lambda y: date(y, 3, 19),
}


# --- Back to school --------------------------------------------------------------------


@cache
def _fr_rentree(year: int) -> Moment:
    """French rentrée: the day after the national summer school holidays end."""
    from .holidaydata import holiday_table

    end: date | None = None
    try:
        school = holiday_table("FR", "Zone A", "en_US", year, "school")
        summer = [d for d, name in school.items() if d.month in (8, 9) and "summer" in name.lower()]
        end = max(summer) if summer else None
    except (NotImplementedError, KeyError, ValueError):  # a library without school holidays
        end = None
    note = "Ministère de l'Éducation nationale school calendar (via holidays)"
    if end is None:
        # outside the published school calendars: early September, never on a Friday
        # or a weekend
        first = date(year, 9, 1)
        end = (
            first - timedelta(days=1)
            if first.weekday() <= THU
            else first + timedelta(days=6 - first.weekday())
        )
        note = "estimated: the school calendar for this year is not published yet"
    day = end + timedelta(days=1)
    return Moment(
        "rentree", day, {"fr": "Rentrée scolaire", "en": "Back to school (rentrée)"}, note=note
    )


def _north_america_back_to_school(year: int) -> Moment:
    labour_day = nth_weekday(year, 9, MON, 1)
    return Moment(
        "back-to-school",
        date(year, 8, 15),
        {"fr": "Période de la rentrée", "en": "Back-to-school season"},
        end=labour_day,
        note="shopping season up to Labour Day; school start dates vary by school board",
    )


# --- Everything together ---------------------------------------------------------------


@cache
def moments(country: str, year: int, region: str | None = None) -> tuple[Moment, ...]:
    """The commercial dates of a year for a country (ISO code), sorted by date."""
    out = [
        Moment(
            "valentines-day", date(year, 2, 14), {"fr": "Saint-Valentin", "en": "Valentine's Day"}
        ),
    ]
    # Black Friday follows US Thanksgiving (4th Thursday of November) everywhere
    black_friday = nth_weekday(year, 11, THU, 4) + timedelta(days=1)
    out.append(Moment("black-friday", black_friday, {"fr": "Black Friday", "en": "Black Friday"}))
    out.append(
        Moment(
            "cyber-monday",
            black_friday + timedelta(days=3),
            {"fr": "Cyber Monday", "en": "Cyber Monday"},
        )
    )
    if country in MOTHERS_DAY:
        out.append(
            Moment(
                "mothers-day",
                MOTHERS_DAY[country](year),
                {"fr": "Fête des mères", "en": "Mother's Day"},
            )
        )
    if country in FATHERS_DAY:
        out.append(
            Moment(
                "fathers-day",
                FATHERS_DAY[country](year),
                {"fr": "Fête des pères", "en": "Father's Day"},
            )
        )
    if country == "FR":
        out += soldes(year, region)
        out.append(_fr_rentree(year))
        out.append(
            Moment(
                "fete-des-grands-meres",
                nth_weekday(year, 3, SUN, 1),
                {"fr": "Fête des grands-mères", "en": "Grandmothers' Day"},
            )
        )
    if country in ("FR", "BE", "LU", "CH", "MC"):
        # galette des rois: in France the Epiphany is kept on the Sunday between 2 and 8 Jan
        epiphany = nth_weekday(year, 1, SUN, 1) if country == "FR" else date(year, 1, 6)
        if epiphany.day == 1:
            epiphany += timedelta(days=7)
        out.append(
            Moment(
                "epiphanie",
                epiphany,
                {"fr": "Épiphanie (galette des rois)", "en": "Epiphany (king cake)"},
            )
        )
        out.append(
            Moment(
                "chandeleur",
                date(year, 2, 2),
                {"fr": "Chandeleur (crêpes)", "en": "Candlemas (crêpes)"},
            )
        )
    if country in ("CA", "US"):
        out.append(_north_america_back_to_school(year))
    if country in ("CA", "US", "GB", "IE"):
        out.append(Moment("halloween", date(year, 10, 31), {"fr": "Halloween", "en": "Halloween"}))
    return tuple(sorted(out, key=lambda m: (m.start, m.id)))

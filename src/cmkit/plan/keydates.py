"""A client's key dates: public holidays, commercial dates, calendar.yaml's own dates and
highlights, over any date range.

Public holidays come from the maintained `holidays` library (through holidaydata.py, which
remembers its tables) for the client's country and region (`calendar.yaml` → `holidays:`,
else `client.yaml`); commercial dates from commercial.py. Names are in the client's
language where the library has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .commercial import moments
from .holidaydata import country_info, holiday_table
from .settings import Highlight

if TYPE_CHECKING:
    from .index import PlanClient

Kind = Literal["holiday", "commercial", "key-date", "highlight"]

# departments and overseas codes the soldes rules know, though `holidays` does not
_FR_DEPARTMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")


@dataclass(frozen=True)
class KeyDate:
    start: date
    name: str
    kind: Kind
    id: str  # stable within a client and year: "holiday", "soldes-hiver", a highlight id…
    end: date | None = None  # inclusive, for periods
    at: time | None = None
    note: str | None = None
    highlight: Highlight | None = field(default=None, compare=False, repr=False)
    label: str = ""  # what kind of highlight (contest, launch…), for display

    @property
    def last(self) -> date:
        return self.end or self.start

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.last

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and self.last >= start

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "time": self.at.strftime("%H:%M") if self.at else None,
            "name": self.name,
            "kind": self.kind,
            "id": self.id,
            "label": self.label or None,
            "note": self.note,
        }


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "date"


def _pick_language(locale: str, supported: tuple[str, ...]) -> str | None:
    wanted = locale.replace("-", "_")
    lang = wanted.split("_")[0]
    for candidate in (wanted, lang):
        if candidate in supported:
            return candidate
    same_language = [s for s in supported if s.split("_")[0] == lang]
    if same_language:
        return same_language[0]
    return "en_US" if "en_US" in supported else None


class DateBook:
    """Holidays and key dates of one client, with the settings resolved once."""

    def __init__(self, space: PlanClient) -> None:
        settings = space.calendar.holidays if space.calendar else None
        client = space.client
        self.country = (settings.country if settings else None) or (
            client.country if client else None
        )
        self.region = (settings.region if settings else None) or (client.region if client else None)
        self.commercial = settings.commercial if settings else True
        self.language = space.locale.split("-")[0]
        self.calendar = space.calendar
        self.warnings: list[str] = []
        self._holiday_region: str | None = None
        self._weekend: frozenset[int] = frozenset({5, 6})
        self._holiday_language: str | None = None
        self._has_holidays = False
        if self.country:
            self._resolve(space.locale)

    def _resolve(self, locale: str) -> None:
        assert self.country
        info = country_info(self.country)
        if info is None:
            self.warnings.append(f"no public holiday data for country '{self.country}'")
            return
        subdivisions, aliases = info.subdivisions, info.aliases
        self._weekend = info.weekend
        self._has_holidays = True
        self._holiday_language = _pick_language(locale, info.languages)
        region = self.region
        if region is None:
            return
        if region in subdivisions or region in aliases:
            self._holiday_region = region
        elif not (self.country == "FR" and _FR_DEPARTMENT.match(region)):
            known = ", ".join(subdivisions[:20]) + ("…" if len(subdivisions) > 20 else "")
            self.warnings.append(
                f"holidays: region '{region}' is unknown for {self.country} "
                f"(known: {known or 'none'}); national holidays only"
            )

    def holidays(self, start: date, end: date) -> list[KeyDate]:
        if not self._has_holidays or self.country is None:
            return []
        out = []
        for year in range(start.year, end.year + 1):
            table = holiday_table(self.country, self._holiday_region, self._holiday_language, year)
            for day, name in table.items():
                if start <= day <= end:
                    for part in name.split("; "):
                        out.append(KeyDate(day, part, "holiday", f"holiday-{slugify(part)}"))
        return out

    def is_working_day(self, day: date) -> bool:
        if day.weekday() in self._weekend:
            return False
        if not self._has_holidays or self.country is None:
            return True
        return day not in holiday_table(self.country, self._holiday_region, None, day.year)

    def commercial_dates(self, start: date, end: date) -> list[KeyDate]:
        if not self.commercial:
            return []
        out = []
        for year in range(start.year - 1, end.year + 1):  # a period may start the year before
            for moment in moments(self.country or "", year, self.region):
                key = KeyDate(
                    moment.start,
                    moment.name(self.language),
                    "commercial",
                    moment.id,
                    moment.end,
                    moment.at,
                    moment.note,
                )
                if key.overlaps(start, end):
                    out.append(key)
        return out

    def own_dates(self, start: date, end: date) -> list[KeyDate]:
        if self.calendar is None:
            return []
        out = [
            KeyDate(k.date, k.name, "key-date", slugify(k.name), k.end)
            for k in self.calendar.key_dates
        ]
        for highlight in self.calendar.highlights:
            out += highlight_occurrences(highlight, start, end)
        return [k for k in out if k.overlaps(start, end)]

    def key_dates(self, start: date, end: date) -> list[KeyDate]:
        """Everything that overlaps [start, end], sorted by date then kind."""
        found = (
            self.holidays(start, end)
            + self.commercial_dates(start, end)
            + self.own_dates(start, end)
        )
        order = {"highlight": 0, "key-date": 1, "holiday": 2, "commercial": 3}
        return sorted(found, key=lambda k: (k.start, order[k.kind], k.name))


def highlight_occurrences(highlight: Highlight, start: date, end: date) -> list[KeyDate]:
    """A highlight as key dates; a yearly one once for every year the range touches."""

    def make(first: date, last: date | None) -> KeyDate:
        return KeyDate(
            first,
            highlight.name,
            "highlight",
            highlight.id,
            last,
            note=highlight.description,
            highlight=highlight,
            label=highlight.kind,
        )

    if highlight.recurring != "yearly":
        return [make(highlight.start, highlight.end)]
    span = (highlight.end - highlight.start) if highlight.end else None
    out = []
    for year in range(max(start.year - 1, highlight.start.year), end.year + 1):
        first = _same_day_in(highlight.start, year)
        occurrence = make(first, first + span if span is not None else None)
        if occurrence.overlaps(start, end):
            out.append(occurrence)
    return out


def _same_day_in(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def next_occurrence(highlight: Highlight, today: date, horizon_days: int) -> KeyDate | None:
    """The occurrence under way or next to come within the horizon."""
    found = highlight_occurrences(highlight, today, today + timedelta(days=horizon_days))
    return found[0] if found else None

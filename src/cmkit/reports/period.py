"""The period a report covers: a calendar month (`2026-11`) or an ISO week (`2026-W47`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..diagnostics import CmkitError


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "week"
    start: date
    end: date  # inclusive
    label: str  # "2026-11", "2026-W47"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def previous(self) -> Period:
        if self.kind == "week":
            return week_of(self.start - timedelta(days=7))
        return month_of(self.start - timedelta(days=1))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period("month", start, following - timedelta(days=1), f"{start:%Y-%m}")


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    year, week, _ = start.isocalendar()
    return Period("week", start, start + timedelta(days=6), f"{year}-W{week:02d}")


def parse_month(value: str) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CmkitError(f"--month {value!r} is not a month", "write it as YYYY-MM, e.g. 2026-11")
    return month_of(date(int(m.group(1)), int(m.group(2)), 1))


def parse_week(value: str) -> Period:
    m = re.fullmatch(r"(\d{4})-?W(\d{2})", value.strip(), re.IGNORECASE)
    try:
        if not m:
            raise ValueError
        return week_of(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError:
        raise CmkitError(
            f"--week {value!r} is not an ISO week", "write it as YYYY-Www, e.g. 2026-W47"
        ) from None


def last_complete(kind: str, today: date) -> Period:
    """The month (or week) a report is usually wanted for: the last one that has ended."""
    current = week_of(today) if kind == "week" else month_of(today)
    return current.previous()

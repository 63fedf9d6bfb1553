"""The current time, in one place: `CMKIT_NOW` pins it (demos, tests, `--now`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from .diagnostics import CmkitError


def parse_instant(value: str, what: str = "CMKIT_NOW") -> datetime:
    """An ISO date-time; without an offset it is read as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CmkitError(
            f"{what}={value!r} is not a date and time", "use ISO 8601, e.g. 2026-12-01T09:30+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now() -> datetime:
    """Aware UTC now, unless CMKIT_NOW pins it."""
    pinned = os.environ.get("CMKIT_NOW")
    if pinned:
        return parse_instant(pinned).astimezone(UTC)
    return datetime.now(UTC)


def duration(delta: timedelta) -> str:
    """A lateness as a person says it: 5 min, 2 h 05 min, 3 days."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"

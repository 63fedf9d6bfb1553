"""Public holidays from the `holidays` library, remembered outside the workspace.

Importing `holidays` and building a country's table costs about a tenth of a second; the
same tables serve every run, so they are kept as small JSON files under
$XDG_CACHE_HOME/cmkit/holidays, keyed by the installed library's version files. A
missing or unreadable cache only costs that tenth of a second.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ..cache import read_json, write_json


@dataclass(frozen=True)
class CountryInfo:
    subdivisions: tuple[str, ...]
    aliases: dict[str, str]
    languages: tuple[str, ...]
    weekend: frozenset[int]  # weekday numbers, 0 = Monday


@cache
def _stamp() -> str:
    """The installed library's identity, without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "none"
    folder = Path(spec.origin).parent
    parts = []
    for name in ("__init__.py", "version.py"):
        try:
            stat = (folder / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.sha256(f"{folder}|{'|'.join(parts)}".encode()).hexdigest()[:16]


def _cache_file(key: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmkit" / "holidays" / _stamp() / f"{key}.json"


def _remembered(key: str) -> Any:
    return read_json(_cache_file(key))


def _remember(key: str, value: Any) -> None:
    write_json(_cache_file(key), value)


@cache
def country_info(country: str) -> CountryInfo | None:
    """What the library knows of a country, or None when it has no data for it."""
    key = f"info-{country}"
    data = _remembered(key)
    if data is None:
        import holidays

        try:
            table = holidays.country_holidays(country, years=())
        except NotImplementedError:
            _remember(key, {"known": False})
            return None
        cls = type(table)
        data = {
            "known": True,
            "subdivisions": list(cls.subdivisions),
            "aliases": dict(getattr(cls, "subdivisions_aliases", {}) or {}),
            "languages": list(cls.supported_languages or ()),
            "weekend": sorted(getattr(table, "weekend", {5, 6})),
        }
        _remember(key, data)
    if not data.get("known"):
        return None
    return CountryInfo(
        tuple(data["subdivisions"]),
        dict(data["aliases"]),
        tuple(data["languages"]),
        frozenset(data["weekend"]),
    )


@cache
def holiday_table(
    country: str, region: str | None, language: str | None, year: int, category: str = "public"
) -> dict[date, str]:
    """The holidays of a year (public ones, or e.g. "school"): date → name (several names
    joined by '; ')."""
    key = f"{country}-{region or ''}-{language or ''}-{year}-{category}"
    data = _remembered(key)
    if data is None:
        import holidays

        table = holidays.country_holidays(
            country, subdiv=region, years=year, language=language, categories=(category,)
        )
        data = {day.isoformat(): str(name) for day, name in sorted(table.items())}
        _remember(key, data)
    return {date.fromisoformat(day): name for day, name in data.items()}

"""Imported spend and results: `data/campaigns/<campaign id>.csv`, append-only.

`campaigns/<id>.yaml` is the CM's own file and cmkit never rewrites it. What comes from the
ads managers' exports is appended here instead, one row per (import, period): the period
the row covers (a day, or the whole range of an export without a daily breakdown), the
figures, and which import it came from. `merge` (in `metrics`) combines both; the rules
are in docs/campaigns.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from .. import jsonl
from ..diagnostics import CmkitError

FOLDER = "campaigns"
COLUMNS = (
    "imported_at",
    "source",
    "file",
    "start",
    "end",
    "currency",
    "spend",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "revenue",
)
FIGURES = ("spend", "impressions", "reach", "clicks", "conversions", "revenue")


@dataclass(frozen=True)
class Row:
    """One period's figures from one import. A figure the export lacks is None, never 0."""

    start: date
    end: date
    spend: float | None = None
    impressions: int | None = None
    reach: int | None = None
    clicks: int | None = None
    conversions: float | None = None  # Google Ads counts fractions of a conversion
    revenue: float | None = None
    currency: str | None = None
    source: str = ""  # meta | google
    file: str = ""
    imported_at: str = ""  # ISO instant: which import the row belongs to

    @property
    def batch(self) -> tuple[str, str]:
        return (self.imported_at, self.file)

    def overlaps(self, other: Row) -> bool:
        return self.start <= other.end and other.start <= self.end

    def days(self) -> int:
        return (self.end - self.start).days + 1


def path_for(data_dir: Path, campaign_id: str) -> Path:
    return data_dir / FOLDER / f"{campaign_id}.csv"


def _float(text: str | None) -> float | None:
    return float(text) if text else None


def _int(text: str | None) -> int | None:
    return int(float(text)) if text else None


def read(data_dir: Path, campaign_id: str) -> tuple[list[Row], list[str]]:
    """Every readable row, and one line per row that could not be read."""
    path = path_for(data_dir, campaign_id)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        raise CmkitError(f"cannot read {path}: {exc}", "restore it from git") from None
    rows, problems = [], []
    for number, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            rows.append(
                Row(
                    start=date.fromisoformat(record["start"]),
                    end=date.fromisoformat(record["end"]),
                    spend=_float(record.get("spend")),
                    impressions=_int(record.get("impressions")),
                    reach=_int(record.get("reach")),
                    clicks=_int(record.get("clicks")),
                    conversions=_float(record.get("conversions")),
                    revenue=_float(record.get("revenue")),
                    currency=record.get("currency") or None,
                    source=record.get("source") or "",
                    file=record.get("file") or "",
                    imported_at=record.get("imported_at") or "",
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(
                f"data/{FOLDER}/{campaign_id}.csv line {number} cannot be read; skipped"
            )
    return rows, problems


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(round(value, 4), "f").rstrip("0").rstrip(".")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def append(data_dir: Path, campaign_id: str, rows: Iterable[Row]) -> int:
    """Append rows (with the header when the file is new); one write, then fsync."""
    batch = list(rows)
    if not batch:
        return 0
    path = path_for(data_dir, campaign_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    new = not path.exists() or path.stat().st_size == 0
    if new:
        writer.writerow(COLUMNS)
    for row in batch:
        values = asdict(row)
        writer.writerow([_cell(values[c]) for c in COLUMNS])
    jsonl.append_raw(path, out.getvalue().encode("utf-8"))
    return len(batch)

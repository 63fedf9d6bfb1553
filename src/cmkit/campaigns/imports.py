"""Reading the ads managers' exports into campaign rows.

Two shapes are recognised by their headers, in English or French, with the numbers and
dates written the exporting user's way ("1 234,56", "24/11/2026"):

- **Meta Ads Manager** — Ads Manager › Reports › Export table data (CSV or .xlsx). One row
  per campaign (or ad set, or ad) and per day when the report is broken down by day:
  "Reporting starts / Début des rapports", "Reporting ends / Fin des rapports",
  "Campaign name / Nom de la campagne", "Amount spent (EUR) / Montant dépensé (EUR)",
  "Impressions", "Reach / Couverture", "Link clicks / Clics sur un lien",
  "Results / Résultats", "Purchases conversion value / Valeur de conversion des achats".
  Column meanings: https://www.facebook.com/business/help/447834205249495 (Ads Manager
  metrics glossary).
- **Google Ads** — Reports › Download › CSV: a title line ("Campaign report"), the date
  range on the second line ("November 1, 2026 - November 24, 2026"), then "Day / Jour",
  "Campaign / Campagne", "Currency code / Code de la devise", "Cost / Coût", "Impr.",
  "Clicks / Clics", "Conversions", "Conv. value / Valeur de conv.", and "Total: …" rows at
  the end, which are skipped (Google Ads Help, "Download a report"; the shape is the
  downloaded file's, as agencies' import tools parse it).

Rows of one campaign and one period are added up (a report at the ad set or ad level).
Meta's "Results" count what the campaign's objective counts — link clicks for a traffic
campaign — so they become conversions only when "Result indicator" names a purchase, a
lead or a conversion; a dedicated Purchases / Leads column is preferred when present.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..diagnostics import CmkitError
from ..metrics.tables import (
    Sheet,
    day_first_for,
    normalize_header,
    parse_count,
    parse_moment,
    parse_number,
    read_sheets,
)
from .store import FIGURES, Row

# field → accepted headers (normalised: lower case, no accents)
HEADERS: dict[str, tuple[str, ...]] = {
    "start": ("reporting starts", "debut des rapports", "day", "jour", "date"),
    "end": ("reporting ends", "fin des rapports"),
    "campaign": ("campaign name", "nom de la campagne", "campaign", "campagne"),
    "currency": ("currency", "currency code", "devise", "code de la devise"),
    "spend": ("amount spent", "montant depense", "cost", "cout"),
    "impressions": ("impressions", "impr."),
    "reach": ("reach", "couverture"),
    "clicks": (
        "link clicks",
        "clics sur un lien",
        "clicks",
        "clics",
        "clicks (all)",
        "clics (tous)",
    ),
    "conversions": (
        "purchases",
        "achats",
        "website purchases",
        "achats sur le site web",
        "leads",
        "prospects",
        "conversions",
    ),
    "results": ("results", "resultats"),  # Meta: whatever the objective counts
    "indicator": ("result indicator", "indicateur de resultats"),
    "revenue": (
        "purchases conversion value",
        "valeur de conversion des achats",
        "website purchases conversion value",
        "valeur de conversion des achats sur le site web",
        "conv. value",
        "valeur de conv.",
        "conversion value",
        "valeur de conversion",
    ),
}
_CURRENCY_IN_HEADER = re.compile(r"^(.*?)\s*\(([a-z]{3})\)$")
_CONVERSION_RESULT = re.compile(r"purchase|lead|conversion|registration|achat|prospect")


@dataclass
class Export:
    source: str  # meta | google
    file: str
    rows_by_campaign: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: int = 0  # total and empty rows
    notes: dict[str, list[str]] = field(default_factory=dict)  # per campaign name


def _columns(header: list[str]) -> tuple[dict[str, int], str | None]:
    """Which column holds each field (the first accepted name wins), and the currency
    written in a header such as "Amount spent (EUR)"."""
    found: dict[str, int] = {}
    currency = None
    names = []
    for cell in header:
        name = normalize_header(cell)
        m = _CURRENCY_IN_HEADER.match(name)
        if m and m.group(1) in HEADERS["spend"]:
            name, currency = m.group(1), m.group(2).upper()
        names.append(name)
    for key, accepted in HEADERS.items():
        for wanted in accepted:  # in order of preference: link clicks before all clicks
            if wanted in names:
                found[key] = names.index(wanted)
                break
    return found, currency


def _header_row(sheet: Sheet) -> tuple[int, dict[str, int], str | None] | None:
    for index, row in enumerate(sheet.rows[:12]):
        columns, currency = _columns(row)
        if "spend" in columns and "campaign" in columns and len(columns) >= 3:
            return index, columns, currency
    return None


def _period_above(sheet: Sheet, header_index: int) -> tuple[date, date] | None:
    """Google Ads writes the report's date range on a line above the header."""
    for row in sheet.rows[:header_index]:
        text = " ".join(c for c in row if c)
        parts = re.split(r"\s+[-–—]\s+", text)
        if len(parts) == 2:
            try:
                start, end = (parse_moment(p, day_first=True) for p in parts)
            except ValueError:
                continue
            if start and end:
                return start.date(), end.date()
    return None


def read_export(path: Path) -> Export:
    """The campaign rows of a Meta Ads Manager or Google Ads export."""
    for sheet in read_sheets(path):
        found = _header_row(sheet)
        if found is not None:
            return _read_sheet(path, sheet, *found)
    raise CmkitError(
        f"{path.name} is not a Meta Ads Manager or Google Ads export cmkit knows",
        "export the campaign report as CSV with at least the campaign name, the amount "
        "spent (cost) and the dates; see docs/campaigns.md",
    )


def _read_sheet(
    path: Path, sheet: Sheet, header_index: int, columns: dict[str, int], currency: str | None
) -> Export:
    header = [normalize_header(c) for c in sheet.rows[header_index]]
    source = "google" if any(h in ("cost", "cout", "impr.") for h in header) else "meta"
    french = any(
        h in ("jour", "campagne", "nom de la campagne", "cout") or h.startswith("montant depense")
        for h in header
    )
    body = sheet.rows[header_index + 1 :]
    dates = [
        row[columns["start"]] for row in body if "start" in columns and columns["start"] < len(row)
    ]
    day_first = day_first_for(dates, french)
    period = _period_above(sheet, header_index)
    export = Export(source, path.name)
    sums: dict[tuple[str, date, date], dict[str, float | None]] = {}
    currencies: dict[tuple[str, date, date], str | None] = {}
    for number, row in enumerate(body, start=header_index + 2):
        cell = _reader(row, columns)
        name = cell("campaign")
        if not any(c.strip() for c in row) or not name or name.lower().startswith("total"):
            export.skipped += 1
            continue
        try:
            start, end = _dates(cell("start"), cell("end"), period, day_first)
            figures = {key: _figure(key, cell(key)) for key in FIGURES}
            results = _figure("results", cell("results"))
        except ValueError as exc:
            export.problems.append(f"{path.name} line {number}: {exc}")
            continue
        if figures["conversions"] is None and results is not None:
            indicator = cell("indicator")
            if _CONVERSION_RESULT.search(indicator.lower()):
                figures["conversions"] = results
            elif results and name not in export.notes:
                what = indicator or "an unnamed result"
                export.notes[name] = [
                    f"“Results” count {what}, not conversions: not imported "
                    "as conversions (enter them by hand if they are)"
                ]
        key = (name, start, end)
        total = sums.setdefault(key, dict.fromkeys(FIGURES))
        for figure, value in figures.items():
            if value is not None:
                total[figure] = (total[figure] or 0) + value
        currencies[key] = cell("currency").upper() or currency
    for (name, start, end), total in sums.items():
        export.rows_by_campaign.setdefault(name, []).append(
            Row(
                start,
                end,
                spend=_cents(total["spend"]),
                impressions=_whole(total["impressions"]),
                reach=_whole(total["reach"]),
                clicks=_whole(total["clicks"]),
                conversions=_cents(total["conversions"]),
                revenue=_cents(total["revenue"]),
                currency=currencies[(name, start, end)],
                source=source,
                file=path.name,
            )
        )
    return export


def _reader(row: list[str], columns: dict[str, int]) -> Callable[[str], str]:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    return cell


def _dates(
    start_text: str, end_text: str, period: tuple[date, date] | None, day_first: bool
) -> tuple[date, date]:
    if not start_text:
        if period is None:
            raise ValueError("no date on this row and no date range above the header")
        return period
    start = parse_moment(start_text, day_first)
    if start is None:
        raise ValueError(f"'{start_text}' is not a date")
    end = parse_moment(end_text, day_first) if end_text else start
    if end is None or end < start:
        raise ValueError(f"the period {start_text} – {end_text} ends before it starts")
    return start.date(), end.date()


def _figure(key: str, text: str) -> float | None:
    if key in ("impressions", "reach", "clicks"):
        count = parse_count(text)
        return float(count) if count is not None else None
    number = parse_number(text)
    if number is not None and number < 0:
        raise ValueError(f"{key} '{text}' is negative")
    return number


def _cents(value: float | None) -> float | None:
    """Sums of exported figures, without float noise (5.10 + 3.30 is 8.4, not 8.3999…)."""
    return round(value, 4) if value is not None else None


def _whole(value: float | None) -> int | None:
    return round(value) if value is not None else None


def pick_campaign(export: Export, wanted: str | None, campaign_name: str) -> tuple[str, list[Row]]:
    """The rows of the campaign meant: --name, the only one in the file, or the one named
    like the campaign's YAML `name`."""
    names = list(export.rows_by_campaign)
    if not names:
        raise CmkitError(
            f"{export.file} holds no campaign rows",
            "check the export's date range and level (campaign)",
        )
    if wanted is not None:
        matches = [n for n in names if normalize_header(n) == normalize_header(wanted)]
    elif len(names) == 1:
        matches = names
    else:
        matches = [n for n in names if normalize_header(n) == normalize_header(campaign_name)]
    if len(matches) != 1:
        listed = ", ".join(f"“{n}”" for n in names[:8])
        raise CmkitError(
            f"{export.file} holds several campaigns ({listed}); which one is it?",
            'pass --name "<campaign name as in the export>"',
        )
    return matches[0], export.rows_by_campaign[matches[0]]

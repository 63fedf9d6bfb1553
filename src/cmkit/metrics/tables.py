"""Reading the platforms' export files: CSV in whatever encoding and separator they use,
Excel workbooks (.xlsx), and the numbers and dates written for the exporting user's
language ("1 234,5", "12,4 %", "03/11/2026", "Mon, Nov 3, 2026").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

from ..diagnostics import CmkitError

MAX_EXPORT_BYTES = 50_000_000


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an export: one for a CSV, each worksheet of a workbook."""
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise CmkitError(
                f"{path} is larger than {MAX_EXPORT_BYTES // 1_000_000} MB",
                "export a shorter date range",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CmkitError(
            f"cannot read {path}: {exc.strerror or exc}", "check the file name and its permissions"
        ) from None
    if raw.startswith(b"PK\x03\x04"):  # LinkedIn's ".xls" may be a real .xlsx inside
        return _read_xlsx(raw, path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise CmkitError(
            f"{path.name} is a legacy Excel (.xls) workbook, which cmkit does not read",
            "open it in a spreadsheet and save the sheet you need as CSV (or as .xlsx)",
        )
    return [Sheet(path.stem, _read_csv(_decode(raw, path)))]


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Meta's page-level exports are UTF-16
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # a CSV re-saved by Excel on Windows in a French locale
        return raw.decode("cp1252", errors="replace")


def _read_csv(text: str) -> list[list[str]]:
    lines = text.splitlines()
    delimiter = ","
    if lines and lines[0].strip().lower().startswith("sep="):  # Excel's separator hint
        delimiter = lines[0].strip()[4:5] or ","
        lines = lines[1:]
    else:
        sample = "\n".join(lines[:20])
        counts = {d: sample.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    return [[cell.strip() for cell in row] for row in reader]


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _read_xlsx(raw: bytes, path: Path) -> list[Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            names = set(book.namelist())
            shared = []
            if "xl/sharedStrings.xml" in names:
                root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
                for item in root.findall("m:si", _NS):
                    shared.append("".join(t.text or "" for t in item.iter(f"{{{_NS['m']}}}t")))
            workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            sheets = []
            for entry in workbook.findall("m:sheets/m:sheet", _NS):
                target = targets.get(entry.get(_REL), "").lstrip("/")
                member = target if target.startswith("xl/") else f"xl/{target}"
                if member in names:
                    sheets.append(
                        Sheet(entry.get("name", ""), _sheet_rows(book.read(member), shared))
                    )
            return sheets
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise CmkitError(
            f"{path.name} is not a readable Excel workbook ({exc})",
            "re-download the export, or save it as CSV",
        ) from None


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _sheet_rows(xml: bytes, shared: list[str]) -> list[list[str]]:
    rows = []
    for row in ElementTree.fromstring(xml).iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for cell in row.findall("m:c", _NS):
            kind = cell.get("t")
            value = cell.find("m:v", _NS)
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{{{_NS['m']}}}t"))
            elif value is None or value.text is None:
                continue
            elif kind == "s":
                text = shared[int(value.text)]
            else:
                text = value.text
            cells[_column_index(cell.get("r", "A"))] = text.strip()
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


def normalize_header(name: str) -> str:
    """'Nom d’utilisateur du compte ' → 'nom d'utilisateur du compte' (accents kept apart)."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"\s+", " ", text).strip(" :*")


_BLANK = {"", "-", "--", "—", "n/a", "na", "null", "none"}
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(text: str) -> float | None:
    """A figure as any locale writes it; None for a blank cell. Raises ValueError."""
    value = _GROUPING.sub("", text.strip()).removesuffix("%")
    if value.lower() in _BLANK:
        return None
    if "," in value and "." in value:
        # the separator that comes last is the decimal one: "1,234.5" and "1.234,5"
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        value = value.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in value or "." in value:
        sep = "," if "," in value else "."
        head, *groups = value.split(sep)
        if len(groups) > 1 or (len(groups[0]) == 3 and head.lstrip("-") not in ("", "0")):
            value = value.replace(sep, "")  # "1,234" / "12.400": a thousands separator
        else:
            value = value.replace(sep, ".")
    return float(value)


def parse_count(text: str) -> int | None:
    number = parse_number(text)
    if number is None:
        return None
    if number != int(number) or number < 0:
        raise ValueError(f"'{text}' is not a whole, positive count")
    return int(number)


_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            (
                "janv",
                "fevr",
                "mars",
                "avr",
                "mai",
                "juin",
                "juil",
                "aout",
                "sept",
                "oct",
                "nov",
                "dec",
            ),
            1,
        )
    },
    "fev": 2,
    "jui": 7,
    "june": 6,
    "july": 7,
    "sept": 9,
}


def parse_moment(text: str, day_first: bool) -> datetime | None:
    """A date or date-time as the exports write them; naive (the caller knows the zone)."""
    value = text.strip()
    if value.lower() in _BLANK or value.lower() in ("lifetime", "a vie", "total"):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" +0000", "+00:00"))
        return moment
    except ValueError:
        pass
    m = re.fullmatch(
        r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:h](\d{2}))?"
        r"(?::\d{2})?\s*(am|pm)?",
        value,
        re.IGNORECASE,
    )
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if day_first else (b, a)
        hour, minute = int(m.group(4) or 0), int(m.group(5) or 0)
        if (m.group(6) or "").lower() == "pm" and hour < 12:
            hour += 12
        elif (m.group(6) or "").lower() == "am" and hour == 12:
            hour = 0
        return datetime(year, month, day, hour, minute)
    return _worded_date(value)


def _worded_date(value: str) -> datetime | None:
    """'Mon, Nov 3, 2026', 'Nov 3, 2026', 'lun. 3 nov. 2026', '3 novembre 2026'."""
    plain = normalize_header(value).replace(".", " ").replace(",", " ")
    words = plain.split()
    numbers = [int(w) for w in words if w.isdigit()]
    # the last month-like word: "mar. 3 nov." is Tuesday (mardi) the 3rd of November
    months = [
        _MONTHS[w[:4]] if w[:4] in _MONTHS else _MONTHS[w[:3]]
        for w in words
        if w[:4] in _MONTHS or w[:3] in _MONTHS
    ]
    month = months[-1] if months else None
    years = [n for n in numbers if n > 31]
    days = [n for n in numbers if n <= 31]
    if month is None or not years or not days:
        raise ValueError(f"'{value}' is not a date cmkit can read")
    return datetime(years[0], month, days[0])


def day_first_for(values: list[str], french: bool) -> bool:
    """Whether slashed dates in a column are day/month (French) or month/day (US)."""
    for value in values:
        m = re.match(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}", value)
        if m:
            if int(m.group(1)) > 12:
                return True
            if int(m.group(2)) > 12:
                return False
    return french


def as_date(moment: datetime | None) -> date | None:
    return moment.date() if moment else None

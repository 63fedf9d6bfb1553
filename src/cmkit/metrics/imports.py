"""`metrics import`: a platform's own export → snapshots in the client's metrics store.

Post rows are matched to the ledger by remote id, permalink, or publication time; a row
that matches nothing is kept as a post published outside cmkit (counted in the network's
totals, absent from per-format or per-pillar figures). Account rows of one day merge with
what is already stored for that day, so the separate files Meta exports per metric add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..diagnostics import CmkitError
from ..networks import Network
from ..workspace import ClientSpace, Workspace
from . import store
from .exports import META_PAGE_METRICS, Table, recognize
from .published import Published, normalize_url, published
from .tables import Sheet, day_first_for, normalize_header, parse_count, parse_moment, read_sheets

# a post found by its time only must be this close to what the ledger recorded
TIME_MATCH = timedelta(minutes=15)
MAX_PROBLEMS = 20
IDENTITY_HEADERS = frozenset(
    {
        "page id",
        "identifiant de la page",
        "page name",
        "nom de la page",
        "account id",
        "identifiant du compte",
        "account username",
        "nom d'utilisateur du compte",
    }
)


@dataclass
class SheetReport:
    sheet: str
    kind: str
    label: str
    rows: int
    ignored: list[str]
    unknown: list[str]
    metric: str | None = None


@dataclass
class ImportReport:
    client: str
    network: Network
    file: str
    day: date
    dry_run: bool
    sheets: list[SheetReport] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    snapshots: list[store.Snapshot] = field(default_factory=list)
    written: int = 0
    matched: int = 0
    outside: int = 0  # post rows the ledger does not know
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "client": self.client,
            "network": str(self.network),
            "file": self.file,
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "sheets": [vars(s) for s in self.sheets],
            "skipped_sheets": self.skipped_sheets,
            "lines": [store.encode(s) for s in self.snapshots],
            "written": self.written,
            "matched_posts": self.matched,
            "outside_posts": self.outside,
            "problems": self.problems,
            "notes": self.notes,
        }


def client_for(ws: Workspace, path: Path, network: Network, wanted: str | None) -> ClientSpace:
    """The client an export belongs to: --client, the only client, or the account in it."""
    if wanted:
        return ws.select([wanted])[0]
    if len(ws.clients) == 1:
        return next(iter(ws.clients.values()))
    names = _identities(read_sheets(path))
    for space in ws.clients.values():
        account = space.client.accounts.get(network) if space.client else None
        if account is None:
            continue
        own = {v.lower().lstrip("@") for v in (account.handle, account.id) if v}
        if own & names:
            return space
    raise CmkitError(
        f"cannot tell which client {path.name} belongs to",
        f"pass --client (one of: {', '.join(ws.clients)})",
    )


def _identities(sheets: list[Sheet]) -> set[str]:
    found: set[str] = set()
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:6]):
            columns = [i for i, c in enumerate(row) if normalize_header(c) in IDENTITY_HEADERS]
            for data in sheet.rows[index + 1 : index + 50]:
                found |= {data[i].lower().lstrip("@") for i in columns if i < len(data)}
    return found - {""}


def import_export(
    path: Path, network: Network, space: ClientSpace, *, day: date, dry_run: bool = False
) -> ImportReport:
    report = ImportReport(space.slug, network, path.name, day, dry_run)
    tables = []
    for sheet in read_sheets(path):
        table = recognize(sheet, network)
        if table is None:
            if any(any(c for c in row) for row in sheet.rows):
                report.skipped_sheets.append(sheet.name)
            continue
        tables.append(table)
    if not tables:
        raise CmkitError(
            f"{path.name} is not an export cmkit knows for {network}",
            "see docs/metrics.md for the exports cmkit reads (Meta Business Suite, LinkedIn "
            "page analytics, X analytics) and check --network",
        )
    ledger = [p for p in published(space.data_dir).values() if p.network == network]
    accounts: dict[date, dict[str, object]] = {}
    for table in tables:
        rows = sum(1 for row in table.rows if any(row))
        report.sheets.append(
            SheetReport(
                table.sheet,
                table.kind.name,
                table.kind.label,
                rows,
                table.ignored,
                table.unknown,
                table.metric,
            )
        )
        if table.kind.level == "post":
            _post_rows(table, network, space.tz, ledger, report)
        else:
            _account_rows(table, report, accounts)
    existing = {s.day: s for s in store.read(space.data_dir).accounts if s.network == network}
    for when, values in sorted(accounts.items()):
        report.snapshots.append(
            _merged(existing.get(when), when, network, values, f"import:{tables[0].kind.name}")
        )
    if not dry_run:
        report.written = len(store.append(space.data_dir, report.snapshots))
    return report


def _problem(report: ImportReport, message: str) -> None:
    if len(report.problems) < MAX_PROBLEMS:
        report.problems.append(message)
    elif len(report.problems) == MAX_PROBLEMS:
        report.problems.append("… more problems not shown")


def _counts(
    table: Table, row: list[str], number: int, names: tuple[str, ...], report: ImportReport
) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in names:
        if not table.has(name):
            continue
        raw = table.value(row, name)
        try:
            out[name] = parse_count(raw)
        except ValueError:
            header = table.header[next(i for i, f in table.mapping.items() if f == name)]
            _problem(
                report,
                f"{table.sheet} row {number}: '{raw}' in '{header}' is not a count; left empty",
            )
            out[name] = None
    return out


def _moment(table: Table, raw: str, tz: ZoneInfo, day_first: bool) -> datetime | None:
    moment = parse_moment(raw, day_first)
    if moment is None:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _post_rows(
    table: Table, network: Network, tz: ZoneInfo, ledger: list[Published], report: ImportReport
) -> None:
    extras = tuple(f for f in table.mapping.values() if f.startswith("extra:"))
    counters = tuple(f for f in store.POST_COUNTERS if table.has(f))
    day_first = day_first_for([table.value(r, "published") for r in table.rows], table.french)
    for offset, row in enumerate(table.rows):
        number = table.first_row + offset
        if not any(row):
            continue
        raw_id, url = table.value(row, "id"), table.value(row, "url") or None
        try:
            at = _moment(table, table.value(row, "published"), tz, day_first)
        except ValueError as exc:
            _problem(report, f"{table.sheet} row {number}: {exc}")
            at = None
        if re.fullmatch(r"\d(\.\d+)?E\+\d+", raw_id, re.IGNORECASE):
            _problem(
                report,
                f"{table.sheet} row {number}: post id '{raw_id}' was rounded by "
                "a spreadsheet; matched by permalink or time instead",
            )
            raw_id = ""
        remote_id = raw_id or _id_from_url(url) or url or ""
        if network is Network.X and not url and remote_id:
            url = f"https://x.com/i/web/status/{remote_id}"
        if not remote_id:
            _problem(report, f"{table.sheet} row {number}: no post id or link; row skipped")
            continue
        values = _counts(table, row, number, counters + extras, report)
        match = _match(remote_id, url, at, ledger)
        if match is None:
            report.outside += 1
        else:
            report.matched += 1
        report.snapshots.append(
            store.PostSnapshot(
                day=report.day,
                network=network,
                remote_id=match.remote_id if match else remote_id,
                post=match.post if match else None,
                **{name: values.get(name) for name in counters},
                published=None if match else at,
                url=None if match else url,
                source=f"import:{table.kind.name}",
                extra={
                    k.removeprefix("extra:"): float(v)
                    for k in extras
                    if (v := values.get(k)) is not None
                },
            )
        )


def _id_from_url(url: str | None) -> str | None:
    if not url:
        return None
    urn = re.search(r"urn:li:(?:activity|share|ugcPost):\d+", url)
    if urn:
        return urn.group(0)
    status = re.search(r"/status(?:es)?/(\d+)", url)
    return status.group(1) if status else None


def _same_id(a: str, b: str) -> bool:
    if a == b:
        return True
    # Facebook: the API says "<page id>_<post id>", an export may give either half;
    # LinkedIn: an activity and its share carry different urns but the export's link
    # and the ledger's URL name the same one
    tail_a, tail_b = a.rsplit("_", 1)[-1], b.rsplit("_", 1)[-1]
    return tail_a == tail_b and len(tail_a) >= 6


def _match(
    remote_id: str, url: str | None, at: datetime | None, ledger: list[Published]
) -> Published | None:
    for entry in ledger:
        if _same_id(entry.remote_id, remote_id):
            return entry
    if url:
        wanted = normalize_url(url)
        for entry in ledger:
            if entry.url and normalize_url(entry.url) == wanted:
                return entry
    if at is not None:
        near = [e for e in ledger if abs(e.at - at) <= TIME_MATCH]
        if len(near) == 1:
            return near[0]
        if (at.hour, at.minute) == (0, 0):
            # LinkedIn's export gives the day only: good enough when one post went out then
            same_day = [e for e in ledger if e.at.astimezone(at.tzinfo).date() == at.date()]
            if len(same_day) == 1:
                return same_day[0]
    return None


def _account_rows(
    table: Table, report: ImportReport, accounts: dict[date, dict[str, object]]
) -> None:
    if table.metric is not None:
        target = META_PAGE_METRICS.get(normalize_header(table.metric))
        if target is None:
            table.unknown.append(table.metric)
            report.sheets[-1].unknown.append(table.metric)
            return
        fields = {"value": target}
    else:
        fields = {f: f for f in table.mapping.values() if f != "date"}
    day_first = day_first_for([table.value(r, "date") for r in table.rows], table.french)
    for offset, row in enumerate(table.rows):
        number = table.first_row + offset
        raw = table.value(row, "date")
        if not any(row):
            continue
        try:
            moment = parse_moment(raw, day_first)
        except ValueError:
            moment = None
        if moment is None:
            # LinkedIn and old Facebook exports put a row of descriptions under the header
            if offset > 1:
                _problem(report, f"{table.sheet} row {number}: '{raw}' is not a date; row skipped")
            continue
        values = _counts(table, row, number, tuple(fields), report)
        day_values = accounts.setdefault(moment.date(), {})
        for source, target in fields.items():
            if values.get(source) is not None:
                day_values[target] = values[source]


def _merged(
    previous: store.AccountSnapshot | None,
    day: date,
    network: Network,
    values: dict[str, object],
    source: str,
) -> store.AccountSnapshot:
    base: dict[str, object] = {
        name: getattr(previous, name) if previous else None for name in store.ACCOUNT_COUNTERS
    }
    extra = dict(previous.extra) if previous else {}
    for name, value in values.items():
        if name.startswith("extra:"):
            extra[name.removeprefix("extra:")] = float(value)  # type: ignore[arg-type]
        else:
            base[name] = value
    return store.AccountSnapshot(day=day, network=network, source=source, extra=extra, **base)  # type: ignore[arg-type]

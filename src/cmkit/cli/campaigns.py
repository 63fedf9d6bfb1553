"""`cmkit campaigns`: paid campaigns, their ratios and pacing; importing ads managers' exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DefaultCommandGroup

if TYPE_CHECKING:
    from ..campaigns import CampaignView, ImportResult

campaigns_app = typer.Typer(
    name="campaigns",
    cls=DefaultCommandGroup,
    add_completion=False,
    help="Paid campaigns: spend, results, CPC/CPM/CPA/ROAS and pacing against the budget.",
)


@campaigns_app.command("list")
def list_(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(help="Clients to show (default: all).", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per campaign.")] = False,
) -> None:
    """Show every campaign: dates, budget, spend, results, ratios and pacing (the default).

    Figures entered by hand in campaigns/<id>.yaml are merged with those imported from
    the ads managers' exports (data/campaigns/<id>.csv); docs/campaigns.md says how.
    """
    from ..campaigns import views
    from ..campaigns.metrics import summary
    from ..clock import now
    from .common import note, open_workspace, print_json

    ws = open_workspace(ctx, clients)
    found: list[CampaignView] = []
    for space in ws.select(clients or []):
        found += views(space, now().astimezone(space.tz).date())
    for item in found:
        for problem in item.problems:
            note(f"{item.client}: {problem}")
    if as_json:
        print_json([summary(v.client, v.id, v.campaign, v.figures, v.pacing) for v in found])
        return
    if not found:
        note("no campaigns: create campaigns/<id>.yaml in a client's folder")
        return
    names = {s.slug: s.name for s in ws.clients.values()}
    current = None
    for item in found:
        if item.client != current:
            if current is not None:
                print()
            print(names.get(item.client, item.client))
            current = item.client
        print("\n".join(_lines(item)))


def _money(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.2f}".replace(",", " ") + f" {currency}"


def _count(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", " ") if value == int(value) else f"{value:.1f}"


def _lines(item: CampaignView) -> list[str]:
    c, f, p = item.campaign, item.figures, item.pacing
    cur = f.currency
    total = c.budget.total
    share = f" ({f.spend / total:.0%})" if total else ""
    lines = [
        f"  {item.id}  {c.name}"[:80],
        f"    {c.platform} · {c.objective} · {c.start:%d %b} → {c.end:%d %b %Y}"
        + (f" · day {p.day} of {p.days}" if p.day > 0 and p.status != "ended" else ""),
        f"    spent {_money(f.spend, cur)} of {_money(total, cur)}{share}"
        + (f", to {f.spend_through:%d %b}" if f.spend_through else ""),
    ]
    pace = f"    {p.status}"
    if p.status in ("on pace", "ahead", "behind") and p.ratio is not None:
        pace += f": expected {_money(p.expected, cur)} by now"
        if p.projected is not None:
            over = p.projected - total
            pace += f", heading for {_money(p.projected, cur)}"
            if over > 0.005 * total:
                pace += f" (+{_money(over, cur)})"
    elif p.status == "over budget":
        pace += f": {_money(f.spend - total, cur)} over"
    lines.append(pace)
    results = [
        (k, f.get(k)) for k in ("impressions", "reach", "clicks", "conversions", "leads", "revenue")
    ]
    shown = [
        f"{k} {_money(v, cur) if k == 'revenue' else _count(v)}"
        for k, v in results
        if v is not None
    ]
    lines += _packed(shown) if shown else ["    no results entered yet"]
    ratios = [("CPC", f.cpc), ("CPM", f.cpm), ("CPA", f.cpa)]
    text = [f"{name} {_money(value, cur)}" for name, value in ratios if value is not None]
    if f.roas is not None:
        text.append(f"ROAS {f.roas:.1f}")
    lines += _packed(text)
    lines += [f"    note: {n}" for n in f.notes]
    return lines


def _packed(parts: list[str], indent: str = "    ", width: int = 80) -> list[str]:
    """Parts joined by " · ", on as few lines of `width` as they fit."""
    lines: list[str] = []
    line = ""
    for part in parts:
        candidate = f"{line} · {part}" if line else part
        if line and len(indent) + len(candidate) > width:
            lines.append(indent + line)
            candidate = part
        line = candidate
    return [*lines, indent + line] if line else lines


@campaigns_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A Meta Ads Manager or Google Ads export (CSV or .xlsx).", show_default=False
        ),
    ],
    client: Annotated[str, typer.Option("--client", "-c", help="The client.", show_default=False)],
    campaign: Annotated[
        str,
        typer.Option(
            "--campaign",
            help="The campaign id (the name of campaigns/<id>.yaml).",
            show_default=False,
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="The campaign's name in the export, when it holds several.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be stored, store nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The import as JSON.")] = False,
) -> None:
    """Import spend and results from an ads manager's export into data/campaigns/<id>.csv.

    Reads Meta Ads Manager (Export table data) and Google Ads (Download › CSV) campaign
    reports, in English or French. The campaign's YAML is never rewritten. Importing the
    same export twice stores nothing new; a later export replaces the days it covers.
    """
    from ..campaigns import import_export
    from ..clock import now
    from .common import open_workspace, print_json

    ws = open_workspace(ctx, [client])
    space = ws.select([client])[0]
    result = import_export(space, campaign, file, now(), name=name, dry_run=dry_run)
    if as_json:
        print_json(_import_dict(result, dry_run))
        return
    _print_import(result, dry_run)


def _import_dict(result: ImportResult, dry_run: bool) -> dict[str, object]:
    return {
        "client": result.client,
        "campaign": result.campaign,
        "file": result.file,
        "source": result.source,
        "name_in_file": result.name_in_file,
        "dry_run": dry_run,
        "written": result.written,
        "notes": result.notes,
        "problems": result.problems,
        "rows": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(r).items()}
            for r in result.rows
        ],
    }


def _print_import(result: ImportResult, dry_run: bool) -> None:
    from ..campaigns import SOURCE_NAMES
    from .common import note

    source = SOURCE_NAMES[result.source]
    days = sum(r.days() for r in result.rows)
    spend = sum(r.spend or 0 for r in result.rows)
    first = min(r.start for r in result.rows)
    last = max(r.end for r in result.rows)
    note(
        f"{result.file}: {source} export, “{result.name_in_file}”, {len(result.rows)} row(s) "
        f"covering {days} day(s), {first:%d %b} – {last:%d %b %Y}, spend {spend:.2f}"
    )
    for problem in result.problems:
        note(f"  skipped: {problem}")
    for line in result.notes:
        note(f"  note: {line}")
    if dry_run:
        note("dry run: nothing stored")
    elif result.written:
        note(
            f"{result.written} row(s) added to {result.client}/data/campaigns/{result.campaign}.csv"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(campaigns_app)

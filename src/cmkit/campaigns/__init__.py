"""Paid campaigns: hand-entered and imported figures, ratios, pacing against the budget."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import CmkitError
from .metrics import Figures, Pacing, effective_rows, merge, pacing
from .store import Row

if TYPE_CHECKING:
    from ..models import Campaign
    from ..workspace import ClientSpace


SOURCE_NAMES = {"meta": "Meta Ads Manager", "google": "Google Ads"}
PLATFORM_OF_SOURCE = {"meta": ("meta", "facebook", "instagram"), "google": ("google",)}


@dataclass
class CampaignView:
    client: str
    id: str
    campaign: Campaign
    figures: Figures
    pacing: Pacing
    problems: list[str] = field(default_factory=list)  # unreadable imported rows


def view(
    slug: str, data_dir: Path, campaign_id: str, campaign: Campaign, today: date
) -> CampaignView:
    from . import store

    rows, problems = store.read(data_dir, campaign_id)
    figures = merge(campaign, rows)
    return CampaignView(
        slug, campaign_id, campaign, figures, pacing(campaign, figures, today), problems
    )


def views(space: ClientSpace, today: date) -> list[CampaignView]:
    """Every campaign of a client, the running ones first, then by start date."""
    found = [
        view(space.slug, space.data_dir, cid, campaign, today)
        for cid, campaign in space.campaigns.items()
    ]
    order = {"over budget": 0, "ahead": 1, "behind": 1, "on pace": 2, "scheduled": 3, "ended": 4}
    return sorted(found, key=lambda v: (order.get(v.pacing.status, 5), v.campaign.start))


@dataclass
class ImportResult:
    client: str
    campaign: str
    file: str
    source: str
    name_in_file: str
    rows: list[Row]
    written: int
    notes: list[str]
    problems: list[str]


def import_export(
    space: ClientSpace,
    campaign_id: str,
    path: Path,
    now: datetime,
    *,
    name: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Read a Meta Ads Manager or Google Ads export and append the campaign's rows to
    data/campaigns/<id>.csv (nothing when `dry_run`)."""
    from . import store
    from .imports import pick_campaign, read_export

    if campaign_id not in space.campaigns:
        known = ", ".join(sorted(space.campaigns)) or "none yet"
        raise CmkitError(
            f"{space.slug} has no campaigns/{campaign_id}.yaml",
            f"campaigns: {known}; the YAML file is created by hand first",
        )
    campaign = space.campaigns[campaign_id]
    export = read_export(path)
    platform = PLATFORM_OF_SOURCE[export.source]
    if campaign.platform != "other" and campaign.platform not in platform:
        raise CmkitError(
            f"{path.name} is a {SOURCE_NAMES[export.source]} export, and {campaign_id} is a "
            f"{campaign.platform} campaign",
            "check --campaign (or the campaign's platform)",
        )
    found, rows = pick_campaign(export, name, campaign.name)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [replace(r, imported_at=stamp) for r in rows]
    outside = [r for r in rows if r.end < campaign.start or r.start > campaign.end]
    notes = list(export.notes.get(found, []))
    if outside:
        notes.append(
            f"{len(outside)} row(s) outside the campaign's dates "
            f"({campaign.start} – {campaign.end}); imported anyway"
        )
    current, _ = effective_rows(store.read(space.data_dir, campaign_id)[0])
    if {_figures_of(r) for r in rows} <= {_figures_of(r) for r in current}:
        notes.append("already imported: these figures are stored; nothing written")
        dry_run = True
    written = 0 if dry_run else store.append(space.data_dir, campaign_id, rows)
    return ImportResult(
        space.slug,
        campaign_id,
        path.name,
        export.source,
        found,
        rows,
        written,
        notes,
        export.problems,
    )


def _figures_of(row: Row) -> tuple[object, ...]:
    """What a row says, whichever import it came from."""
    return (
        row.start,
        row.end,
        row.spend,
        row.impressions,
        row.reach,
        row.clicks,
        row.conversions,
        row.revenue,
        row.currency,
    )

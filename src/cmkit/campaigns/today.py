"""Paid campaigns in `cmkit today`: pacing of the running ones, those about to start, and
those that ended without results."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..plan.today import Item, Level, Section, TodayContext, register_section

if TYPE_CHECKING:
    from ..models import Campaign

STARTS_SOON = timedelta(days=7)
LEVELS: dict[str, Level] = {
    "on pace": "ok",
    "ahead": "warn",
    "behind": "warn",
    "over budget": "alert",
}


def _campaigns(folder: Path) -> dict[str, Campaign]:
    from ..models import Campaign
    from ..workspace import load_model

    found = {}
    for path in sorted((folder / "campaigns").glob("*.y*ml")):
        campaign, _ = load_model(path, folder, Campaign, [])
        if campaign is not None:
            found[path.stem] = campaign
    return found


def campaigns_section(ctx: TodayContext) -> Section:
    from ..lint.timed import RESULTS_GRACE_DAYS
    from . import view

    items = []
    for space in ctx.spaces:
        today = ctx.now.astimezone(space.tz).date()
        for cid, campaign in _campaigns(space.root).items():
            v = view(space.slug, space.data_dir, cid, campaign, today)
            f, p, cur = v.figures, v.pacing, v.figures.currency
            spent = f"{f.spend:.2f} of {campaign.budget.total:g} {cur}"
            if p.status in LEVELS and campaign.start <= today <= campaign.end:
                text = f"{cid}: {p.status}, {spent}, day {p.day} of {p.days}"
                if p.projected is not None and p.projected > campaign.budget.total * 1.02:
                    text += f", heading for {p.projected:.0f} {cur}"
                items.append(Item(text, LEVELS[p.status], space.slug))
            elif p.status == "over budget":
                items.append(Item(f"{cid}: over budget, {spent}", "alert", space.slug))
            elif today < campaign.start <= today + STARTS_SOON:
                items.append(
                    Item(
                        f"{cid}: starts {campaign.start:%a %d %b}, budget "
                        f"{campaign.budget.total:g} {cur}",
                        "todo",
                        space.slug,
                    )
                )
            elif (
                campaign.end < today
                and not f.has_results
                and (today - campaign.end).days > RESULTS_GRACE_DAYS
            ):
                items.append(
                    Item(
                        f"{cid}: ended {campaign.end:%d %b}, no result entered — "
                        "cmkit campaigns import",
                        "warn",
                        space.slug,
                    )
                )
    return Section("campaigns", "Paid campaigns", items, "no campaign running")


register_section("campaigns", campaigns_section, before="stock")

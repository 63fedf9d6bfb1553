"""Rules on paid campaigns: a budget split larger than the budget, spend dated outside the
campaign, spend over budget (hand-entered and imported together), and a campaign that
ended days ago with no result entered.

The last one depends on the date, so it is not part of the cached per-client result:
`timed.no_results_problems` runs on every check, on facts the check cache keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Problem
from ..yamlio import Parsed, parse_yaml, read_text
from .cache import PendingCampaign
from .rules import severity

if TYPE_CHECKING:
    from ..workspace import ClientSpace

# results (conversions, revenue) settle a few days after the last ad is shown


def _file(folder: Path, campaign_id: str) -> Path:
    for suffix in (".yaml", ".yml"):
        path = folder / "campaigns" / f"{campaign_id}{suffix}"
        if path.is_file():
            return path
    return folder / "campaigns" / f"{campaign_id}.yaml"


def _doc(path: Path, rel: str) -> Parsed | None:
    text, _ = read_text(path, rel)
    return parse_yaml(text, rel) if text is not None else None


def _at(path: Path, where: str, *loc: int | str) -> tuple[int, int]:
    """Where a key is; the file is parsed again only for a campaign with a problem."""
    doc = _doc(path, where)
    return doc.at(loc) if doc is not None else (0, 0)


def check_campaigns(space: ClientSpace, rel: Callable[[Path], str]) -> Iterator[Problem]:
    from ..campaigns import store
    from ..campaigns.metrics import merge
    from ..diagnostics import CmkitError

    for campaign_id, campaign in space.campaigns.items():
        path = _file(space.root, campaign_id)
        where = rel(path)
        currency, total = campaign.budget.currency, campaign.budget.total
        split = sum(campaign.budget.split.values())
        if split > total + 0.005:
            yield Problem(
                where,
                *_at(path, where, "budget", "split"),
                "campaign/split-over-budget",
                f"the split adds up to {split:g} {currency}, more than the {total:g} "
                f"{currency} budget",
                "lower the split or raise budget.total",
                severity("campaign/split-over-budget"),
            )
        if isinstance(campaign.spend, list):
            for index, entry in enumerate(campaign.spend):
                if not campaign.start <= entry.date <= campaign.end:
                    yield Problem(
                        where,
                        *_at(path, where, "spend", index, "date"),
                        "campaign/spend-outside-dates",
                        f"spend dated {entry.date}, outside the campaign "
                        f"({campaign.start} → {campaign.end})",
                        "fix the date, or the campaign's start/end",
                        severity("campaign/spend-outside-dates"),
                    )
        try:
            rows, _ = store.read(space.data_dir, campaign_id)
        except CmkitError:
            rows = []  # `cmkit campaigns` says what is wrong with the file
        spent = merge(campaign, rows).spend
        if spent - total > 0.005:
            yield Problem(
                where,
                *_at(path, where, "budget", "total"),
                "campaign/overspend",
                f"{spent:.2f} {currency} spent of a {total:g} {currency} budget "
                f"({spent - total:.2f} {currency} over)",
                "pause the ads, or agree a larger budget with the client and raise budget.total",
                severity("campaign/overspend"),
            )


def awaiting_results(folder: Path, root: Path) -> list[PendingCampaign]:
    """Campaigns with no result yet, hand-entered or imported: facts the cache keeps, so
    `no_results_problems` can judge them against the clock on every check."""
    from ..campaigns import store
    from ..campaigns.metrics import merge
    from ..diagnostics import CmkitError, relpath
    from ..models import Campaign
    from ..validation import validate

    found: list[PendingCampaign] = []
    campaigns = folder / "campaigns"
    if not campaigns.is_dir():
        return found
    for path in sorted(campaigns.glob("*.y*ml")):
        rel = relpath(path, root)
        doc = _doc(path, rel)
        if doc is None:
            continue
        campaign, _ = validate(Campaign, doc, rel)
        if campaign is None:
            continue
        try:
            rows, _ = store.read(folder / "data", path.stem)
        except CmkitError:
            rows = []
        if not merge(campaign, rows).has_results:
            found.append(PendingCampaign(rel, *doc.at(("end",)), campaign.end.isoformat()))
    return found

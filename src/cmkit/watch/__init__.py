"""Veille: feeds, keyword searches and competitor counts, de-duplicated, stored, digested."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..reports.model import WatchSection
    from ..workspace import ClientSpace

REPORT_HIGHLIGHTS = 8


def report_section(space: ClientSpace, start: date, end: date) -> WatchSection | None:
    """The monthly report's watch highlights (the hook `cmkit.reports.build` calls): items
    found from `start` to `end` inclusive (client's time zone), brand mentions first, then
    competitors, newest first. None when the client watches nothing or nothing was found."""
    from ..reports.model import WatchHighlight, WatchSection
    from . import digest, store

    if space.watch is None:
        return None
    since = datetime.combine(start, time(), space.tz)
    until = datetime.combine(end + timedelta(days=1), time(), space.tz)
    items = digest.select(store.read(space.data_dir).items, since, until)
    built = digest.build(space, items, [], end)
    entries = [e for g in built.groups for e in g.entries]
    if not entries:
        return None
    notable = [e for e in entries if e.brand or e.competitors]
    notable.sort(key=lambda e: (not e.brand, -e.item.when.timestamp()))
    return WatchSection(
        found=len(entries),
        brand_mentions=sum(bool(e.brand) for e in entries),
        competitor_items=sum(bool(e.competitors) for e in entries),
        highlights=[
            WatchHighlight(
                e.item.when.astimezone(space.tz).date(),
                e.item.title,
                e.item.link,
                e.item.source,
                bool(e.brand),
                e.competitors,
            )
            for e in notable[:REPORT_HIGHLIGHTS]
        ],
    )

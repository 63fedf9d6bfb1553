"""What a client watches, read from `watch.yaml`, and what happened to each source in a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import KeywordSearch, Watch
from .feeds import FeedSource

COMPETITORS_TOPIC = "competitors"


@dataclass
class Outcome:
    """One source of one client in one run: a feed, a search on a network, a count."""

    client: str
    kind: str  # feed | search | counts
    name: str
    status: str  # ok | unchanged | failed | skipped
    new: int = 0
    message: str = ""  # why it failed or was skipped
    hint: str = ""
    notes: list[str] = field(default_factory=list)  # worked, but something is off
    url: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {
            "client": self.client,
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "new": self.new,
            "message": self.message,
            "hint": self.hint,
            "notes": self.notes,
            "url": self.url,
            "seconds": round(self.seconds, 3),
        }
        return {k: v for k, v in data.items() if v is not None}


def feed_sources(watch: Watch) -> list[FeedSource]:
    """Every feed once: those listed under feeds, then competitors' feeds not listed there."""
    owner = {url: c.name for c in watch.competitors for url in c.feeds}
    out: dict[str, FeedSource] = {}
    for feed in watch.feeds:
        out.setdefault(
            feed.url, FeedSource(feed.url, feed.name or feed.url, feed.topic, owner.get(feed.url))
        )
    for competitor in watch.competitors:
        for url in competitor.feeds:
            out.setdefault(
                url,
                FeedSource(url, f"{competitor.name} (feed)", COMPETITORS_TOPIC, competitor.name),
            )
    return list(out.values())


def keyword_searches(watch: Watch) -> list[KeywordSearch]:
    """Keywords written as plain strings get the defaults (Mastodon and Bluesky)."""
    return [KeywordSearch(query=k) if isinstance(k, str) else k for k in watch.keywords]

"""What `cmkit watch` keeps in a client's `data/`, three append-only JSON Lines files.

- `watch.jsonl` — one line per new item (a feed entry or a post found by a search), the
  first time it is seen; its `keys` are what later runs de-duplicate against.
- `watch-feeds.jsonl` — one line per feed each time its state changes: new validators
  (ETag, Last-Modified) to send next time, or a change between ok and failing. The latest
  line of a feed wins. A 304 writes nothing, so an idle day adds no line.
- `watch-counts.jsonl` — competitors' public counts (followers, posts), at most one line
  per (day, competitor, network).

Formats are documented in docs/watch.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import jsonl
from .feeds import Validators

ITEMS_FILE = "watch.jsonl"
FEEDS_FILE = "watch-feeds.jsonl"
COUNTS_FILE = "watch-counts.jsonl"
VERSION = 1


def _stamp_or_none(moment: datetime | None) -> str | None:
    return jsonl.stamp(moment) if moment else None


def item_id(first_key: str) -> str:
    return hashlib.sha256(first_key.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Item:
    """One thing worth a look: an article, a blog post, a post on a network."""

    seen: datetime  # when cmkit first found it
    source: str  # the feed's name, or "bluesky search"
    title: str
    keys: tuple[str, ...]
    kind: str = "feed"  # feed | post
    topic: str | None = None
    link: str | None = None
    published: datetime | None = None
    summary: str = ""
    author: str | None = None
    source_url: str | None = None  # the feed's URL
    network: str | None = None  # for a post found by a search
    query: str | None = None
    competitor: str | None = None  # the source belongs to this competitor

    @property
    def id(self) -> str:
        return item_id(self.keys[0]) if self.keys else ""

    @property
    def when(self) -> datetime:
        return self.published or self.seen

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "v": VERSION,
            "id": self.id,
            "seen": _stamp_or_none(self.seen),
            "kind": self.kind,
            "source": self.source,
            "topic": self.topic,
            "title": self.title,
            "link": self.link,
            "published": _stamp_or_none(self.published),
            "summary": self.summary,
            "author": self.author,
            "source_url": self.source_url,
            "network": self.network,
            "query": self.query,
            "competitor": self.competitor,
            "keys": list(self.keys),
        }
        return {k: v for k, v in data.items() if v is not None and v != ""}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item | None:
        seen = jsonl.instant(data.get("seen"))
        keys = data.get("keys")
        if seen is None or not isinstance(keys, list) or not data.get("title"):
            return None
        return cls(
            seen=seen,
            source=str(data.get("source", "")),
            title=str(data["title"]),
            keys=tuple(str(k) for k in keys),
            kind=str(data.get("kind", "feed")),
            topic=data.get("topic"),
            link=data.get("link"),
            published=jsonl.instant(data.get("published")),
            summary=str(data.get("summary", "")),
            author=data.get("author"),
            source_url=data.get("source_url"),
            network=data.get("network"),
            query=data.get("query"),
            competitor=data.get("competitor"),
        )


@dataclass
class FeedState:
    url: str
    validators: Validators = field(default_factory=Validators)
    ok: bool = True
    message: str = ""  # the last failure
    since: datetime | None = None  # failing since, or ok since

    def to_dict(self, at: datetime) -> dict[str, Any]:
        data = {
            "v": VERSION,
            "ts": _stamp_or_none(at),
            "url": self.url,
            "ok": self.ok,
            "etag": self.validators.etag,
            "last_modified": self.validators.last_modified,
            "message": self.message or None,
            "since": _stamp_or_none(self.since),
        }
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class CountLine:
    day: date
    competitor: str
    network: str
    handle: str
    followers: int | None = None
    following: int | None = None
    posts: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "v": VERSION,
            "day": self.day.isoformat(),
            "competitor": self.competitor,
            "network": self.network,
            "handle": self.handle,
            "followers": self.followers,
            "following": self.following,
            "posts": self.posts,
        }
        return {k: v for k, v in data.items() if v is not None}


@dataclass
class WatchData:
    items: list[Item] = field(default_factory=list)
    feeds: dict[str, FeedState] = field(default_factory=dict)
    counts: list[CountLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    torn: bool = False  # watch.jsonl ends with a line cut short by a crash

    def known_keys(self) -> set[str]:
        return {key for item in self.items for key in item.keys}


def read(data_dir: Path) -> WatchData:
    out = WatchData()
    items = jsonl.read(data_dir / ITEMS_FILE)
    out.problems += items.problems
    out.torn = items.torn
    out.items = [i for i in (Item.from_dict(r) for r in items.records) if i is not None]
    feeds = jsonl.read(data_dir / FEEDS_FILE)
    out.problems += feeds.problems
    for record in feeds.records:
        url = record.get("url")
        if not url:
            continue
        out.feeds[str(url)] = FeedState(
            str(url),
            Validators(record.get("etag"), record.get("last_modified")),
            bool(record.get("ok", True)),
            str(record.get("message") or ""),
            jsonl.instant(record.get("since")),
        )
    counts = jsonl.read(data_dir / COUNTS_FILE)
    out.problems += counts.problems
    for record in counts.records:
        try:
            out.counts.append(
                CountLine(
                    date.fromisoformat(str(record["day"])),
                    str(record["competitor"]),
                    str(record["network"]),
                    str(record.get("handle", "")),
                    _int(record.get("followers")),
                    _int(record.get("following")),
                    _int(record.get("posts")),
                )
            )
        except (KeyError, ValueError):
            out.problems.append(f"{COUNTS_FILE}: a line without day/competitor/network; skipped")
    return out


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def append_items(data_dir: Path, items: Iterable[Item]) -> int:
    return jsonl.append(data_dir / ITEMS_FILE, (i.to_dict() for i in items))


def append_feed_states(data_dir: Path, states: Iterable[FeedState], at: datetime) -> int:
    return jsonl.append(data_dir / FEEDS_FILE, (s.to_dict(at) for s in states))


def append_counts(data_dir: Path, lines: Iterable[CountLine]) -> int:
    return jsonl.append(data_dir / COUNTS_FILE, (line.to_dict() for line in lines))

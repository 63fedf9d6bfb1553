"""The inbox: `data/inbox.jsonl`, one event per line, never rewritten.

Events: `received` (a mention, reply, comment or message, with everything needed to answer
it), `assigned`, `replying` (a reply about to be sent, with its idempotency key),
`replied` (sent: the reply's id, URL and the response time), `reply-failed`, `done`
(handled without a reply) and `reopened`. An item's state is the fold of its events, so
what was handled stays handled whatever later pulls bring, and every decision keeps its
date and author in git.

Writers take the client's inbox lock around read-then-append: two pulls at once (cron and
a person) never store the same mention twice, and a reply is never recorded twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import jsonl
from ..connectors.base import Mention
from ..diagnostics import CmkitError
from ..networks import Network, parse_network

FILE_NAME = "inbox.jsonl"
VERSION = 1
EVENTS = ("received", "assigned", "replying", "replied", "reply-failed", "done", "reopened")


def item_id(network: str, remote_id: str) -> str:
    return hashlib.sha256(f"{network}:{remote_id}".encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Reply:
    at: datetime
    remote_id: str
    url: str | None
    seconds: int  # response time: from the message to the answer
    text: str
    saved: str | None = None  # the saved reply used, if any


@dataclass
class Item:
    id: str
    mention: Mention
    received: datetime  # when cmkit pulled it
    assigned_to: str | None = None
    replies: list[Reply] = field(default_factory=list)
    done: datetime | None = None
    pending: dict[str, Any] | None = None  # a `replying` event with no outcome yet
    failures: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.replies) or self.done is not None

    @property
    def status(self) -> str:
        if self.done is not None:
            return "done"
        return "replied" if self.replies else "open"

    def to_dict(self) -> dict[str, Any]:
        m = self.mention
        return {
            "id": self.id,
            "network": str(m.network),
            "remote_id": m.remote_id,
            "author": m.author,
            "text": m.text,
            "created_at": jsonl.stamp(m.created_at),
            "kind": m.kind,
            "url": m.url,
            "in_reply_to": m.in_reply_to,
            "received": jsonl.stamp(self.received),
            "status": self.status,
            "assigned_to": self.assigned_to,
            "replies": [
                {
                    "at": jsonl.stamp(r.at),
                    "remote_id": r.remote_id,
                    "url": r.url,
                    "response_seconds": r.seconds,
                    "saved": r.saved,
                }
                for r in self.replies
            ],
            "done": jsonl.stamp(self.done) if self.done else None,
            "pending_reply": self.pending is not None,
        }


@dataclass
class Inbox:
    items: dict[str, Item] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def find(self, wanted: str) -> Item | None:
        """An item by its id, or by an unambiguous prefix of at least 4 characters."""
        if wanted in self.items:
            return self.items[wanted]
        found = [
            i
            for key, i in self.items.items()
            if len(wanted) >= 4 and key.startswith(wanted.lower())
        ]
        return found[0] if len(found) == 1 else None

    def latest(self, network: Network) -> datetime | None:
        moments = [
            i.mention.created_at for i in self.items.values() if i.mention.network == network
        ]
        return max(moments) if moments else None


def received_event(mention: Mention, at: datetime) -> dict[str, Any]:
    return {
        "v": VERSION,
        "ts": jsonl.stamp(at),
        "event": "received",
        "id": item_id(str(mention.network), mention.remote_id),
        "network": str(mention.network),
        "remote_id": mention.remote_id,
        "author": mention.author,
        "text": mention.text,
        "created_at": jsonl.stamp(mention.created_at),
        "kind": mention.kind,
        "url": mention.url,
        "in_reply_to": mention.in_reply_to,
    }


def event(name: str, item: str, at: datetime, **data: Any) -> dict[str, Any]:
    if name not in EVENTS:
        raise ValueError(f"unknown inbox event {name!r}")
    return {
        "v": VERSION,
        "ts": jsonl.stamp(at),
        "event": name,
        "id": item,
        **{k: v for k, v in data.items() if v is not None},
    }


def _mention(record: dict[str, Any]) -> Mention | None:
    created = jsonl.instant(record.get("created_at"))
    network = parse_network(str(record.get("network", "")))
    if network is None or created is None or not record.get("remote_id"):
        return None
    return Mention(
        network,
        str(record["remote_id"]),
        str(record.get("author", "")),
        str(record.get("text", "")),
        created,
        kind=str(record.get("kind") or "mention"),
        url=record.get("url"),
        in_reply_to=record.get("in_reply_to"),
    )


def fold(records: Iterable[dict[str, Any]]) -> Inbox:
    """The state of every item, from its events in file order."""
    inbox = Inbox()
    for record in records:
        name, key, at = (
            record.get("event"),
            str(record.get("id", "")),
            jsonl.instant(record.get("ts")),
        )
        if at is None:
            continue
        if name == "received":
            mention = _mention(record)
            if mention is not None and key not in inbox.items:
                inbox.items[key] = Item(key, mention, at)
            continue
        item = inbox.items.get(key)
        if item is None:
            continue
        if name == "assigned":
            item.assigned_to = record.get("to") or None
        elif name == "replying":
            item.pending = record
        elif name == "replied":
            item.pending = None
            item.replies.append(
                Reply(
                    at,
                    str(record.get("remote_id", "")),
                    record.get("url"),
                    int(record.get("response_seconds") or 0),
                    str(record.get("text", "")),
                    record.get("saved"),
                )
            )
        elif name == "reply-failed":
            if not record.get("maybe_sent"):
                item.pending = None
            item.failures.append(str(record.get("error", "")))
        elif name == "done":
            item.done = at
        elif name == "reopened":
            item.done = None
    return inbox


def path_for(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def read(data_dir: Path) -> Inbox:
    lines = jsonl.read(path_for(data_dir))
    inbox = fold(lines.records)
    inbox.problems = lines.problems
    return inbox


def append(data_dir: Path, events: Iterable[dict[str, Any]]) -> int:
    """Append events; the caller holds `locked(...)`."""
    return jsonl.append(path_for(data_dir), events)


@contextmanager
def locked(root: Path, slug: str, wait: float = 30.0) -> Iterator[None]:
    """The client's inbox lock (in the workspace's .cmkit/locks, shared by every user)."""
    from ..lock import Busy, workspace_lock

    try:
        with workspace_lock(root, wait=wait, name=f"inbox-{slug}"):
            yield
    except Busy as exc:
        raise CmkitError(f"{slug}: {exc}", "wait for it to finish, then run again") from None

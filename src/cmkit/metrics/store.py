"""The metrics store: dated snapshots, one JSON object per line, in the client's `data/`.

Two files, both append-only and diff-friendly (a daily cron run adds a few lines):

- `metrics-accounts.jsonl` — one line per (day, network): followers at the end of the day
  (a level), and that day's impressions, reach, profile visits and new followers (flows).
- `metrics-posts.jsonl` — one line per (day, post, network): a published post's lifetime
  counters as of that day, keyed to the ledger's post id (null for a post the ledger does
  not know, e.g. one published by hand and found in a platform export).

A field the network does not expose is null, never 0. When the same key appears twice, the
later line wins: a re-import with corrected figures appends rather than rewrites.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..diagnostics import CmkitError
from ..networks import Network, parse_network

ACCOUNTS_FILE = "metrics-accounts.jsonl"
POSTS_FILE = "metrics-posts.jsonl"
FORMAT_VERSION = 1

ACCOUNT_COUNTERS = ("followers", "new_followers", "impressions", "reach", "profile_visits")
POST_COUNTERS = ("impressions", "views", "reach", "likes", "comments", "shares", "saves", "clicks")


@dataclass(frozen=True)
class AccountSnapshot:
    day: date
    network: Network
    followers: int | None = None  # at the end of the day
    new_followers: int | None = None  # gained that day (gross: unfollows not subtracted)
    impressions: int | None = None  # that day
    reach: int | None = None  # that day
    profile_visits: int | None = None  # that day
    source: str = "pull"  # "pull", or "import:<export kind>"
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.day.isoformat(), str(self.network))


@dataclass(frozen=True)
class PostSnapshot:
    day: date
    network: Network
    remote_id: str
    post: str | None = None  # the ledger's post id; None: published outside cmkit
    impressions: int | None = None
    views: int | None = None
    reach: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    published: datetime | None = None  # only for posts outside the ledger (from the export)
    url: str | None = None
    source: str = "pull"
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.day.isoformat(), self.post or "", str(self.network), self.remote_id)


Snapshot = AccountSnapshot | PostSnapshot


@dataclass
class Store:
    """Everything a client's metrics files hold, latest line per key."""

    accounts: list[AccountSnapshot] = field(default_factory=list)
    posts: list[PostSnapshot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # unreadable lines, with their place


def _encode(snapshot: Snapshot) -> str:
    data: dict[str, Any] = {"v": FORMAT_VERSION}
    for f in fields(snapshot):
        value = getattr(snapshot, f.name)
        if f.name == "extra" and not value:
            continue
        if f.name in ("published", "url") and value is None:
            continue
        if isinstance(value, date | datetime):
            value = value.isoformat()
        data[f.name] = str(value) if isinstance(value, Network) else value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return int(value)


def _network(value: object) -> Network:
    network = parse_network(str(value))
    if network is None:
        raise ValueError(f"unknown network {value!r}")
    return network


def _decode_account(data: dict[str, Any]) -> AccountSnapshot:
    return AccountSnapshot(
        day=date.fromisoformat(data["day"]),
        network=_network(data["network"]),
        **{name: _int(data.get(name)) for name in ACCOUNT_COUNTERS},
        source=str(data.get("source", "pull")),
        extra={str(k): float(v) for k, v in (data.get("extra") or {}).items()},
    )


def _decode_post(data: dict[str, Any]) -> PostSnapshot:
    published = data.get("published")
    return PostSnapshot(
        day=date.fromisoformat(data["day"]),
        network=_network(data["network"]),
        remote_id=str(data["remote_id"]),
        post=data.get("post") or None,
        **{name: _int(data.get(name)) for name in POST_COUNTERS},
        published=datetime.fromisoformat(published) if published else None,
        url=data.get("url"),
        source=str(data.get("source", "pull")),
        extra={str(k): float(v) for k, v in (data.get("extra") or {}).items()},
    )


def _read_lines(path: Path, decode: Any, warnings: list[str], rel: str) -> dict[Any, Any]:
    latest: dict[Any, Any] = {}
    if not path.is_file():
        return latest
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                snapshot = decode(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                # a line cut short by a crash, or a hand edit gone wrong: skip it, say where
                warnings.append(f"{rel}:{number}: unreadable metrics line skipped ({exc})")
                continue
            latest[snapshot.key] = snapshot
    return latest


def read(data_dir: Path) -> Store:
    """The client's snapshots (latest line per key), oldest day first."""
    store = Store()
    accounts = _read_lines(
        data_dir / ACCOUNTS_FILE, _decode_account, store.warnings, f"data/{ACCOUNTS_FILE}"
    )
    posts = _read_lines(data_dir / POSTS_FILE, _decode_post, store.warnings, f"data/{POSTS_FILE}")
    store.accounts = sorted(accounts.values(), key=lambda s: s.key)
    store.posts = sorted(posts.values(), key=lambda s: s.key)
    return store


def _lock_path(data_dir: Path) -> Path:
    # the lock lives outside the workspace so that a cron job's `git add data/` stays clean
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "cmkit" / "locks" / f"metrics-{digest}.lock"


def _same(a: Snapshot, b: Snapshot) -> bool:
    return _encode(a) == _encode(b)


def append(data_dir: Path, snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    """Append the snapshots that add something; returns those written.

    A snapshot identical to the latest stored line for its key is skipped, so importing the
    same export twice, or pulling twice, writes nothing the second time.
    """
    from filelock import FileLock, Timeout

    batch = list(snapshots)
    if not batch:
        return []
    lock_file = _lock_path(data_dir)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(lock_file), timeout=30):
            data_dir.mkdir(parents=True, exist_ok=True)
            current = read(data_dir)
            known: dict[tuple[str, ...], Snapshot] = {s.key: s for s in current.accounts}
            known.update({("post", *s.key): s for s in current.posts})
            written: list[Snapshot] = []
            for snapshot in batch:
                key = (
                    snapshot.key
                    if isinstance(snapshot, AccountSnapshot)
                    else ("post", *snapshot.key)
                )
                previous = known.get(key)
                if previous is not None and _same(previous, snapshot):
                    continue
                known[key] = snapshot
                written.append(snapshot)
            _write(data_dir / ACCOUNTS_FILE, [s for s in written if isinstance(s, AccountSnapshot)])
            _write(data_dir / POSTS_FILE, [s for s in written if isinstance(s, PostSnapshot)])
    except Timeout:
        raise CmkitError(
            f"another cmkit process is writing {data_dir}'s metrics",
            "wait for it to finish, then run again",
        ) from None
    return written


def _write(path: Path, snapshots: Sequence[Snapshot]) -> None:
    if not snapshots:
        return
    payload = "".join(_encode(s) + "\n" for s in snapshots).encode("utf-8")
    # one write of whole lines, then fsync: a crash leaves at most a cut last line,
    # which read() skips with a warning
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size:
            with path.open("rb") as handle:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    payload = b"\n" + payload
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


def encode(snapshot: Snapshot) -> str:
    """The line a snapshot is stored as (for --dry-run and tests)."""
    return _encode(snapshot)

"""The publish ledger: `data/ledger.jsonl`, what was sent where, one event per line.

The format is a contract (docs/ledger.md): other commands read it, git shows it.
Lines are only ever appended, each with one `write` on a descriptor opened with
O_APPEND, then fsync'd: a crash leaves at most one torn last line, which reading
skips and reports, and the next append starts on a fresh line.

Reading API: `read(data_dir)`, `published(data_dir)`; `scan(data_dir)` also returns
the torn or unreadable lines; `tracks(entries)` folds the events of each
(post, network) into what the engine needs to decide.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .clock import now as clock_now

FILE_NAME = "ledger.jsonl"
VERSION = 1
EVENTS = ("intent", "step", "done", "failed", "skipped")
# the fixed keys every line starts with, in this order
_HEAD = ("v", "ts", "event", "post", "network", "key", "hash")


@dataclass(frozen=True)
class Entry:
    """One ledger line. `data` holds the event's own fields (remote_id, url, error…)."""

    ts: datetime
    event: str
    post: str
    network: str
    key: str
    hash: str
    data: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # 1-based line number in the file (0 for an entry not read from a file)

    @property
    def remote_id(self) -> str | None:
        value = self.data.get("remote_id")
        return str(value) if value is not None else None

    @property
    def url(self) -> str | None:
        value = self.data.get("url")
        return str(value) if value else None

    @property
    def error(self) -> str:
        return str(self.data.get("error", ""))

    @property
    def retryable(self) -> bool:
        return bool(self.data.get("retryable", False))

    @property
    def maybe_sent(self) -> bool:
        """A failure after which the post may still have gone out (timeout, crash)."""
        return bool(self.data.get("maybe_sent", False))

    def to_json(self) -> str:
        head: dict[str, Any] = {
            "v": VERSION,
            "ts": self.ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "event": self.event,
            "post": self.post,
            "network": self.network,
            "key": self.key,
            "hash": self.hash,
        }
        return json.dumps({**head, **self.data}, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BadLine:
    line: int
    text: str  # the start of the line, for the message
    torn: bool  # the last line, without its newline: a write cut short by a crash

    @property
    def message(self) -> str:
        if self.torn:
            return f"line {self.line} is incomplete (a run was interrupted while writing it)"
        return f"line {self.line} is not a ledger event: {self.text!r}"


def idempotency_key(client: str, post: str, network: str, content_hash: str) -> str:
    raw = f"{client}/{post}/{network}/{content_hash}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def ledger_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def _parse(text: str, number: int) -> Entry | None:
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    if not isinstance(obj, dict) or obj.get("event") not in EVENTS:
        return None
    try:
        ts = datetime.fromisoformat(str(obj["ts"]).replace("Z", "+00:00"))
        data = {k: v for k, v in obj.items() if k not in _HEAD}
        return Entry(
            ts if ts.tzinfo else ts.replace(tzinfo=UTC),
            str(obj["event"]),
            str(obj["post"]),
            str(obj["network"]),
            str(obj.get("key", "")),
            str(obj.get("hash", "")),
            data,
            number,
        )
    except (KeyError, ValueError):
        return None


def scan(data_dir: Path) -> tuple[list[Entry], list[BadLine]]:
    """Every readable event, in file order, and the lines that could not be read."""
    path = ledger_path(data_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], []
    entries: list[Entry] = []
    bad: list[BadLine] = []
    lines = raw.split(b"\n")
    ends_cleanly = raw.endswith(b"\n") or not raw
    for number, chunk in enumerate(lines, start=1):
        if not chunk.strip():
            continue
        is_last = number == len(lines)  # only possible when the file lacks a final newline
        text = chunk.decode("utf-8", errors="replace")
        entry = _parse(text, number)
        if entry is None:
            bad.append(BadLine(number, text[:60], torn=is_last and not ends_cleanly))
        else:
            entries.append(entry)
    return entries, bad


def read(data_dir: Path) -> list[Entry]:
    """Every event of a client's ledger, oldest first (unreadable lines are skipped)."""
    return scan(data_dir)[0]


def published(data_dir: Path) -> dict[tuple[str, str], Entry]:
    """(post, network) → its latest `done` event."""
    return {(e.post, e.network): e for e in read(data_dir) if e.event == "done"}


@dataclass
class Track:
    """Everything the ledger says about one (post, network)."""

    post: str
    network: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def done(self) -> Entry | None:
        return next((e for e in reversed(self.entries) if e.event == "done"), None)

    def for_key(self, key: str) -> list[Entry]:
        return [e for e in self.entries if e.key == key]

    def last_outcome(self, key: str) -> Entry | None:
        """The latest intent, done, failed or skipped for this key (steps are details)."""
        return next((e for e in reversed(self.for_key(key)) if e.event != "step"), None)

    def unresolved(self) -> list[Entry]:
        """Sends whose outcome nobody knows: an intent with no outcome after it, or a
        failure after which the post may have gone out — one per key, latest first."""
        out: dict[str, Entry] = {}
        for entry in self.entries:
            if entry.event == "intent" or (entry.event == "failed" and entry.maybe_sent):
                out[entry.key] = entry
            elif entry.event in ("done", "failed", "skipped"):
                out.pop(entry.key, None)
        return sorted(out.values(), key=lambda e: e.line, reverse=True)

    def steps(self, key: str) -> dict[str, str]:
        """Intermediate remote ids recorded since the latest intent for this key."""
        state: dict[str, str] = {}
        for entry in self.for_key(key):
            if entry.event == "intent":
                state = {}
            elif entry.event == "step":
                state[str(entry.data.get("step", ""))] = str(entry.data.get("value", ""))
        return state


def tracks(entries: Iterable[Entry]) -> dict[tuple[str, str], Track]:
    out: dict[tuple[str, str], Track] = {}
    for entry in entries:
        out.setdefault(
            (entry.post, entry.network), Track(entry.post, entry.network)
        ).entries.append(entry)
    return out


class Writer:
    """Appends events to one ledger; safe to share between threads of one process.

    The caller holds the workspace lock, so no other process appends meanwhile.
    `append` returns once its line is on disk. Threads appending together share
    fsyncs (group commit): while one fsync runs, the lines written meanwhile wait for
    the next one, which covers them all — one disk flush for many lines, none unflushed.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = ledger_path(data_dir)
        self._cond = threading.Condition()
        self._fd: int | None = None
        self._written = 0  # lines written so far
        self._synced = 0  # lines known to be on disk
        self._syncing = False

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if created:
                _fsync_dir(self.path.parent)
            elif not _ends_with_newline(self.path):
                os.write(fd, b"\n")  # a torn line from a crash stays alone on its line
            self._fd = fd
        return self._fd

    def append(
        self, event: str, post: str, network: str, key: str, content_hash: str, **data: Any
    ) -> Entry:
        if event not in EVENTS:
            raise ValueError(f"unknown ledger event {event!r}")
        entry = Entry(clock_now(), event, post, network, key, content_hash, data)
        payload = (entry.to_json() + "\n").encode()
        with self._cond:
            fd = self._open()
            os.write(fd, payload)  # one write per line: O_APPEND keeps it whole
            self._written += 1
            mine = self._written
            while self._synced < mine:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing, covered = True, self._written
                self._cond.release()
                try:
                    os.fsync(fd)
                    self._synced = max(self._synced, covered)
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    self._cond.notify_all()
        return entry

    def close(self) -> None:
        with self._cond:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory; the file itself is synced
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

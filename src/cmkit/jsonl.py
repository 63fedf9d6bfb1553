"""Append-only JSON Lines files in a client's `data/`: one object per line, whole lines only.

Every append is one `write` of whole lines on a descriptor opened with O_APPEND, then
fsync'd: a crash leaves at most one cut last line, which `read` skips and reports, and the
next append starts on a fresh line. Callers that must not interleave with another process
(the inbox) hold a lock around read-then-append; a single appender needs none.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Lines:
    """The readable objects of a file, in order, and what could not be read."""

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, with the line number
    torn: bool = False  # the last line was cut short: the last write did not finish


def encode(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


def read(path: Path) -> Lines:
    """Every JSON object of the file (none when it does not exist)."""
    out = Lines()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return out
    chunks = raw.split(b"\n")
    for number, chunk in enumerate(chunks, start=1):
        if not chunk.strip():
            continue
        try:
            obj = json.loads(chunk.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            obj = None
        if isinstance(obj, dict):
            out.records.append(obj)
        elif number == len(chunks):  # no final newline: a write cut short by a crash
            out.torn = True
            out.problems.append(
                f"{path.name}: line {number} is incomplete (a run was "
                "interrupted while writing it); skipped"
            )
        else:
            out.problems.append(
                f"{path.name}: line {number} cannot be read (cut short by "
                "an interrupted run, or edited by hand); skipped"
            )
    return out


def append(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Append the records as lines; returns how many were written."""
    lines = [encode(r) + "\n" for r in records]
    if lines:
        append_raw(path, "".join(lines).encode("utf-8"))
    return len(lines)


def append_raw(path: Path, payload: bytes) -> None:
    """Append bytes that are whole lines (JSON Lines, CSV rows) in one write, then fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size and not _ends_with_newline(path):
            payload = b"\n" + payload  # a torn line from a crash stays alone on its line
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def stamp(moment: datetime) -> str:
    """How instants are written in data/ files: UTC, to the second, with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def instant(value: object) -> datetime | None:
    """An instant read back from a data/ file (naive means UTC); None if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

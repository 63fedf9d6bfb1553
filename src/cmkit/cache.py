"""A cache outside the workspace, for results that only ever save time.

An entry is keyed by the content it was computed from — for a client folder, the
path, size and mtime of every file in it, the workspace's cmkit.yaml and cmkit's own
source files — so any change recomputes it. Entries are plain JSON, written then
renamed; a corrupt, stale or unreadable entry is simply ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 3  # bump when what an entry holds changes
SKIP = {"reports", ".git"}


def _code_stamp() -> str:
    package = Path(__file__).resolve().parents[1]
    parts = []
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


_STAMP: list[str] = []


def fingerprint(folder: Path, config_fp: str) -> tuple[str, int]:
    """(key of the folder's current content, number of files in it)."""
    if not _STAMP:
        _STAMP.append(_code_stamp())
    lines = [f"{FORMAT}|{_STAMP[0]}|{config_fp}"]
    _stat_lines(str(folder), lines)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(lines) - 1


def _stat_lines(folder: str, lines: list[str]) -> None:
    # scandir, not os.walk + os.stat: this runs on every check over every file
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir():
                if entry.name not in SKIP:
                    _stat_lines(entry.path, lines)
                continue
            stat = entry.stat()
        except OSError:
            continue
        lines.append(f"{entry.path}:{stat.st_mtime_ns}:{stat.st_size}")


def cache_dir(root: Path, kind: str = "check") -> Path:
    """Where entries of one kind ("check", "plan") for one workspace live."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "cmkit" / kind / key


def read_json(path: Path) -> Any:
    """A cached JSON document, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, payload: Any) -> None:
    """Write then rename: a concurrent reader never sees half a file. Failure only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            # dumps, not dump: the C encoder, not the streaming Python one
            handle.write(json.dumps(payload, ensure_ascii=False, default=str))
        os.replace(handle.name, path)  # noqa: PTH105
    except (OSError, TypeError, ValueError):
        pass


def load_entry(root: Path, name: str, fp: str, kind: str = "check") -> dict[str, Any] | None:
    """A cached JSON entry if its key still matches, else None."""
    data = read_json(cache_dir(root, kind) / f"{name}.json")
    return data if isinstance(data, dict) and data.get("fp") == fp else None


def save_entry(
    root: Path, name: str, fp: str, payload: dict[str, Any], kind: str = "check"
) -> None:
    write_json(cache_dir(root, kind) / f"{name}.json", {**payload, "fp": fp})

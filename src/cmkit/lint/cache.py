"""A per-client cache of check results, outside the workspace.

The key of a client is the path, size and mtime of every file in its folder, the
workspace's cmkit.yaml, and cmkit's own source files: any change to any of them
re-lints the client. The cache only ever saves time; a corrupt or stale entry is
ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Problem, Severity

FORMAT = 2
SKIP = {"reports", ".git"}


class PostSummary(NamedTuple):
    """What the time-dependent rules need to know of a post, without reloading it."""

    rel: str
    line: int
    col: int
    id: str
    at: str | None  # ISO, aware
    status: str
    networks: tuple[str, ...]
    published: tuple[str, ...]  # networks the ledger records as done
    timed: bool  # has a time of day, not just a date


@dataclass
class ClientResult:
    problems: list[Problem]
    posts: list[PostSummary]


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
    digest = hashlib.sha256(f"{FORMAT}|{_STAMP[0]}|{config_fp}".encode())
    count = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        for name in sorted(filenames):
            try:
                stat = os.stat(os.path.join(dirpath, name))  # noqa: PTH116, PTH118 - hot loop
            except OSError:
                continue
            digest.update(f"{dirpath}/{name}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
            count += 1
    return digest.hexdigest(), count


def cache_dir(root: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "cmkit" / "check" / key


def _problems(rows: list[dict[str, object]]) -> list[Problem]:
    return [Problem(**{**p, "severity": Severity(p["severity"])}) for p in rows]  # type: ignore[arg-type]


def load_entry(root: Path, name: str, fp: str) -> dict[str, object] | None:
    """A cached JSON entry if its key still matches, else None."""
    try:
        data = json.loads((cache_dir(root) / f"{name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("fp") == fp else None


def save_entry(root: Path, name: str, fp: str, payload: dict[str, object]) -> None:
    folder = cache_dir(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # write then rename: a concurrent check never reads half a file
        with tempfile.NamedTemporaryFile(
            "w", dir=folder, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            json.dump({**payload, "fp": fp}, handle, ensure_ascii=False)
        os.replace(handle.name, folder / f"{name}.json")  # noqa: PTH105
    except OSError:
        pass  # a read-only cache only costs time


def load_cached(root: Path, slug: str, fp: str) -> ClientResult | None:
    data = load_entry(root, f"client-{slug}", fp)
    if data is None:
        return None
    try:
        posts = [
            PostSummary._make([*p[:6], tuple(p[6]), tuple(p[7]), p[8]])
            for p in data["posts"]  # type: ignore[attr-defined]
        ]
        return ClientResult(_problems(data["problems"]), posts)  # type: ignore[arg-type]
    except (KeyError, TypeError, IndexError, ValueError):
        return None


def save_cached(root: Path, slug: str, fp: str, result: ClientResult) -> None:
    payload: dict[str, object] = {
        "problems": [p.to_dict() for p in result.problems],
        "posts": [list(p) for p in result.posts],
    }
    save_entry(root, f"client-{slug}", fp, payload)


def load_problems(root: Path, name: str, fp: str) -> tuple[list[Problem], dict[str, object]] | None:
    """Problems and extra facts cached under `name`, e.g. the workspace's own file."""
    data = load_entry(root, name, fp)
    try:
        return (_problems(data["problems"]), data) if data else None  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None

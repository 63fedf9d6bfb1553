"""The workspace lock: one `cmkit publish` at a time on a workspace.

The lock file lives in the workspace, `.cmkit/locks/publish.lock` (with a
`.gitignore` beside it so git never sees it), so every user and every cron job
working on that folder shares it whatever their HOME. The operating system
releases it when the process ends, even on SIGKILL: a crashed run never leaves
the workspace locked.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .clock import now

LOCK_DIR = Path(".cmkit") / "locks"


class Busy(Exception):
    """Another run holds the lock; the message says which one, when known."""


def lock_path(root: Path, name: str = "publish") -> Path:
    return root / LOCK_DIR / f"{name}.lock"


def _describe(info_path: Path) -> str:
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        return f" (pid {info['pid']} on {info['host']}, started {info['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextmanager
def workspace_lock(root: Path, wait: float = 10.0, name: str = "publish") -> Iterator[None]:
    """Hold the lock for the block; raise `Busy` if it is not free within `wait` seconds."""
    from filelock import FileLock, Timeout

    path = lock_path(root, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by cmkit: run-time locks, never committed\n*\n")
    info_path = path.with_suffix(".json")
    lock = FileLock(path, timeout=max(0.0, wait))
    try:
        lock.acquire()
    except Timeout:
        raise Busy(
            f"another cmkit {name} is running on this workspace{_describe(info_path)}"
        ) from None
    try:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now().strftime("%Y-%m-%d %H:%M:%S UTC"),
        }
        info_path.write_text(json.dumps(info) + "\n", encoding="utf-8")
        yield
    finally:
        lock.release()

"""Lint rules over a loaded workspace. Each rule has a stable id (see rules.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Problem


def check_workspace(root: Path, clients: Iterable[str] = (), *, use_cache: bool = True) -> list[Problem]:
    """Load the workspace and return every schema and lint problem, sorted."""
    from ..workspace import load

    ws = load(root, clients)
    return sorted(ws.problems)

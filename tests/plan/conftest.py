"""Fixtures of the plan's tests: a workspace builder and a pinned clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from planws import Builder


@pytest.fixture
def build(tmp_path: Path) -> Callable[[], Builder]:
    def make() -> Builder:
        return Builder(tmp_path / "ws").config()

    return make


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Pin the clock: now("2026-11-25T09:00:00+01:00")."""

    def pin(value: str) -> None:
        monkeypatch.setenv("CMKIT_NOW", value)

    return pin


@pytest.fixture
def columns(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Set the terminal width for the next in-process run (the CLI keeps its consoles)."""
    from cmkit.cli import common

    def set_width(width: int) -> None:
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setattr(common, "_consoles", {})

    return set_width

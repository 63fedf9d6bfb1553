"""The example workspace with its data (ledger, metrics), the clock on its "now"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOW = "2026-11-25T09:05:00+01:00"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "agency"
    shutil.copytree(EXAMPLES / "agency", dest, ignore=shutil.ignore_patterns("reports"))
    monkeypatch.setenv("CMKIT_NOW", NOW)
    return dest

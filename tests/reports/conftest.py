"""The example workspace with its data, the clock on its "now", golden files."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

NOW = "2026-11-25T09:05:00+01:00"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA_URI = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+")


@pytest.fixture
def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "agency"
    shutil.copytree(EXAMPLES / "agency", dest, ignore=shutil.ignore_patterns("reports"))
    monkeypatch.setenv("CMKIT_NOW", NOW)
    return dest


def check_golden(name: str, text: str) -> None:
    """Compare with tests/reports/golden/<name>; CMKIT_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("CMKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with CMKIT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file; if the change is intended, rerun with "
        "CMKIT_UPDATE_GOLDEN=1 and review the diff"
    )

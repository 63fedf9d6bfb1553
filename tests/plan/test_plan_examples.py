"""The plan views on the bundled example workspace, on the day the examples are set."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "agency"
pytestmark = pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/agency is not there")


@pytest.fixture
def agency(tmp_path: Path, now: Callable[[str], None], columns: Callable[[int], None]) -> Path:
    now("2026-11-25T09:00:00+01:00")
    columns(80)
    dest = tmp_path / "agency"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("reports"))  # with ledgers
    return dest


def _clean(r: Any) -> str:
    assert r.exit_code in (0, 1), r.stderr
    assert "error" not in r.stderr.lower(), r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    return str(r.stdout)


def test_calendar_of_december(cmkit: Callable[..., Any], agency: Path) -> None:
    out = _clean(cmkit("-w", agency, "calendar", "--month", "2026-12"))
    assert "Boulangerie Martin · 2026-12 · Europe/Paris" in out
    assert "Café Érable · 2026-12 · America/Montreal" in out
    assert "★ Noël" in out and "★ Jour de Noël" in out


def test_stock(cmkit: Callable[..., Any], agency: Path) -> None:
    out = _clean(cmkit("-w", agency, "stock"))
    assert out.count("Runway: ") == 2
    assert "Pillar balance" in out


def test_today(cmkit: Callable[..., Any], agency: Path) -> None:
    out = _clean(cmkit("-w", agency, "today"))
    assert "Today · Wednesday 25 November 2026" in out
    assert "Routine (Wednesday)" in out


def test_published_posts_come_from_the_example_ledgers(
    cmkit: Callable[..., Any], agency: Path
) -> None:
    r = cmkit("-w", agency, "calendar", "--month", "2026-11", "--json")
    states = [
        p["state"] for c in json.loads(r.stdout)["clients"] for d in c["days"] for p in d["posts"]
    ]
    assert "published" in states

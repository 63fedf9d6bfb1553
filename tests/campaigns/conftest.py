"""A workspace with one client and the campaigns a test writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

NOEL = """name: Noël 2026 — précommandes des bûches
platform: meta
objective: traffic
start: 2026-11-16
end: 2026-12-20
budget:
  total: 300
  currency: EUR
  split: {instagram: 180, facebook: 120}
spend:
  - {date: 2026-11-16, amount: 8.40}
  - {date: 2026-11-17, amount: 8.75}
  - {date: 2026-11-18, amount: 8.60}
results:
  conversions: 41
  revenue: 1394
"""


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T09:00:00+01:00")


@pytest.fixture
def campaign_ws(tmp_path: Path) -> Callable[..., Path]:
    """`make({"noel-2026": yaml_text, …})` → the workspace root (client `martin`)."""

    def make(campaigns: dict[str, str] | None = None) -> Path:
        root = tmp_path / "ws"
        client = root / "clients" / "martin"
        (client / "campaigns").mkdir(parents=True, exist_ok=True)
        (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
        (client / "client.yaml").write_text("name: Boulangerie Martin\n", encoding="utf-8")
        for name, text in (campaigns if campaigns is not None else {"noel-2026": NOEL}).items():
            (client / "campaigns" / f"{name}.yaml").write_text(text, encoding="utf-8")
        return root

    return make

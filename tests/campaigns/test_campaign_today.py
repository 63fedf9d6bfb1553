"""Paid campaigns in `cmkit today`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

SOON = """name: Galette 2027
platform: instagram
objective: awareness
start: 2026-11-30
end: 2027-01-15
budget: {total: 150}
"""
OVER = """name: Black Friday (pas chez nous)
platform: facebook
objective: reach
start: 2026-11-20
end: 2026-11-29
budget: {total: 50}
spend: 61.2
"""


def _items(cmkit: Callable[..., object], ws: Path) -> list[dict[str, object]]:
    r = cmkit("-w", ws, "today", "--json")
    assert r.exit_code == 0, r.stderr
    return next(s for s in json.loads(r.stdout)["sections"] if s["key"] == "campaigns")["items"]


def test_running_campaigns_show_their_pacing_and_what_starts_soon(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()  # noel-2026, running
    folder = ws / "clients/martin/campaigns"
    (folder / "galette-2027.yaml").write_text(SOON, encoding="utf-8")
    (folder / "bf.yaml").write_text(OVER, encoding="utf-8")
    items = {str(i["text"]).split(":")[0]: i for i in _items(cmkit, ws)}
    assert items["noel-2026"]["text"] == "noel-2026: on pace, 25.75 of 300 EUR, day 3 of 35"
    assert items["noel-2026"]["level"] == "ok"
    assert items["bf"] == items["bf"] | {"level": "alert"}
    assert "over budget, 61.20 of 50 EUR" in str(items["bf"]["text"])
    assert items["galette-2027"]["text"] == "galette-2027: starts Mon 30 Nov, budget 150 EUR"

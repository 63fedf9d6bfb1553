"""A local feed server and a workspace whose watch.yaml points at it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer, Running

NOW = "2026-11-25T09:00:00+01:00"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with Running() as server:
        yield server


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    # a feed that does not answer is given up after half a second, not twenty
    monkeypatch.setenv("CMKIT_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("CMKIT_NOW", NOW)


WATCH_HEAD = """brand: [Boulangerie Martin, "@boulangerie.martin", boulangerie-martin.fr]
"""


@pytest.fixture
def make_ws(tmp_path: Path) -> Callable[..., Path]:
    """A workspace with client `martin`; `feeds` are (name, url[, topic]) tuples."""

    def make(feeds: list[tuple[str, ...]], extra: str = "", client: str = "") -> Path:
        root = tmp_path / "ws"
        (root / "clients" / "martin").mkdir(parents=True, exist_ok=True)
        (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
        (root / "clients/martin/client.yaml").write_text(
            "name: Boulangerie Martin\n" + client, encoding="utf-8"
        )
        lines = [WATCH_HEAD, "feeds:"]
        for name, url, *topic in feeds:
            entry = {"url": url, "name": name} | ({"topic": topic[0]} if topic else {})
            lines.append(f"  - {json.dumps(entry, ensure_ascii=False)}")
        if not feeds:
            lines[-1] = "feeds: []"
        (root / "clients/martin/watch.yaml").write_text(
            "\n".join(lines) + "\n" + extra, encoding="utf-8"
        )
        return root

    return make

"""What the CM reads and what stays in data/: highlights, windows, formats, concurrent runs."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer
from watchdata import stored

from cmkit.watch import run as watch_run
from cmkit.workspace import load

GOOD = [
    ("Alerte Google", "/fixtures/google-alerts.atom", "marque"),
    ("Fournil des Pentes", "/fixtures/competitor-wordpress.rss", "concurrents"),
    ("Lyon Gourmand", "/fixtures/industry.atom", "gastronomie"),
]
COMPETITORS = """competitors:
  - name: Le Fournil des Pentes
    accounts: {instagram: "@fournildespentes"}
  - name: Maison Giraud
    accounts: {instagram: "@maisongiraud.lyon"}
"""


def _ws(make_ws: Callable[..., Path], feeds: FeedServer, extra: str = COMPETITORS) -> Path:
    return make_ws([(n, feeds.url(p), t) for n, p, t in GOOD], extra)


def _entries(digest_json: str) -> dict[str, dict[str, object]]:
    data = json.loads(digest_json)
    return {
        item["title"]: item | {"topic": topic["topic"]}
        for client in data["clients"]
        for topic in client["topics"]
        for item in topic["items"]
    }


def test_brand_and_competitor_mentions_are_marked_and_come_first(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    r = cmkit("-w", ws, "watch", "--format", "json")
    items = _entries(r.stdout)
    progres = items["Croix-Rousse : la Boulangerie Martin lance ses bûches au levain"]
    assert progres["brand"] == ["Boulangerie Martin"]
    # "Martinez" is another bakery: word edges matter
    assert items["La Boulangerie Martinez de Villeurbanne fête ses 20 ans"]["brand"] == []
    # case and accents do not matter; competitors are found by name in the text
    marche = items["Marché de Noël de la Croix-Rousse : nos cinq artisans préférés"]
    assert marche["brand"] == ["Boulangerie Martin"]
    assert marche["competitors"] == ["Maison Giraud"]
    # in each topic, brand mentions first
    marque = json.loads(r.stdout)["clients"][0]["topics"]
    first_topic = marque[0]
    assert [bool(i["brand"]) for i in first_topic["items"]] == sorted(
        (bool(i["brand"]) for i in first_topic["items"]), reverse=True
    )
    text = cmkit("-w", ws, "watch", "--since", "1d")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert all(len(line) <= 80 or line.lstrip().startswith("http") for line in lines)
    assert any(
        line.startswith("  ★ 24 Nov  Croix-Rousse : la Boulangerie Martin") for line in lines
    )


def test_a_feeds_back_catalogue_is_stored_but_not_shown(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    r = cmkit("-w", ws, "watch")
    assert "Horaires d’été" not in r.stdout  # published in June, found in November
    assert "1 older item(s) stored, not shown" in r.stdout
    assert any(i["title"] == "Horaires d’été" for i in stored(ws))


def test_since_and_no_fetch_show_what_is_stored_without_fetching(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    cmkit("-w", ws, "watch")
    before = len(feeds.requests)
    r = cmkit("-w", ws, "watch", "--no-fetch", "--since", "2026-11-25")
    assert len(feeds.requests) == before
    assert r.exit_code == 0
    assert "since 25 Nov 2026 00:00" in r.stdout
    assert "Le levain, notre fierté depuis 1998" in r.stdout
    later = cmkit("-w", ws, "watch", "--no-fetch", "--since", "2026-11-26")
    assert "nothing new" in later.stdout
    bad = cmkit("-w", ws, "watch", "--since", "last week")
    assert bad.exit_code == 2
    assert "--since 'last week' is not a date or a duration" in bad.stderr


def test_markdown_digest_links_every_item(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    md = cmkit("-w", ws, "watch", "--format", "md").stdout
    assert md.startswith("# Boulangerie Martin — new\n")
    assert (
        "- ★ **[Croix-Rousse : la Boulangerie Martin lance ses bûches au levain]"
        "(<https://www.leprogres.fr/culture-loisirs/2026/11/24/"
        "croix-rousse-la-boulangerie-martin-lance-ses-buches>)**"
    ) in md
    assert "## concurrents (1)" in md


def test_concurrent_runs_store_each_item_once(
    feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    now = datetime(2026, 11, 25, 8, tzinfo=UTC)
    errors: list[BaseException] = []

    def one_run() -> None:
        try:
            workspace = load(ws)
            watch_run.run(ws, list(workspace.clients.values()), now, _no_connectors)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one_run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = [k for item in stored(ws) for k in item["keys"]]
    assert len(keys) == len(set(keys))
    assert len(stored(ws)) == 7  # 3 alerts + 3 posts + 2 articles, one seen twice


def test_an_interrupted_write_loses_nothing_and_is_reported(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = _ws(make_ws, feeds)
    cmkit("-w", ws, "watch")
    path = ws / "clients/martin/data/watch.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    # a crash in the middle of writing the last line
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])
    lost = json.loads(lines[-1])["title"]
    r = cmkit("-w", ws, "watch")
    assert "watch.jsonl: line 7 is incomplete" in r.stderr
    # the torn item is found again (it was never really stored), and stored whole
    assert lost in r.stdout
    assert [i["title"] for i in stored_whole(path)].count(lost) == 1
    # once repaired, the next run asks conditionally again
    assert "3 unchanged" in cmkit("-w", ws, "watch").stderr


def stored_whole(path: Path) -> list[dict[str, object]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def _no_connectors(*_: object) -> object:
    pytest.fail("no search configured: no connector should be opened")

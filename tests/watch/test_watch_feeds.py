"""Feeds as they are in the wild, and every way a feed goes wrong, served on loopback.

Each bad feed must cost one line on stderr while the good ones are still read and stored.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from feedserver import FeedServer
from watchdata import stored

from cmkit.watch.feeds import FeedSource, Limits, fetch_all, fetch_one

GOOD = [
    ("Alerte Google", "/fixtures/google-alerts.atom", "marque"),
    ("Fournil des Pentes", "/fixtures/competitor-wordpress.rss", "concurrents"),
    ("Lyon Gourmand", "/fixtures/industry.atom", "gastronomie"),
]


def _feeds(server: FeedServer, entries: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [(name, server.url(path), *rest) for name, path, *rest in entries]


def _lines_about(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{name}:")]


def test_rss_atom_and_google_alerts_are_read_with_clean_links(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, GOOD))
    r = cmkit("-w", ws, "watch")
    assert r.exit_code == 0, r.stderr
    items = {i["title"]: i for i in stored(ws)}
    # Google Alerts: the google.com/url redirect is unwrapped, the <b> markup removed
    alert = items["Croix-Rousse : la Boulangerie Martin lance ses bûches au levain"]
    assert alert["link"] == (
        "https://www.leprogres.fr/culture-loisirs/2026/11/24/"
        "croix-rousse-la-boulangerie-martin-lance-ses-buches"
    )
    # WordPress RSS: utm_* parameters are gone, the text is plain
    levain = items["Le levain, notre fierté depuis 1998"]
    assert levain["link"] == "https://fournil-des-pentes.fr/blog/le-levain/"
    assert levain["published"] == "2026-11-20T08:30:00Z"
    # Atom with xml:base: the relative link is resolved, xtor= tracking removed
    marche = items["Marché de Noël de la Croix-Rousse : nos cinq artisans préférés"]
    assert marche["link"] == "https://www.lyon-gourmand.example/2026/11/marche-de-noel-croix-rousse"
    assert "boulangerie Martin aux chocolats" in marche["summary"]
    assert "<" not in marche["summary"]
    # what the CM reads: the brand mention first, in its topic
    assert "★" in r.stdout and "Croix-Rousse : la Boulangerie Martin" in r.stdout
    assert "none failed" in r.stderr


def test_the_same_article_from_two_sources_is_kept_once(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    # the Google Alert links to the competitor's article through a redirect, with utm_ and
    # fbclid added; the competitor's own feed links it with its own utm_ tags
    ws = make_ws(_feeds(feeds, GOOD))
    cmkit("-w", ws, "watch")
    buches = [i for i in stored(ws) if "nos-buches-2026" in str(i.get("link"))]
    assert len(buches) == 1
    assert buches[0]["link"] == "https://fournil-des-pentes.fr/blog/nos-buches-2026/"


def test_a_second_run_asks_conditionally_and_stores_nothing_twice(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, [*GOOD, ("Sans ETag", "/fixtures/truncated.rss?etag=0")]))
    first = cmkit("-w", ws, "watch")
    items, states = len(stored(ws)), len(stored(ws, "watch-feeds.jsonl"))
    second = cmkit("-w", ws, "watch")
    assert first.exit_code == second.exit_code == 0
    # ETag sent back as If-None-Match; Last-Modified alone as If-Modified-Since
    rss = feeds.hits("/fixtures/competitor-wordpress.rss")
    assert "if-none-match" not in rss[0].headers
    assert rss[1].headers["if-none-match"].startswith('"')
    plain = feeds.hits("/fixtures/truncated.rss")
    assert plain[1].headers["if-modified-since"].endswith("GMT")
    assert "4 unchanged" in second.stderr and "0 new item(s)" in second.stderr
    assert len(stored(ws)) == items
    assert len(stored(ws, "watch-feeds.jsonl")) == states  # a 304 adds no line


def test_a_changed_feed_gives_only_its_new_item(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, GOOD[1:2]))
    cmkit("-w", ws, "watch")
    original = (Path(__file__).parents[1] / "fixtures/feeds/competitor-wordpress.rss").read_text()
    fresh = original.replace(
        "<item>",
        "<item><title>Atelier galettes pour les enfants</title>"
        "<link>https://fournil-des-pentes.fr/blog/atelier/?utm_source=rss</link>"
        '<guid isPermaLink="false">https://fournil-des-pentes.fr/blog/?p=420</guid>'
        "<pubDate>Wed, 25 Nov 2026 07:00:00 +0000</pubDate></item><item>",
        1,
    )
    feeds.overrides["/fixtures/competitor-wordpress.rss"] = fresh.encode()
    r = cmkit("-w", ws, "watch")
    assert "1 new item(s)" in r.stderr
    assert "Atelier galettes pour les enfants" in r.stdout
    assert "Le levain" not in r.stdout


def test_each_bad_feed_is_one_line_and_the_others_still_run(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    bad = [
        ("Page web", "/fixtures/page.html"),
        ("Énorme", "/huge"),
        ("Énorme annoncé", "/huge?declared=1"),
        ("Muet", "/hang"),
        ("Goutte à goutte", "/drip"),
        ("Disparu", "/status/410"),
        ("En panne", "/status/503"),
        ("Interdit", "/status/403"),
    ]
    ws = make_ws([*_feeds(feeds, [*GOOD, *bad]), ("Fermé", "http://127.0.0.1:9/feed.xml")])
    started = time.monotonic()
    r = cmkit("-w", ws, "watch")
    elapsed = time.monotonic() - started
    assert r.exit_code == 0
    expected = {
        "Page web": "this is a web page, not a feed (fix: its feed seems to be "
        + feeds.url("/actualites/rss.xml"),
        "Énorme": "the feed is too large (over 5 MB, stopped reading)",
        "Énorme annoncé": "the feed is too large (10.0 MB, more than the 5 MB cmkit reads)",
        "Muet": "no answer within 0.5 s",
        "Goutte à goutte": "too slow: still downloading after 1 s",
        "Disparu": "the feed is gone (HTTP 410)",
        "En panne": "server error (HTTP 503)",
        "Interdit": "access refused (HTTP 403)",
        "Fermé": "cannot connect",
    }
    for name, message in expected.items():
        lines = _lines_about(r.stderr, name)
        assert len(lines) == 1, (name, r.stderr)
        assert message in lines[0]
    assert "9 failed" in r.stderr
    # the good feeds were all read and stored
    sources = {i["source"] for i in stored(ws)}
    assert sources == {"Alerte Google", "Fournil des Pentes", "Lyon Gourmand"}
    # the bad ones ran alongside, not one after the other
    assert elapsed < 4.0


def test_a_feed_with_a_wrong_encoding_is_read_with_its_accents(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, [("Maison Giraud", "/fixtures/broken-encoding.rss")]))
    r = cmkit("-w", ws, "watch")
    titles = {i["title"] for i in stored(ws)}
    assert "Notre galette 2027 : frangipane à la pistache" in titles
    assert "Chocolats de Noël : l'atelier ouvre ses portes" in titles
    [note] = _lines_about(r.stderr, "Maison Giraud")
    assert "encoding is wrong" in note and "windows-1252" in note


def test_a_feed_cut_short_keeps_its_complete_items(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, [("Gros Caillou", "/fixtures/truncated.rss")]))
    r = cmkit("-w", ws, "watch")
    assert {i["title"] for i in stored(ws)} >= {"Menu de fêtes"}
    [note] = _lines_about(r.stderr, "Gros Caillou")
    assert "malformed at line" in note and "read 2 item(s) anyway" in note


def test_a_permanently_moved_feed_is_read_and_the_move_reported(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, [("Déplacé", "/redirect-permanent/industry.atom")]))
    r = cmkit("-w", ws, "watch")
    assert len(stored(ws)) == 2
    [note] = _lines_about(r.stderr, "Déplacé")
    assert f"moved permanently to {feeds.url('/fixtures/industry.atom')}" in note


def test_when_every_source_fails_the_exit_code_says_so(
    cmkit: Callable[..., object], feeds: FeedServer, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(_feeds(feeds, [("En panne", "/status/500"), ("Disparu", "/status/404")]))
    r = cmkit("-w", ws, "watch")
    assert r.exit_code == 1
    assert "2 failed" in r.stderr


def test_a_huge_feed_is_abandoned_within_bounded_memory(feeds: FeedServer) -> None:
    from cmkit.connectors.http import client

    limits = Limits(timeout=5, deadline=10)
    with client("watch", timeout=5) as http:
        tracemalloc.start()
        result = fetch_one(http, FeedSource(feeds.url("/huge"), "Énorme"), None, limits)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result.failed and "too large" in result.message
    # the body is dropped past the limit: memory stays near the 5 MB cap, far from 10 MB
    assert peak < limits.max_bytes * 1.6


def test_feeds_are_fetched_concurrently(feeds: FeedServer) -> None:
    feeds.latency = 0.2
    sources = [FeedSource(feeds.url(f"/latency/{n}.rss"), f"site {n}") for n in range(20)]
    started = time.monotonic()
    results = fetch_all([(s, None) for s in sources], Limits(timeout=5, jobs=20))
    elapsed = time.monotonic() - started
    assert [r.status for r in results] == ["ok"] * 20
    assert [r.source.name for r in results] == [s.name for s in sources]  # order kept
    assert elapsed < 20 * 0.2 / 4  # one by one would take 4 s

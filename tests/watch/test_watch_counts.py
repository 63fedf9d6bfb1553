"""Competitors' public counts, once a day, and the searches' one-line failures."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from mastodon_fake import FakeMastodon, openapi

from cmkit.connectors import http
from cmkit.connectors.base import ConnectorError, NotSupported, SearchHit

COMPETITORS = """competitors:
  - name: Maison Giraud
    accounts:
      mastodon: "@giraud@piaille.example"
      instagram: "@maisongiraud.lyon"
  - name: Le Fournil des Pentes
    accounts:
      mastodon: https://piaille.example/@fournil
"""


class PublicLookup(FakeMastodon):
    """The fake, plus the profile lookup a competitor's server answers to anyone.

    Mastodon serves `GET /api/v1/accounts/lookup` without a token for public profiles;
    the generated OpenAPI description lists read:accounts, so the token check is left
    out for this one route, and everything else (parameters, the Account answer) is
    still held to the spec. cmkit never sends a client's token to another server.
    """

    def validate_request(self, request: httpx.Request) -> None:
        if request.url.path == "/api/v1/accounts/lookup":
            from mastodon_fake import _as_openapi

            with warnings.catch_warnings():  # openapi-core cannot check OAuth2 itself
                warnings.simplefilter("ignore", UserWarning)
                openapi().validate_request(_as_openapi(request))
            return
        super().validate_request(request)

    def _route(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/accounts/lookup":
            acct = request.url.params["acct"]
            account = self.account(self.next_id(), acct, acct.title())
            account["followers_count"] = {"giraud": 1204, "fournil": 388}.get(acct, 0)
            account["statuses_count"] = 57
            if acct not in ("giraud", "fournil"):
                return self._answer(request, 404, {"error": "Record not found"})
            return self._answer(request, 200, account)
        return super()._route(request)


@pytest.fixture
def public() -> Iterator[PublicLookup]:
    peer = PublicLookup()
    with http.override(transport=peer.transport()), http.instant_sleep():
        yield peer


def _counts(ws: Path) -> list[dict[str, Any]]:
    path = ws / "clients/martin/data/watch-counts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_mastodon_competitors_are_counted_once_a_day_without_a_token(
    cmkit: Callable[..., Any],
    public: PublicLookup,
    make_ws: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = make_ws([], COMPETITORS)
    r = cmkit("-w", ws, "watch")
    assert r.exit_code == 0, r.stderr
    assert {(c["competitor"], c["followers"], c["posts"]) for c in _counts(ws)} == {
        ("Maison Giraud", 1204, 57),
        ("Le Fournil des Pentes", 388, 57),
    }
    lookups = [q for q in public.requests if q.url.path == "/api/v1/accounts/lookup"]
    assert {q.url.params["acct"] for q in lookups} == {"giraud", "fournil"}
    assert all("authorization" not in q.headers for q in lookups)
    assert "Maison Giraud (instagram)" in r.stderr  # said once, not scraped
    assert "2 competitor count(s)" in r.stderr
    cmkit("-w", ws, "watch")  # the same day: not asked again
    assert len([q for q in public.requests if q.url.path == "/api/v1/accounts/lookup"]) == 2
    monkeypatch.setenv("CMKIT_NOW", "2026-12-02T09:00:00+01:00")
    cmkit("-w", ws, "watch")
    digest = cmkit("-w", ws, "watch", "--no-fetch")
    assert "Maison Giraud (mastodon): 1 204 followers (+0 since 25 Nov)" in digest.stdout


def test_an_unknown_competitor_account_is_one_line(
    cmkit: Callable[..., Any], public: PublicLookup, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(
        [],
        "competitors:\n  - name: Nouveau\n    accounts: {mastodon: "
        '"@inconnu@piaille.example"}\n  - name: Flou\n    accounts: '
        "{mastodon: flou}\n",
    )
    r = cmkit("-w", ws, "watch")
    lines = r.stderr.splitlines()
    assert any(
        line.startswith("Nouveau on mastodon: watch: found nothing there (HTTP 404")
        for line in lines
    ), r.stderr
    assert any(
        line.startswith("Flou on mastodon: 'flou' is not a Mastodon account")
        and "@name@server" in line
        for line in lines
    ), r.stderr
    assert r.exit_code == 1  # every source failed


class _Searcher:
    def __init__(self, behaviour: Exception | list[SearchHit]) -> None:
        self.behaviour = behaviour
        self.closed = False

    def search(self, query: str, since: object) -> list[SearchHit]:
        if isinstance(self.behaviour, Exception):
            raise self.behaviour
        return self.behaviour

    def close(self) -> None:
        self.closed = True


def test_search_refusals_are_one_line_each_and_feeds_still_run(
    make_ws: Callable[..., Path], feeds: Any
) -> None:
    from cmkit.clock import now
    from cmkit.watch.run import run
    from cmkit.workspace import load

    ws = make_ws(
        [("Lyon Gourmand", feeds.url("/fixtures/industry.atom"))],
        "keywords:\n  - query: bûche\n    networks: [bluesky, mastodon, x]\n",
        client="accounts:\n  bluesky: {handle: a.bsky.social}\n"
        "  mastodon: {handle: '@a@b.example', instance: https://b.example}\n",
    )
    searchers = {
        "bluesky": _Searcher(NotSupported("bluesky: search is not supported by this connector")),
        "mastodon": _Searcher(
            ConnectorError(
                "mastodon: refused the credentials (HTTP 401)", "check the token", status=401
            )
        ),
    }
    [result] = run(
        ws,
        list(load(ws).clients.values()),
        now(),
        lambda slug, network, account: searchers[str(network)],
    )
    by_name = {(o.kind, o.name): o for o in result.outcomes}
    assert by_name[("search", "bluesky search")].status == "skipped"
    failed = by_name[("search", "mastodon search “bûche”")]
    assert (failed.status, failed.hint) == ("failed", "check the token")
    assert by_name[("search", "x search")].message.startswith("no x account in client.yaml")
    assert by_name[("feed", "Lyon Gourmand")].status == "ok" and len(result.new) == 2
    assert all(s.closed for s in searchers.values())


def test_a_search_without_a_token_is_one_line_and_the_feeds_still_run(
    cmkit: Callable[..., Any], feeds: Any, make_ws: Callable[..., Path]
) -> None:
    ws = make_ws(
        [("Lyon Gourmand", feeds.url("/fixtures/industry.atom"))],
        "keywords: [bûche]\n",
        client="accounts:\n  bluesky: {handle: a.bsky.social, token_env: A_BSKY}\n",
    )
    r = cmkit("-w", ws, "watch")
    assert r.exit_code == 0
    [line] = [x for x in r.stderr.splitlines() if x.startswith("bluesky search")]
    assert line == (
        "bluesky search “bûche”: martin/bluesky: no token found (fix: set A_BSKY "
        "in the environment or in .env, or run `cmkit secrets set martin/bluesky`)"
    )
    assert "Marché de Noël de la Croix-Rousse" in r.stdout


def test_a_mastodon_keyword_search_held_to_the_spec(
    cmkit: Callable[..., Any],
    public: PublicLookup,
    make_ws: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mastodon_fake import BASE

    public.mention_from(
        "julie",
        "piaille.fr",
        "La galette frangipane de la Croix-Rousse !",
        created_at="2026-11-24T10:00:00.000Z",
    )
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", public.token)
    ws = make_ws(
        [],
        "keywords:\n  - {query: galette frangipane, networks: [mastodon], topic: saison}\n",
        client=f"accounts:\n  mastodon: {{handle: '@boulangerie@piaille.example', "
        f"instance: {BASE}, token_env: MARTIN_MASTODON_TOKEN}}\n",
    )
    r = cmkit("-w", ws, "watch", "--format", "json")
    assert r.exit_code == 0, r.stderr
    [client] = json.loads(r.stdout)["clients"]
    [hit] = client["topics"][0]["items"]
    assert hit["title"] == "La galette frangipane de la Croix-Rousse !"
    assert hit["author"] == "@julie@piaille.fr" and hit["network"] == "mastodon"
    [asked] = [q for q in public.requests if q.url.path == "/api/v2/search"]
    assert asked.url.params["type"] == "statuses"

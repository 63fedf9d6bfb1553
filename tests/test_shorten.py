"""Short links: Bit.ly v4, Shlink and YOURLS as their API documentation shows them, and the
engine that shortens each network's UTM-tagged link, records it before sending and in
the `done` line, looks a post up by it after a crash, and never holds a post back
because the shortener is down."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent / "connectors"))

from net_workspace import Killed, NetWorkspace
from x_fake import FakeX

from cmkit.connectors import http
from cmkit.models import Shortener
from cmkit.shorten import ShortenerError, endpoint, shorten

KEY = "shortener-key-0123456789"


@dataclass
class FakeShorteners:
    """Bit.ly, Shlink and YOURLS, answering as their documentation shows; the same long
    URL always gets the same short one, as each service does."""

    links: dict[tuple[str, str], str] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    down: bool = False
    _codes: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _short(self, service: str, base: str, long_url: str) -> tuple[str, bool]:
        known = (service, long_url) in self.links
        if not known:
            self.links[(service, long_url)] = f"{base}/c{next(self._codes)}"
        return self.links[(service, long_url)], known

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            return httpx.Response(503, text="Service Unavailable")
        host = request.url.host
        if host == "api-ssl.bitly.com":
            return self._bitly(request)
        if host == "s.martin.fr":
            return self._shlink(request)
        if host == "go.martin.fr":
            return self._yourls(request)
        return httpx.Response(404)

    def _bitly(self, request: httpx.Request) -> httpx.Response:
        # dev.bitly.com/api-reference/#createBitlink: POST /v4/shorten {long_url, domain,
        # group_guid}, Bearer token → 201 (200 when it existed) {link, id, long_url, …};
        # 403 {"message": "FORBIDDEN", "resource": "bitlinks", "description": …}
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return httpx.Response(
                403,
                json={"message": "FORBIDDEN", "resource": "bitlinks", "description": "Forbidden"},
            )
        body = json.loads(request.content)
        domain = body.get("domain", "bit.ly")
        link, known = self._short("bitly", f"https://{domain}", body["long_url"])
        return httpx.Response(
            200 if known else 201,
            json={
                "link": link,
                "id": link.removeprefix("https://"),
                "long_url": body["long_url"],
                "archived": False,
                "created_at": "2026-11-25T08:00:00+0000",
                "custom_bitlinks": [],
                "tags": [],
                "deeplinks": [],
                "references": {},
            },
        )

    def _shlink(self, request: httpx.Request) -> httpx.Response:
        # shlink.io/documentation/api-docs: POST /rest/v3/short-urls {longUrl, findIfExists,
        # domain}, X-Api-Key → {shortCode, shortUrl, longUrl, dateCreated, …}; a bad key is
        # a problem+json 401 "invalid-api-key"
        if request.url.path != "/rest/v3/short-urls":
            return httpx.Response(404)
        if request.headers.get("x-api-key") != KEY:
            return httpx.Response(
                401,
                json={
                    "type": "https://shlink.io/api/error/invalid-api-key",
                    "title": "Invalid API key",
                    "detail": "Provided API key does not exist or is invalid.",
                    "status": 401,
                },
                headers={"content-type": "application/problem+json"},
            )
        body = json.loads(request.content)
        assert body["findIfExists"] is True
        link, _ = self._short("shlink", "https://s.martin.fr", body["longUrl"])
        return httpx.Response(
            200,
            json={
                "shortCode": link.rsplit("/", 1)[1],
                "shortUrl": link,
                "longUrl": body["longUrl"],
                "dateCreated": "2026-11-25T09:00:00+01:00",
                "tags": [],
                "domain": None,
                "title": None,
                "crawlable": False,
                "forwardQuery": True,
            },
        )

    def _yourls(self, request: httpx.Request) -> httpx.Response:
        # yourls.org/docs/guide/advanced/api: action=shorturl&url=…&format=json&signature=…
        # → {"status": "success", "shorturl", "url": {…}}; a URL it has already:
        # {"status": "fail", "code": "error:url", "message": "… already exists in database",
        # "shorturl": …}
        form = dict(parse_qsl(request.content.decode()))
        if request.url.path != "/yourls-api.php" or form.get("action") != "shorturl":
            return httpx.Response(400, json={"errorCode": 400, "message": "Unknown action"})
        if form.get("signature") != KEY:
            return httpx.Response(403, json={"errorCode": 403, "message": "Please log in"})
        link, known = self._short("yourls", "https://go.martin.fr", form["url"])
        if known:
            return httpx.Response(
                200,
                json={
                    "status": "fail",
                    "code": "error:url",
                    "message": f"{form['url']} already exists in database",
                    "shorturl": link,
                    "statusCode": 200,
                },
            )
        return httpx.Response(
            200,
            json={
                "status": "success",
                "url": {"keyword": link.rsplit("/", 1)[1], "url": form["url"]},
                "message": f"{form['url']} added to database",
                "shorturl": link,
                "statusCode": 200,
            },
        )


@pytest.fixture
def shorteners() -> FakeShorteners:
    return FakeShorteners()


CONFIGS = {
    "bitly": Shortener(kind="bitly", token_env="K"),
    "shlink": Shortener(kind="shlink", url="https://s.martin.fr", token_env="K"),
    "yourls": Shortener(kind="yourls", url="https://go.martin.fr", token_env="K"),
}
LONG = "https://boulangerie-martin.fr/noel?utm_source=x&utm_medium=social&utm_campaign=noel"


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_each_service_shortens_and_answers_the_same_link_twice(
    kind: str, shorteners: FakeShorteners
) -> None:
    with http.override(transport=httpx.MockTransport(shorteners.handler)):
        first = shorten(LONG, CONFIGS[kind], KEY)
        again = shorten(LONG, CONFIGS[kind], KEY)
    assert first == again and first.startswith("https://") and "utm" not in first


def test_a_bitly_branded_domain_is_asked_for(shorteners: FakeShorteners) -> None:
    config = Shortener(kind="bitly", token_env="K", domain="mart.in")
    with http.override(transport=httpx.MockTransport(shorteners.handler)):
        assert shorten(LONG, config, KEY).startswith("https://mart.in/")
    assert json.loads(shorteners.requests[0].content)["domain"] == "mart.in"


@pytest.mark.parametrize("kind", sorted(CONFIGS))
def test_a_wrong_key_is_named_without_the_key(kind: str, shorteners: FakeShorteners) -> None:
    with (
        http.override(transport=httpx.MockTransport(shorteners.handler)),
        pytest.raises(ShortenerError) as caught,
    ):
        shorten(LONG, CONFIGS[kind], "wrong-key-000000")
    assert "wrong-key" not in caught.value.message
    assert "check the key in K" in caught.value.hint


def test_self_hosted_shorteners_need_their_address() -> None:
    with pytest.raises(ShortenerError, match="needs `url`"):
        endpoint(Shortener(kind="shlink", token_env="K"))
    assert endpoint(
        Shortener(kind="yourls", url="https://go.martin.fr/yourls-api.php", token_env="K")
    ) == ("https://go.martin.fr/yourls-api.php")


# --- through the engine --------------------------------------------------------------------


def engine_ws(
    tmp_path: Path, fake: FakeX, shorteners: FakeShorteners, monkeypatch: pytest.MonkeyPatch
) -> NetWorkspace:
    for name, value in {
        "MARTIN_X_API_KEY": fake.consumer[0],
        "MARTIN_X_API_SECRET": fake.consumer[1],
        "MARTIN_X_ACCESS_TOKEN": fake.access[0],
        "MARTIN_X_ACCESS_SECRET": fake.access[1],
        "MARTIN_BITLY_KEY": KEY,
    }.items():
        monkeypatch.setenv(name, value)

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.x.com":
            return fake.handler(request)
        return shorteners.handler(request)

    accounts = (
        "  x:\n    handle: '@BoulangerieMtn'\n    token_env: MARTIN_X_ACCESS_TOKEN\n"
        "    secrets:\n      token_secret: MARTIN_X_ACCESS_SECRET\n"
        "      api_key: MARTIN_X_API_KEY\n      api_secret: MARTIN_X_API_SECRET\n"
    )
    links = "links:\n  shortener:\n    kind: bitly\n    token_env: MARTIN_BITLY_KEY\n"
    return NetWorkspace.create(tmp_path, route, accounts, links)


def test_the_short_link_is_sent_recorded_first_and_kept_in_done(
    tmp_path: Path, shorteners: FakeShorteners, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeX()
    ws = engine_ws(tmp_path, fake, shorteners, monkeypatch)
    ws.post(
        "noel",
        ["x"],
        "La carte de Noël",
        link="https://boulangerie-martin.fr/noel",
        campaign="noel",
    )
    [result] = ws.publish().results
    assert result.status == "published"
    [(service, long_url)] = list(shorteners.links)
    short = shorteners.links[(service, long_url)]
    assert long_url.startswith("https://boulangerie-martin.fr/noel?utm_source=x")
    assert "utm_campaign=noel" in long_url
    [post] = fake.posts.values()
    assert post.text == f"La carte de Noël\n\n{short}"
    step, done = ws.events("step")[0], ws.events("done")[0]
    assert (step["step"], step["value"]) == ("short_url", short)
    assert done["extra"] == {"short_url": short}


def test_after_a_crash_the_post_is_found_with_its_short_link(
    tmp_path: Path, shorteners: FakeShorteners, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeX()
    fake.fault("POST", r"^/2/tweets$", "kill-after")
    ws = engine_ws(tmp_path, fake, shorteners, monkeypatch)
    ws.post("noel", ["x"], "La carte de Noël", link="https://boulangerie-martin.fr/noel")
    with pytest.raises(Killed):
        ws.publish()
    [result] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert result.status == "recovered"
    short = next(iter(shorteners.links.values()))
    assert ws.events("done")[0]["extra"] == {"short_url": short}
    assert len(fake.posts) == 1 and len(shorteners.requests) == 1  # not shortened again


def test_a_shortener_that_is_down_does_not_hold_the_post_back(
    tmp_path: Path, shorteners: FakeShorteners, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeX()
    shorteners.down = True
    ws = engine_ws(tmp_path, fake, shorteners, monkeypatch)
    ws.post("noel", ["x"], "La carte de Noël", link="https://boulangerie-martin.fr/noel")
    report: Any = ws.publish()
    assert report.results[0].status == "published"
    [post] = fake.posts.values()
    assert "https://boulangerie-martin.fr/noel?utm_source=x" in post.text
    assert any("sent the full link" in w for w in report.warnings)
    assert "extra" not in ws.events("done")[0] and not ws.events("step")

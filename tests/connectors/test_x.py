"""X connector, through the publishing engine, against the documented v2 endpoints.

The peer is `x_fake.FakeX`: request bodies held to the fields and limits of
docs.x.com/x-api/posts/creation-of-a-post, …/media/upload-media,
…/media/create-media-metadata, …/users/get-posts, …/posts/get-posts-by-ids and
…/users/get-my-user; OAuth 1.0a signatures verified by oauthlib; OAuth 2.0 refresh
as …/fundamentals/authentication/oauth-2-0/user-access-token describes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend
from net_workspace import Killed, NetWorkspace
from x_fake import FakeX

from cmkit.connectors import http, oauth1
from cmkit.connectors.base import ConnectorError, Delivery
from cmkit.connectors.x import XConnector, comparable
from cmkit.models import Account
from cmkit.networks import Network

OAUTH1_YAML = (
    "  x:\n    handle: '@BoulangerieMtn'\n    token_env: MARTIN_X_ACCESS_TOKEN\n"
    "    secrets:\n      token_secret: MARTIN_X_ACCESS_SECRET\n"
    "      api_key: MARTIN_X_API_KEY\n      api_secret: MARTIN_X_API_SECRET\n"
)
OAUTH2_YAML = (
    "  x:\n    handle: '@BoulangerieMtn'\n    token_env: MARTIN_X_TOKEN\n"
    "    secrets:\n      refresh_token: MARTIN_X_REFRESH\n      client_id: MARTIN_X_CLIENT_ID\n"
)


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def fake() -> FakeX:
    return FakeX()


@pytest.fixture
def ws(tmp_path: Path, fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> NetWorkspace:
    monkeypatch.setenv("MARTIN_X_API_KEY", fake.consumer[0])
    monkeypatch.setenv("MARTIN_X_API_SECRET", fake.consumer[1])
    monkeypatch.setenv("MARTIN_X_ACCESS_TOKEN", fake.access[0])
    monkeypatch.setenv("MARTIN_X_ACCESS_SECRET", fake.access[1])
    return NetWorkspace.create(tmp_path, fake.handler, OAUTH1_YAML)


@pytest.fixture
def vault() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def transport(fake: FakeX) -> Iterator[None]:
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        yield


def oauth1_connector(
    fake: FakeX, handle: str = "@BoulangerieMtn", token_secret: str | None = None
) -> XConnector:
    keys = {
        "token": fake.access[0],
        "token_secret": token_secret or fake.access[1],
        "api_key": fake.consumer[0],
        "api_secret": fake.consumer[1],
    }
    account = Account(
        handle=handle,
        token_env="T",
        secrets={"token_secret": "S", "api_key": "K", "api_secret": "A"},
    )
    return XConnector(account, keys.__getitem__)


def texts(fake: FakeX) -> list[str]:
    return [p.text for p in sorted(fake.posts.values(), key=lambda p: int(p.id))]


# --- signing ------------------------------------------------------------------------------


def test_signature_matches_x_s_documented_example() -> None:
    # docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature
    params = [
        ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
        ("include_entities", "true"),
        ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
        ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "1318622958"),
        ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        ("oauth_version", "1.0"),
    ]
    url = "https://api.twitter.com/1.1/statuses/update.json"
    assert oauth1.base_string("POST", url, params) == (
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities"
        "%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFab"
        "xSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp"
        "%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26"
        "oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a"
        "%2520signed%2520OAuth%2520request%2521"
    )
    secret, token_secret = (
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
    assert oauth1.signature("POST", url, params, secret, token_secret) == (
        "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
    )
    credentials = oauth1.Credentials(
        "xvz1evFS4wEEPTGEFPHBog",
        secret,
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        token_secret,
    )
    header = oauth1.header(
        credentials,
        "POST",
        url + "?include_entities=true",
        [("status", "Hello Ladies + Gentlemen, a signed OAuth request!")],
        nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        timestamp=1318622958,
    )
    assert 'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"' in header


# --- publishing ---------------------------------------------------------------------------


def test_a_text_post_with_its_link_signed_with_oauth1(ws: NetWorkspace, fake: FakeX) -> None:
    ws.post(
        "noel", ["x"], "La carte de Noël & nos bûches <3", link="https://boulangerie-martin.fr/noel"
    )
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = fake.posts.values()
    assert post.text.startswith(
        "La carte de Noël & nos bûches <3\n\nhttps://boulangerie-martin.fr/noel?utm_source=x"
    )
    assert fake.created()[0].headers["authorization"].startswith("OAuth ")
    done = ws.events("done")[0]
    assert done["url"] == f"https://x.com/BoulangerieMtn/status/{post.id}"


def test_a_bare_copy_of_the_link_in_the_text_becomes_the_tagged_link(
    ws: NetWorkspace, fake: FakeX
) -> None:
    ws.post(
        "noel",
        ["x"],
        "Carte : boulangerie-martin.fr/noel 🎄",
        link="https://boulangerie-martin.fr/noel",
    )
    assert ws.publish().results[0].status == "published"
    [post] = fake.posts.values()
    assert post.text.startswith("Carte : https://boulangerie-martin.fr/noel?utm_source=x")
    assert post.text.endswith(" 🎄") and post.text.count("boulangerie-martin.fr") == 1


def test_four_images_with_alt_text(ws: NetWorkspace, fake: FakeX) -> None:
    files = [
        ws.image("a.jpg"),
        ws.image("b.png", fmt="PNG"),
        ws.image("c.webp", fmt="WEBP"),
        ws.image("d.gif", (600, 400), fmt="GIF"),
    ]
    ws.post("four", ["x"], "Quatre photos", media=files)
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = fake.posts.values()
    assert len(post.media) == 4
    assert [fake.media[m]["alt"] for m in post.media] == [
        "Photo 1",
        "Photo 2",
        "Photo 3",
        "Photo 4",
    ]
    assert fake.media[post.media[3]]["format"] in ("png", "jpeg")  # GIF is no upload type
    step = ws.events("step")[0]
    assert step["step"] == "media" and step["value"].split(",") == post.media
    body = json.loads(fake.created()[0].content)
    assert body == {"text": "Quatre photos", "media": {"media_ids": post.media}}


def test_a_large_photo_is_sent_as_a_copy_under_5_mb(ws: NetWorkspace, fake: FakeX) -> None:
    import os

    from PIL import Image

    path = ws.client / "media" / "big.png"
    Image.frombytes("RGB", (2400, 1600), os.urandom(2400 * 1600 * 3)).save(path)
    assert path.stat().st_size > 5_000_000
    ws.post("big", ["x"], "Grand format", media=["media/big.png"])
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = fake.posts.values()
    assert len(fake.media[post.media[0]]["bytes"]) <= 5_000_000


def test_a_thread_is_a_chain_of_replies_each_recorded(ws: NetWorkspace, fake: FakeX) -> None:
    ws.post("fil", ["x"], "1/3 Notre levain", thread=["2/3 Il a 12 ans", "3/3 Venez le goûter"])
    [result] = ws.publish().results
    assert result.status == "published"
    posts = sorted(fake.posts.values(), key=lambda p: int(p.id))
    assert [p.text for p in posts] == ["1/3 Notre levain", "2/3 Il a 12 ans", "3/3 Venez le goûter"]
    assert [p.reply_to for p in posts] == [None, posts[0].id, posts[1].id]
    steps = {e["step"]: e["value"] for e in ws.events("step")}
    assert steps == {"post": posts[0].id, "part2": posts[1].id, "part3": posts[2].id}
    assert ws.events("done")[0]["remote_id"] == posts[0].id


# --- faults: each post exactly once -------------------------------------------------------


def test_killed_mid_thread_then_rerun_completes_it_without_repeating(
    ws: NetWorkspace, fake: FakeX
) -> None:
    fake.fault("POST", r"^/2/tweets$", "pass", times=2)  # the first two go through
    fake.fault("POST", r"^/2/tweets$", "kill-before")
    ws.post("fil", ["x"], "1/3 Notre levain", thread=["2/3 Il a 12 ans", "3/3 Venez le goûter"])
    with pytest.raises(Killed):
        ws.publish()
    assert texts(fake) == ["1/3 Notre levain", "2/3 Il a 12 ans"]
    [result] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert result.status == "recovered"
    posts = sorted(fake.posts.values(), key=lambda p: int(p.id))
    assert [p.text for p in posts] == ["1/3 Notre levain", "2/3 Il a 12 ans", "3/3 Venez le goûter"]
    assert posts[2].reply_to == posts[1].id


def test_a_part_lost_in_a_timeout_is_found_not_posted_again(ws: NetWorkspace, fake: FakeX) -> None:
    fake.fault("POST", r"^/2/tweets$", "pass")
    fake.fault("POST", r"^/2/tweets$", "timeout-after")
    ws.post("fil", ["x"], "1/2 Notre levain", thread=["2/2 Il a 12 ans & plus"])
    [result] = ws.publish().results
    assert result.status == "recovered"  # the reply's answer was lost: found, not resent
    assert texts(fake) == ["1/2 Notre levain", "2/2 Il a 12 ans & plus"]
    assert len(fake.created()) == 2


def test_killed_after_images_before_the_post(ws: NetWorkspace, fake: FakeX) -> None:
    fake.fault("POST", r"^/2/tweets$", "kill-before")
    ws.post("img", ["x"], "Photo", media=[ws.image("a.jpg")])
    with pytest.raises(Killed):
        ws.publish()
    [result] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert result.status == "published"
    assert len(fake.posts) == 1


def test_a_timeout_after_x_accepted_is_recovered_by_its_text(ws: NetWorkspace, fake: FakeX) -> None:
    fake.fault("POST", r"^/2/tweets$", "timeout-after")
    ws.post("noel", ["x"], "Bûches & galettes <3", link="https://boulangerie-martin.fr/noel")
    [result] = ws.publish().results
    assert result.status == "recovered"
    assert len(fake.posts) == 1 and len(fake.created()) == 1


def test_a_5xx_on_the_post_is_looked_up_then_sent_once(ws: NetWorkspace, fake: FakeX) -> None:
    fake.fault("POST", r"^/2/tweets$", status=503)
    ws.post("hello", ["x"], "Bonjour")
    [first] = ws.publish().results
    assert first.status == "unknown" and not fake.posts
    [second] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert second.status == "published" and texts(fake) == ["Bonjour"]


def test_429_waits_for_the_reset_then_posts_once(ws: NetWorkspace, fake: FakeX) -> None:
    import time

    reset = str(int(time.time()) + 20)
    fake.fault(
        "POST",
        r"^/2/tweets$",
        status=429,
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
    )
    ws.post("hello", ["x"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "published" and texts(fake) == ["Bonjour"]
    assert len(fake.created()) == 2


def test_an_access_level_that_cannot_read_means_a_human_looks(
    ws: NetWorkspace, fake: FakeX
) -> None:
    fake.read_access = False
    fake.fault("POST", r"^/2/tweets$", "timeout-after")
    ws.post("hello", ["x"], "Bonjour")
    assert ws.publish().results[0].status == "unknown"
    [again] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert again.status == "unknown" and "needs a human" in again.message
    assert len(fake.created()) == 1


# --- OAuth 2.0 ----------------------------------------------------------------------------


def oauth2_ws(tmp_path: Path, fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> NetWorkspace:
    fake.bearers["expired-access"] = False
    fake.refresh_tokens.add("seed-refresh-token")
    monkeypatch.setenv("MARTIN_X_TOKEN", "expired-access")
    monkeypatch.setenv("MARTIN_X_REFRESH", "seed-refresh-token")
    monkeypatch.setenv("MARTIN_X_CLIENT_ID", fake.client_id)
    return NetWorkspace.create(tmp_path, fake.handler, OAUTH2_YAML)


def test_oauth2_refreshes_and_keeps_the_rotated_token_in_the_keyring(
    tmp_path: Path, fake: FakeX, monkeypatch: pytest.MonkeyPatch, vault: MemoryKeyring
) -> None:
    ws = oauth2_ws(tmp_path, fake, monkeypatch)
    ws.post("a", ["x"], "Premier", at="2026-11-25 09:00")
    assert ws.publish().results[0].status == "published"
    assert "seed-refresh-token" not in fake.refresh_tokens  # spent: X rotates them
    [stored] = [v for (s, k), v in vault.store.items() if k.startswith("x-oauth2/")]
    assert json.loads(stored)["refresh_token"] in fake.refresh_tokens
    # a later run (the access token expired meanwhile) refreshes from the kept token
    for token in fake.bearers:
        fake.bearers[token] = False
    ws.post("b", ["x"], "Second", at="2026-11-25 10:00")
    assert ws.publish(now="2026-11-25T10:05:00+01:00").results[0].status == "published"
    assert texts(fake) == ["Premier", "Second"]


def test_oauth2_without_a_keyring_refuses_to_spend_the_refresh_token(
    tmp_path: Path, fake: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = oauth2_ws(tmp_path, fake, monkeypatch)
    ws.post("a", ["x"], "Premier")
    [result] = ws.publish().results
    assert result.status == "failed" and "no OS keyring" in result.message
    assert "OAuth 1.0a" in result.hint
    assert "seed-refresh-token" in fake.refresh_tokens and not fake.posts


# --- what X refuses, and what check says first ---------------------------------------------


def test_the_fake_holds_requests_to_the_documented_limits(fake: FakeX) -> None:
    fake.bearers["t"] = True
    client = httpx.Client(
        transport=httpx.MockTransport(fake.handler), headers={"Authorization": "Bearer t"}
    )
    five = {"text": "x", "media": {"media_ids": ["1", "2", "3", "4", "5"]}}
    answer = client.post("https://api.x.com/2/tweets", json=five)
    assert answer.status_code == 400 and "1 to 4" in json.dumps(answer.json())
    answer = client.post("https://api.x.com/2/tweets", json={"text": "é" * 281})
    assert answer.status_code == 403 and "too long" in answer.json()["detail"]
    answer = client.post("https://api.x.com/2/tweets", json={"text": "x", "reply": {}})
    assert answer.status_code == 400
    answer = client.post("https://api.x.com/2/tweets", json={"text": "x", "status": "x"})
    assert answer.status_code == 400


def test_check_counts_the_link_and_knows_x_s_media_rules(ws: NetWorkspace) -> None:
    ws.post("long", ["x"], "é" * 260, link="https://boulangerie-martin.fr/noel")
    ws.post("five", ["x"], "Cinq", media=[ws.image(f"p{n}.jpg", (400, 400)) for n in range(5)])
    ws.post("video", ["x"], "Le four", media=[ws.video("four.mp4")])
    found = {(p.path.rsplit("/", 1)[-1], p.rule) for p in ws.check()}
    assert ("long.md", "x/too-long-with-link") in found
    assert ("five.md", "media/too-many") in found
    assert ("video.md", "media/video-not-supported") in found


def test_check_flags_animated_gifs_and_long_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    frames = [Image.new("RGB", (100, 100), c) for c in ((0, 0, 0), (255, 255, 255))]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:])
    from cmkit.connectors.base import MediaFile

    delivery = Delivery(
        "m", "p", Network.X, "GIF", "k", Account(), media=(MediaFile(gif, "a" * 1001, "image/gif"),)
    )
    rules = [i.rule for i in XConnector(Account(), lambda r: "").check(delivery)]
    assert rules == ["x/animated-gif", "x/alt-too-long"]


def test_comparable_ignores_what_x_rewrites() -> None:
    sent = "Bûches & galettes <3\n\nhttps://boulangerie-martin.fr/noel?utm_source=x"
    shown = "Bûches &amp; galettes &lt;3\n\nhttps://t.co/abc1230000"
    assert comparable(sent) == comparable(shown) == "Bûches & galettes <3"


# --- account and metrics ------------------------------------------------------------------


def test_verify_names_the_account(fake: FakeX, transport: None) -> None:
    status = oauth1_connector(fake).verify()
    assert status.ok and status.message == "@BoulangerieMtn, 1,530 followers (OAuth 1.0a)"
    other = oauth1_connector(fake, "@autre").verify()
    assert not other.ok and "not @autre" in other.message


def test_verify_with_wrong_keys_is_refused(fake: FakeX, transport: None) -> None:
    with pytest.raises(ConnectorError) as caught:
        oauth1_connector(fake, token_secret="an-old-secret-0000").verify()
    assert caught.value.status == 401 and "regenerate" in caught.value.hint


def test_metrics(ws: NetWorkspace, fake: FakeX, transport: None) -> None:
    ws.post("hello", ["x"], "Bonjour")
    ws.publish()
    [post_id] = list(fake.posts)
    [metrics] = oauth1_connector(fake).post_metrics([post_id], date(2026, 11, 25))
    assert (metrics.impressions, metrics.likes, metrics.shares, metrics.saves) == (1204, 31, 4, 3)
    account = oauth1_connector(fake).account_metrics(date(2026, 11, 25))
    assert account.followers == 1530

"""The Bluesky connector against the reference PDS: the server's lexicon validation judges.

Every post here is created on a real `@atproto/pds` (tests/peers/pds) and read back
with getRecord; facets are checked against the bytes they point at, blobs are
fetched back, and faults are injected between cmkit and the server.
"""

from __future__ import annotations

import os
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
import pytest
from PIL import Image

from cmkit import clock
from cmkit.connectors import atproto_session, http
from cmkit.connectors.base import ConnectorError, Delivery, MediaFile, Mention, OutcomeUnknown
from cmkit.connectors.bluesky import BlueskyConnector
from cmkit.models import Account as AccountModel
from cmkit.networks import Network

if TYPE_CHECKING:
    from conftest import Account, Pds

pytestmark = pytest.mark.pds


def connector(pds: Pds, account: Account, password: str | None = None) -> BlueskyConnector:
    model = AccountModel(
        handle=f"@{account.handle}",
        instance=pds.url,
        token_env="BOULANGERIE_BSKY_PASSWORD",
        locale="fr-FR",
    )
    secret = password or account.password
    return BlueskyConnector(model, lambda role: secret)


def delivery(bsky: BlueskyConnector, text: str, **changes: Any) -> Delivery:
    base = Delivery(
        client="boulangerie-martin",
        post_id=f"2026-12-01-{uuid.uuid4().hex[:6]}",
        network=Network.BLUESKY,
        text=text,
        idempotency_key=uuid.uuid4().hex,
        account=bsky.account,
        lang="fr-FR",
        at=clock.now() - timedelta(minutes=2),
    )
    return replace(base, **changes)


def no_progress(step: str, value: str) -> None:
    return None


def at_bytes(text: str, facet: dict[str, Any]) -> str:
    index = facet["index"]
    return text.encode()[index["byteStart"] : index["byteEnd"]].decode()


@pytest.fixture
def alice(pds: Pds) -> Account:
    return pds.create_account("alice")


def test_text_with_hashtag_mention_and_link_facets(pds: Pds, alice: Account) -> None:
    bob = pds.create_account("bob")
    bsky = connector(pds, alice)
    link = "https://boulangerie-martin.fr/avent?utm_source=bluesky&utm_medium=social"
    text = (
        f"Jour 1 de l'Avent 🎄 avec @{bob.handle} ! #Noël #BoulangerieMartin "
        "→ boulangerie-martin.fr/avent"
    )
    sent = delivery(bsky, text, link=link)
    assert bsky.check(sent) == []
    result = bsky.publish(sent, no_progress)

    record = pds.record(result.remote_id)
    assert record["text"] == text
    assert record["langs"] == ["fr-FR"]
    by_text = {at_bytes(text, f): f["features"][0] for f in record["facets"]}  # type: ignore[union-attr]
    assert by_text["#Noël"] == {"$type": "app.bsky.richtext.facet#tag", "tag": "Noël"}
    assert by_text["#BoulangerieMartin"]["tag"] == "BoulangerieMartin"
    assert by_text[f"@{bob.handle}"] == {"$type": "app.bsky.richtext.facet#mention", "did": bob.did}
    # the link reads as written; it points to the page with the campaign's UTM tags
    assert by_text["boulangerie-martin.fr/avent"]["uri"] == link
    assert (
        result.url
        == f"https://bsky.app/profile/{alice.handle}/post/" + result.remote_id.rsplit("/", 1)[1]
    )
    bsky.close()


def test_unknown_handle_stays_plain_text(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice)
    text = "Merci @nobody-here.test pour la recette"
    result = bsky.publish(delivery(bsky, text), no_progress)
    assert "facets" not in pds.record(result.remote_id)


def noisy_jpeg(path: Path, size: tuple[int, int]) -> Path:
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, "JPEG", quality=95)
    return path


def test_image_over_the_blob_limit_goes_out_recompressed_with_alt_text(
    pds: Pds, alice: Account, tmp_path: Path
) -> None:
    photo = noisy_jpeg(tmp_path / "buche.jpg", (1500, 1000))
    assert photo.stat().st_size > 1_000_000
    bsky = connector(pds, alice)
    link = "https://boulangerie-martin.fr/buche?utm_source=bluesky"
    sent = delivery(
        bsky,
        "La bûche est arrivée #Noël",
        media=(MediaFile(photo, "Bûche de Noël au chocolat", "image/jpeg"),),
        link=link,
    )
    result = bsky.publish(sent, no_progress)

    record = pds.record(result.remote_id)
    embed: Any = record["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    (image,) = embed["images"]
    assert image["alt"] == "Bûche de Noël au chocolat"
    assert image["aspectRatio"]["width"] / image["aspectRatio"]["height"] == pytest.approx(
        1.5, 0.01
    )
    blob = pds.blob(alice.did, image["image"]["ref"]["$link"])
    assert len(blob) <= 1_000_000 and blob[:2] == b"\xff\xd8"
    # images and a card cannot share a post: the link is appended, short, and clickable
    text = str(record["text"])
    assert text == "La bûche est arrivée #Noël\n\nboulangerie-martin.fr/buche"
    links = [f for f in record["facets"] if "uri" in f["features"][0]]  # type: ignore[union-attr]
    assert [at_bytes(text, f) for f in links] == ["boulangerie-martin.fr/buche"]
    assert links[0]["features"][0]["uri"] == link


class _Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        kind, body = self.pages.get(self.path.split("?")[0], ("text/plain", b"not found"))
        self.send_response(200 if self.path.split("?")[0] in self.pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A web site on loopback: pages by path; returns a function making absolute URLs."""
    image = noisy_jpeg(tmp_path / "card.jpg", (1400, 800)).read_bytes()
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Ignored title</title>"
        "<meta property='og:title' content='Calendrier de l&#39;Avent — Boulangerie Martin'>"
        "<meta property='og:description' content='Chaque jour une douceur.'>"
        "<meta property='og:image' content='/img/card.jpg'>"
        "</head><body><p>Hello</p></body></html>"
    ).encode()
    _Site.pages = {
        "/avent": ("text/html; charset=utf-8", html),
        "/img/card.jpg": ("image/jpeg", image),
    }
    _Site.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    server.shutdown()
    server.server_close()


def test_link_card_from_the_page_opengraph_tags(
    pds: Pds, alice: Account, site: Callable[[str], str]
) -> None:
    bsky = connector(pds, alice)
    link = site("/avent") + "?utm_source=bluesky&utm_campaign=noel"
    result = bsky.publish(
        delivery(bsky, "Notre calendrier de l'Avent est en ligne", link=link), no_progress
    )

    embed: Any = pds.record(result.remote_id)["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    card = embed["external"]
    assert card["uri"] == link
    assert card["title"] == "Calendrier de l'Avent — Boulangerie Martin"
    assert card["description"] == "Chaque jour une douceur."
    thumb = pds.blob(alice.did, card["thumb"]["ref"]["$link"])
    assert len(thumb) <= 1_000_000
    # cmkit's own visit does not count as campaign traffic
    assert "/avent" in _Site.seen and not any("utm_" in path for path in _Site.seen)


def test_link_card_without_a_reachable_page_still_goes_out(
    pds: Pds, alice: Account, site: Callable[[str], str]
) -> None:
    bsky = connector(pds, alice)
    link = site("/gone")
    result = bsky.publish(delivery(bsky, "Lien", link=link, title="Nos horaires"), no_progress)
    card = pds.record(result.remote_id)["embed"]["external"]  # type: ignore[index]
    assert card == {"uri": link, "title": "Nos horaires", "description": ""}


def test_check_catches_over_length_text_the_server_would_refuse(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice)
    at_limit = "🥐" * 299 + "!"  # 300 graphemes, 1,197 bytes
    too_long = at_limit + "x"
    assert bsky.check(delivery(bsky, at_limit)) == []
    issues = bsky.check(delivery(bsky, too_long))
    assert [i.rule for i in issues] == ["bluesky/too-long"]
    assert "301 characters" in issues[0].message and "300" in issues[0].message

    assert bsky.publish(delivery(bsky, at_limit), no_progress).remote_id
    # the judge: the server itself refuses what check refused
    with pytest.raises(ConnectorError, match="grapheme too big"):
        bsky.publish(delivery(bsky, too_long), no_progress)
    bytes_heavy = "👩‍👩‍👧‍👦" * 130  # 130 graphemes, 3,250 bytes
    assert [i.rule for i in bsky.check(delivery(bsky, bytes_heavy))] == ["bluesky/too-long"]
    with pytest.raises(ConnectorError, match=r"too long|maxLength|too big"):
        bsky.publish(delivery(bsky, bytes_heavy), no_progress)


def test_thread_parts_are_replies_in_order(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice)
    sent = delivery(bsky, "Un fil sur le pain 🧵", thread=("Le levain…", "La cuisson…"))
    result = bsky.publish(sent, no_progress)
    replies = [r for r in pds.records(alice.did) if "reply" in r["value"]]  # type: ignore[operator]
    assert [r["value"]["text"] for r in sorted(replies, key=lambda r: r["uri"])] == [  # type: ignore[index]
        "Le levain…",
        "La cuisson…",
    ]
    for item in replies:
        assert item["value"]["reply"]["root"]["uri"] == result.remote_id  # type: ignore[index]


def test_publishing_the_same_delivery_twice_makes_one_post(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice)
    sent = delivery(bsky, "Une seule fois, même relancé")
    steps: list[tuple[str, str]] = []
    first = bsky.publish(sent, lambda step, value: steps.append((step, value)))
    again = connector(pds, alice).publish(sent, no_progress)
    assert again.remote_id == first.remote_id
    assert steps == [("rkey", first.remote_id.rsplit("/", 1)[1])]
    assert [r["value"]["text"] for r in pds.records(alice.did)].count(sent.text) == 1  # type: ignore[index]


class _DropAnswer(httpx.BaseTransport):
    """Forwards to the real server, then loses the answer to createRecord (a timeout
    after the server accepted the post)."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path.endswith("createRecord") and not self.dropped:
            response.read()
            self.dropped += 1
            raise httpx.ReadTimeout("timed out", request=request)
        return response


def test_timeout_after_acceptance_is_recovered_not_reposted(pds: Pds, alice: Account) -> None:
    sent = delivery(connector(pds, alice), "Publié, mais la réponse s'est perdue")
    state: dict[str, str] = {}
    drop = _DropAnswer()
    with http.override(transport=drop):
        bsky = connector(pds, alice)
        with pytest.raises(OutcomeUnknown):
            bsky.publish(sent, lambda step, value: state.update({step: value}))
    assert drop.dropped == 1

    later = connector(pds, alice)  # the next cron run
    since = clock.now() - timedelta(minutes=10)
    found = later.find_published(sent, since, state)
    assert found is not None
    assert pds.record(found.remote_id)["text"] == sent.text
    # even without the recorded key, the planned time and idempotency key find it
    assert later.find_published(sent, since, {}) == found
    assert [r["value"]["text"] for r in pds.records(alice.did)].count(sent.text) == 1  # type: ignore[index]
    other = delivery(later, "Jamais envoyé")
    assert later.find_published(other, since, {}) is None


def test_recovery_scans_recent_posts_when_the_key_is_unknown(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice)
    sent = delivery(bsky, "Posté à la main, ou par une ancienne version")
    with pds.xrpc() as client:
        client.post(
            "com.atproto.repo.createRecord",
            headers={"Authorization": f"Bearer {alice.access_jwt}"},
            json={
                "repo": alice.did,
                "collection": "app.bsky.feed.post",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": sent.text,
                    "createdAt": clock.now().isoformat(),
                },
            },
        ).raise_for_status()
    found = bsky.find_published(sent, clock.now() - timedelta(minutes=5), {})
    assert found is not None and pds.record(found.remote_id)["text"] == sent.text
    assert bsky.find_published(sent, clock.now() + timedelta(minutes=5), {}) is None


def test_session_is_kept_outside_the_repo_and_refreshed(
    pds: Pds, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def record(request: httpx.Request) -> None:
        calls.append(request.url.path.rsplit("/", 1)[1])

    real = httpx.HTTPTransport()

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            record(request)
            return real.handle_request(request)

    with http.override(transport=Spy()):
        assert connector(pds, alice).verify().ok
        assert calls.count("com.atproto.server.createSession") == 1
        files = list(atproto_session.state_dir().glob("*.json"))
        assert len(files) == 1
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert alice.password not in files[0].read_text()

        calls.clear()
        assert connector(pds, alice).verify().ok  # a new run: no new login
        assert "com.atproto.server.createSession" not in calls

        calls.clear()
        monkeypatch.setattr(atproto_session, "EXPIRY_MARGIN", 3 * 86400.0)  # access expired
        assert connector(pds, alice).verify().ok
        assert "com.atproto.server.refreshSession" in calls
        assert "com.atproto.server.createSession" not in calls


def test_wrong_app_password_says_how_to_fix_it(pds: Pds, alice: Account) -> None:
    bsky = connector(pds, alice, password="aaaa-bbbb-cccc-dddd")
    with pytest.raises(ConnectorError) as caught:
        bsky.verify()
    assert "refused the app password" in caught.value.message
    assert "App passwords" in caught.value.hint and "cmkit secrets set" in caught.value.hint
    assert "aaaa-bbbb" not in str(caught.value)


def test_verify_says_who_is_logged_in(pds: Pds, alice: Account) -> None:
    status = connector(pds, alice).verify()
    assert status.ok and status.message == f"logged in as @{alice.handle} on {pds.url[7:]}"
    bob = pds.create_account("bob")
    mixed = connector(pds, alice, password=bob.password)  # bob's password, alice's handle
    with pytest.raises(ConnectorError):
        mixed.verify()


def test_reply_answers_in_the_thread(pds: Pds, alice: Account) -> None:
    bob = pds.create_account("bob")
    bob_bsky = connector(pds, bob)
    asked = bob_bsky.publish(
        delivery(bob_bsky, f"@{alice.handle} vous ouvrez le 25 ?"), no_progress
    )
    mention = Mention(
        Network.BLUESKY, asked.remote_id, f"@{bob.handle}", "vous ouvrez le 25 ?", clock.now()
    )
    bsky = connector(pds, alice)
    answer = bsky.reply(mention, "Oui, de 7 h à 13 h !", "reply-key-1")
    again = bsky.reply(mention, "Oui, de 7 h à 13 h !", "reply-key-1")
    assert again.remote_id == answer.remote_id
    record: Any = pds.record(answer.remote_id)
    assert record["reply"]["parent"]["uri"] == asked.remote_id
    assert record["reply"]["root"]["uri"] == asked.remote_id
    assert record["langs"] == ["fr-FR"]

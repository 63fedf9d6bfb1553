"""Instagram connector, through the publishing engine, against the documented content API.

The peer is `meta_fakes.FakeMeta`, built from the examples of
developers.facebook.com/docs/instagram-platform/content-publishing (containers, carousel,
reels, media_publish), .../instagram-graph-api/reference/ig-container (status_code),
.../reference/ig-user/content_publishing_limit (quota_usage, config.quota_total) and
.../instagram-graph-api/reference/error-codes (9004/2207052, 9007/2207027, 36003/2207009…).
The fake fetches each image_url from the client's public media folder as Instagram would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from meta_fakes import IG_ID, TOKENS, FakeMeta, Killed, MetaWorkspace

from cmkit.connectors import http
from cmkit.connectors.base import ConnectorError, Delivery, MediaFile
from cmkit.connectors.instagram import InstagramConnector
from cmkit.models import Account
from cmkit.networks import Network

BASE = "https://boulangerie-martin.fr/reseaux/media/"


@pytest.fixture
def fake() -> FakeMeta:
    return FakeMeta()


@pytest.fixture
def ws(tmp_path: Path, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch) -> MetaWorkspace:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    return MetaWorkspace.create(tmp_path, fake)


def media(fake: FakeMeta) -> list[str]:
    return [item.text for item in fake.published(IG_ID)]


def creations(fake: FakeMeta) -> list[httpx.Request]:
    return [r for r in fake.requests if r.method == "POST" and r.url.path.endswith("/media")]


def connector(base: str | None = BASE) -> InstagramConnector:
    account = Account(id=IG_ID, handle="@boulangerie.martin", token_env="X", media_base_url=base)
    return InstagramConnector(account, lambda role: TOKENS["MARTIN_IG_TOKEN"])


def delivery(ws: MetaWorkspace, text: str, *files: str, base: str | None = BASE) -> Delivery:
    account = Account(id=IG_ID, token_env="X", media_base_url=base)
    items = tuple(
        MediaFile((ws.client / "media" / f).resolve(), "alt", "image/jpeg") for f in files
    )
    return Delivery("martin", "p", Network.INSTAGRAM, text, "k", account, media=items)


def test_an_image_post_is_fetched_from_the_public_media_url(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.post(
        "levain",
        ["instagram"],
        "Notre levain a 12 ans 🥖 #Lyon",
        media=[ws.image("levain maison.jpg")],
    )
    [result] = ws.publish().results
    assert result.status == "published"
    [item] = fake.published(IG_ID)
    assert item.text == "Notre levain a 12 ans 🥖 #Lyon"
    [create] = creations(fake)
    form = parse_qs(create.content.decode())
    assert form["image_url"] == [f"{BASE}levain%20maison.jpg"]
    assert form["alt_text"] == ["Photo 1"]
    step, done = ws.events("step")[0], ws.events("done")[0]
    assert step["step"] == "container" and fake.containers[step["value"]].status == "PUBLISHED"
    assert ws.ledger().index(step) < ws.ledger().index(done)  # recorded before publishing
    assert done["remote_id"] == item.id and done["url"] == item.permalink


def test_a_carousel_is_made_of_item_containers(ws: MetaWorkspace, fake: FakeMeta) -> None:
    files = [ws.image(f"buches-{n}.jpg", (1080, 1080)) for n in (1, 2, 3)]
    ws.post("buches", ["instagram"], "Les bûches 2026", media=files)
    [result] = ws.publish().results
    assert result.status == "published"
    [item] = fake.published(IG_ID)
    assert len(item.attachments) == 3
    assert [b"is_carousel_item=true" in r.content for r in creations(fake)] == [
        True,
        True,
        True,
        False,
    ]
    assert b"media_type=CAROUSEL" in creations(fake)[-1].content


def test_a_video_becomes_a_reel_published_once_processing_is_finished(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.processing_polls = 4
    ws.post("montage", ["instagram"], "Le montage d'une bûche", media=[ws.video("buche.mp4")])
    [result] = ws.publish().results
    assert result.status == "published"
    [create] = creations(fake)
    assert b"media_type=REELS" in create.content and b"video_url=" in create.content
    polls = [r for r in fake.requests if r.method == "GET" and b"status_code" in r.url.query]
    assert len(polls) == 5  # IN_PROGRESS four times, then FINISHED


def test_killed_between_container_and_media_publish_resumes_the_same_container(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/media_publish$", action="kill-before")
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    with pytest.raises(Killed):
        ws.publish()
    assert [e["event"] for e in ws.ledger()] == ["intent", "step"]
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "recovered"
    assert media(fake) == ["Notre levain"]
    assert len(creations(fake)) == 1  # no second container: the recorded one was published


def test_killed_after_media_publish_then_rerun_finds_the_post(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/media_publish$", action="kill-after")
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    with pytest.raises(Killed):
        ws.publish()
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "recovered"
    assert media(fake) == ["Notre levain"]
    [done] = ws.events("done")
    assert done["remote_id"] == fake.published(IG_ID)[0].id


def test_a_timeout_after_media_publish_was_accepted_is_recovered(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/media_publish$", action="timeout-after")
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "recovered"
    assert media(fake) == ["Notre levain"]


def test_a_server_error_on_media_publish_resumes_the_container_not_a_new_one(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/media_publish$", status=503)
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    [first] = ws.publish().results
    # a 5xx may hide a published post: the engine looks the container up at once (its id
    # was recorded moments ago), sees it unpublished, and publishes that same container
    assert first.status == "recovered"
    assert media(fake) == ["Notre levain"] and len(creations(fake)) == 1
    assert ws.publish(now="2026-11-25T09:10:00+01:00").results == []


def test_429_and_5xx_on_container_creation_are_retried(ws: MetaWorkspace, fake: FakeMeta) -> None:
    fake.fault("POST", r"/media$", status=429, headers={"Retry-After": "2"})
    fake.fault("POST", r"/media$", status=502)
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "published"
    assert media(fake) == ["Notre levain"]


def test_a_spent_24_hour_quota_is_refused_before_any_container(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.quota_used[IG_ID] = 100
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "failed"
    assert "24-hour publishing limit is used up (100 of 100" in result.message
    assert not creations(fake)
    assert ws.events("failed")[0]["retryable"] is True


def test_without_media_base_url_nothing_is_sent_and_check_says_why(
    tmp_path: Path, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    ws = MetaWorkspace.create(tmp_path, fake, media_base=None)
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "blocked"
    assert "fetches media from a public URL" in result.message
    assert not fake.requests


def test_check_finds_what_instagram_would_refuse(ws: MetaWorkspace) -> None:
    ws.image("story.jpg", (1080, 1920))
    ws.image("logo.png", (1000, 1000), fmt="PNG")
    ws.image("ok.jpg")
    ig = connector()

    def rules(d: Delivery) -> list[str]:
        return [i.rule for i in ig.check(d) if i.severity == "error"]

    assert rules(delivery(ws, "Bonjour", "ok.jpg")) == []
    assert rules(delivery(ws, "Bonjour", "story.jpg")) == ["media/aspect-ratio"]
    assert rules(delivery(ws, "Bonjour", "logo.png")) == ["media/format"]
    assert rules(delivery(ws, "Bonjour")) == ["media/required"]
    assert rules(delivery(ws, "x" * 2201, "ok.jpg")) == ["text/too-long"]
    tags = " ".join(f"#pain{n}" for n in range(31))
    assert rules(delivery(ws, tags, "ok.jpg")) == ["text/too-many-hashtags"]
    assert rules(delivery(ws, "Bonjour", *["ok.jpg"] * 11)) == ["media/too-many"]
    local = delivery(ws, "Bonjour", "ok.jpg", base="http://localhost:8000/media/")
    [issue] = ig.check(local)
    assert issue.rule == "media/no-public-url" and "local name" in issue.message
    private = delivery(ws, "Bonjour", "ok.jpg", base="http://192.168.1.20/media/")
    assert "private or local address" in ig.check(private)[0].message
    warned = ig.check(delivery(ws, "Lien : https://boulangerie-martin.fr", "ok.jpg"))
    assert [(i.rule, i.severity) for i in warned] == [("text/link-in-caption", "warning")]


def test_instagram_itself_refuses_what_check_would_have_caught(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.image("story.jpg", (1080, 1920))
    ws.image("ok.jpg")
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        with pytest.raises(ConnectorError, match="aspect ratio"):
            connector().publish(delivery(ws, "Bonjour", "story.jpg"), lambda s, v: None)
        with pytest.raises(ConnectorError, match="could not download the media"):
            connector("http://localhost:8000/media/").publish(
                delivery(ws, "Bonjour", "ok.jpg", base="http://localhost:8000/media/"),
                lambda s, v: None,
            )
        with pytest.raises(ConnectorError, match="30 hashtags"):
            tags = " ".join(f"#pain{n}" for n in range(31))
            connector().publish(delivery(ws, tags, "ok.jpg"), lambda s, v: None)
    assert not fake.published(IG_ID)


def test_a_container_in_error_fails_with_meta_s_reason(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    original = fake._container_status

    def broken(container, token, field_name, error_field):  # type: ignore[no-untyped-def]
        container.status, container.error = "ERROR", "2207052"
        return original(container, token, field_name, error_field)

    fake._container_status = broken  # type: ignore[method-assign]
    [result] = ws.publish().results
    assert result.status == "failed"
    assert "could not prepare the media (2207052)" in result.message
    assert "media_base_url public" in result.hint
    assert not media(fake)


def test_the_fake_refuses_unknown_and_unfinished_containers(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.image("ok.jpg")
    ig = connector()
    with http.override(transport=httpx.MockTransport(fake.handler)):
        api = ig.api()
        with pytest.raises(ConnectorError, match="does not exist"):
            api.post(f"{IG_ID}/media_publish", {"creation_id": "123"})
        created = api.post(f"{IG_ID}/media", {"image_url": BASE + "ok.jpg"})["id"]
        with pytest.raises(ConnectorError, match="not ready for publishing"):
            api.post(f"{IG_ID}/media_publish", {"creation_id": created})


def test_recovery_with_an_expired_container_says_not_published(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.image("ok.jpg")
    ig = connector()
    with http.override(transport=httpx.MockTransport(fake.handler)):
        created = ig.api().post(f"{IG_ID}/media", {"image_url": BASE + "ok.jpg"})["id"]
        fake.containers[created].status = "EXPIRED"
        since = datetime(2026, 11, 25, tzinfo=UTC)
        found = ig.find_published(delivery(ws, "Bonjour", "ok.jpg"), since, {"container": created})
        unknown = ig.find_published(delivery(ws, "Bonjour", "ok.jpg"), since, {"container": "999"})
    assert found is None and unknown is None


def test_verify_reports_the_account_and_its_quota(fake: FakeMeta, ws: MetaWorkspace) -> None:
    fake.quota_used[IG_ID] = 7
    with http.override(transport=httpx.MockTransport(fake.handler)):
        good = connector().verify()
        other = InstagramConnector(
            Account(id=IG_ID, handle="@autre.compte", token_env="X"),
            lambda role: TOKENS["MARTIN_IG_TOKEN"],
        ).verify()
    assert (
        good.ok
        and good.message == "@boulangerie.martin, 845 followers, 7/100 API posts in the last 24 h"
    )
    assert (
        not other.ok
        and other.message == "the id in client.yaml is @boulangerie.martin, not @autre.compte"
    )


def test_accounts_check_says_what_to_fix(
    ws: MetaWorkspace, fake: FakeMeta, cmkit: Callable[..., Any]
) -> None:
    fake.instagram(
        IG_ID,
        "boulangerie.martin",
        TOKENS["MARTIN_IG_TOKEN"],
        scopes=frozenset({"instagram_basic"}),
    )
    with http.override(transport=httpx.MockTransport(fake.handler)):
        result = cmkit("-w", ws.root, "accounts", "check", "--json")
    assert result.exit_code == 1
    checks = {c["network"]: c for c in json.loads(result.stdout)}
    assert checks["facebook"]["ok"] and checks["threads"]["ok"]
    instagram = checks["instagram"]
    assert instagram["state"] == "refused"
    assert "lacks a permission (instagram_content_publish)" in instagram["message"]
    assert "MARTIN_IG_TOKEN" in instagram["hint"]
    assert TOKENS["MARTIN_IG_TOKEN"] not in result.stdout + result.stderr


def test_metrics_comments_and_replies(
    ws: MetaWorkspace, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T10:00:00Z")
    ws.post("levain", ["instagram"], "Notre levain", media=[ws.image("levain.jpg")])
    ws.publish()
    media_id = fake.published(IG_ID)[0].id
    fake.add_comment(media_id, "Trop beau 😍", "claire.lyon")
    fake.add_comment(media_id, "Merci Claire !", "boulangerie.martin")
    with http.override(transport=httpx.MockTransport(fake.handler)):
        ig = connector()
        account = ig.account_metrics(date(2026, 11, 24))
        [post] = ig.post_metrics([media_id], date(2026, 11, 25))
        [mention] = ig.mentions(None)
        answer = ig.reply(mention, "Merci !", "k")
    assert (account.followers, account.impressions, account.reach, account.profile_visits) == (
        845,
        1900,
        700,
        41,
    )
    assert (post.views, post.likes, post.comments, post.shares, post.saves) == (1500, 80, 4, 6, 9)
    assert (mention.author, mention.text, mention.in_reply_to) == (
        "@claire.lyon",
        "Trop beau 😍",
        media_id,
    )
    assert fake.items[answer.remote_id].reply_to == mention.remote_id

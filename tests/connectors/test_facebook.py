"""Facebook Page connector, through the publishing engine, against the documented Graph API.

The peer is `meta_fakes.FakeMeta`, built from the request/response examples of
developers.facebook.com/docs/pages-api/posts (feed: message, link, attached_media),
.../graph-api/reference/page/photos (published=false uploads), .../page/feed (reading),
.../graph-api/reference/insights and .../graph-api/guides/error-handling (error codes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from meta_fakes import PAGE_ID, TOKENS, FakeMeta, Killed, MetaWorkspace

from cmkit.connectors import http
from cmkit.connectors.base import Delivery, MediaFile
from cmkit.connectors.facebook import FacebookConnector
from cmkit.models import Account
from cmkit.networks import Network

TOKEN = TOKENS["MARTIN_FB_TOKEN"]


@pytest.fixture
def fake() -> FakeMeta:
    return FakeMeta()


@pytest.fixture
def ws(tmp_path: Path, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch) -> MetaWorkspace:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    return MetaWorkspace.create(tmp_path, fake)


def posts(fake: FakeMeta) -> list[str]:
    return [item.text for item in fake.published(PAGE_ID)]


def connector(fake: FakeMeta, token: str = TOKEN) -> FacebookConnector:
    return FacebookConnector(Account(id=PAGE_ID, token_env="X"), lambda role: token)


def test_a_link_post_goes_out_through_cmkit_publish(
    ws: MetaWorkspace, fake: FakeMeta, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.post(
        "avent",
        ["facebook"],
        "Le calendrier de l'Avent commence demain 🎄",
        link="https://boulangerie-martin.fr/avent",
    )
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T08:05:00Z")
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        result = cmkit("-w", ws.root, "publish", "--due")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    [post] = fake.published(PAGE_ID)
    assert post.text == "Le calendrier de l'Avent commence demain 🎄"
    assert post.link is not None
    assert post.link.startswith("https://boulangerie-martin.fr/avent?utm_source=facebook")
    [done] = ws.events("done")
    assert done["remote_id"] == post.id and done["url"] == post.permalink
    assert TOKEN not in result.stdout + result.stderr  # type: ignore[attr-defined]
    assert all(TOKEN not in str(r.url) for r in fake.requests)  # header only, never a URL


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_post(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    media = [ws.image("buche-1.jpg"), ws.image("buche-2.png", fmt="PNG")]
    ws.post("buches", ["facebook"], "Nos bûches 2026", media=media)
    report = ws.publish()
    assert [r.status for r in report.results] == ["published"]
    [post] = fake.published(PAGE_ID)
    [step] = ws.events("step")
    assert step["step"] == "photos" and step["value"].split(",") == post.attachments
    assert len(post.attachments) == 2 and not fake.photos  # none left unpublished
    uploads = [r for r in fake.requests if r.url.path.endswith("/photos")]
    assert all(b'name="published"\r\n\r\nfalse' in r.content for r in uploads)
    assert b"Photo 1" in uploads[0].content  # the alt text goes along


def test_with_photos_the_link_goes_into_the_text(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post(
        "ouvert",
        ["facebook"],
        "Ouvert dimanche",
        media=[ws.image("devanture.jpg")],
        link="https://boulangerie-martin.fr/horaires",
    )
    ws.publish()
    [post] = fake.published(PAGE_ID)
    assert post.text.startswith("Ouvert dimanche\n\nhttps://boulangerie-martin.fr/horaires?")
    assert post.link is None


def test_a_bare_copy_of_the_linked_page_is_not_doubled(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post(
        "photo",
        ["facebook"],
        "Horaires : boulangerie-martin.fr/horaires/ 🥐",
        media=[ws.image("devanture.jpg")],
        link="https://boulangerie-martin.fr/horaires",
        at="2026-11-25 09:00",
    )
    ws.post(
        "carte",
        ["facebook"],
        "La carte : https://boulangerie-martin.fr/noel",
        link="https://boulangerie-martin.fr/noel",
        at="2026-11-25 09:01",
    )
    assert [r.status for r in ws.publish().results] == ["published", "published"]
    card, photo = sorted(fake.published(PAGE_ID), key=lambda item: len(item.attachments))
    # with photos the link lives in the text: the tagged link takes the bare one's place
    assert photo.text.startswith("Horaires : https://boulangerie-martin.fr/horaires?utm_source=")
    assert photo.text.endswith(" 🥐") and photo.text.count("boulangerie-martin.fr") == 1
    # without, the card carries the link; the one readers see in the text counts clicks too
    assert card.text.startswith("La carte : https://boulangerie-martin.fr/noel?utm_source=")
    assert card.link is not None and card.link in card.text


def test_a_text_with_its_own_tagged_copy_of_the_link_is_kept_as_written() -> None:
    tagged = "https://boulangerie-martin.fr/noel?utm_source=newsletter"
    sent = Delivery(
        "martin",
        "p",
        Network.FACEBOOK,
        f"La carte : {tagged}",
        "k",
        Account(id=PAGE_ID, token_env="X"),
        media=(MediaFile(Path("a.jpg"), "Vitrine", "image/jpeg"),),
        link="https://boulangerie-martin.fr/noel?utm_source=facebook",
    )
    assert FacebookConnector.message(sent) == f"La carte : {tagged}"
    assert "link/no-preview" not in {issue.rule for issue in connector(FakeMeta()).check(sent)}


def test_a_system_user_token_is_exchanged_for_the_page_token(
    ws: MetaWorkspace, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.user("61550000000001", "EAAsystemUserToken42xx", pages={PAGE_ID})
    monkeypatch.setenv("MARTIN_FB_TOKEN", "EAAsystemUserToken42xx")
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    report = ws.publish()
    assert [r.status for r in report.results] == ["published"]
    feed = [r for r in fake.requests if r.url.path.endswith("/feed")]
    assert feed[0].headers["authorization"] == f"Bearer page-token-for-{PAGE_ID}"
    status = connector(fake, "EAAsystemUserToken42xx")
    with http.override(transport=httpx.MockTransport(fake.handler)):
        verified = status.verify()
    assert verified.ok and "derived from a user token" in verified.message


def test_a_page_token_without_a_page_id_in_client_yaml_says_which_id_to_add(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    unnamed = FacebookConnector(Account(token_env="X"), lambda role: TOKEN)
    with http.override(transport=httpx.MockTransport(fake.handler)):
        status = unnamed.verify()
    assert not status.ok and status.state == "incomplete"
    assert "Page Boulangerie Martin" in status.message
    assert status.hint == f'add `id: "{PAGE_ID}"` under accounts.facebook in client.yaml'


def test_an_expired_token_fails_clearly_and_is_not_retried_blindly(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.page(PAGE_ID, "Boulangerie Martin", TOKEN, expired=True)
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "failed"
    assert "the token has expired" in result.message
    assert "cmkit secrets set CLIENT/facebook" in result.hint
    [failed] = ws.events("failed")
    assert failed["retryable"] is False and TOKEN not in failed["error"]
    assert not posts(fake)


def test_a_token_without_pages_manage_posts_says_which_permission(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.page(
        PAGE_ID,
        "Boulangerie Martin",
        TOKEN,
        scopes=frozenset({"pages_read_engagement", "pages_show_list"}),
    )
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "failed"
    assert "lacks a permission (pages_manage_posts)" in result.message


def test_throttling_holds_every_later_request_until_meta_allows_again(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    usage = (
        '{"104000000000001":[{"type":"pages","call_count":100,"total_cputime":20,'
        '"total_time":25,"estimated_time_to_regain_access":42}]}'
    )
    fake.fault(
        "POST",
        r"/feed$",
        status=400,
        headers={"X-Business-Use-Case-Usage": usage},
        body={
            "error": {
                "message": "(#32) Page request limit reached",
                "type": "OAuthException",
                "code": 32,
            }
        },
    )
    ws.post("un", ["facebook"], "Premier", at="2026-11-25 09:00")
    ws.post("deux", ["facebook"], "Second", at="2026-11-25 09:01")
    first, second = ws.publish(concurrency=1).results  # one after the other
    assert first.status == "failed" and "throttling" in first.message
    assert "allowed again around" in first.hint
    assert second.status == "failed" and "rate limit reached" in second.message
    assert len([r for r in fake.requests if r.url.path.endswith("/feed")]) == 1
    assert all(e["retryable"] for e in ws.events("failed"))


def test_a_server_error_on_the_final_post_is_looked_up_not_resent(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/feed$", status=500)
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    [first] = ws.publish().results
    assert first.status == "unknown"  # a 500 may hide a post that went out
    assert len([r for r in fake.requests if r.url.path.endswith("/feed")]) == 1
    [second] = ws.publish(now="2026-11-25T09:10:00+01:00").results
    assert second.status == "published"
    assert posts(fake) == ["Bonjour Lyon"]


def test_a_timeout_after_meta_accepted_the_post_is_recovered_not_reposted(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/feed$", action="timeout-after")
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "recovered"
    assert posts(fake) == ["Bonjour Lyon"]
    [done] = ws.events("done")
    assert done["remote_id"] == fake.published(PAGE_ID)[0].id


def test_429_on_a_photo_upload_is_retried_after_the_wait(ws: MetaWorkspace, fake: FakeMeta) -> None:
    fake.fault(
        "POST",
        r"/photos$",
        status=429,
        headers={"Retry-After": "3"},
        body={
            "error": {
                "message": "(#4) Application request limit reached",
                "type": "OAuthException",
                "code": 4,
            }
        },
    )
    ws.post("photo", ["facebook"], "Le fournil à 5 h", media=[ws.image("fournil.jpg")])
    [result] = ws.publish().results
    assert result.status == "published"
    assert len(fake.published(PAGE_ID)) == 1


@pytest.mark.parametrize("kill", ["kill-after", "kill-before"])
def test_killed_around_the_final_post_then_rerun_publishes_exactly_once(
    ws: MetaWorkspace, fake: FakeMeta, kill: str
) -> None:
    fake.fault("POST", r"/feed$", action=kill)
    ws.post("photo", ["facebook"], "", media=[ws.image("fournil.jpg")])  # no text to match
    with pytest.raises(Killed):
        ws.publish()
    assert [e["event"] for e in ws.ledger()] == ["intent", "step"]
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == ("recovered" if kill == "kill-after" else "published")
    assert len(fake.published(PAGE_ID)) == 1  # found by its photo ids, not reposted


def test_check_refuses_videos_and_unreadable_photos(tmp_path: Path, fake: FakeMeta) -> None:
    media = tmp_path / "clients" / "x" / "media"
    media.mkdir(parents=True)
    (media / "clip.mp4").write_bytes(b"\x00" * 64)
    (media / "broken.jpg").write_bytes(b"not a jpeg")
    account = Account(id=PAGE_ID, token_env="X")

    def delivery(*files: Path) -> Delivery:
        return Delivery(
            "x",
            "p",
            Network.FACEBOOK,
            "Bonjour",
            "k",
            account,
            media=tuple(
                MediaFile(f, None, "image/jpeg" if f.suffix == ".jpg" else "video/mp4")
                for f in files
            ),
        )

    rules = {i.rule for i in connector(fake).check(delivery(media / "clip.mp4"))}
    assert rules == {"media/format"}
    issues = connector(fake).check(delivery(media / "broken.jpg"))
    assert [i.rule for i in issues] == ["media/unreadable"]
    too_long = Delivery("x", "p", Network.FACEBOOK, "a" * 63207, "k", account)
    assert [i.rule for i in connector(fake).check(too_long)] == ["text/too-long"]


def test_metrics_read_views_reach_and_engagement(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    ws.publish()
    post_id = fake.published(PAGE_ID)[0].id
    with http.override(transport=httpx.MockTransport(fake.handler)):
        page = connector(fake).account_metrics(date(2026, 11, 24))
        [post] = connector(fake).post_metrics([post_id, f"{PAGE_ID}_404"], date(2026, 11, 25))
    assert (page.followers, page.impressions, page.reach) == (1234, 840, 610)
    assert page.extra == {"post_engagements": 57}
    assert (post.impressions, post.likes, post.comments, post.shares, post.clicks) == (
        320,
        12,
        3,
        2,
        14,
    )
    assert post.extra == {"reach": 250}


def test_a_retired_metric_does_not_cost_the_others(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    ws.publish()
    post_id = fake.published(PAGE_ID)[0].id
    fake.retired = {"post_clicks"}  # as impressions were on 2025-11-15
    with http.override(transport=httpx.MockTransport(fake.handler)):
        [post] = connector(fake).post_metrics([post_id], date(2026, 11, 25))
    assert post.impressions == 320 and post.clicks is None


def test_comments_from_others_are_mentions_and_replies_go_under_them(
    ws: MetaWorkspace, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T10:00:00Z")
    ws.post("texte", ["facebook"], "Bonjour Lyon")
    ws.publish()
    post = fake.published(PAGE_ID)[0]
    fake.add_comment(post.id, "Vous ouvrez le 25 ?", "Claire D.", minutes_ago=10)
    fake.add_comment(
        post.id, "Oui, de 7 h à 12 h", "Boulangerie Martin", author_id=PAGE_ID, minutes_ago=5
    )
    with http.override(transport=httpx.MockTransport(fake.handler)):
        facebook = connector(fake)
        [mention] = facebook.mentions(datetime(2026, 11, 25, 9, tzinfo=UTC))
        answer = facebook.reply(mention, "Oui, de 7 h à 12 h !", "k1")
    assert (mention.author, mention.text, mention.kind) == (
        "Claire D.",
        "Vous ouvrez le 25 ?",
        "comment",
    )
    assert mention.in_reply_to == post.id
    assert fake.items[answer.remote_id].reply_to == mention.remote_id

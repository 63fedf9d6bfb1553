"""LinkedIn connector, through the publishing engine, against the documented Posts API.

The peer is `linkedin_fake.FakeLinkedIn`, built from the examples of
learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api (create,
find by author, x-restli-id), …/shares/images-api (initializeUpload, upload, status),
…/shares/multi-image-post-api, …/shares/little-text-format, …/organizations/
organization-lookup-api and organization-access-control-by-role, …/community-management/
organizations/share-statistics, and sign-in-with-linkedin-v2 (userinfo); errors in the
`{"status", "serviceErrorCode", "code", "message"}` shape of …/shared/api-guide/concepts/
error-handling. It cuts unescaped text exactly where LinkedIn does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from linkedin_fake import FakeLinkedIn, read_little
from net_workspace import Killed, NetWorkspace

from cmkit.connectors import http
from cmkit.connectors.base import Delivery
from cmkit.connectors.linkedin import LinkedInConnector
from cmkit.connectors.linkedin_text import escape, plain
from cmkit.models import Account
from cmkit.networks import Network

TOKEN = "AQVlinkedin-token-for-martin-0123456789"
PAGE = "urn:li:organization:5515715"
HOSTILE = (
    "Pain (au levain) à 3,50 € — *promo* _du jour_ <3 ~ {ok} [x] | a\\b @ tous, C# et 100 % #Lyon"
)


@pytest.fixture
def fake() -> FakeLinkedIn:
    linkedin = FakeLinkedIn()
    member = linkedin.member(
        "782bbtaQ",
        "Claire Martin",
        TOKEN,
        {
            "openid",
            "profile",
            "w_member_social",
            "w_organization_social",
            "r_organization_social",
            "rw_organization_admin",
        },
    )
    linkedin.organization(5515715, "Boulangerie Martin", member)
    return linkedin


def account_yaml(author: str = PAGE) -> str:
    return (
        f"  linkedin:\n    handle: boulangerie-martin\n    id: '{author}'\n"
        "    token_env: MARTIN_LI_TOKEN\n"
    )


@pytest.fixture
def ws(tmp_path: Path, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch) -> NetWorkspace:
    monkeypatch.setenv("MARTIN_LI_TOKEN", TOKEN)
    return NetWorkspace.create(tmp_path, fake.handler, account_yaml())


def posted(fake: FakeLinkedIn, author: str = PAGE) -> list[Any]:
    return fake.published(author)


def creations(fake: FakeLinkedIn) -> list[httpx.Request]:
    return [r for r in fake.requests if r.method == "POST" and r.url.path == "/rest/posts"]


def connector(author: str = PAGE) -> LinkedInConnector:
    return LinkedInConnector(Account(id=author, token_env="X"), lambda role: TOKEN)


@pytest.fixture
def transport(fake: FakeLinkedIn) -> Iterator[None]:
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        yield


# --- the little format ------------------------------------------------------------------------


def test_the_fake_cuts_unescaped_text_where_linkedin_does() -> None:
    kept, shown, _ = read_little("Pain (au levain) du jour")
    assert shown == "Pain " and kept == "Pain "
    assert read_little("Pain \\(au levain\\)")[1] == "Pain (au levain)"


def test_hostile_text_arrives_whole(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    ws.post("levain", ["linkedin"], HOSTILE)
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = posted(fake)
    assert post.shown == HOSTILE
    sent = json.loads(creations(fake)[0].content)["commentary"]
    assert "\\(au levain\\)" in sent and "#Lyon" in sent and "\\#" in sent  # C\# is escaped
    done = ws.events("done")[0]
    assert done["remote_id"] == post.urn
    assert done["url"] == f"https://www.linkedin.com/feed/update/{post.urn}/"


@pytest.mark.parametrize(
    "text",
    [
        "Atelier (enfants) samedi",
        "Tarif_réduit *demain* ~ <3",
        "https://boulangerie-martin.fr/a_(b)?x=1#tarifs et (fin)",
        "Voir boulangerie-martin.fr/pain_de_mie (sans protocole)",
        "Merci @[Boulangerie Martin](urn:li:organization:5515715) ! [photos]",
        "\\ | { } @ [ ] ( ) < > # * _ ~",
    ],
)
def test_escape_then_linkedin_reading_gives_back_the_text(text: str) -> None:
    kept, shown, _ = read_little(escape(text))
    assert kept == escape(text)  # nothing cut
    assert shown == plain(escape(text))
    assert shown == text.replace(
        "@[Boulangerie Martin](urn:li:organization:5515715)", "@Boulangerie Martin"
    )


def test_mentions_in_linkedin_syntax_become_mentions(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    ws.post(
        "merci",
        ["linkedin"],
        "Merci à @[Boulangerie Martin](urn:li:organization:5515715) (et à vous) !",
    )
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = posted(fake)
    assert post.mentions == [PAGE]
    assert post.shown == "Merci à @Boulangerie Martin (et à vous) !"


# --- publishing -------------------------------------------------------------------------------


def test_a_page_post_carries_the_version_headers_and_author(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    ws.post("hello", ["linkedin"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "published"
    [create] = creations(fake)
    assert create.headers["x-restli-protocol-version"] == "2.0.0"
    assert create.headers["linkedin-version"].isdigit()
    body = json.loads(create.content)
    assert body["author"] == PAGE and body["visibility"] == "PUBLIC"
    assert body["lifecycleState"] == "PUBLISHED" and "content" not in body


def test_an_image_is_uploaded_then_posted_with_its_alt_text(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    fake.processing_polls = 3
    ws.post("levain", ["linkedin"], "Le levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = posted(fake)
    [urn] = list(fake.images)
    assert post.content == {"media": {"id": urn, "altText": "Photo 1"}}
    assert fake.images[urn]["bytes"][:2] == b"\xff\xd8"
    step, done = ws.events("step")[0], ws.events("done")[0]
    assert step["step"] == "images" and step["value"] == urn
    assert ws.ledger().index(step) < ws.ledger().index(done)


def test_several_images_make_a_multi_image_post(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    files = [ws.image(f"buche-{n}.png", fmt="PNG") for n in (1, 2, 3)]
    ws.post("buches", ["linkedin"], "Nos bûches", media=files)
    [result] = ws.publish().results
    assert result.status == "published"
    [post] = posted(fake)
    images = post.content["multiImage"]["images"]
    assert [i["altText"] for i in images] == ["Photo 1", "Photo 2", "Photo 3"]
    assert len(set(fake.images)) == 3


def test_a_link_becomes_an_article_card_from_the_page(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    from io import BytesIO

    from PIL import Image

    picture = BytesIO()
    Image.new("RGB", (1200, 627), (90, 60, 30)).save(picture, "JPEG")
    fake.pages["https://boulangerie-martin.fr/noel"] = (
        "<html><head><meta property='og:title' content='La carte de Noël'>"
        "<meta property='og:description' content='Bûches, pains spéciaux et galettes'>"
        "<meta property='og:image' content='/noel.jpg'></head><body></body></html>"
    )
    fake.files["https://boulangerie-martin.fr/noel.jpg"] = (picture.getvalue(), "image/jpeg")
    ws.post(
        "noel",
        ["linkedin"],
        "La carte de Noël est en ligne",
        link="https://boulangerie-martin.fr/noel",
    )
    [result] = ws.publish().results
    assert result.status == "published"
    article = posted(fake)[0].content["article"]
    assert article["source"].startswith("https://boulangerie-martin.fr/noel?utm_source=linkedin")
    assert article["title"] == "La carte de Noël"
    assert article["description"] == "Bûches, pains spéciaux et galettes"
    assert fake.images[article["thumbnail"]]["status"] == "AVAILABLE"


def test_a_link_without_a_readable_page_still_gets_a_card(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    ws.post(
        "x", ["linkedin"], "À lire", link="https://boulangerie-martin.fr/absent", title="Horaires"
    )
    [result] = ws.publish().results
    assert result.status == "published"
    assert posted(fake)[0].content["article"]["title"] == "Horaires"


def test_a_member_posts_as_themselves(
    tmp_path: Path, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARTIN_LI_TOKEN", TOKEN)
    ws = NetWorkspace.create(tmp_path, fake.handler, account_yaml("urn:li:person:782bbtaQ"))
    ws.post("moi", ["linkedin"], "Mon métier (boulangère)")
    [result] = ws.publish().results
    assert result.status == "published"
    assert posted(fake, "urn:li:person:782bbtaQ")[0].shown == "Mon métier (boulangère)"


# --- faults: each post exactly once --------------------------------------------------------


def test_killed_between_image_upload_and_post_then_rerun_posts_once(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    fake.fault("POST", r"^/rest/posts$", "kill-before")
    ws.post("levain", ["linkedin"], "Le levain", media=[ws.image("levain.jpg")])
    with pytest.raises(Killed):
        ws.publish()
    assert [e["event"] for e in ws.ledger()] == ["intent", "step"]
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "published"
    assert len(posted(fake)) == 1


def test_killed_after_the_post_then_rerun_finds_it(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    fake.fault("POST", r"^/rest/posts$", "kill-after")
    ws.post("hello", ["linkedin"], "Bonjour (à tous)")
    with pytest.raises(Killed):
        ws.publish()
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "recovered"
    [post] = posted(fake)
    assert ws.events("done")[0]["remote_id"] == post.urn
    assert len(creations(fake)) == 1


def test_a_timeout_after_linkedin_accepted_is_recovered_in_the_same_run(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    fake.fault("POST", r"^/rest/posts$", "timeout-after")
    ws.post("hello", ["linkedin"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "recovered"
    assert len(posted(fake)) == 1 and len(creations(fake)) == 1


def test_a_server_error_on_the_post_is_looked_up_never_resent_blindly(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    fake.fault("POST", r"^/rest/posts$", status=500)
    ws.post("hello", ["linkedin"], "Bonjour")
    [first] = ws.publish().results
    assert first.status == "unknown" and len(creations(fake)) == 1
    [second] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert second.status == "published"  # not found on LinkedIn: sent, once
    assert len(posted(fake)) == 1


def test_429_is_waited_out_and_5xx_on_uploads_retried(ws: NetWorkspace, fake: FakeLinkedIn) -> None:
    fake.fault("POST", r"^/rest/posts$", status=429, headers={"Retry-After": "3"})
    fake.fault("PUT", r"^/dms-uploads/", status=503)
    ws.post("levain", ["linkedin"], "Le levain", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "published"
    assert len(posted(fake)) == 1 and len(creations(fake)) == 2


def test_a_member_without_r_member_social_gets_a_human_not_a_duplicate(
    tmp_path: Path, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARTIN_LI_TOKEN", TOKEN)
    ws = NetWorkspace.create(tmp_path, fake.handler, account_yaml("urn:li:person:782bbtaQ"))
    fake.fault("POST", r"^/rest/posts$", "timeout-after")
    ws.post("moi", ["linkedin"], "Mon métier")
    [first] = ws.publish().results
    assert first.status == "unknown"
    [second] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert second.status == "unknown" and "needs a human" in second.message
    assert "--mark-done" in second.hint
    assert len(creations(fake)) == 1


# --- refusals ---------------------------------------------------------------------------------


def test_an_expired_token_and_a_missing_role_say_what_to_do(
    ws: NetWorkspace, fake: FakeLinkedIn
) -> None:
    fake.roles[("urn:li:person:782bbtaQ", PAGE)] = "ANALYST"
    ws.post("hello", ["linkedin"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "failed"
    assert "lacks a permission (w_organization_social)" in result.message
    assert "administrator or content admin" in result.hint
    fake.tokens.clear()
    ws.post("again", ["linkedin"], "Encore", at="2026-11-25 09:01")
    results = ws.publish(now="2026-11-25T09:10:00+01:00").results
    again = next(r for r in results if r.post == "again")
    assert "expired or revoked" in again.message and "60 days" in again.hint
    assert TOKEN not in again.message + again.hint


def test_a_retired_api_version_is_named(
    ws: NetWorkspace, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_LINKEDIN_VERSION", "202401")
    ws.post("hello", ["linkedin"], "Bonjour")
    [result] = ws.publish().results
    assert "API version 202401 is not served" in result.message
    assert "CMKIT_LINKEDIN_VERSION" in result.hint


def test_check_knows_linkedin_s_rules(ws: NetWorkspace) -> None:
    ws.post("long", ["linkedin"], "x" * 3001)
    ws.post("video", ["linkedin"], "Le four", media=[ws.video("four.mp4")])
    ws.post(
        "many", ["linkedin"], "Tout", media=[ws.image(f"p{n}.jpg", (400, 400)) for n in range(21)]
    )
    ws.post(
        "card",
        ["linkedin"],
        "Photo et lien",
        media=[ws.image("a.jpg")],
        link="https://boulangerie-martin.fr",
    )
    found = {(p.path.rsplit("/", 1)[-1], p.rule) for p in ws.check()}
    assert ("long.md", "text/too-long") in found
    assert ("video.md", "media/video-not-supported") in found
    assert ("many.md", "media/too-many") in found
    assert ("card.md", "link/no-preview") in found


def test_check_refuses_an_id_that_is_no_author_urn() -> None:
    delivery = Delivery(
        "martin", "p", Network.LINKEDIN, "Bonjour", "k", Account(id="boulangerie-martin")
    )
    issues = connector("boulangerie-martin").check(delivery)
    assert [i.rule for i in issues] == ["account/id"]
    assert 'id: "urn:li:organization:123"' in issues[0].hint


# --- account, metrics -------------------------------------------------------------------------


def test_verify_names_the_page_its_followers_and_the_role(
    fake: FakeLinkedIn, transport: None
) -> None:
    status = connector().verify()
    assert status.ok and status.message == f"Page Boulangerie Martin ({PAGE}), 842 followers"
    fake.roles[("urn:li:person:782bbtaQ", PAGE)] = "ANALYST"
    status = connector().verify()
    assert not status.ok and "has ANALYST there and cannot post" in status.message


def test_verify_for_a_member_and_a_wrong_member(fake: FakeLinkedIn, transport: None) -> None:
    assert connector("urn:li:person:782bbtaQ").verify().message == (
        "Claire Martin (urn:li:person:782bbtaQ), posts as a member"
    )
    wrong = connector("urn:li:person:someone").verify()
    assert not wrong.ok and "not urn:li:person:someone" in wrong.message


def test_page_metrics(ws: NetWorkspace, fake: FakeLinkedIn, transport: None) -> None:
    ws.post("hello", ["linkedin"], "Bonjour")
    ws.publish()
    urn = posted(fake)[0].urn
    [metrics] = connector().post_metrics([urn], date(2026, 11, 25))
    assert (metrics.impressions, metrics.likes, metrics.comments, metrics.clicks) == (
        560,
        22,
        4,
        19,
    )
    day = connector().account_metrics(date(2026, 11, 25))
    assert day.followers == 842 and day.impressions == 560 and day.reach == 410


def test_member_metrics_are_not_open_to_apps(transport: None) -> None:
    from cmkit.connectors.base import NotSupported

    with pytest.raises(NotSupported, match="only open to apps for Pages"):
        connector("urn:li:person:782bbtaQ").account_metrics(date(2026, 11, 25))

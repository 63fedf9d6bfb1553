"""Bluesky reads (metrics, mentions, search) and offline checks.

The local PDS has no AppView, so `app.bsky.*` reads are answered by a fake whose every
answer is first validated against the official lexicons by the reference validator
(tests/peers/pds/lexcheck.mjs): the fake cannot answer what Bluesky would not.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from PIL import Image

from cmkit.connectors import http, opengraph
from cmkit.connectors.base import ConnectorError, Delivery, MediaFile
from cmkit.connectors.bluesky import BlueskyConnector
from cmkit.models import Account
from cmkit.networks import Network

if TYPE_CHECKING:
    from conftest import Lexicons

PDS = "https://pds.example"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
CLAIRE = "did:plc:4qbmwrlmg3ae5ujb4viwqk2r"
CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"


def jwt(seconds: int) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'exp': int(time.time()) + seconds})}.sig"


def author(did: str, handle: str) -> dict[str, Any]:
    return {"did": did, "handle": handle, "displayName": handle.split(".")[0].title()}


def post_view(rkey: str, did: str, handle: str, text: str, **counts: int) -> dict[str, Any]:
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": CID,
        "author": author(did, handle),
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2026-11-24T09:30:00.000Z",
        },
        "indexedAt": "2026-11-24T09:30:01.000Z",
        "likeCount": counts.get("likes", 0),
        "repostCount": counts.get("reposts", 0),
        "replyCount": counts.get("replies", 0),
        "quoteCount": counts.get("quotes", 0),
    }


class AppView:
    """createSession on the PDS, and AppView answers checked against the lexicons."""

    def __init__(self, lexicons: Lexicons) -> None:
        self.lexicons = lexicons
        self.requests: list[httpx.Request] = []
        ours = post_view(
            "3lbqgdmuaaa22",
            DID,
            "boulangerie.example",
            "Ouvert le 24 #Noël",
            likes=12,
            reposts=3,
            replies=2,
            quotes=1,
        )
        asked = post_view(
            "3lbqgdmubbb22", CLAIRE, "claire.example", "@boulangerie.example ouvert le 25 ?"
        )
        asked["record"]["reply"] = {
            "root": {"uri": ours["uri"], "cid": CID},
            "parent": {"uri": ours["uri"], "cid": CID},
        }
        self.answers: dict[str, Any] = {
            "app.bsky.actor.getProfile": {
                **author(DID, "boulangerie.example"),
                "followersCount": 842,
                "followsCount": 120,
                "postsCount": 310,
            },
            "app.bsky.feed.getPosts": {"posts": [ours]},
            "app.bsky.notification.listNotifications": {
                "notifications": [
                    {
                        "uri": asked["uri"],
                        "cid": CID,
                        "author": author(CLAIRE, "claire.example"),
                        "reason": "reply",
                        "reasonSubject": ours["uri"],
                        "record": asked["record"],
                        "isRead": False,
                        "indexedAt": "2026-11-25T08:00:00.000Z",
                    },
                    {
                        "uri": f"at://{CLAIRE}/app.bsky.feed.like/3lbqgdmuccc22",
                        "cid": CID,
                        "author": author(CLAIRE, "claire.example"),
                        "reason": "like",
                        "record": {
                            "$type": "app.bsky.feed.like",
                            "subject": {"uri": ours["uri"], "cid": CID},
                            "createdAt": "2026-11-25T07:00:00.000Z",
                        },
                        "isRead": True,
                        "indexedAt": "2026-11-25T07:00:00.000Z",
                    },
                    {
                        "uri": f"at://{CLAIRE}/app.bsky.feed.post/3lbqgdmuddd22",
                        "cid": CID,
                        "author": author(CLAIRE, "claire.example"),
                        "reason": "mention",
                        "record": {
                            "$type": "app.bsky.feed.post",
                            "text": "old",
                            "createdAt": "2026-11-01T07:00:00.000Z",
                        },
                        "isRead": True,
                        "indexedAt": "2026-11-01T07:00:00.000Z",
                    },
                ]
            },
            "app.bsky.feed.searchPosts": {"posts": [asked], "hitsTotal": 1},
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        nsid = request.url.path.rsplit("/", 1)[1]
        if nsid == "com.atproto.server.createSession":
            body = {
                "did": DID,
                "handle": "boulangerie.example",
                "accessJwt": jwt(3600),
                "refreshJwt": jwt(86400),
            }
        else:
            body = self.answers[nsid]
        self.lexicons.check_output(nsid, body)
        return httpx.Response(200, json=body)


@pytest.fixture
def appview(lexicons: Lexicons) -> Iterator[AppView]:
    fake = AppView(lexicons)
    with http.override(transport=httpx.MockTransport(fake.handle)):
        yield fake


def connector() -> BlueskyConnector:
    account = Account(handle="boulangerie.example", instance=PDS, token_env="X")
    return BlueskyConnector(account, lambda role: "app-pass-word")


def test_account_and_post_metrics(appview: AppView) -> None:
    bsky = connector()
    account = bsky.account_metrics(date(2026, 11, 25))
    assert (account.followers, account.extra) == (842, {"following": 120.0, "posts": 310.0})
    (post,) = bsky.post_metrics(
        [f"at://{DID}/app.bsky.feed.post/3lbqgdmuaaa22"], date(2026, 11, 25)
    )
    assert (post.likes, post.comments, post.shares, post.extra["quotes"]) == (12, 2, 3, 1.0)
    assert post.impressions is None  # Bluesky does not tell
    request = appview.requests[-1]
    assert request.url.params.get_list("uris") == [f"at://{DID}/app.bsky.feed.post/3lbqgdmuaaa22"]


def test_mentions_since_keep_replies_and_mentions_only(appview: AppView) -> None:
    (mention,) = connector().mentions(datetime(2026, 11, 20, tzinfo=UTC))
    assert (mention.author, mention.kind) == ("@claire.example", "reply")
    assert mention.text == "@boulangerie.example ouvert le 25 ?"
    assert mention.in_reply_to == f"at://{DID}/app.bsky.feed.post/3lbqgdmuaaa22"
    assert mention.url == "https://bsky.app/profile/claire.example/post/3lbqgdmubbb22"
    sent = appview.requests[-1].url.params
    assert sent.get_list("reasons") == ["mention", "reply", "quote"]


def test_search_sends_since_and_reads_counts(appview: AppView) -> None:
    (hit,) = connector().search("boulangerie", datetime(2026, 11, 1, tzinfo=UTC))
    assert hit.author == "@claire.example" and hit.counts["likes"] == 0
    params = appview.requests[-1].url.params
    assert (params["q"], params["sort"], params["since"]) == (
        "boulangerie",
        "latest",
        "2026-11-01T00:00:00Z",
    )


def delivery(text: str, **changes: Any) -> Delivery:
    base = Delivery("boulangerie-martin", "p", Network.BLUESKY, text, "key", connector().account)
    return Delivery(**{**base.__dict__, **changes})


def test_check_warns_about_mentions_that_are_not_handles() -> None:
    issues = connector().check(delivery("Merci @julien et @alice@piaille.fr, bonjour @bob.test"))
    assert [(i.rule, i.severity) for i in issues] == [
        ("bluesky/mention-not-a-handle", "warning")
    ] * 2
    assert "@julien" in issues[0].message and "@alice@piaille.fr" in issues[1].message


def test_check_warns_about_a_hashtag_too_long_to_be_one() -> None:
    (issue,) = connector().check(delivery("Bravo #" + "Boulangerie" * 6 + " et #Noël"))
    assert issue.rule == "bluesky/hashtag-too-long" and "will not be a hashtag" in issue.message


def test_check_media_and_content_warning(tmp_path: Path) -> None:
    pic = tmp_path / "a.png"
    Image.new("RGB", (10, 10)).save(pic)
    image = MediaFile(pic, "alt", "image/png")
    video = MediaFile(tmp_path / "v.mp4", "clip", "video/mp4")
    rules = [i.rule for i in connector().check(delivery("x", media=(image,) * 5 + (video,)))]
    assert rules == ["bluesky/media-type", "bluesky/too-many-images"]
    (cw,) = connector().check(delivery("x", content_warning="spoilers"))
    assert cw.rule == "bluesky/content-warning" and cw.severity == "warning"


def test_check_counts_the_link_appended_to_an_image_post(tmp_path: Path) -> None:
    pic = tmp_path / "a.png"
    Image.new("RGB", (10, 10)).save(pic)
    text = "b" * 270
    image = (MediaFile(pic, "alt", "image/png"),)
    assert connector().check(delivery(text, media=image)) == []
    long_link = "https://boulangerie-martin.fr/une-tres-longue-page?utm_source=bluesky"
    # appended as "boulangerie-martin.fr/une-tres-…" (32 characters) after a blank line
    assert [i.rule for i in connector().check(delivery(text, media=image, link=long_link))] == [
        "bluesky/too-long"
    ]


def test_opengraph_prefers_og_tags_and_resolves_the_image() -> None:
    page = (
        "<html><head><title>Titre</title><meta name='description' content='Desc'>"
        "<meta property='og:image' content='img/card.jpg'></head><body>"
        "<meta property='og:title' content='ignored, in the body'></body></html>"
    )
    preview = opengraph.parse(page, "https://example.fr/a/b")
    assert (preview.title, preview.description, preview.image) == (
        "Titre",
        "Desc",
        "https://example.fr/a/img/card.jpg",
    )


def test_opengraph_fetch_failure_gives_an_empty_preview() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with http.override(transport=httpx.MockTransport(refuse)), http.instant_sleep():
        assert opengraph.fetch("https://example.fr/") == opengraph.Preview("https://example.fr/")


def test_lexicon_judge_refuses_a_wrong_answer(lexicons: Lexicons) -> None:
    with pytest.raises(AssertionError, match="did"):
        lexicons.check_output("app.bsky.actor.getProfile", {"did": "not-a-did", "handle": "x.y"})


def test_an_instance_that_is_not_an_atproto_server_is_a_clear_error() -> None:
    def website(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, text="<html>Bienvenue</html>", headers={"Content-Type": "text/html"}
        )

    with (
        http.override(transport=httpx.MockTransport(website)),
        pytest.raises(ConnectorError, match="not XRPC") as caught,
    ):
        connector().verify()
    assert "instance" in caught.value.hint

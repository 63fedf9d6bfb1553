"""Threads connector, through the publishing engine, against the documented Threads API.

The peer is `meta_fakes.FakeMeta`, built from the examples of
developers.facebook.com/docs/threads/posts (containers: TEXT, IMAGE, VIDEO, CAROUSEL,
link_attachment, threads_publish; 500 characters with emoji as UTF-8 bytes; more than
5 links → THREADS_API__LINK_LIMIT_EXCEEDED), .../threads/troubleshooting (status,
error_message), .../threads/overview (threads_publishing_limit, 250 posts a day),
.../threads/retrieve-and-manage-replies and .../threads/insights.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from meta_fakes import THREADS_ID, TOKENS, FakeMeta, Killed, MetaWorkspace

from cmkit.connectors import http
from cmkit.connectors.base import ConnectorError, Delivery, MediaFile
from cmkit.connectors.threads import ThreadsConnector
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


def connector(account_id: str = THREADS_ID) -> ThreadsConnector:
    account = Account(
        id=account_id, handle="@boulangerie.martin", token_env="X", media_base_url=BASE
    )
    return ThreadsConnector(account, lambda role: TOKENS["MARTIN_THREADS_TOKEN"])


def containers(fake: FakeMeta) -> list[dict[str, list[str]]]:
    return [
        parse_qs(r.content.decode())
        for r in fake.requests
        if r.method == "POST" and r.url.path.endswith("/threads")
    ]


def delivery(
    text: str,
    *,
    link: str | None = None,
    thread: tuple[str, ...] = (),
    media: tuple[MediaFile, ...] = (),
) -> Delivery:
    account = Account(id=THREADS_ID, token_env="X", media_base_url=BASE)
    return Delivery(
        "martin", "p", Network.THREADS, text, "k", account, media=media, link=link, thread=thread
    )


def test_a_text_post_gets_its_link_as_a_preview_card(
    ws: MetaWorkspace, fake: FakeMeta, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.post(
        "avent",
        ["threads"],
        "Le calendrier de l'Avent commence demain",
        link="https://boulangerie-martin.fr/avent",
    )
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T08:05:00Z")
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        result = cmkit("-w", ws.root, "publish", "--due")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    [post] = fake.published(THREADS_ID)
    assert post.text == "Le calendrier de l'Avent commence demain"
    assert post.link is not None and post.link.startswith("https://boulangerie-martin.fr/avent?")
    [form] = containers(fake)
    assert form["media_type"] == ["TEXT"]
    assert ws.events("done")[0]["url"] == post.permalink


def test_image_and_carousel_posts_fetch_their_media_and_carry_the_link_in_the_text(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.post(
        "logo",
        ["threads"],
        "Notre nouveau logo",
        media=[ws.image("logo.png", fmt="PNG")],
        link="https://boulangerie-martin.fr",
        at="2026-11-25 09:00",
    )
    ws.post(
        "buches",
        ["threads"],
        "Les bûches",
        at="2026-11-25 09:01",
        media=[ws.image("b1.jpg"), ws.image("b2.jpg")],
    )
    assert [r.status for r in ws.publish().results] == ["published", "published"]
    by_type = {item.media_type: item for item in fake.published(THREADS_ID)}
    image, carousel = by_type["IMAGE"], by_type["CAROUSEL"]
    assert image.text.startswith("Notre nouveau logo\n\nhttps://boulangerie-martin.fr/?utm_")
    assert len(carousel.attachments) == 2
    assert [BASE + "logo.png"] in [form.get("image_url") for form in containers(fake)]


def test_a_bare_copy_of_the_linked_page_becomes_the_tagged_link(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    ws.post(
        "logo",
        ["threads"],
        "Notre nouveau logo, à voir sur boulangerie-martin.fr !",
        media=[ws.image("logo.png", fmt="PNG")],
        link="https://boulangerie-martin.fr",
    )
    assert [r.status for r in ws.publish().results] == ["published"]
    [image] = fake.published(THREADS_ID)
    assert image.text.startswith(
        "Notre nouveau logo, à voir sur https://boulangerie-martin.fr/?utm_"
    )
    assert image.text.endswith(" !") and image.text.count("boulangerie-martin.fr") == 1


def test_a_thread_becomes_a_chain_of_replies(ws: MetaWorkspace, fake: FakeMeta) -> None:
    ws.post(
        "fournil",
        ["threads"],
        "Une nuit au fournil 🧵",
        thread=["23 h : le levain est nourri.", "5 h : les premières baguettes."],
    )
    [result] = ws.publish().results
    assert result.status == "published"
    [root] = fake.published(THREADS_ID)
    first, second = sorted(fake.published(THREADS_ID, "reply"), key=lambda i: int(i.id))
    assert (first.reply_to, second.reply_to) == (root.id, first.id)
    assert [e["step"] for e in ws.events("step")] == ["container", "post", "part2", "part3"]


def test_a_chain_killed_halfway_is_completed_never_repeated(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/threads_publish$", action="pass", times=2)  # root, part 2
    fake.fault("POST", r"/threads_publish$", action="kill-before")  # part 3
    ws.post(
        "fournil",
        ["threads"],
        "Une nuit au fournil 🧵",
        thread=["23 h : le levain est nourri.", "5 h : les premières baguettes."],
    )
    with pytest.raises(Killed):
        ws.publish()
    assert len(fake.published(THREADS_ID, "reply")) == 1
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "recovered"
    assert len(fake.published(THREADS_ID)) == 1
    assert [
        r.text for r in sorted(fake.published(THREADS_ID, "reply"), key=lambda i: int(i.id))
    ] == ["23 h : le levain est nourri.", "5 h : les premières baguettes."]


def test_killed_before_threads_publish_resumes_the_recorded_container(
    ws: MetaWorkspace, fake: FakeMeta
) -> None:
    fake.fault("POST", r"/threads_publish$", action="kill-before")
    ws.post("texte", ["threads"], "Bonjour Lyon")
    with pytest.raises(Killed):
        ws.publish()
    [result] = ws.publish(now="2026-11-25T09:20:00+01:00").results
    assert result.status == "recovered"
    assert [p.text for p in fake.published(THREADS_ID)] == ["Bonjour Lyon"]
    assert len(containers(fake)) == 1


def test_a_timeout_after_threads_publish_is_recovered(ws: MetaWorkspace, fake: FakeMeta) -> None:
    fake.fault("POST", r"/threads_publish$", action="timeout-after")
    ws.post("texte", ["threads"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "recovered"
    assert len(fake.published(THREADS_ID)) == 1


def test_check_counts_like_threads_does() -> None:
    th = connector()

    def errors(d: Delivery) -> list[str]:
        return [i.rule for i in th.check(d) if i.severity == "error"]

    assert errors(delivery("🥖" * 125)) == []  # 125 emoji × 4 bytes = 500
    assert errors(delivery("🥖" * 126)) == ["text/too-long"]
    links = " ".join(f"https://example.org/{n}" for n in range(5))
    assert errors(delivery(links)) == []
    assert errors(delivery(links, link="https://boulangerie-martin.fr")) == ["text/too-many-links"]
    assert errors(delivery("Bonjour", thread=("x" * 501,))) == ["text/too-long"]
    assert errors(delivery("")) == ["text/empty"]
    [tags] = th.check(delivery("#pain #Lyon"))
    assert tags.severity == "warning" and "#pain" in tags.message


def test_threads_refuses_six_links_and_long_text_itself(fake: FakeMeta, ws: MetaWorkspace) -> None:
    links = " ".join(f"https://example.org/{n}" for n in range(6))
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        with pytest.raises(ConnectorError, match="THREADS_API__LINK_LIMIT_EXCEEDED"):
            connector().publish(delivery(links), lambda s, v: None)
        with pytest.raises(ConnectorError, match="500 characters or fewer"):
            connector().publish(delivery("🥖" * 126), lambda s, v: None)
    assert not fake.published(THREADS_ID)


def test_a_spent_quota_is_refused_before_any_container(ws: MetaWorkspace, fake: FakeMeta) -> None:
    fake.quota_used[THREADS_ID] = 250
    ws.post("texte", ["threads"], "Bonjour Lyon")
    [result] = ws.publish().results
    assert result.status == "failed" and "(250 of 250 posts" in result.message
    assert not containers(fake)


def test_verify_says_when_the_token_is_another_account(fake: FakeMeta, ws: MetaWorkspace) -> None:
    with http.override(transport=httpx.MockTransport(fake.handler)):
        good = connector().verify()
        wrong = connector("25000000000000999").verify()
    assert (
        good.ok
        and good.message == f"@boulangerie.martin ({THREADS_ID}), 0/250 API posts in the last 24 h"
    )
    assert not wrong.ok
    assert (
        wrong.message == f"the token is @boulangerie.martin ({THREADS_ID}), 0/250 API posts "
        "in the last 24 h, not id 25000000000000999"
    )


def test_metrics_replies_and_answers(
    ws: MetaWorkspace, fake: FakeMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T10:00:00Z")
    ws.post("texte", ["threads"], "Bonjour Lyon")
    ws.publish()
    root = fake.published(THREADS_ID)[0]
    fake.add_comment(root.id, "Vous livrez à Villeurbanne ?", "julien.v")
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        th = connector()
        account = th.account_metrics(date(2026, 11, 24))
        [post] = th.post_metrics([root.id], date(2026, 11, 25))
        [mention] = th.mentions(None)
        answer = th.reply(mention, "Pas encore, mais bientôt !", "k")
    assert (account.followers, account.impressions) == (512, 2300)
    assert (post.views, post.likes, post.comments, post.shares) == (900, 40, 3, 4)
    assert (mention.author, mention.kind, mention.in_reply_to) == ("@julien.v", "reply", root.id)
    assert fake.items[answer.remote_id].reply_to == mention.remote_id

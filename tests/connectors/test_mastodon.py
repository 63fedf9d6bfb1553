"""The Mastodon connector, every exchange held to Mastodon's published OpenAPI spec.

The fake (mastodon_fake.py) validates each request cmkit sends and each answer it
gives against tests/specs/mastodon/openapi.json; a request the spec does not allow
fails the test with a SpecViolation.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon_fake import BASE, FakeMastodon, Fault, SpecViolation
from PIL import Image

from cmkit.connectors import http, mastodon_instance
from cmkit.connectors.base import ConnectorError, Delivery, MediaFile
from cmkit.connectors.mastodon import MastodonConnector
from cmkit.diagnostics import CmkitError
from cmkit.models import Account
from cmkit.networks import Network

AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    peer = FakeMastodon()
    with http.override(transport=peer.transport()), http.instant_sleep():
        yield peer


def connector(fake: FakeMastodon, token: str | None = None, **account: Any) -> MastodonConnector:
    fields: dict[str, Any] = {
        "handle": "@boulangerie@piaille.example",
        "instance": BASE,
        "token_env": "MARTIN_MASTODON_TOKEN",
        "locale": "fr-FR",
    }
    fields.update(account)
    secret = token or fake.token
    return MastodonConnector(Account(**fields), lambda role: secret)


def delivery(masto: MastodonConnector, text: str, **changes: Any) -> Delivery:
    base = Delivery(
        client="boulangerie-martin",
        post_id=f"p-{uuid.uuid4().hex[:6]}",
        network=Network.MASTODON,
        text=text,
        idempotency_key=uuid.uuid4().hex,
        account=masto.account,
        lang="fr-FR",
        at=AT,
    )
    return replace(base, **changes)


def progress_into(state: dict[str, str]) -> Any:
    return lambda step, value: state.update({step: value})


def posted(
    fake: FakeMastodon, method: str = "POST", path: str = "/api/v1/statuses"
) -> list[httpx.Request]:
    return [r for r in fake.requests if r.method == method and r.url.path == path]


def test_status_with_language_visibility_and_idempotency_key(fake: FakeMastodon) -> None:
    masto = connector(fake, visibility="unlisted")
    link = "https://boulangerie-martin.fr/avent?utm_source=mastodon&utm_medium=social"
    sent = delivery(masto, "Jour 1 de l'Avent 🎄 #Noël", link=link)
    result = masto.publish(sent, lambda *_: None)

    (request,) = posted(fake)
    body = json.loads(request.content)
    assert body == {
        "status": f"Jour 1 de l'Avent 🎄 #Noël\n\n{link}",
        "visibility": "unlisted",
        "language": "fr",
    }
    assert request.headers["idempotency-key"] == sent.idempotency_key
    assert result.remote_id in fake.statuses
    assert result.url == f"{BASE}/@boulangerie/{result.remote_id}"


def test_link_written_in_the_text_gets_its_utm_tags_in_place(fake: FakeMastodon) -> None:
    masto = connector(fake)
    link = "https://boulangerie-martin.fr/avent?utm_source=mastodon"
    sent = delivery(masto, "Le calendrier boulangerie-martin.fr/avent ouvre demain !", link=link)
    masto.publish(sent, lambda *_: None)
    assert json.loads(posted(fake)[0].content)["status"] == (f"Le calendrier {link} ouvre demain !")


def test_content_warning_goes_as_spoiler_text(fake: FakeMastodon) -> None:
    masto = connector(fake)
    sent = delivery(masto, "Recette avec noix", content_warning="allergènes : fruits à coque")
    result = masto.publish(sent, lambda *_: None)
    status = fake.statuses[result.remote_id]
    assert status["spoiler_text"] == "allergènes : fruits à coque" and status["sensitive"]


def photo(tmp_path: Path, name: str, size: tuple[int, int] = (800, 600)) -> Path:
    path = tmp_path / name
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, "JPEG")
    return path


def test_media_upload_waits_for_processing_and_keeps_descriptions(
    fake: FakeMastodon, tmp_path: Path
) -> None:
    fake.processing_polls = 2
    masto = connector(fake)
    items = (
        MediaFile(photo(tmp_path, "a.jpg"), "Bûche au chocolat", "image/jpeg"),
        MediaFile(photo(tmp_path, "b.jpg"), "Galette des rois", "image/jpeg"),
    )
    result = masto.publish(delivery(masto, "Nos desserts", media=items), lambda *_: None)

    status = fake.statuses[result.remote_id]
    assert [m["description"] for m in status["media_attachments"]] == [
        "Bûche au chocolat",
        "Galette des rois",
    ]
    assert all(m["url"] for m in status["media_attachments"])
    polls = posted(fake, "GET", f"/api/v1/media/{status['media_attachments'][0]['id']}")
    assert len(polls) == 3  # 206, 206, then 200
    assert fake.uploads[status["media_attachments"][0]["id"]] == items[0].path.read_bytes()


def test_media_still_processing_after_a_minute_is_a_retryable_error(
    fake: FakeMastodon, tmp_path: Path
) -> None:
    fake.processing_polls = 1000
    masto = connector(fake)
    sent = delivery(masto, "Vidéo", media=(MediaFile(photo(tmp_path, "a.jpg"), "x", "image/jpeg"),))
    with pytest.raises(ConnectorError) as caught:
        masto.publish(sent, lambda *_: None)
    assert caught.value.retryable and "still processing a.jpg" in caught.value.message
    assert posted(fake) == []


def test_thread_parts_reply_to_each_other(fake: FakeMastodon) -> None:
    masto = connector(fake)
    state: dict[str, str] = {}
    sent = delivery(masto, "Un fil 🧵", thread=("Deux", "Trois"))
    result = masto.publish(sent, progress_into(state))
    first, second, third = (json.loads(r.content) for r in posted(fake))
    assert "in_reply_to_id" not in first
    assert second["in_reply_to_id"] == result.remote_id
    assert third["in_reply_to_id"] == state["part1"]
    keys = [r.headers["idempotency-key"] for r in posted(fake)]
    assert len(set(keys)) == 3 and keys[0] == sent.idempotency_key


def test_a_lost_answer_is_resent_with_the_same_key_and_makes_one_status(
    fake: FakeMastodon,
) -> None:
    fake.faults.append(Fault("POST", "/api/v1/statuses", "drop-after"))
    masto = connector(fake)
    sent = delivery(masto, "Relancé sans doublon")
    result = masto.publish(sent, lambda *_: None)
    assert len(posted(fake)) == 2  # the first answer was lost; the resend got the same status
    assert [s["id"] for s in fake.statuses.values()] == [result.remote_id]


def test_429_and_503_are_retried_with_the_same_key(fake: FakeMastodon) -> None:
    fake.faults += [
        Fault("POST", "/api/v1/statuses", "429"),
        Fault("POST", "/api/v1/statuses", "503"),
    ]
    masto = connector(fake)
    result = masto.publish(delivery(masto, "Patience"), lambda *_: None)
    assert len(posted(fake)) == 3 and list(fake.statuses) == [result.remote_id]
    assert len({r.headers["idempotency-key"] for r in posted(fake)}) == 1


def test_recovery_finds_the_status_by_recorded_id_or_by_its_text(fake: FakeMastodon) -> None:
    masto = connector(fake)
    link = "https://boulangerie-martin.fr/avent?utm_source=mastodon"
    sent = delivery(masto, "Bonjour @ami@autre.example, voici #Noël", link=link)
    state: dict[str, str] = {}
    result = masto.publish(sent, progress_into(state))
    since = AT - timedelta(minutes=10)
    again = connector(fake)
    assert again.find_published(sent, since, state) == result
    # without the id (the run died before recording it): found among the account's statuses
    assert connector(fake).find_published(sent, since, {}) == result
    other = delivery(masto, "Jamais envoyé")
    assert connector(fake).find_published(other, since, {}) is None
    assert connector(fake).find_published(sent, AT + timedelta(hours=1), {}) is None


def test_an_unfinished_thread_is_completed_not_redone(fake: FakeMastodon) -> None:
    masto = connector(fake)
    sent = delivery(masto, "Un fil", thread=("Deux", "Trois"))
    fake.faults.append(Fault("POST", "/api/v1/statuses", "refuse", times=1000))
    state: dict[str, str] = {}
    root = fake.status("Un fil", fake.me)  # the first part went out before the run died
    state["status"] = root["id"]
    again = connector(fake)
    assert again.find_published(sent, AT - timedelta(minutes=5), state) is None
    fake.faults.clear()
    result = again.publish(sent, progress_into(state))
    assert result.remote_id == root["id"]
    assert [json.loads(r.content)["status"] for r in posted(fake)] == ["Deux", "Trois"]


def test_check_uses_the_instance_limits_once_read(fake: FakeMastodon) -> None:
    masto = connector(fake)
    long_text = "é" * 470 + " https://boulangerie-martin.fr/" + "x" * 200
    assert masto.check(delivery(masto, long_text)) == []  # the URL counts 23: 494 in all
    fake.max_characters = 5000
    assert connector(fake).verify().ok  # reads and caches the instance's limits
    assert connector(fake).check(delivery(masto, "é" * 4900)) == []
    issues = connector(fake).check(delivery(masto, "é" * 5001))
    assert [i.rule for i in issues] == ["mastodon/too-long"]
    assert "5001 characters" in issues[0].message and "5000" in issues[0].message
    assert mastodon_instance.cache_path(BASE).is_file()


def test_check_counts_the_content_warning_and_the_appended_link(fake: FakeMastodon) -> None:
    masto = connector(fake)
    text = "a" * 480
    assert masto.check(delivery(masto, text)) == []
    with_link = delivery(masto, text, link="https://boulangerie-martin.fr/" + "x" * 300)
    assert [i.rule for i in masto.check(with_link)] == ["mastodon/too-long"]  # 480 + 2 + 23 = 505
    with_cw = delivery(masto, text, content_warning="spoiler " * 5)
    assert "content warning included" in masto.check(with_cw)[0].message
    # the instance agrees: what check refuses, the server refuses
    with pytest.raises(ConnectorError, match="character limit"):
        masto.publish(with_link, lambda *_: None)


def test_check_media_rules(fake: FakeMastodon, tmp_path: Path) -> None:
    masto = connector(fake)
    pic = MediaFile(photo(tmp_path, "a.jpg"), "ok", "image/jpeg")
    video = MediaFile(tmp_path / "v.mp4", "clip", "video/mp4")
    video.path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    rules = {i.rule for i in masto.check(delivery(masto, "x", media=(pic,) * 5))}
    assert "mastodon/too-many-media" in rules
    assert [i.rule for i in masto.check(delivery(masto, "x", media=(pic, video)))] == [
        "mastodon/video-with-others"
    ]
    long_alt = replace(pic, alt="a" * 1501)
    assert [i.rule for i in masto.check(delivery(masto, "x", media=(long_alt,)))] == [
        "mastodon/alt-too-long"
    ]


def test_verify_names_the_account_or_what_is_wrong(fake: FakeMastodon) -> None:
    assert connector(fake).verify().message == (
        "logged in as @boulangerie@piaille.example (500 characters per post)"
    )
    wrong = connector(fake, handle="@cafe@piaille.example").verify()
    assert not wrong.ok and "belongs to @boulangerie@piaille.example" in wrong.message
    with pytest.raises(ConnectorError) as caught:
        connector(fake, token="tok-revoked-0000000").verify()
    assert caught.value.status == 401 and "cmkit secrets set" in caught.value.hint
    assert "tok-revoked" not in str(caught.value)


def test_metrics_mentions_search_and_reply(fake: FakeMastodon) -> None:
    masto = connector(fake)
    ours = masto.publish(delivery(masto, "Ouvert le 24 #Noël"), lambda *_: None)
    fake.statuses[ours.remote_id]["favourites_count"] = 7
    fake.mention_from(
        "old", "autre.example", "@boulangerie ancien", created_at="2026-11-01T09:00:00.000Z"
    )
    asked = fake.mention_from(
        "claire",
        "autre.example",
        "@boulangerie ouvert le 25 ?",
        reply_to=ours.remote_id,
        created_at="2026-11-25T09:00:00.000Z",
    )

    account = masto.account_metrics(AT.date())
    assert account.followers == 312
    (metrics,) = masto.post_metrics([ours.remote_id, "404404"], AT.date())
    assert (metrics.likes, metrics.comments, metrics.shares) == (7, 1, 0)

    (mention,) = masto.mentions(AT)
    assert (mention.author, mention.kind, mention.in_reply_to) == (
        "@claire@autre.example",
        "reply",
        ours.remote_id,
    )
    assert mention.text == "@boulangerie ouvert le 25 ?"

    hits = masto.search("#noël", None)
    assert [h.remote_id for h in hits] == [ours.remote_id]
    assert hits[0].counts["likes"] == 7
    assert [h.remote_id for h in masto.search("ouvert le 25", None)] == [asked["id"]]

    answer = masto.reply(mention, "Non, fermé le 25 !", "reply-1")
    again = masto.reply(mention, "Non, fermé le 25 !", "reply-1")
    assert answer == again
    body = json.loads(posted(fake)[-1].content)
    assert body["status"] == "@claire@autre.example Non, fermé le 25 !"
    assert body["in_reply_to_id"] == asked["id"]


def test_the_fake_refuses_what_the_spec_does_not_allow(fake: FakeMastodon) -> None:
    """The judge can say no: a request outside the spec fails loudly."""
    with httpx.Client(transport=fake.transport(), base_url=BASE) as client:
        with pytest.raises(SpecViolation, match=r"visibility|not valid"):
            client.post(
                "/api/v1/statuses",
                json={"status": "x", "visibility": "everyone"},
                headers={"Authorization": f"Bearer {fake.token}"},
            )
        with pytest.raises(SpecViolation, match="file"):
            client.post(
                "/api/v2/media",
                data={"description": "no file"},
                files={"thumbnail": ("t.jpg", b"\xff\xd8", "image/jpeg")},
                headers={"Authorization": f"Bearer {fake.token}"},
            )
        with pytest.raises(SpecViolation, match="needs a token"):
            client.get("/api/v1/accounts/verify_credentials")
    read_only = FakeMastodon(scopes=("read",))
    with (
        httpx.Client(transport=read_only.transport(), base_url=BASE) as client,
        pytest.raises(SpecViolation, match="write"),
    ):
        client.post(
            "/api/v1/statuses",
            json={"status": "x"},
            headers={"Authorization": f"Bearer {read_only.token}"},
        )


def test_missing_instance_is_a_clear_error() -> None:
    masto = MastodonConnector(Account(handle="@x@y.example"), lambda role: "t")
    with pytest.raises(CmkitError, match=r"no instance in client\.yaml"):
        masto.verify()
    assert masto.check(Delivery("c", "p", Network.MASTODON, "ok", "k", masto.account)) == []


def engine_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "agency"
    client = root / "clients" / "cafe-erable"
    (client / "posts").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: America/Montreal\nlocale: fr-CA\n")
    (client / "client.yaml").write_text(
        "name: Café Érable\naccounts:\n  mastodon:\n    handle: '@boulangerie@piaille.example'\n"
        f"    instance: {BASE}\n    token_env: ERABLE_MASTODON_TOKEN\n    locale: en-CA\n"
    )
    (client / "posts" / "2026-11-25-latte.md").write_text(
        "---\nat: 2026-11-25 07:00\nnetworks: [mastodon]\nstatus: approved\n"
        "link: https://cafe-erable.ca/latte\n---\nMaple latte is back 🍁 #Montreal\n",
        encoding="utf-8",
    )
    return root


def run_publish(cmkit: Any, root: Path) -> dict[str, Any]:
    result = cmkit("-w", root, "publish", "--due", "--now", "2026-11-25T07:05", "--json")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_engine_retry_after_a_lost_answer_makes_one_status(
    fake: FakeMastodon, tmp_path: Path, cmkit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERABLE_MASTODON_TOKEN", fake.token)
    fake.faults.append(Fault("POST", "/api/v1/statuses", "drop-after"))
    root = engine_workspace(tmp_path)
    (row,) = run_publish(cmkit, root)["results"]
    assert row["status"] == "published"
    assert len(posted(fake)) == 2 and len(fake.statuses) == 1
    (status,) = fake.statuses.values()
    assert status["language"] == "en"
    assert "utm_source=mastodon" in status["content"]
    assert run_publish(cmkit, root)["results"] == []
    assert len(fake.statuses) == 1


def test_engine_failure_then_next_run_publishes_once(
    fake: FakeMastodon, tmp_path: Path, cmkit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERABLE_MASTODON_TOKEN", fake.token)
    fake.faults.append(Fault("POST", "/api/v1/statuses", "503", times=10))
    root = engine_workspace(tmp_path)
    (row,) = run_publish(cmkit, root)["results"]
    assert row["status"] == "failed" and fake.statuses == {}
    fake.faults.clear()
    (row,) = run_publish(cmkit, root)["results"]
    assert row["status"] == "published" and len(fake.statuses) == 1
    keys = {r.headers["idempotency-key"] for r in posted(fake)}
    assert len(keys) == 1, "every attempt carries the same key"

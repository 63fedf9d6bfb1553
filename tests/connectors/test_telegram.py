"""Telegram connector, through the publishing engine, against a Bot API fake whose every
request and answer is checked against the published spec (tests/specs/telegram)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from net_workspace import Killed, NetWorkspace
from telegram_fake import FakeTelegram, Refused, SpecViolation, Upload, check_call, parse_html

from cmkit import publish, workspace
from cmkit.connectors import http
from cmkit.connectors.telegram import TelegramConnector, html_escape
from cmkit.models import Account
from cmkit.networks import Network

CHANNEL = -1001987654321
HOSTILE = '<script>alert("x")</script> Pain & beurre > 3 € <3 &amp; <b>pas gras</b> ; 🥖'


@pytest.fixture
def fake() -> FakeTelegram:
    telegram = FakeTelegram()
    telegram.channel(CHANNEL, "Boulangerie Martin", "boulangeriemartin")
    return telegram


def account_yaml(chat: str = "'@boulangeriemartin'") -> str:
    return f"  telegram:\n    id: {chat}\n    token_env: MARTIN_TG_TOKEN\n"


@pytest.fixture
def ws(tmp_path: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> NetWorkspace:
    monkeypatch.setenv("MARTIN_TG_TOKEN", fake.token)
    return NetWorkspace.create(tmp_path, fake.handler, account_yaml())


@pytest.fixture
def transport(fake: FakeTelegram) -> Iterator[None]:
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        yield


def connector(fake: FakeTelegram, chat: str = "@boulangeriemartin") -> TelegramConnector:
    return TelegramConnector(Account(id=chat, token_env="T"), lambda role: fake.token)


def methods(fake: FakeTelegram) -> list[str]:
    return [m for m, _ in fake.calls]


# --- text and escaping ----------------------------------------------------------------------


def test_hostile_text_shows_exactly_as_written(ws: NetWorkspace, fake: FakeTelegram) -> None:
    ws.post("beurre", ["telegram"], HOSTILE)
    [result] = ws.publish().results
    assert result.status == "published"
    [message] = fake.posted(CHANNEL)
    assert message["text"] == HOSTILE
    done = ws.events("done")[0]
    assert done["url"] == f"https://t.me/boulangeriemartin/{message['message_id']}"


def test_unescaped_html_is_refused_by_telegram_s_parser() -> None:
    with pytest.raises(Refused, match='Unsupported start tag "script"'):
        parse_html(HOSTILE)
    assert parse_html(html_escape(HOSTILE)) == HOSTILE


def test_the_link_goes_last_with_its_large_preview(ws: NetWorkspace, fake: FakeTelegram) -> None:
    ws.post("noel", ["telegram"], "La carte de Noël", link="https://boulangerie-martin.fr/noel")
    [result] = ws.publish().results
    assert result.status == "published"
    [message] = fake.posted(CHANNEL)
    link = message["link_preview_options"]["url"]
    assert link.startswith("https://boulangerie-martin.fr/noel?utm_source=telegram")
    assert message["text"] == f"La carte de Noël\n\n{link}"
    assert message["link_preview_options"]["prefer_large_media"] is True


# --- media ----------------------------------------------------------------------------------


def test_a_photo_with_its_caption(ws: NetWorkspace, fake: FakeTelegram) -> None:
    ws.post("levain", ["telegram"], "Le levain <3", media=[ws.image("levain.jpg")])
    [result] = ws.publish().results
    assert result.status == "published"
    [message] = fake.posted(CHANNEL)
    assert message["caption"] == "Le levain <3" and message["photo"][-1]["width"] == 1200
    assert methods(fake) == ["sendPhoto"]


def test_an_album_has_its_caption_on_the_first_item(ws: NetWorkspace, fake: FakeTelegram) -> None:
    files = [ws.image("a.jpg"), ws.image("b.png", fmt="PNG"), ws.video("four.mp4")]
    ws.post("album", ["telegram"], "Nos bûches & nos pains", media=files)
    [result] = ws.publish().results
    assert result.status == "published"
    messages = fake.posted(CHANNEL)
    assert [("caption" in m, "photo" in m, "video" in m) for m in messages] == [
        (True, True, False),
        (False, True, False),
        (False, False, True),
    ]
    assert messages[0]["caption"] == "Nos bûches & nos pains"
    assert len({m["media_group_id"] for m in messages}) == 1
    done = ws.events("done")[0]
    assert done["remote_id"] == str(messages[0]["message_id"]) and done["extra"] == {
        "messages": "3"
    }


def test_a_video_goes_by_send_video(ws: NetWorkspace, fake: FakeTelegram) -> None:
    ws.post("four", ["telegram"], "Le four", media=[ws.video("four.mp4")])
    assert ws.publish().results[0].status == "published"
    assert methods(fake) == ["sendVideo"]


def test_a_photo_telegram_would_refuse_is_sent_as_a_fitting_copy(
    ws: NetWorkspace, fake: FakeTelegram
) -> None:
    ws.post("bandeau", ["telegram"], "Bandeau", media=[ws.image("bandeau.jpg", (8400, 300))])
    [result] = ws.publish().results
    assert result.status == "published"
    photo = fake.posted(CHANNEL)[0]["photo"][-1]
    assert photo["width"] + photo["height"] <= 10_000
    assert photo["width"] / photo["height"] <= 20


# --- faults: never twice ------------------------------------------------------------------


def test_429_waits_as_long_as_telegram_says_in_the_body(
    ws: NetWorkspace, fake: FakeTelegram
) -> None:
    fake.fault("sendMessage", "respond-429", retry_after=7)
    ws.post("hello", ["telegram"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "published"
    assert len(fake.posted(CHANNEL)) == 1
    assert any(w > 6.9 for w in ws.waits)  # Telegram's 7 s, read from the body


def test_an_answer_lost_after_sending_asks_a_human_and_never_resends(
    ws: NetWorkspace, fake: FakeTelegram
) -> None:
    fake.fault("sendMessage", "timeout-after")
    ws.post("hello", ["telegram"], "Bonjour")
    [first] = ws.publish().results
    assert first.status == "unknown"
    [again] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert again.status == "unknown" and "needs a human" in again.message
    assert "--mark-done" in again.hint and "--resend" in again.hint
    assert len(fake.posted(CHANNEL)) == 1  # it was online: sent once, never twice
    url = f"https://t.me/boulangeriemartin/{fake.posted(CHANNEL)[0]['message_id']}"
    resolved = publish.resolve(
        workspace.load(ws.root), "martin", "hello", Network.TELEGRAM, "done", url=url
    )
    assert resolved.status == "published"
    assert ws.publish(now="2026-11-25T09:40:00+01:00").results == []


def test_a_502_when_posting_is_not_resent(ws: NetWorkspace, fake: FakeTelegram) -> None:
    fake.fault("sendMessage", "respond-502")
    ws.post("hello", ["telegram"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "unknown"
    assert methods(fake) == ["sendMessage"]


def test_killed_before_sending_then_resent_by_hand_goes_out_once(
    ws: NetWorkspace, fake: FakeTelegram
) -> None:
    fake.fault("sendMessage", "kill-before")
    ws.post("hello", ["telegram"], "Bonjour")
    with pytest.raises(Killed):
        ws.publish()
    [again] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert again.status == "unknown" and not fake.posted(CHANNEL)
    publish.resolve(workspace.load(ws.root), "martin", "hello", Network.TELEGRAM, "resend")
    [sent] = ws.publish(now="2026-11-25T09:35:00+01:00").results
    assert sent.status == "published" and len(fake.posted(CHANNEL)) == 1


# --- refusals and checks --------------------------------------------------------------------


def test_a_bot_that_may_not_post_is_told_how_to_fix_it(
    ws: NetWorkspace, fake: FakeTelegram
) -> None:
    fake.chats[CHANNEL].admins[fake.bot["id"]] = {"can_post_messages": False}
    ws.post("hello", ["telegram"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "failed" and "may not post" in result.message
    assert "administrator with 'Post messages'" in result.hint


def test_a_wrong_token_is_named_and_never_printed(
    ws: NetWorkspace, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARTIN_TG_TOKEN", "7712345678:AAF-an-old-revoked-token-000")
    ws.post("hello", ["telegram"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "failed" and "refused the bot token" in result.message
    assert "@BotFather" in result.hint
    assert "AAF-an-old" not in ws.client.joinpath("data", "ledger.jsonl").read_text()


def test_check_counts_captions_and_messages_after_parsing(ws: NetWorkspace) -> None:
    ws.post("caption", ["telegram"], "é" * 1025, media=[ws.image("a.jpg")])
    ws.post("message", ["telegram"], "é" * 4070, link="https://boulangerie-martin.fr/noel")
    ws.post(
        "many", ["telegram"], "Tout", media=[ws.image(f"p{n}.jpg", (400, 400)) for n in range(11)]
    )
    ws.post("fine", ["telegram"], "<" * 4096)  # 4,096 characters once parsed, not 16,384
    found = {
        (p.path.rsplit("/", 1)[-1], p.rule)
        for p in ws.check()
        if p.rule.startswith(("text/", "media/", "telegram/"))
    }
    assert ("caption.md", "text/too-long") in found
    assert ("message.md", "telegram/too-long-with-link") in found
    assert ("many.md", "media/too-many") in found
    assert not [f for f in found if f[0] == "fine.md"]


def test_the_fake_refuses_what_the_spec_does_not_define() -> None:
    with pytest.raises(SpecViolation, match="no parameter 'parse_modes'"):
        check_call("sendMessage", {"chat_id": 1, "text": "x", "parse_modes": "HTML"}, {})
    with pytest.raises(SpecViolation, match="required parameter 'text'"):
        check_call("sendMessage", {"chat_id": 1}, {})
    with pytest.raises(SpecViolation, match="names no uploaded part"):
        media = json.dumps([{"type": "photo", "media": "attach://nothing"}] * 2)
        check_call("sendMediaGroup", {"chat_id": "1", "media": media}, {})
    photo = Upload("a.jpg", b"x")
    with pytest.raises(SpecViolation, match="InputMediaVideo must have type 'video'"):
        media = json.dumps(
            [
                {"type": "photo", "media": "attach://a", "duration": 3},
                {"type": "photo", "media": "attach://a"},
            ]
        )
        check_call("sendMediaGroup", {"chat_id": "1", "media": media}, {"a": photo})


# --- account --------------------------------------------------------------------------------


def test_verify_names_the_bot_the_channel_and_its_subscribers(
    fake: FakeTelegram, transport: None
) -> None:
    status = connector(fake).verify()
    assert status.ok
    assert status.message == (
        "bot @martin_annonces_bot posts to Boulangerie Martin (@boulangeriemartin), "
        "1,204 subscribers"
    )
    fake.chats[CHANNEL].admins.clear()
    status = connector(fake).verify()
    assert not status.ok and "is not a member of Boulangerie Martin" in status.message


def test_a_private_channel_links_to_its_members_only_address(
    tmp_path: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.channel(-1002000000001, "Équipe", None)
    monkeypatch.setenv("MARTIN_TG_TOKEN", fake.token)
    ws = NetWorkspace.create(tmp_path, fake.handler, account_yaml("'-1002000000001'"))
    ws.post("equipe", ["telegram"], "Planning")
    [result] = ws.publish().results
    message_id = fake.posted(-1002000000001)[0]["message_id"]
    assert result.url == f"https://t.me/c/2000000001/{message_id}"


def test_subscribers_are_the_account_metric(fake: FakeTelegram, transport: None) -> None:
    assert connector(fake).account_metrics(date(2026, 11, 25)).followers == 1204

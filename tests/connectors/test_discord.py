"""Discord webhook connector, through the publishing engine, against a fake that validates
every request and answer with openapi-core against Discord's own spec (tests/specs/discord)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from discord_fake import FakeDiscord, SpecViolation
from net_workspace import NetWorkspace

from cmkit.connectors import http
from cmkit.connectors.base import ConnectorError
from cmkit.connectors.discord import DiscordConnector
from cmkit.models import Account

PINGS = "Ouverture dimanche @everyone ! @here <@&1300000000000000099> <@1300000000000000123>"


@pytest.fixture
def fake() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
def url(fake: FakeDiscord) -> str:
    return fake.webhook()


@pytest.fixture
def ws(
    tmp_path: Path, fake: FakeDiscord, url: str, monkeypatch: pytest.MonkeyPatch
) -> NetWorkspace:
    monkeypatch.setenv("MARTIN_DISCORD_WEBHOOK", url)
    return NetWorkspace.create(
        tmp_path, fake.handler, "  discord:\n    token_env: MARTIN_DISCORD_WEBHOOK\n"
    )


@pytest.fixture
def transport(fake: FakeDiscord) -> Iterator[None]:
    with http.override(transport=httpx.MockTransport(fake.handler)), http.instant_sleep():
        yield


def connector(url: str, handle: str | None = None) -> DiscordConnector:
    return DiscordConnector(Account(handle=handle, token_env="W"), lambda role: url)


def executions(fake: FakeDiscord) -> list[httpx.Request]:
    return [r for r in fake.requests if r.method == "POST"]


def test_everyone_here_roles_and_users_never_ping(ws: NetWorkspace, fake: FakeDiscord) -> None:
    ws.post("dimanche", ["discord"], PINGS)
    [result] = ws.publish().results
    assert result.status == "published"
    [message] = fake.messages
    assert message["content"] == PINGS and message["mention_everyone"] is False
    assert fake.pinged == []
    assert json.loads(executions(fake)[0].content)["allowed_mentions"] == {"parse": []}


def test_without_allowed_mentions_discord_would_ping_everyone(fake: FakeDiscord, url: str) -> None:
    client = httpx.Client(transport=httpx.MockTransport(fake.handler))
    api = url.replace("/api/", "/api/v10/")
    answer = client.post(api, params={"wait": "true"}, json={"content": PINGS})
    assert answer.status_code == 200 and answer.json()["mention_everyone"] is True
    assert fake.pinged == [
        "everyone",
        "role:1300000000000000099",
        "user:1300000000000000123",
    ]


def test_the_message_id_and_link_are_recorded_and_the_webhook_never(
    ws: NetWorkspace, fake: FakeDiscord, url: str
) -> None:
    ws.post("hello", ["discord"], "Bonjour")
    [result] = ws.publish().results
    [message] = fake.messages
    done = ws.events("done")[0]
    assert done["remote_id"] == message["id"]
    assert done["url"] == (
        f"https://discord.com/channels/1300000000000000007/1300000000000000042/{message['id']}"
    )
    assert executions(fake)[0].url.params["wait"] == "true"
    token = url.rsplit("/", 1)[1]
    assert token not in (ws.client / "data" / "ledger.jsonl").read_text()
    assert token not in json.dumps(result.to_json())


def test_a_link_becomes_an_embed_read_from_the_page(ws: NetWorkspace, fake: FakeDiscord) -> None:
    fake.pages["https://boulangerie-martin.fr/noel"] = (
        "<html><head><meta property='og:title' content='La carte de Noël'>"
        "<meta property='og:description' content='Bûches et galettes'>"
        "<meta property='og:image' content='https://boulangerie-martin.fr/noel.jpg'>"
        "</head></html>"
    )
    ws.post("noel", ["discord"], "La carte est en ligne", link="https://boulangerie-martin.fr/noel")
    [result] = ws.publish().results
    assert result.status == "published"
    [embed] = fake.messages[0]["embeds"]
    assert embed["url"].startswith("https://boulangerie-martin.fr/noel?utm_source=discord")
    assert (embed["title"], embed["description"]) == ("La carte de Noël", "Bûches et galettes")
    assert embed["thumbnail"] == {"url": "https://boulangerie-martin.fr/noel.jpg"}
    assert fake.messages[0]["content"] == "La carte est en ligne"


def test_a_link_already_in_the_text_is_tagged_there_and_left_to_discord(
    ws: NetWorkspace, fake: FakeDiscord
) -> None:
    ws.post(
        "noel",
        ["discord"],
        "À lire https://boulangerie-martin.fr/noel !",
        link="https://boulangerie-martin.fr/noel",
    )
    ws.publish()
    [message] = fake.messages
    assert message["embeds"] == []
    assert message["content"].startswith(
        "À lire https://boulangerie-martin.fr/noel?utm_source=discord"
    )
    assert message["content"].count("boulangerie-martin.fr") == 1


def test_images_and_video_go_as_files_with_their_alt_text(
    tmp_path: Path, fake: FakeDiscord, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARTIN_DISCORD_WEBHOOK", url)
    ws = NetWorkspace.create(
        tmp_path,
        fake.handler,
        "  discord:\n    handle: Boulangerie Martin\n    token_env: MARTIN_DISCORD_WEBHOOK\n",
    )
    ws.post("four", ["discord"], "Le four", media=[ws.image("a.jpg"), ws.video("four.mp4")])
    [result] = ws.publish().results
    assert result.status == "published"
    [message] = fake.messages
    assert [a["description"] for a in message["attachments"]] == ["Photo 1", "Photo 2"]
    assert [a["filename"] for a in message["attachments"]] == ["a.jpg", "four.mp4"]
    assert message["author"]["username"] == "Boulangerie Martin"


# --- faults ---------------------------------------------------------------------------------


def test_429_is_waited_out_and_sent_once(ws: NetWorkspace, fake: FakeDiscord) -> None:
    fake.fault("respond-429")
    ws.post("hello", ["discord"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "published" and len(fake.messages) == 1
    assert any(w >= 4.9 for w in ws.waits)


@pytest.mark.parametrize("fault", ["timeout-after", "respond-500"])
def test_an_uncertain_send_asks_a_human_and_is_never_repeated(
    ws: NetWorkspace, fake: FakeDiscord, fault: str
) -> None:
    fake.fault(fault)
    ws.post("hello", ["discord"], "Bonjour")
    [first] = ws.publish().results
    assert first.status == "unknown" and "may be in the channel" in first.message
    [again] = ws.publish(now="2026-11-25T09:30:00+01:00").results
    assert again.status == "unknown" and "needs a human" in again.message
    assert len(executions(fake)) == 1


def test_a_deleted_webhook_says_to_make_a_new_one(ws: NetWorkspace, fake: FakeDiscord) -> None:
    fake.hooks.clear()
    ws.post("hello", ["discord"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "failed" and "no such webhook" in result.message
    assert "MARTIN_DISCORD_WEBHOOK" in result.hint


def test_a_secret_that_is_no_webhook_url(
    ws: NetWorkspace, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARTIN_DISCORD_WEBHOOK", "https://example.com/hook/123")
    ws.post("hello", ["discord"], "Bonjour")
    [result] = ws.publish().results
    assert result.status == "failed" and "not a Discord webhook URL" in result.message
    assert not fake.requests


def test_check_knows_discord_s_rules(ws: NetWorkspace) -> None:
    ws.post("long", ["discord"], "x" * 2001, at="2026-11-26 09:00")
    ws.post("ping", ["discord"], "@everyone venez", at="2026-11-27 09:00")
    found = {(p.path.rsplit("/", 1)[-1], p.rule, p.severity.value) for p in ws.check()}
    assert ("long.md", "text/too-long", "error") in found
    assert ("ping.md", "discord/no-ping", "warning") in found


def test_the_fake_refuses_what_discord_s_spec_refuses(fake: FakeDiscord, url: str) -> None:
    client = httpx.Client(transport=httpx.MockTransport(fake.handler))
    api = url.replace("/api/", "/api/v10/")
    with pytest.raises(SpecViolation, match="content"):
        client.post(api, params={"wait": "true"}, json={"content": "x" * 2001})
    with pytest.raises(SpecViolation, match="allowed_mentions"):
        client.post(api, json={"content": "x", "allowed_mentions": {"parse": ["all"]}})


# --- account --------------------------------------------------------------------------------


def test_verify_names_the_webhook(fake: FakeDiscord, url: str, transport: None) -> None:
    assert (
        connector(url).verify().message == "webhook “Annonces” posts to channel 1300000000000000042"
    )
    fake.hooks.clear()
    with pytest.raises(ConnectorError) as caught:
        connector(url).verify()
    assert caught.value.status == 401  # `cmkit accounts check` says: refused, get a new one

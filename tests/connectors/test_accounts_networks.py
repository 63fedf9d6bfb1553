"""`cmkit accounts check` for LinkedIn, X, Telegram and Discord accounts, each asked of its
fake (the same peers as the connector tests): who the account is when it works, what
to do when it does not — the lines docs/networks/*.md show."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from discord_fake import FakeDiscord
from linkedin_fake import FakeLinkedIn
from telegram_fake import FakeTelegram
from x_fake import FakeX

from cmkit.connectors import http

CLIENT = """\
name: Boulangerie Martin
accounts:
  linkedin:
    id: "urn:li:organization:5515715"
    token_env: MARTIN_LINKEDIN_TOKEN
  x:
    handle: "@BoulangerieMtn"
    token_env: MARTIN_X_ACCESS_TOKEN
    secrets:
      token_secret: MARTIN_X_ACCESS_SECRET
      api_key: MARTIN_X_API_KEY
      api_secret: MARTIN_X_API_SECRET
  telegram:
    id: "@boulangeriemartin"
    token_env: MARTIN_TELEGRAM_BOT_TOKEN
  discord:
    token_env: MARTIN_DISCORD_WEBHOOK
"""
LINKEDIN_TOKEN = "AQV-linkedin-token-0123456789"
MEMBER = "urn:li:person:782bbtaQ"
PAGE = "urn:li:organization:5515715"
CHANNEL = -1001987654321


@dataclass
class Peers:
    linkedin: FakeLinkedIn
    x: FakeX
    telegram: FakeTelegram
    discord: FakeDiscord
    webhook: str

    def handler(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host.endswith("linkedin.com"):
            return self.linkedin.handler(request)
        if host == "api.x.com":
            return self.x.handler(request)
        if host == "api.telegram.org":
            return self.telegram.handler(request)
        return self.discord.handler(request)

    def env(self) -> dict[str, str]:
        return {
            "MARTIN_LINKEDIN_TOKEN": LINKEDIN_TOKEN,
            "MARTIN_X_ACCESS_TOKEN": self.x.access[0],
            "MARTIN_X_ACCESS_SECRET": self.x.access[1],
            "MARTIN_X_API_KEY": self.x.consumer[0],
            "MARTIN_X_API_SECRET": self.x.consumer[1],
            "MARTIN_TELEGRAM_BOT_TOKEN": self.telegram.token,
            "MARTIN_DISCORD_WEBHOOK": self.webhook,
        }


@pytest.fixture
def peers() -> Iterator[Peers]:
    linkedin = FakeLinkedIn()
    scopes = {"openid", "w_organization_social", "r_organization_social", "rw_organization_admin"}
    linkedin.organization(
        5515715,
        "Boulangerie Martin",
        linkedin.member("782bbtaQ", "Claire Martin", LINKEDIN_TOKEN, scopes),
    )
    telegram = FakeTelegram()
    telegram.channel(CHANNEL, "Boulangerie Martin", "boulangeriemartin")
    discord = FakeDiscord()
    found = Peers(linkedin, FakeX(), telegram, discord, discord.webhook())
    with http.override(transport=httpx.MockTransport(found.handler)), http.instant_sleep():
        yield found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "agency"
    (root / "clients" / "martin").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    (root / "clients" / "martin" / "client.yaml").write_text(CLIENT)
    return root


def check(cmkit: Callable[..., Any], root: Path) -> Any:
    result = cmkit("-w", root, "accounts", "check")
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    return result


def test_working_accounts_say_who_they_are(
    peers: Peers, root: Path, cmkit: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in peers.env().items():
        monkeypatch.setenv(name, value)
    result = check(cmkit, root)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert f"✓ linkedin Page Boulangerie Martin ({PAGE}), 842 followers" in text
    assert "✓ x @BoulangerieMtn, 1,530 followers (OAuth 1.0a)" in text
    assert (
        "✓ telegram bot @martin_annonces_bot posts to Boulangerie Martin "
        "(@boulangeriemartin), 1,204 subscribers"
    ) in text
    assert "✓ discord webhook “Annonces” posts to channel 1300000000000000042" in text


def test_refused_secrets_say_where_to_get_new_ones(
    peers: Peers, root: Path, cmkit: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = peers.env() | {
        "MARTIN_LINKEDIN_TOKEN": "AQV-an-expired-token-000",
        "MARTIN_X_ACCESS_SECRET": "an-old-secret-000000",
        "MARTIN_TELEGRAM_BOT_TOKEN": "7712345678:AAF-revoked-0000000",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    peers.discord.hooks.clear()
    result = check(cmkit, root)
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "✗ linkedin linkedin: the access token is expired or revoked" in text
    assert "LinkedIn's token generator; it lasts 60 days" in text
    assert "✗ x x: X refused the keys" in text and "X developer portal" in text
    assert "✗ telegram telegram: Telegram refused the bot token" in text and "@BotFather" in text
    assert "✗ discord discord: Discord knows no such webhook" in text
    assert "put it in MARTIN_DISCORD_WEBHOOK" in text
    assert "revoked-0000000" not in result.stdout and peers.webhook not in result.stdout


def test_missing_secrets_name_their_variables(
    peers: Peers, root: Path, cmkit: Callable[..., Any]
) -> None:
    text = " ".join(check(cmkit, root).stdout.split())
    assert "✗ discord no webhook URL: MARTIN_DISCORD_WEBHOOK is not set" in text
    assert "✗ telegram no bot token: MARTIN_TELEGRAM_BOT_TOKEN is not set" in text
    assert "`cmkit secrets set martin/linkedin`" in text


def test_an_account_that_cannot_post_says_why(
    peers: Peers, root: Path, cmkit: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in peers.env().items():
        monkeypatch.setenv(name, value)
    peers.linkedin.roles[(MEMBER, PAGE)] = "ANALYST"
    peers.telegram.chats[CHANNEL].admins[peers.telegram.bot["id"]] = {"can_post_messages": False}
    text = " ".join(check(cmkit, root).stdout.split())
    assert "the token's member has ANALYST there and cannot post" in text
    assert "is an administrator without 'Post messages' in Boulangerie Martin" in text
    assert "fix the handle" not in text  # the account is the right one: name the role
    found = {
        r["network"]: r for r in json.loads(cmkit("-w", root, "accounts", "check", "--json").stdout)
    }
    linkedin, telegram = found["linkedin"], found["telegram"]
    assert linkedin["state"] == telegram["state"] == "no-permission"
    assert "Super admin or Content admin" in linkedin["hint"]
    assert "add @martin_annonces_bot with 'Post messages'" in telegram["hint"]

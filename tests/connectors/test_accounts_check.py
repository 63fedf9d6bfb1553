"""`cmkit accounts check`: each configured account asked of its network, what to fix said.

Mastodon answers from the spec-validated fake; Bluesky from the real local PDS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from mastodon_fake import FakeMastodon

from cmkit.connectors import http

if TYPE_CHECKING:
    from conftest import Pds

CLIENT_YAML = """\
name: Boulangerie Martin
timezone: Europe/Paris
accounts:
  mastodon:
    handle: "{handle}"
    instance: https://piaille.example
    token_env: MARTIN_MASTODON_TOKEN
{extra}"""


class Route(httpx.BaseTransport):
    """The fake for piaille.example, the real network (loopback only) for the rest."""

    def __init__(self, fake: FakeMastodon) -> None:
        self.fake = fake.transport()
        self.real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "piaille.example":
            return self.fake.handle_request(request)
        return self.real.handle_request(request)


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    peer = FakeMastodon()
    with http.override(transport=Route(peer)), http.instant_sleep():
        yield peer


def workspace(
    tmp_path: Path, handle: str = "@boulangerie@piaille.example", extra: str = ""
) -> Path:
    root = tmp_path / "agency"
    (root / "clients" / "boulangerie-martin").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    (root / "clients" / "boulangerie-martin" / "client.yaml").write_text(
        CLIENT_YAML.format(handle=handle, extra=extra)
    )
    return root


def test_missing_token_names_the_variable_and_the_command(
    fake: FakeMastodon, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    result = cmkit("-w", workspace(tmp_path), "accounts", "check")
    assert result.exit_code == 1
    assert "✗ mastodon" in result.stdout
    assert "MARTIN_MASTODON_TOKEN is not set" in result.stdout
    assert "`cmkit secrets set boulangerie-martin/mastodon`" in result.stdout
    assert "`cmkit auth mastodon boulangerie-martin`" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert fake.requests == []  # nothing to ask the network without a token


def test_working_token_says_who_and_caches_the_instance_limits(
    fake: FakeMastodon,
    tmp_path: Path,
    cmkit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", fake.token)
    fake.max_characters = 1000
    result = cmkit("-w", workspace(tmp_path), "accounts", "check")
    assert result.exit_code == 0, result.stdout + result.stderr
    shown = " ".join(result.stdout.split())  # as read, whatever the wrapping
    assert "✓ mastodon logged in as @boulangerie@piaille.example (1000 characters per post)" in (
        shown
    )
    assert "1 account(s): 1 ok" in result.stderr
    from cmkit.connectors import mastodon_instance

    limits = mastodon_instance.cached("https://piaille.example")
    assert limits is not None and limits.max_characters == 1000


def test_refused_token_says_how_to_get_a_new_one(
    fake: FakeMastodon,
    tmp_path: Path,
    cmkit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    revoked = "tok-revoked-Qm2sX8vL"
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", revoked)
    result = cmkit("-w", workspace(tmp_path), "accounts", "check", "--json")
    assert result.exit_code == 1
    (row,) = json.loads(result.stdout)
    assert row["state"] == "refused" and row["source"] == "environment (MARTIN_MASTODON_TOKEN)"
    assert "Preferences → Development" in row["hint"]
    assert "put it in MARTIN_MASTODON_TOKEN" in row["hint"]
    assert revoked not in result.stdout + result.stderr


def test_token_of_another_account_is_caught(
    fake: FakeMastodon,
    tmp_path: Path,
    cmkit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", fake.token)
    result = cmkit("-w", workspace(tmp_path, handle="@cafe@piaille.example"), "accounts", "check")
    assert result.exit_code == 1
    shown = " ".join(result.stdout.split())
    assert "the token belongs to @boulangerie@piaille.example" in shown
    assert "fix the handle in clients/boulangerie-martin/client.yaml" in shown


@pytest.mark.pds
def test_bluesky_app_password_checked_on_the_real_server(
    fake: FakeMastodon,
    pds: Pds,
    tmp_path: Path,
    cmkit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = pds.create_account("alice")
    extra = (
        f"  bluesky:\n    handle: {alice.handle}\n    instance: {pds.url}\n"
        "    token_env: MARTIN_BLUESKY_APP_PASSWORD\n"
    )
    root = workspace(tmp_path, extra=extra)
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", fake.token)
    monkeypatch.setenv("MARTIN_BLUESKY_APP_PASSWORD", alice.password)
    result = cmkit("-w", root, "accounts", "check")
    assert result.exit_code == 0, result.stdout
    assert f"✓ bluesky logged in as @{alice.handle} on localhost:" in " ".join(
        result.stdout.split()
    )

    monkeypatch.setenv("MARTIN_BLUESKY_APP_PASSWORD", "wxyz-wxyz-wxyz-wxyz")
    result = cmkit("-w", root, "accounts", "check", "--json")
    rows = {r["network"]: r for r in json.loads(result.stdout)}
    assert result.exit_code == 1
    assert rows["mastodon"]["ok"] and not rows["bluesky"]["ok"]
    assert rows["bluesky"]["state"] == "refused"
    assert "refused the app password" in rows["bluesky"]["message"]
    assert "App passwords" in rows["bluesky"]["hint"]
    assert "wxyz-wxyz" not in result.stdout + result.stderr

"""`cmkit auth mastodon`: app registration and OAuth out-of-band code, against the
spec-validated fake; the token lands in the keyring or a git-ignored .env, never on screen."""

from __future__ import annotations

import json
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from mastodon_fake import BASE, FakeMastodon

from cmkit.connectors import http, mastodon_oauth

CLIENT_YAML = """\
name: Café Érable
accounts:
  mastodon:
    handle: "@boulangerie@piaille.example"
    instance: https://piaille.example
    token_env: ERABLE_MASTODON_TOKEN
"""


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    peer = FakeMastodon()
    with http.override(transport=peer.transport()), http.instant_sleep():
        yield peer


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    saved = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(saved)


def workspace(tmp_path: Path, *, git_ignores_env: bool | None = None) -> Path:
    root = tmp_path / "agency"
    (root / "clients" / "cafe-erable").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: America/Montreal\nlocale: fr-CA\n")
    (root / "clients" / "cafe-erable" / "client.yaml").write_text(CLIENT_YAML)
    if git_ignores_env is not None:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / ".gitignore").write_text(".env\n" if git_ignores_env else "")
    return root


def approve_in_browser(fake: FakeMastodon) -> str:
    """The user's part: cmkit registered (and saved) its app; they approve it."""
    app = mastodon_oauth.register_app(BASE)
    return fake.approve(app.client_id)


def test_sign_in_stores_the_token_in_the_keyring(
    fake: FakeMastodon,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    cmkit: Callable[..., Any],
) -> None:
    code = approve_in_browser(fake)
    result = cmkit(
        "-w",
        workspace(tmp_path),
        "auth",
        "mastodon",
        "cafe-erable",
        "--no-browser",
        input=code + "\n",
    )
    assert result.exit_code == 0, result.stderr
    (token,) = [t for t in fake.tokens if t != fake.token]
    assert memory_keyring.values[("cmkit", "cafe-erable/mastodon")] == token
    assert "signed in as @boulangerie@piaille.example" in result.stderr
    assert "the OS keyring (cmkit cafe-erable/mastodon)" in result.stderr
    assert token not in result.stdout + result.stderr
    assert len(fake.apps) == 1, "the saved app is reused, not registered again"
    app = next(iter(fake.apps.values()))
    assert app["scopes"] == ["read", "write"]
    assert f"{BASE}/oauth/authorize?client_id={app['client_id']}" in result.stderr
    assert "redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob" in result.stderr


def test_the_new_token_works_for_accounts_check(
    fake: FakeMastodon,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    cmkit: Callable[..., Any],
) -> None:
    root = workspace(tmp_path)
    code = approve_in_browser(fake)
    assert cmkit("-w", root, "auth", "mastodon", "cafe-erable", "--code", code).exit_code == 0
    check = cmkit("-w", root, "accounts", "check", "--json")
    (row,) = json.loads(check.stdout)
    assert row["ok"] and row["source"] == "keyring (cmkit cafe-erable/mastodon)"


def test_a_wrong_code_is_refused_clearly(
    fake: FakeMastodon,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    cmkit: Callable[..., Any],
) -> None:
    result = cmkit(
        "-w", workspace(tmp_path), "auth", "mastodon", "cafe-erable", "--code", "not-the-code"
    )
    assert result.exit_code != 0
    assert "did not accept that code" in result.stderr
    assert "run `cmkit auth mastodon` again" in result.stderr
    assert memory_keyring.values == {}


def test_without_a_keyring_it_says_to_use_the_env_file(
    fake: FakeMastodon, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    code = approve_in_browser(fake)  # the test keyring is the null backend: it keeps nothing
    result = cmkit("-w", workspace(tmp_path), "auth", "mastodon", "cafe-erable", "--code", code)
    assert result.exit_code == 2
    assert "did not keep the token" in result.stderr and "--store env" in result.stderr


def test_store_env_writes_a_private_git_ignored_env(
    fake: FakeMastodon, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, git_ignores_env=True)
    (root / ".env").write_text("OTHER=1\nERABLE_MASTODON_TOKEN=old-token-xyz\n")
    code = approve_in_browser(fake)
    result = cmkit("-w", root, "auth", "mastodon", "cafe-erable", "--code", code, "--store", "env")
    assert result.exit_code == 0, result.stderr
    (token,) = [t for t in fake.tokens if t != fake.token]
    assert (root / ".env").read_text() == f"OTHER=1\nERABLE_MASTODON_TOKEN={token}\n"
    assert stat.S_IMODE((root / ".env").stat().st_mode) == 0o600
    check = cmkit("-w", root, "accounts", "check", "--json")
    assert json.loads(check.stdout)[0]["source"] == ".env (ERABLE_MASTODON_TOKEN)"


def test_store_env_refuses_a_env_git_would_commit(
    fake: FakeMastodon, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, git_ignores_env=False)
    code = approve_in_browser(fake)
    result = cmkit("-w", root, "auth", "mastodon", "cafe-erable", "--code", code, "--store", "env")
    assert result.exit_code == 2
    assert "git does not ignore" in result.stderr and "add `.env`" in result.stderr
    assert not (root / ".env").exists()


def test_no_instance_anywhere_says_where_to_put_it(
    tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path)
    (root / "clients" / "cafe-erable" / "client.yaml").write_text("name: Café Érable\n")
    result = cmkit("-w", root, "auth", "mastodon", "cafe-erable", "--code", "x")
    assert result.exit_code == 2
    assert "no Mastodon instance for cafe-erable" in result.stderr
    assert "--instance" in result.stderr

"""Token lookup: environment, then a git-ignored .env, then the OS keyring; and
`cmkit secrets`, which never takes a token as an argument nor prints one."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from cmkit.diagnostics import CmkitError
from cmkit.models import Account
from cmkit.redaction import redact
from cmkit.secrets import Secrets, parse_env_file

VAR = "MARTIN_MASTODON_TOKEN"
ACCOUNT = Account(handle="@martin", token_env=VAR, secrets={"api_key": "MARTIN_X_KEY"})


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def vault() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "cmkit.yaml").write_text("timezone: Europe/Paris\n")
    client = tmp_path / "clients" / "martin"
    client.mkdir(parents=True)
    (client / "client.yaml").write_text(
        f"name: Martin\naccounts:\n  mastodon:\n    handle: '@martin'\n    token_env: {VAR}\n"
    )
    return tmp_path


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def write_env(root: Path, text: str) -> Path:
    path = root / ".env"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_environment_then_env_file_then_keyring(
    root: Path, vault: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.store[("cmkit", "martin/mastodon")] = "from-the-keyring-1"
    assert (
        Secrets(root).find("martin", "mastodon", ACCOUNT).source
        == "keyring (cmkit martin/mastodon)"
    )  # type: ignore[union-attr]
    write_env(root, f"{VAR}=from-the-env-file-2\n")
    found = Secrets(root).find("martin", "mastodon", ACCOUNT)
    assert found is not None and found.value == "from-the-env-file-2"
    assert found.source == f".env ({VAR})"
    monkeypatch.setenv(VAR, "from-the-environment-3")
    assert Secrets(root).get("martin", "mastodon", ACCOUNT) == "from-the-environment-3"


def test_roles_have_their_own_variable_and_keyring_entry(root: Path, vault: MemoryKeyring) -> None:
    vault.store[("cmkit", "martin/x/api_key")] = "api-key-value-4"
    assert Secrets(root).get("martin", "x", ACCOUNT, "api_key") == "api-key-value-4"
    write_env(root, "MARTIN_X_KEY=api-key-value-5\n")
    assert Secrets(root).get("martin", "x", ACCOUNT, "api_key") == "api-key-value-5"


def test_every_secret_read_is_redacted_from_then_on(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VAR, "Zx81-unique-secret-value")
    value = Secrets(root).get("martin", "mastodon", ACCOUNT)
    assert redact(f"answer was {value}!") == "answer was [redacted]!"


def test_missing_says_where_to_put_it(root: Path) -> None:
    with pytest.raises(CmkitError) as caught:
        Secrets(root).get("martin", "mastodon", ACCOUNT)
    assert caught.value.message == "martin/mastodon: no token found"
    assert VAR in caught.value.hint and "cmkit secrets set martin/mastodon" in caught.value.hint


def test_a_tracked_env_file_is_refused(root: Path) -> None:
    git(root, "init", "-q")
    write_env(root, f"{VAR}=leaked-token-6\n")
    git(root, "add", "-f", ".env")
    with pytest.raises(CmkitError, match="tracked by git") as caught:
        Secrets(root).get("martin", "mastodon", ACCOUNT)
    assert "revoke" in caught.value.hint and "leaked-token-6" not in str(caught.value)


def test_an_env_file_git_would_commit_is_used_with_a_warning(root: Path) -> None:
    git(root, "init", "-q")
    write_env(root, f"{VAR}=token-7\n").chmod(0o644)
    secrets = Secrets(root)
    assert secrets.get("martin", "mastodon", ACCOUNT) == "token-7"
    assert any("not ignored by git" in w for w in secrets.warnings)
    assert any("chmod 600" in w for w in secrets.warnings)


def test_an_ignored_private_env_file_is_quiet(root: Path) -> None:
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env\n")
    write_env(root, f"{VAR}=token-8\n")
    secrets = Secrets(root)
    assert secrets.get("martin", "mastodon", ACCOUNT) == "token-8" and secrets.warnings == []


def test_env_file_syntax() -> None:
    assert parse_env_file(
        "# tokens\nexport A=1\nB = 'two words'\nC=\"x#y\"\nD=plain # note\n\nnot a line\n"
    ) == {"A": "1", "B": "two words", "C": "x#y", "D": "plain"}


def test_secrets_set_reads_stdin_and_never_prints_the_value(
    root: Path, vault: MemoryKeyring, cmkit: Callable[..., Any]
) -> None:
    r = cmkit("-w", root, "secrets", "set", "martin/mastodon", input="tok-set-from-stdin-9\n")
    assert r.exit_code == 0, r.stderr
    assert vault.store[("cmkit", "martin/mastodon")] == "tok-set-from-stdin-9"
    assert "tok-set-from-stdin-9" not in r.stdout + r.stderr
    assert "keyring: cmkit martin/mastodon" in r.stderr and VAR in r.stderr

    status = cmkit("-w", root, "secrets", "status", "--json")
    assert status.exit_code == 0
    assert json.loads(status.stdout) == [
        {
            "client": "martin",
            "network": "mastodon",
            "role": "token",
            "variable": VAR,
            "source": "keyring (cmkit martin/mastodon)",
            "fix": None,
        }
    ]
    assert "tok-set-from-stdin-9" not in status.stdout

    gone = cmkit("-w", root, "secrets", "delete", "martin/mastodon")
    assert gone.exit_code == 0 and vault.store == {}
    missing = cmkit("-w", root, "secrets", "status")
    assert missing.exit_code == 1 and "MISSING" in missing.stdout


def test_the_shortener_key_is_set_listed_and_deleted_like_a_token(
    root: Path, vault: MemoryKeyring, cmkit: Callable[..., Any]
) -> None:
    client = root / "clients" / "martin" / "client.yaml"
    client.write_text(
        client.read_text() + "links:\n  shortener:\n    kind: bitly\n    token_env: MARTIN_BITLY\n"
    )
    before = json.loads(cmkit("-w", root, "secrets", "status", "--json").stdout)
    [short] = [row for row in before if row["network"] == "shortener"]
    assert short["variable"] == "MARTIN_BITLY" and short["source"] is None
    assert "cmkit secrets set martin/shortener" in short["fix"]

    r = cmkit("-w", root, "secrets", "set", "martin/shortener", input="bitly-key-0123456789\n")
    assert r.exit_code == 0, r.stderr
    assert vault.store[("cmkit", "martin/shortener")] == "bitly-key-0123456789"
    assert "$MARTIN_BITLY" in r.stderr and "bitly-key" not in r.stdout + r.stderr
    after = json.loads(cmkit("-w", root, "secrets", "status", "--json").stdout)
    assert [row["source"] for row in after if row["network"] == "shortener"] == [
        "keyring (cmkit martin/shortener)"
    ]
    # what publishing reads is what `secrets set` wrote
    import yaml

    from cmkit.models import Client
    from cmkit.shorten import key_for

    config = Client.model_validate(yaml.safe_load(client.read_text())).links.shortener
    assert config is not None and key_for("martin", config, Secrets(root)) == "bitly-key-0123456789"

    assert cmkit("-w", root, "secrets", "delete", "martin/shortener").exit_code == 0
    assert vault.store == {}


def test_secrets_set_refuses_bad_targets_and_empty_values(
    root: Path, vault: MemoryKeyring, cmkit: Callable[..., Any]
) -> None:
    assert "not CLIENT/NETWORK" in cmkit("-w", root, "secrets", "set", "martin", input="x\n").stderr
    assert (
        "no client 'nobody'"
        in cmkit("-w", root, "secrets", "set", "nobody/mastodon", input="x\n").stderr
    )
    empty = cmkit("-w", root, "secrets", "set", "martin/mastodon", input="\n")
    assert empty.exit_code == 2 and "no value given" in empty.stderr and vault.store == {}


def test_without_a_usable_keyring_the_message_says_what_to_do(
    root: Path, cmkit: Callable[..., Any]
) -> None:
    r = cmkit("-w", root, "secrets", "set", "martin/mastodon", input="tok-10-abcdef\n")
    assert r.exit_code == 2  # the tests' null keyring keeps nothing
    assert "keyring" in r.stderr and "token_env" in r.stderr
    assert "tok-10-abcdef" not in r.stderr

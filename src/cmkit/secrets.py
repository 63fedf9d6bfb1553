"""Tokens, from outside the repository only, and never written anywhere.

For one account (client, network) and a role ("token" unless a network needs
several, e.g. X's "api_key"), the secret comes from, in order:

1. the environment variable client.yaml names (`token_env`, or `secrets: {role: VAR}`);
2. the same variable in `.env` at the workspace root, which git must ignore
   (a tracked `.env` is refused: its tokens are already in the history);
3. the OS keyring, service "cmkit", entry "<client>/<network>" (or
   "<client>/<network>/<role>"), as `cmkit secrets set` stores it.

Every value read is registered with `cmkit.redaction`, so it is replaced by
"[redacted]" in anything cmkit prints or writes.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .diagnostics import CmkitError
from .models import Account
from .redaction import register

SERVICE = "cmkit"
DEFAULT_ROLE = "token"
ENV_FILE = ".env"
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def keyring_entry(client: str, network: str, role: str = DEFAULT_ROLE) -> str:
    return f"{client}/{network}" if role == DEFAULT_ROLE else f"{client}/{network}/{role}"


def env_name(account: Account | None, role: str = DEFAULT_ROLE) -> str | None:
    """The variable client.yaml names for this role, if any."""
    if account is None:
        return None
    if role in account.secrets:
        return account.secrets[role]
    return account.token_env if role == DEFAULT_ROLE else None


@dataclass(frozen=True)
class Found:
    value: str
    source: str  # "environment (VAR)", ".env (VAR)", "keyring (entry)"


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines; quotes around a value are removed, # starts a comment line."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def _git(root: Path, *args: str) -> int | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git here: nothing to check against
    return done.returncode


@cache
def _env_file_state(root: Path) -> tuple[bool, bool]:
    """(tracked by git, ignored by git) for root/.env; (False, True) outside a repository."""
    if _git(root, "rev-parse", "--is-inside-work-tree") != 0:
        return False, True
    tracked = _git(root, "ls-files", "--error-unmatch", ENV_FILE) == 0
    ignored = _git(root, "check-ignore", "-q", ENV_FILE) == 0
    return tracked, ignored


@dataclass
class Secrets:
    """Secret lookup for one workspace. `warnings` collects what the user should fix."""

    root: Path
    warnings: list[str] = field(default_factory=list)
    _env_file: dict[str, str] | None = field(default=None, repr=False)

    def env_file(self) -> dict[str, str]:
        if self._env_file is None:
            self._env_file = self._read_env_file()
        return self._env_file

    def _read_env_file(self) -> dict[str, str]:
        path = self.root / ENV_FILE
        if not path.is_file():
            return {}
        tracked, ignored = _env_file_state(self.root)
        if tracked:
            raise CmkitError(
                f"{path} is tracked by git, so its tokens are in the repository history",
                "revoke and replace those tokens, then `git rm --cached .env` and add "
                "`.env` to .gitignore",
            )
        if not ignored:
            self.warnings.append(
                f"{path} is not ignored by git: add `.env` to .gitignore before a commit "
                "takes your tokens with it"
            )
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            self.warnings.append(f"{path} can be read by other users: chmod 600 {path}")
        try:
            return parse_env_file(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CmkitError(f"cannot read {path}: {exc}", "fix the file or remove it") from None

    def find(
        self, client: str, network: str, account: Account | None, role: str = DEFAULT_ROLE
    ) -> Found | None:
        """Where the secret is (value and source), or None when it is nowhere."""
        var = env_name(account, role)
        if var and os.environ.get(var):
            return Found(register(os.environ[var]), f"environment ({var})")
        if var and self.env_file().get(var):
            return Found(register(self.env_file()[var]), f".env ({var})")
        entry = keyring_entry(client, network, role)
        value = keyring_get(entry)
        if value:
            return Found(register(value), f"keyring ({SERVICE} {entry})")
        return None

    def get(
        self, client: str, network: str, account: Account | None, role: str = DEFAULT_ROLE
    ) -> str:
        found = self.find(client, network, account, role)
        if found is None:
            raise missing(client, network, account, role)
        return found.value

    def lookup_for(
        self, client: str, network: str, account: Account | None
    ) -> Callable[[str], str]:
        """The `secret(role)` callable a connector receives."""

        def lookup(role: str = DEFAULT_ROLE) -> str:
            return self.get(client, network, account, role)

        return lookup


def missing(client: str, network: str, account: Account | None, role: str) -> CmkitError:
    var = env_name(account, role)
    where = f"set {var} in the environment or in .env, or run " if var else "run "
    role_opt = "" if role == DEFAULT_ROLE else f" --role {role}"
    return CmkitError(
        f"{client}/{network}: no {role} found",
        f"{where}`cmkit secrets set {client}/{network}{role_opt}`",
    )


def keyring_get(entry: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(SERVICE, entry)
    except (KeyringError, RuntimeError):
        return None  # no usable keyring (servers, CI): the other sources still work
    return value or None


def keyring_set(entry: str, value: str | None) -> None:
    """Store (or, with None, delete) a secret in the OS keyring."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if value is None:
            keyring.delete_password(SERVICE, entry)
        else:
            keyring.set_password(SERVICE, entry, value)
    except PasswordDeleteError:
        raise CmkitError(f"the keyring holds no entry {SERVICE} {entry}") from None
    except (KeyringError, RuntimeError) as exc:
        raise CmkitError(
            f"no usable OS keyring here ({type(exc).__name__})",
            "on a server or in CI, put the token in the environment variable client.yaml "
            "names (token_env) or in a git-ignored .env",
        ) from None

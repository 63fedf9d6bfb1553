"""Is every configured account usable? `cmkit accounts check` asks each network.

For each account in each client.yaml: is its secret somewhere (environment, .env,
keyring)? Does the network accept it, and for the account client.yaml names? The
answer is one `AccountCheck` per account, with what to do when it is not fine —
naming the variable to set and the command to run. Accounts are checked in
parallel: a slow network does not hold up the others.
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from .connectors.base import ConnectorError, NotSupported
from .diagnostics import CmkitError
from .models import Account
from .secrets import DEFAULT_ROLE, ENV_FILE, Secrets, env_name, missing
from .workspace import Workspace

WORKERS = 8

# where a community manager gets a new token, per network (docs/networks/<network>.md)
HOW_TO_GET = {
    "bluesky": "create an app password in Bluesky: Settings → Privacy and security → App passwords",
    "mastodon": "open the instance's Preferences → Development → New application, or run "
    "`cmkit auth mastodon {client}`",
    "facebook": "generate a token for the Business Manager system user that has the Page "
    "(docs/networks/facebook.md)",
    "instagram": "generate a token with instagram_content_publish for the system user "
    "(docs/networks/instagram.md)",
    "threads": "make a long-lived Threads token in the app's dashboard (docs/networks/threads.md)",
    "linkedin": "generate a token with w_organization_social (a Page) or w_member_social in "
    "LinkedIn's token generator; it lasts 60 days (docs/networks/linkedin.md)",
    "x": "regenerate the access token and secret (Read and write) in the X developer portal "
    "(docs/networks/x.md)",
    "telegram": "ask @BotFather for the bot's token: /mybots → API Token "
    "(docs/networks/telegram.md)",
    "discord": "copy the URL of the channel's webhook: channel settings → Integrations → "
    "Webhooks (docs/networks/discord.md)",
}


# what the "token" role is called on networks where it is something else
SECRET_NAMES = {"bluesky": "app password", "discord": "webhook URL", "telegram": "bot token"}


@dataclass(frozen=True)
class AccountCheck:
    client: str
    network: str
    handle: str | None
    ok: bool
    state: str  # ok | wrong-account | missing-secret | refused | unreachable | no-connector
    # | not-verifiable | error
    message: str
    hint: str = ""
    source: str | None = None  # where the secret came from, never its value

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _roles(account: Account) -> list[str]:
    return [DEFAULT_ROLE, *[r for r in account.secrets if r != DEFAULT_ROLE]]


def _refused_hint(client: str, network: str, account: Account, source: str | None) -> str:
    get = HOW_TO_GET.get(network, "get a new token from the network (see docs/networks/)")
    get = get.format(client=client)
    var = env_name(account)
    if source and source.startswith(("environment", ".env")) and var:
        where = f"put it in {var} ({source.split(' ')[0]})"
    else:
        where = f"store it with `cmkit secrets set {client}/{network}`"
    return f"get a new one — {get} — and {where}"


def check_one(secrets: Secrets, client: str, network: str, account: Account) -> AccountCheck:
    from .connectors import get_connector

    def result(
        ok: bool, state: str, message: str, hint: str = "", source: str | None = None
    ) -> AccountCheck:
        return AccountCheck(client, network, account.handle, ok, state, message, hint, source)

    source = None
    for role in _roles(account):
        found = secrets.find(client, network, account, role)
        if found is None:
            var = env_name(account, role)
            what = SECRET_NAMES.get(network, role) if role == DEFAULT_ROLE else role
            where = f"{var} is not set and the keyring has none" if var else "none in the keyring"
            hint = missing(client, network, account, role).hint
            if network in HOW_TO_GET:
                hint += "; to get one, " + HOW_TO_GET[network].format(client=client)
            return result(False, "missing-secret", f"no {what}: {where}", hint)
        source = source or found.source
    try:
        connector = get_connector(network, account, secrets.lookup_for(client, network, account))
    except CmkitError as exc:
        return result(False, "no-connector", exc.message, exc.hint, source)
    try:
        status = connector.verify()
    except NotSupported:
        return result(
            True,
            "not-verifiable",
            f"cmkit cannot verify {network} accounts yet; the secret is in {source}",
            source=source,
        )
    except ConnectorError as exc:
        if exc.status in (401, 403):
            message = exc.message
            return result(
                False, "refused", message, _refused_hint(client, network, account, source), source
            )
        hint = exc.hint.replace("CLIENT/NETWORK", f"{client}/{network}")
        hint = hint.replace(f"CLIENT/{network}", f"{client}/{network}")
        state = "unreachable" if exc.status is None or exc.retryable else "error"
        return result(False, state, exc.message, hint, source)
    except CmkitError as exc:
        return result(False, "error", exc.message, exc.hint, source)
    finally:
        connector.close()
    if not status.ok:
        hint = status.hint or (
            f"fix the handle in clients/{client}/client.yaml, or use a token of that account"
        )
        return result(False, status.state, status.message, hint, source)
    return result(True, "ok", status.message, source=source)


def check_accounts(ws: Workspace, clients: list[str] | None = None) -> list[AccountCheck]:
    """One check per configured account of the selected clients, in client.yaml order."""
    secrets = Secrets(ws.root)
    jobs = [
        (space.slug, str(network), account)
        for space in ws.select(clients or [])
        for network, account in (space.client.accounts.items() if space.client else [])
    ]
    if not jobs:
        return []
    with ThreadPoolExecutor(min(WORKERS, len(jobs))) as pool:
        return list(pool.map(lambda job: check_one(secrets, *job), jobs))


def warnings(ws: Workspace) -> list[str]:
    """What the secret lookup noticed on the way (a .env git does not ignore…)."""
    secrets = Secrets(ws.root)
    try:
        secrets.env_file()
    except CmkitError as exc:
        return [str(exc)]
    return secrets.warnings


def save_to_env_file(root: Path, var: str, value: str) -> Path:
    """Put `var=value` in the workspace's .env (replacing an older value), only if git
    ignores that file: a token must never reach the repository."""
    import subprocess

    path = root / ENV_FILE

    def git(*args: str) -> int | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.returncode

    if git("rev-parse", "--is-inside-work-tree") == 0:
        if git("ls-files", "--error-unmatch", ENV_FILE) == 0:
            raise CmkitError(
                f"{path} is tracked by git: a token written there would be committed",
                "`git rm --cached .env` and add .env to .gitignore",
            )
        if git("check-ignore", "-q", ENV_FILE) != 0:
            raise CmkitError(
                f"git does not ignore {path}",
                "add `.env` to the workspace's .gitignore, then run this again",
            )
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    kept = [line for line in lines if not re.match(rf"\s*(export\s+)?{re.escape(var)}\s*=", line)]
    kept.append(f"{var}={value}")
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".env-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(kept) + "\n")
        Path(tmp).replace(path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

"""Getting a Mastodon access token without copying it from a settings page.

`register_app` declares cmkit to the instance (POST /api/v1/apps) with the
out-of-band redirect: after approving in the browser, the instance shows a code
instead of redirecting. `exchange` trades that code for a token (POST
/oauth/token). The app's client id and secret are kept per instance in
`$XDG_STATE_HOME/cmkit/mastodon-apps/` (mode 0600), so authorising a second
account on the same instance does not register cmkit again.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from ..redaction import register
from .base import ConnectorError
from .http import client

OOB = "urn:ietf:wg:oauth:2.0:oob"
# read: accounts, statuses, notifications, search; write: statuses, media
SCOPES = "read write"
APP_NAME = "cmkit"


@dataclass(frozen=True)
class App:
    instance: str
    client_id: str
    client_secret: str
    scopes: str = SCOPES


def _apps_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cmkit" / "mastodon-apps"


def _app_path(instance: str) -> Path:
    host = urlsplit(instance).netloc.lower() or instance
    return _apps_dir() / f"{''.join(c if c.isalnum() or c in '.-' else '_' for c in host)}.json"


def saved_app(instance: str) -> App | None:
    try:
        data = json.loads(_app_path(instance).read_text(encoding="utf-8"))
        app = App(**data)
    except (OSError, ValueError, TypeError):
        return None
    register(app.client_secret)
    return app if app.instance == instance and app.scopes == SCOPES else None


def _save_app(app: App) -> None:
    path = _app_path(app.instance)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".app-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(app), handle)
        Path(tmp).replace(path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def forget_app(instance: str) -> None:
    _app_path(instance).unlink(missing_ok=True)


def register_app(instance: str) -> App:
    """cmkit's app on this instance: the saved one, or a new registration."""
    instance = instance.rstrip("/")
    app = saved_app(instance)
    if app is not None:
        return app
    with client("mastodon", base_url=instance) as http:
        body = http.call_json(
            "POST",
            "/api/v1/apps",
            json={"client_name": APP_NAME, "redirect_uris": [OOB], "scopes": SCOPES},
        )
    app = App(instance, str(body["client_id"]), register(str(body["client_secret"])))
    _save_app(app)
    return app


def authorize_url(app: App) -> str:
    """The page where the account's owner signs in and approves cmkit."""
    query = urlencode(
        {
            "client_id": app.client_id,
            "scope": app.scopes,
            "redirect_uri": OOB,
            "response_type": "code",
        }
    )
    return f"{app.instance}/oauth/authorize?{query}"


def exchange(app: App, code: str) -> str:
    """The access token for the code the instance showed after approval."""
    with client("mastodon", base_url=app.instance) as http:
        try:
            body = http.call_json(
                "POST",
                "/oauth/token",
                json={
                    "grant_type": "authorization_code",
                    "code": code.strip(),
                    "client_id": app.client_id,
                    "client_secret": app.client_secret,
                    "redirect_uri": OOB,
                    "scope": app.scopes,
                },
            )
        except ConnectorError as exc:
            if exc.status in (400, 401):
                raise ConnectorError(
                    "mastodon: the instance did not accept that code",
                    "codes work once and expire in minutes: run `cmkit auth mastodon` again "
                    "and paste the new code",
                    status=exc.status,
                ) from None
            raise
    return register(str(body["access_token"]))


def account_of(instance: str, token: str) -> str:
    """`@user@instance` for a token: proof it works."""
    with client("mastodon", base_url=instance, token=token) as http:
        me = http.call_json("GET", "/api/v1/accounts/verify_credentials")
    host = urlsplit(instance).netloc
    return f"@{me['acct']}" if "@" in me["acct"] else f"@{me['acct']}@{host}"

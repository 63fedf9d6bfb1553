"""How cmkit signs in to X: OAuth 1.0a keys, or an OAuth 2.0 user token it refreshes.

The account's `secrets` (client.yaml) say which:

- OAuth 1.0a (never expires; best for cron): `token` (the access token, via
  `token_env`), `token_secret`, `api_key`, `api_secret`;
- OAuth 2.0 with refresh: `token` (an access token), `refresh_token`, `client_id`
  (and `client_secret` for a confidential app). Access tokens last two hours and
  X hands out a new refresh token with each refresh, invalidating the old one, so
  cmkit keeps the latest pair in the OS keyring, under an entry named after the
  refresh token you gave it — your variables never need rewriting;
- a bare OAuth 2.0 `token`: used as is until it expires.
Reference: docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import httpx

from ..diagnostics import CmkitError
from ..redaction import register
from .base import ConnectorError
from .oauth1 import Credentials, OAuth1

if TYPE_CHECKING:
    from ..models import Account

TOKEN_URL = "https://api.x.com/2/oauth2/token"
OAUTH1_ROLES = ("token_secret", "api_key", "api_secret")
MARGIN = 120  # seconds: refresh a token this close to its end rather than fail mid-run
DOCS = "docs/networks/x.md"


def mode(account: Account) -> str:
    """ "oauth1", "oauth2-refresh" or "oauth2" from the roles client.yaml names."""
    roles = set(account.secrets)
    if roles & set(OAUTH1_ROLES):
        return "oauth1"
    if "refresh_token" in roles:
        return "oauth2-refresh"
    return "oauth2"


def auth_for(account: Account, secret: Callable[[str], str]) -> httpx.Auth:
    kind = mode(account)
    if kind == "oauth1":
        missing = [r for r in OAUTH1_ROLES if r not in account.secrets]
        if missing:
            raise CmkitError(
                f"x: OAuth 1.0a needs {', '.join(missing)} too",
                f"name their variables under accounts.x.secrets in client.yaml; see {DOCS}",
            )
        return OAuth1(
            Credentials(
                secret("api_key"), secret("api_secret"), secret("token"), secret("token_secret")
            )
        )
    if kind == "oauth2-refresh":
        return RefreshingToken(TokenChain(account, secret))
    return BearerToken(secret("token"))


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = register(token)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class TokenChain:
    """The newest access and refresh tokens of one X authorization, kept in the keyring."""

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        self.secret = secret
        self.has_client_secret = "client_secret" in account.secrets
        seed = secret("refresh_token")
        self.entry = "x-oauth2/" + hashlib.sha256(seed.encode()).hexdigest()[:16]
        self._lock = threading.Lock()
        self._state: dict[str, object] | None = None

    def _load(self) -> dict[str, object]:
        from ..secrets import keyring_get

        if self._state is None:
            stored = keyring_get(self.entry)
            try:
                self._state = json.loads(stored) if stored else {}
            except ValueError:
                self._state = {}
            for key in ("access_token", "refresh_token"):
                value = self._state.get(key)
                if isinstance(value, str):
                    register(value)
        return self._state

    def access_token(self) -> str:
        with self._lock:
            state = self._load()
            token = state.get("access_token")
            expires = float(state.get("expires_at") or 0)  # type: ignore[arg-type]
            if isinstance(token, str) and expires > time.time() + MARGIN:
                return token
            if state:
                return self._refresh(state)
            return self.secret("token")  # the token you gave, until X says it expired

    def refresh(self, used: str) -> str:
        """A new access token, unless another thread already replaced `used`."""
        with self._lock:
            state = self._load()
            if state.get("access_token") not in (None, used):
                return str(state["access_token"])
            return self._refresh(state)

    def _refresh(self, state: dict[str, object]) -> str:
        from . import http

        _keyring_writable()
        refresh = str(state.get("refresh_token") or self.secret("refresh_token"))
        client_id = self.secret("client_id")
        form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.has_client_secret:
            pair = f"{client_id}:{self.secret('client_secret')}".encode()
            headers["Authorization"] = "Basic " + register(base64.b64encode(pair).decode())
        with http.client("x", headers=headers) as client:
            response = client.request("POST", TOKEN_URL, data=form)
            if response.status_code in (400, 401):
                raise ConnectorError(
                    "x: X refused to refresh the OAuth 2.0 token (revoked, or already used)",
                    f"authorize the app again and store the new refresh token; see {DOCS}",
                    status=401,
                )
            if not response.is_success:
                raise client.status_error(response)
            body = response.json()
        access = register(str(body["access_token"]))
        new_state: dict[str, object] = {
            "access_token": access,
            "refresh_token": register(str(body.get("refresh_token") or refresh)),
            "expires_at": time.time() + float(body.get("expires_in") or 7200),
        }
        _store(self.entry, new_state)
        self._state = new_state
        return access


def _keyring_writable() -> None:
    """Refresh only where the rotated refresh token can be kept: X invalidates the old one,
    so a refresh whose result is lost would lock the account out."""
    from ..secrets import keyring_get, keyring_set

    probe = "x-oauth2/probe"
    try:
        keyring_set(probe, "ok")
        readable = keyring_get(probe) == "ok"
        keyring_set(probe, None)
    except CmkitError:
        readable = False
    if not readable:
        raise ConnectorError(
            "x: no OS keyring to keep X's rotating refresh token",
            f"on a server, use OAuth 1.0a keys, which do not expire; see {DOCS}",
        )


def _store(entry: str, state: dict[str, object]) -> None:
    from ..secrets import keyring_set

    keyring_set(entry, json.dumps(state))


class RefreshingToken(httpx.Auth):
    """Bearer auth that refreshes once when X says the token is no longer valid."""

    def __init__(self, chain: TokenChain) -> None:
        self.chain = chain

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.chain.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self.chain.refresh(token)}"
            yield request

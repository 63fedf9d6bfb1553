"""Talking XRPC to an AT Protocol server as one account.

The agent logs in with an app password once, keeps the session between runs
(atproto_session.py), sends every call to the account's own PDS (named in its
DID document, which may differ from the server it logged in to), refreshes an
expired access token and tries the call again. Retries, rate limits and error
wording come from the shared HTTP client (http.py); this module adds XRPC's
machine-readable error names ("ExpiredToken", "RecordNotFound").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..diagnostics import CmkitError
from .atproto_session import Session, SessionStore, fingerprint
from .base import ConnectorError, OutcomeUnknown

if TYPE_CHECKING:
    import httpx

    from .http import HttpClient

APP_PASSWORD_HINT = (
    "create an app password in Bluesky (Settings → Privacy and security → App passwords) "
    "and store it with `cmkit secrets set CLIENT/bluesky`"
)


class XrpcError(ConnectorError):
    """An XRPC error with its name ("ExpiredToken", "RecordNotFound", …)."""

    def __init__(self, error: ConnectorError, code: str) -> None:
        super().__init__(error.message, error.hint, retryable=error.retryable, status=error.status)
        self.code = code


def error_code(exc: ConnectorError) -> str:
    return exc.code if isinstance(exc, XrpcError) else ""


def _with_code(error: ConnectorError, response: httpx.Response) -> ConnectorError:
    if isinstance(error, OutcomeUnknown):
        return error
    try:
        body = response.json()
        code = str(body.get("error", "")) if isinstance(body, dict) else ""
    except ValueError:
        code = ""
    return XrpcError(error, code)


def host(url: str) -> str:
    return urlsplit(url).netloc or url


class Ref:
    """A record on the network: its at:// URI, content id and value."""

    def __init__(self, uri: str, cid: str, value: dict[str, Any] | None = None) -> None:
        self.uri, self.cid, self.value = uri, cid, value or {}

    def strong(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}


class Agent:
    """One account on one server. Thread-safe: publishing threads share it."""

    def __init__(self, server: str, identifier: str, password: Callable[[], str]) -> None:
        self.server = server.rstrip("/")
        self.identifier = identifier.strip().lstrip("@")
        self._password = password
        self._lock = threading.RLock()
        self._session: Session | None = None
        self._http: HttpClient | None = None

    def http(self) -> HttpClient:
        from .http import client

        with self._lock:
            if self._http is None:
                self._http = client("bluesky")
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def send(self, method: str, url: str, token: str | None, **kwargs: Any) -> Any:
        import httpx

        http = self.http()
        headers = dict(kwargs.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = http.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise http.transport_error(exc) from None
        if not response.is_success:
            raise _with_code(http.status_error(response), response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(
                f"bluesky: {host(url)} answered something that is not XRPC",
                "is `instance` in client.yaml the account's server (https://bsky.social)?",
                retryable=True,
            ) from None

    def xrpc(self, method: str, nsid: str, **kwargs: Any) -> Any:
        """Call the account's PDS as the account; an expired token is refreshed once."""
        session = self.session()
        try:
            return self.send(method, f"{session.pds}/xrpc/{nsid}", session.access_jwt, **kwargs)
        except ConnectorError as exc:
            if error_code(exc) not in ("ExpiredToken", "InvalidToken"):
                raise
        session = self.session(stale=session)
        return self.send(method, f"{session.pds}/xrpc/{nsid}", session.access_jwt, **kwargs)

    # -- the session ------------------------------------------------------------------

    def session(self, stale: Session | None = None) -> Session:
        """A usable session: kept from an earlier run, refreshed, or a fresh login."""
        with self._lock:
            current = self._session
            if current is not None and current != stale and current.access_valid():
                return current
            if not self.identifier:
                raise CmkitError(
                    "the Bluesky account has no handle in client.yaml",
                    "add `handle: name.bsky.social` under accounts: bluesky:",
                )
            password = self._password()
            fp = fingerprint(self.server, self.identifier, password)
            store = SessionStore(self.server, self.identifier)
            with store.lock():
                saved = store.load(fp)
                if saved is not None and saved != stale and saved.access_valid():
                    session = saved  # another run refreshed it meanwhile
                elif saved is not None and saved.refresh_valid():
                    session = self._refresh(saved) or self._login(password)
                else:
                    session = self._login(password)
                store.save(session, fp)
            self._session = session
            return session

    def _login(self, password: str) -> Session:
        url = f"{self.server}/xrpc/com.atproto.server.createSession"
        try:
            body = self.send(
                "POST", url, None, json={"identifier": self.identifier, "password": password}
            )
        except OutcomeUnknown as exc:
            raise ConnectorError(exc.message, exc.hint, retryable=True) from None
        except ConnectorError as exc:
            code = error_code(exc)
            if code == "AuthFactorTokenRequired":
                raise ConnectorError(
                    f"bluesky: @{self.identifier} signs in with a second factor: cmkit needs "
                    "an app password, not the account password",
                    APP_PASSWORD_HINT,
                ) from None
            if exc.status == 401 or code == "AuthenticationRequired":
                raise ConnectorError(
                    f"bluesky: {host(self.server)} refused the app password for @{self.identifier}",
                    APP_PASSWORD_HINT,
                    status=401,
                ) from None
            raise
        return Session.from_response(body, self.server)

    def _refresh(self, saved: Session) -> Session | None:
        # sessions are refreshed where they were opened (bsky.social for its accounts)
        url = f"{self.server}/xrpc/com.atproto.server.refreshSession"
        try:
            body = self.send("POST", url, saved.refresh_jwt)
        except ConnectorError as exc:
            if exc.status in (400, 401):
                return None  # revoked or expired: log in again
            raise
        return Session.from_response(body, saved.pds)

    # -- records ----------------------------------------------------------------------

    def get_record(self, repo: str, collection: str, rkey: str) -> Ref | None:
        """A record, or None when there is none at that key."""
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        try:
            body = self.xrpc("GET", "com.atproto.repo.getRecord", params=params)
        except ConnectorError as exc:
            if exc.status == 400 and error_code(exc) == "RecordNotFound":
                return None
            raise
        return Ref(body["uri"], body["cid"], body.get("value"))

    def create_record(self, collection: str, rkey: str, record: dict[str, Any]) -> Ref:
        """Create a record at a chosen key. If the server fails (5xx), the key may hold the
        record of an earlier attempt that got through: that one is returned."""
        did = self.session().did
        payload = {"repo": did, "collection": collection, "rkey": rkey, "record": record}
        try:
            body = self.xrpc("POST", "com.atproto.repo.createRecord", json=payload)
        except OutcomeUnknown:
            raise
        except ConnectorError as exc:
            existing = None
            if exc.status and exc.status >= 500:
                existing = self.get_record(did, collection, rkey)
            if existing is not None:
                return existing
            raise
        return Ref(body["uri"], body["cid"], record)

    def upload(self, data: bytes, mime: str) -> dict[str, Any]:
        """A blob for an embed. Nothing is posted by an upload, so an interrupted one is
        simply retried later."""
        try:
            body = self.xrpc(
                "POST",
                "com.atproto.repo.uploadBlob",
                content=data,
                headers={"Content-Type": mime},
            )
        except OutcomeUnknown as exc:
            message = exc.message.split("; the post may")[0]
            raise ConnectorError(message, "cmkit retries on its next run", retryable=True) from None
        blob: dict[str, Any] = body["blob"]
        return blob

    def resolve_handle(self, handle: str) -> str | None:
        try:
            body = self.xrpc("GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
        except ConnectorError as exc:
            if exc.status != 400:
                raise
            return None  # no such account
        did = body.get("did")
        return did if isinstance(did, str) else None

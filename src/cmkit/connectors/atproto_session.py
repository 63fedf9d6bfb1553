"""AT Protocol sessions kept between runs, so cron does not log in every few minutes.

`createSession` with an app password answers an access token (valid minutes) and
a refresh token (valid weeks). The pair is kept in
`$XDG_STATE_HOME/cmkit/bluesky/<id>.json` — outside any repository, mode 0600 —
and a later run uses the access token while it lasts, then `refreshSession`,
and logs in again only when the refresh token is gone or refused. A file lock
keeps two cron runs from rotating the same refresh token at once.

The file also holds a fingerprint of (server, identifier, app password): a new
app password in the environment or keyring makes the old session unusable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..redaction import register

# refresh a little before expiry: the request may take a while to reach the server
EXPIRY_MARGIN = 120.0


@dataclass(frozen=True)
class Session:
    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    pds: str  # where the account's repository lives (from the DID document)

    @classmethod
    def from_response(cls, body: dict[str, Any], fallback_pds: str) -> Session:
        session = cls(
            did=str(body["did"]),
            handle=str(body.get("handle", "")),
            access_jwt=register(str(body["accessJwt"])),
            refresh_jwt=register(str(body["refreshJwt"])),
            pds=pds_endpoint(body.get("didDoc")) or fallback_pds,
        )
        return session

    def access_valid(self, now: float | None = None) -> bool:
        return _valid(self.access_jwt, now)

    def refresh_valid(self, now: float | None = None) -> bool:
        return _valid(self.refresh_jwt, now)


def pds_endpoint(did_doc: object) -> str | None:
    """The #atproto_pds service endpoint of a DID document, if it names one."""
    if not isinstance(did_doc, dict):
        return None
    for service in did_doc.get("service") or []:
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT (seconds since the epoch), read without verifying it."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def _valid(token: str, now: float | None) -> bool:
    expiry = jwt_expiry(token)
    moment = time.time() if now is None else now
    return expiry is not None and expiry - EXPIRY_MARGIN > moment


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cmkit" / "bluesky"


def fingerprint(server: str, identifier: str, password: str) -> str:
    raw = f"{server}\n{identifier.lower()}\n{password}".encode()
    return hashlib.sha256(raw).hexdigest()[:24]


class SessionStore:
    """One session file per (server, identifier)."""

    def __init__(self, server: str, identifier: str) -> None:
        name = hashlib.sha256(f"{server}\n{identifier.lower()}".encode()).hexdigest()[:16]
        self.path = state_dir() / f"{name}.json"

    def lock(self) -> Any:
        from filelock import FileLock

        self._ensure_dir()
        return FileLock(str(self.path.with_suffix(".lock")), timeout=60)

    def _ensure_dir(self) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if folder.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            folder.chmod(0o700)

    def load(self, expected_fingerprint: str) -> Session | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("fingerprint") != expected_fingerprint:
            return None
        try:
            session = Session(**data["session"])
        except (KeyError, TypeError):
            return None
        register(session.access_jwt)
        register(session.refresh_jwt)
        return session

    def save(self, session: Session, fp: str) -> None:
        self._ensure_dir()
        data = {"fingerprint": fp, "saved": int(time.time()), "session": asdict(session)}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".session-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            Path(tmp).replace(self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

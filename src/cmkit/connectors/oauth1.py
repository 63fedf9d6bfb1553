"""OAuth 1.0a request signing (HMAC-SHA1), as X's user-context API wants it.

The signature covers the method, the URL without its query, and every parameter —
the query's, a form body's, and the `oauth_*` ones — percent-encoded (RFC 3986),
sorted, joined; the key is `consumer secret & token secret`. JSON and multipart
bodies are not signed. Reference: docs.x.com/fundamentals/authentication/oauth-1-0a/
creating-a-signature (its worked example is a test: same inputs, same signature).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import httpx


def encode(value: str) -> str:
    """Percent-encoding as OAuth 1.0a defines it: only A-Z a-z 0-9 - . _ ~ stay."""
    return quote(value, safe="-._~")


def base_url(url: str) -> str:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    default = (scheme == "https" and parts.port == 443) or (scheme == "http" and parts.port == 80)
    netloc = host if parts.port is None or default else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path or "/", "", ""))


def base_string(method: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    pairs = sorted((encode(k), encode(v)) for k, v in params)
    joined = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), encode(base_url(url)), encode(joined)))


def signature(
    method: str,
    url: str,
    params: Iterable[tuple[str, str]],
    consumer_secret: str,
    token_secret: str,
) -> str:
    key = f"{encode(consumer_secret)}&{encode(token_secret)}".encode()
    digest = hmac.new(key, base_string(method, url, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class Credentials:
    consumer_key: str  # X calls it the API key
    consumer_secret: str
    token: str  # the user's access token
    token_secret: str


def header(
    credentials: Credentials,
    method: str,
    url: str,
    form: Iterable[tuple[str, str]] = (),
    *,
    nonce: str | None = None,
    timestamp: int | None = None,
) -> str:
    """The `Authorization: OAuth …` value for one request."""
    oauth = {
        "oauth_consumer_key": credentials.consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "oauth_token": credentials.token,
        "oauth_version": "1.0",
    }
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    oauth["oauth_signature"] = signature(
        method,
        url,
        [*oauth.items(), *query, *form],
        credentials.consumer_secret,
        credentials.token_secret,
    )
    return "OAuth " + ", ".join(f'{encode(k)}="{encode(v)}"' for k, v in sorted(oauth.items()))


class OAuth1(httpx.Auth):
    """Signs each request (and each retry, with a fresh nonce and timestamp)."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        form: list[tuple[str, str]] = []
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            form = parse_qsl(request.read().decode(), keep_blank_values=True)
        request.headers["Authorization"] = header(
            self.credentials, request.method, str(request.url), form
        )
        yield request

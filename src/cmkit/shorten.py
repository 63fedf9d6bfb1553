"""Short links through the client's shortener: Bit.ly, or a self-hosted Shlink or YOURLS.

client.yaml's `links.shortener` names the service (`kind`), its address (`url`, for
Shlink and YOURLS), the variable holding its key (`token_env`) and, optionally, a
branded `domain`. At send time the publishing engine turns the post's link — UTM
parameters already added, so each network gets its own short link — into a short
one, records it in the ledger before posting, and in the `done` line's `extra`.

Each service returns the same short link for the same long one (Bit.ly by design,
Shlink with `findIfExists`, YOURLS by its "already exists" answer), so a retry does
not pile up links. The key is read like a network token — the environment, a
git-ignored .env, or the keyring entry `cmkit <client>/shortener` — and never printed.

- Bit.ly v4: `POST https://api-ssl.bitly.com/v4/shorten` {long_url, domain}, Bearer;
  the answer's `link` (dev.bitly.com/api-reference/#createBitlink);
- Shlink: `POST {url}/rest/v3/short-urls` {longUrl, findIfExists, domain}, header
  `X-Api-Key`; the answer's `shortUrl` (shlink.io/documentation/api-docs);
- YOURLS: `{url}/yourls-api.php` action=shorturl, url, format=json, signature=key;
  the answer's `shorturl` (yourls.org/docs/guide/advanced/passwordless-api).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .diagnostics import CmkitError
from .models import Account

if TYPE_CHECKING:
    from .connectors.base import Delivery
    from .models import Shortener
    from .secrets import Secrets

BITLY_API = "https://api-ssl.bitly.com"
SECRET_NETWORK = "shortener"  # keyring entry "<client>/shortener"


class ShortenerError(CmkitError):
    """The shortener could not make a link; the post goes out with the full one."""


def endpoint(config: Shortener) -> str:
    """Where the shortening request goes."""
    if config.kind == "bitly":
        return (config.url or BITLY_API).rstrip("/") + "/v4/shorten"
    if not config.url:
        raise ShortenerError(
            f"links.shortener: {config.kind} needs `url`, the address of your server",
            "add `url: https://…` under links.shortener in client.yaml",
        )
    base = config.url.rstrip("/")
    if config.kind == "shlink":
        return base + "/rest/v3/short-urls"
    return base if base.endswith(".php") else base + "/yourls-api.php"


def shorten(long_url: str, config: Shortener, key: str) -> str:
    """The short link for `long_url`, or ShortenerError saying why there is none."""
    import httpx

    from .connectors import http
    from .connectors.base import ConnectorError
    from .redaction import register

    register(key)
    url = endpoint(config)
    request: dict[str, Any]
    if config.kind == "bitly":
        body: dict[str, Any] = {"long_url": long_url}
        if config.domain:
            body["domain"] = config.domain
        request = {"json": body, "headers": {"Authorization": f"Bearer {key}"}}
    elif config.kind == "shlink":
        body = {"longUrl": long_url, "findIfExists": True}
        if config.domain:
            body["domain"] = config.domain
        request = {"json": body, "headers": {"X-Api-Key": key}}
    else:
        form = {"action": "shorturl", "url": long_url, "format": "json", "signature": key}
        request = {"data": form}
    service = f"{config.kind} shortener"
    with http.client(service, retry=http.RetryPolicy(attempts=3)) as client:
        try:
            response = client.request("POST", url, **request)
        except httpx.TransportError as exc:
            host = urlsplit(url).hostname or url
            raise ShortenerError(
                f"{service}: no answer from {host} ({type(exc).__name__})",
                "the post goes out with its full link; cmkit tries the shortener again next time",
            ) from None
        answer = _json(response)
        short = _short_in(config.kind, answer)
        if short:
            return short
        if response.is_success:
            raise ShortenerError(f"{service}: the answer holds no short link")
        error: ConnectorError = client.status_error(response)
        raise ShortenerError(error.message, _hint(config, response.status_code))


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _short_in(kind: str, body: dict[str, Any]) -> str | None:
    if kind == "bitly":
        found = body.get("link")
    elif kind == "shlink":
        found = body.get("shortUrl")
    else:
        # a URL YOURLS already has comes back as a "fail" with its existing short link
        found = body.get("shorturl")
    return str(found) if isinstance(found, str) and found.startswith("http") else None


def _hint(config: Shortener, status: int) -> str:
    if status in (401, 403):
        return f"check the key in {config.token_env} (environment or .env); see docs/links.md"
    return "the post goes out with its full link; see docs/links.md"


def key_holder(config: Shortener) -> Account:
    """The shortener's key, looked up like an account's token (variable, .env, keyring)."""
    return Account(token_env=config.token_env)


def key_for(client: str, config: Shortener, secrets: Secrets) -> str:
    return secrets.get(client, SECRET_NETWORK, key_holder(config))


def shorten_delivery(delivery: Delivery, config: Shortener, secrets: Secrets) -> Delivery:
    """The delivery with its link shortened (the same delivery when it has no link)."""
    if not delivery.link:
        return delivery
    if _already_short(delivery.link, config):
        return delivery
    short = shorten(delivery.link, config, key_for(delivery.client, config, secrets))
    return replace(delivery, link=short)


def _already_short(link: str, config: Shortener) -> bool:
    """A link that is itself a short link (bit.ly/abc, the branded domain's): left as is."""
    parts = urlsplit(link)
    hosts = {"bit.ly", "j.mp", "bitly.com"} | ({config.domain.lower()} if config.domain else set())
    one_segment = parts.path.strip("/").count("/") == 0 and bool(parts.path.strip("/"))
    return (parts.hostname or "").lower() in hosts and one_segment and not parts.query

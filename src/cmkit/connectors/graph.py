"""What the Meta connectors (Facebook Page, Instagram, Threads) share.

All three speak the Graph API: the same error envelope, the same throttling
headers, the same "container" flow for media fetched by URL. This module holds:

- `GraphApi`: calls through the shared HTTP client (`connectors/http.py`) with the
  token in the Authorization header, never in a URL; Graph error codes become one
  clear line (expired token, missing permission, throttling, refused content);
- throttling: `X-Business-Use-Case-Usage` / `X-App-Usage` at 100 % (or a
  throttling error code) hold every later request of that connector until Meta's
  `estimated_time_to_regain_access`, so a cron run stops hammering a blocked app;
- `wait_for_container`: polls a media container until it is ready.

Where Meta fetches media from, and what it accepts there, is in `graph_media.py`.

Error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
Rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..redaction import redact
from .base import ConnectorError, OutcomeUnknown

if TYPE_CHECKING:
    import httpx


# Graph API versions live about two years; CMKIT_META_API_VERSION lets a user move on
# without waiting for a cmkit release.
GRAPH_VERSION = "v25.0"
THREADS_VERSION = "v1.0"
FACEBOOK_HOST = "https://graph.facebook.com"
INSTAGRAM_LOGIN_HOST = "https://graph.instagram.com"
THREADS_HOST = "https://graph.threads.net"

_THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, *range(80001, 80015)})
_TRANSIENT_CODES = frozenset({1, 2, -1, -2})  # -1/-2: Instagram's server and download errors
_TOKEN_SUBCODES = {
    458: "the app was removed from the account",
    459: "the account must log in to Facebook to fix a security checkpoint",
    460: "the password changed since the token was made",
    463: "the token has expired",
    464: "the account is not confirmed",
    467: "the token is no longer valid",
}


def api_version(default: str = GRAPH_VERSION) -> str:
    value = os.environ.get("CMKIT_META_API_VERSION", "").strip()
    return value if re.fullmatch(r"v\d+\.\d+", value) else default


@dataclass(frozen=True)
class GraphError:
    """The `error` object of a Graph answer."""

    code: int | None
    subcode: int | None
    message: str
    user_message: str
    kind: str

    @classmethod
    def of(cls, response: httpx.Response) -> GraphError | None:
        try:
            body = response.json()
        except ValueError:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None

        def number(key: str) -> int | None:
            try:
                return int(error[key])
            except (KeyError, TypeError, ValueError):
                return None

        return cls(
            number("code"),
            number("error_subcode"),
            str(error.get("message") or ""),
            str(error.get("error_user_msg") or ""),
            str(error.get("type") or ""),
        )

    @property
    def text(self) -> str:
        """What Meta says, best wording first, on one line."""
        said = self.user_message or self.message or "no explanation given"
        return " ".join(said.split())


def usage_wait(response: httpx.Response) -> float | None:
    """Seconds Meta asks this app to stay away, from its usage headers; None when free.

    `X-Business-Use-Case-Usage` maps an id to entries with `call_count`, `total_time`,
    `total_cputime` (percent of the quota used) and `estimated_time_to_regain_access`
    (minutes); `X-App-Usage` has only the percentages, over a rolling hour.
    """
    wait = 0.0
    for name in ("x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"):
        raw = response.headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for entry in _usage_entries(data):
            minutes = number(entry.get("estimated_time_to_regain_access"))
            if minutes:
                wait = max(wait, minutes * 60.0)
            elif any(
                (number(entry.get(k)) or 0) >= 100
                for k in ("call_count", "total_time", "total_cputime")
            ):
                wait = max(wait, 600.0)  # spent, with no estimate: the quota rolls hourly
    return wait or None


def _usage_entries(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if any(k in data for k in ("call_count", "total_time", "estimated_time_to_regain_access")):
            yield data
        else:
            for value in data.values():
                yield from _usage_entries(value)
    elif isinstance(data, list):
        for item in data:
            yield from _usage_entries(item)


def number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class GraphApi:
    """Graph calls for one account. `final` marks the request that makes a post public:
    it is never resent on a 5xx, which instead means "it may have gone out"."""

    def __init__(self, service: str, base_url: str, token: str, label: str) -> None:
        from . import http

        self.service = service
        self.label = label  # e.g. "Facebook Page 1040…", for messages
        self.client, self._final = http.client_pair(service, base_url=base_url, token=token)

    def close(self) -> None:
        self.client.close()
        self._final.close()

    def get(self, path: str, needs: str = "", **params: Any) -> dict[str, Any]:
        return self._call("GET", path, needs, params=params)

    def post(
        self,
        path: str,
        data: dict[str, Any],
        *,
        needs: str = "",
        final: bool = False,
        files: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        form = {k: _form_value(v) for k, v in data.items() if v is not None}
        try:
            return self._call("POST", path, needs, data=form, files=files, final=final)
        except OutcomeUnknown as exc:
            if final:
                raise
            # a draft (container, unpublished photo) that may exist is harmless: nobody sees it
            raise ConnectorError(
                exc.message.replace("; the post may have gone out", "; nothing was published"),
                "cmkit retries on its next run",
                retryable=True,
                status=exc.status,
            ) from None

    def pages(self, path: str, needs: str = "", limit: int = 200, **params: Any) -> list[Any]:
        """The `data` items of a list edge, following `paging.cursors.after`."""
        items: list[Any] = []
        params = {"limit": min(limit, 100), **params}
        while len(items) < limit:
            body = self.get(path, needs, **params)
            items += body.get("data") or []
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params["after"] = after
        return items[:limit]

    def _call(
        self, method: str, path: str, needs: str, *, final: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        import httpx

        client = self._final if final else self.client
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise client.transport_error(exc) from None
        self._throttle(response)
        if response.is_success:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and not isinstance(body.get("error"), dict):
                return body
            if not isinstance(body, dict):
                raise ConnectorError(
                    f"{self.service}: {method} {path} answered something that is not JSON",
                    "is the API host right (accounts.<network>.instance in client.yaml)?",
                    retryable=True,
                )
        if final and response.status_code >= 500:
            raise OutcomeUnknown(
                f"{self.service}: server error (HTTP {response.status_code}) while publishing; "
                "the post may have gone out",
                "the next `cmkit publish` looks it up before sending again",
                retryable=True,
                status=response.status_code,
            )
        raise self.error(response, needs)

    def _throttle(self, response: httpx.Response) -> None:
        wait = usage_wait(response)
        if wait:
            self.client.gate.hold(wait)

    def error(self, response: httpx.Response, needs: str = "") -> ConnectorError:
        """A failed Graph answer as one line a community manager can act on."""
        graph = GraphError.of(response)
        if graph is None:
            return self.client.status_error(response)
        status = response.status_code
        code, sub = graph.code, graph.subcode
        said = redact(graph.text)
        who = f"{self.service}: "
        if code == 190 or code == 102 or (graph.kind == "OAuthException" and code is None):
            why = _TOKEN_SUBCODES.get(sub or 0, "the token is expired, revoked or invalid")
            return ConnectorError(
                f"{who}{why} ({self.label})",
                f"make a new token (docs/networks/{self.service}.md), store it with "
                f"`cmkit secrets set CLIENT/{self.service}`, then run `cmkit accounts check`",
                status=401,  # Meta says 400; callers (accounts check) read 401 as "refused"
            )
        if code == 10 or (code is not None and 200 <= code <= 299):
            wanted = f" ({needs})" if needs else ""
            return ConnectorError(
                f"{who}the token lacks a permission{wanted}: {said}",
                f"grant it to the app and make a new token; see docs/networks/{self.service}.md",
                status=403,
            )
        if code in _THROTTLE_CODES or (code == 9 and sub == 2207042):
            wait = usage_wait(response) or 3600.0
            self.client.gate.hold(wait)
            until = time.strftime("%H:%M", time.gmtime(time.time() + wait))
            return ConnectorError(
                f"{who}Meta is throttling this app or account: {said}",
                f"allowed again around {until} UTC; cmkit retries on its next run",
                retryable=True,
                status=status,
            )
        if code in _TRANSIENT_CODES or status >= 500:
            return ConnectorError(
                f"{who}temporary error at Meta: {said}",
                "cmkit retries on its next run",
                retryable=True,
                status=status,
            )
        if code == 368:
            return ConnectorError(
                f"{who}the account is temporarily blocked from posting: {said}",
                "open the account in the app to see why; cmkit retries on its next run",
                retryable=True,
                status=status,
            )
        if code == 506:
            return ConnectorError(
                f"{who}refused as a duplicate of the previous post: {said}",
                "change the text, or check whether it is already online",
                status=status,
            )
        if code == 9004 or sub == 2207052:
            return ConnectorError(
                f"{who}Meta could not download the media: {said}",
                "is media_base_url public, and is the file online there?",
                status=status,
            )
        if code == 100 and sub == 33:
            return ConnectorError(
                f"{who}{self.label} does not exist or this token cannot see it",
                "check the account id in client.yaml and who made the token",
                status=status,
            )
        return ConnectorError(
            f"{who}refused ({_code_text(code, sub)}): {said}",
            "the message says what the network did not accept",
            status=status,
        )


def _code_text(code: int | None, sub: int | None) -> str:
    if code is None:
        return "no error code"
    return f"code {code}" + (f"/{sub}" if sub else "")


def _form_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class NotThisAccount(ConnectorError):
    """The token works, but not for the account client.yaml names."""


class StillProcessing(ConnectorError):
    """A container Meta has not finished processing; it stays valid for 24 hours."""


def wait_for_container(
    api: GraphApi,
    container_id: str,
    *,
    status_field: str,
    error_field: str,
    timeout: float,
    needs: str = "",
) -> str:
    """Poll a container until it leaves IN_PROGRESS; returns its final status.

    ERROR and EXPIRED become a ConnectorError with Meta's reason; FINISHED and
    PUBLISHED are returned. Waits grow from 1 s to 15 s, up to `timeout` seconds.
    """
    from .http import pause

    waited, delay = 0.0, 1.0
    while True:
        body = api.get(container_id, needs, fields=f"id,{status_field},{error_field}")
        status = str(body.get(status_field) or "").upper()
        if status in ("FINISHED", "PUBLISHED"):
            return status
        if status == "ERROR":
            reason = str(body.get(error_field) or "no reason given")
            raise ConnectorError(
                f"{api.service}: Meta could not prepare the media ({reason})",
                _container_hint(reason),
                retryable=False,
            )
        if status == "EXPIRED":
            raise ConnectorError(
                f"{api.service}: the media container {container_id} expired (not published "
                "within 24 hours)",
                "publish again: cmkit makes a new container",
                retryable=True,
            )
        if waited >= timeout:
            raise StillProcessing(
                f"{api.service}: the media was still being processed after {waited:.0f} s",
                "cmkit resumes the same container on its next run",
                retryable=True,
            )
        pause(delay)
        waited += delay
        delay = min(delay * 2, 15.0)


def _container_hint(reason: str) -> str:
    upper = reason.upper()
    if "DOWNLOAD" in upper or "2207052" in upper or "FETCH" in upper:
        return "Meta could not download the file: is media_base_url public and the file online?"
    if "ASPEC" in upper or "2207009" in upper:
        return "crop the image to an accepted aspect ratio (`cmkit check` shows it)"
    return "fix the media file, then publish again"


def same_text(a: str | None, b: str | None) -> bool:
    """Meta trims and may re-space what it stores: compare words, not bytes."""
    return " ".join((a or "").split()) == " ".join((b or "").split())

"""Reading a server's answer: how long it asks us to wait, and errors in one clear line.

`HttpClient.status_error` and `transport_error` (connectors/http.py) call these; a
message names the service, what happened, `HTTP <status>, <METHOD> <host><path>` (never
the query string: some APIs carry `access_token=` there) and the server's own
explanation, and goes through `redact`, so no token can reach the user or a log.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from ..redaction import redact
from .base import ConnectorError, OutcomeUnknown

# statuses after which a non-idempotent request may already have been carried out upstream
AMBIGUOUS_STATUSES = frozenset({504})
RESET_HEADERS = ("retry-after", "x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset")
MAYBE_SENT_HINT = "the next `cmkit publish` looks it up before sending again"

Resendable = Callable[[httpx.Request], bool]


def wait_hint(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait (Retry-After, or a rate-limit reset), if any."""
    now = time.time() if now is None else now
    for name in RESET_HEADERS:
        value = response.headers.get(name)
        if value:
            seconds = _seconds_until(value.strip(), now)
            if seconds is not None:
                return max(0.0, seconds)
    return None


def _seconds_until(value: str, now: float) -> float | None:
    if re.fullmatch(r"\d+(\.\d+)?", value):
        number = float(value)
        # a reset far in the future is an epoch timestamp (X, Bluesky); small is a delta
        return number - now if number > 1_000_000_000 else number
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))  # Mastodon
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)  # Retry-After HTTP-date
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() - now


def transport_error(
    service: str, timeout: float, exc: httpx.TransportError, resendable: Resendable
) -> ConnectorError:
    request = exc.request if _has_request(exc) else None
    host = request.url.host if request is not None else "the server"
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(exc, httpx.TimeoutException):
        message = f"{service}: no answer from {host} within {timeout:g} s"
    elif isinstance(exc, httpx.ConnectError):
        message = f"{service}: cannot reach {host} ({_short(str(exc)) or 'refused'})"
    else:
        message = f"{service}: connection to {host} failed ({type(exc).__name__})"
    hint = "check the network connection and the server URL; cmkit retries on its next run"
    if never_sent or request is None or resendable(request):
        return ConnectorError(redact(message), hint, retryable=True)
    return OutcomeUnknown(
        redact(message + "; the post may have gone out"), MAYBE_SENT_HINT, retryable=True
    )


def status_error(
    service: str, response: httpx.Response, resendable: Resendable, now: float | None = None
) -> ConnectorError:
    status = response.status_code
    reason, hint = _REASONS.get(status, ("refused the request", ""))
    if status >= 500:
        reason, hint = "server error", "the network is having trouble; cmkit retries later"
    detail = _detail(response)
    message = f"{service}: {reason} (HTTP {status}, {where(response.request)})"
    if detail:
        message += f": {detail}"
    if status == 429:
        hint = _retry_hint(response, time.time() if now is None else now)
    retryable = status in (408, 429) or status >= 500
    if status in AMBIGUOUS_STATUSES and not resendable(response.request):
        return OutcomeUnknown(
            redact(message + "; the post may have gone out"),
            MAYBE_SENT_HINT,
            retryable=True,
            status=status,
        )
    return ConnectorError(redact(message), hint, retryable=retryable, status=status)


_REASONS: dict[int, tuple[str, str]] = {
    400: ("refused the request", "the message says what the network did not accept"),
    401: (
        "refused the credentials",
        "check the account's token: `cmkit secrets set CLIENT/NETWORK`, then "
        "`cmkit accounts check`",
    ),
    403: ("does not allow this", "the token lacks a permission, or the account is restricted"),
    404: ("found nothing there", "check the account id and server URL in client.yaml"),
    408: ("timed out", "cmkit retries on its next run"),
    409: ("reported a conflict", ""),
    413: ("says the upload is too large", "use a smaller file; `cmkit check` shows the limits"),
    415: ("does not accept this file type", "`cmkit check` shows the formats it accepts"),
    422: ("refused the content", "the message says what to change"),
    429: ("is rate limiting cmkit", ""),
}


def _retry_hint(response: httpx.Response, now: float) -> str:
    wait = wait_hint(response, now)
    if wait is None:
        return "wait a few minutes; cmkit retries on its next run"
    until = datetime.fromtimestamp(now + wait, UTC)
    return f"allowed again at {until:%H:%M} UTC; cmkit retries on its next run"


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - httpx raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


def where(request: httpx.Request) -> str:
    # the path only: query strings carry tokens on some APIs (Graph API access_token=…)
    return f"{request.method} {request.url.host}{request.url.path}"


def _short(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _detail(response: httpx.Response) -> str:
    """The server's own explanation, from the usual JSON error shapes, on one line."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        text = response.text if "html" not in response.headers.get("content-type", "") else ""
        return redact(_short(text))
    return redact(_short(_message_in(body)))


def _message_in(body: object) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list) and body:
        return _message_in(body[0])
    if not isinstance(body, dict):
        return ""
    for key in (
        "error_description",
        "message",
        "detail",
        "error",
        "errors",
        "title",
        "description",
    ):
        value = body.get(key)
        if value:
            found = _message_in(value)
            if found:
                return found
    return json.dumps(body, ensure_ascii=False)[:200] if body else ""

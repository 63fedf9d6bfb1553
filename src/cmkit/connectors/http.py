"""One HTTP client for every connector: timeouts, user agent, retries, rate limits, errors.

A network module asks `client("mastodon", base_url=…, token=…)` for an `HttpClient`
(an `httpx.Client`) and calls `client.call("POST", "/api/v1/statuses", json=…)`,
which returns a successful response or raises a `ConnectorError` with one clear,
token-free line. Everything else here is shared so no network module repeats it:

- retries with exponential backoff and jitter on connection errors, 429 and 5xx,
  waiting at least what `Retry-After` asks;
- rate limits: a response saying the quota is spent (`x-ratelimit-remaining: 0`,
  `ratelimit-remaining: 0`) holds every later request of that client until the
  reset it announces (`x-ratelimit-reset`, `ratelimit-reset`, epoch seconds, delta
  seconds or ISO 8601); a wait longer than `RetryPolicy.max_wait` is not slept
  through by a cron job: it becomes a retryable error saying until when;
- a request that may have reached the server (a read timeout, a dropped
  connection, a 504) is resent only when that is safe — an idempotent method or
  an `Idempotency-Key` header; otherwise it raises `OutcomeUnknown` so the engine
  looks the post up before any retry.

Tests swap the transport and the sleep with `override(transport=…, sleep=…)`.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from .. import __version__
from ..redaction import register
from . import http_errors as errors
from .base import ConnectorError
from .http_errors import AMBIGUOUS_STATUSES, wait_hint

USER_AGENT = f"cmkit/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_REMAINING_HEADERS = ("x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining")

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first one included
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    max_backoff: float = 8.0
    max_wait: float = 60.0  # the longest rate-limit wait a run accepts before giving up
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def delay(self, attempt: int) -> float:
        """Backoff before retry number `attempt` (0-based), with jitter so parallel
        senders do not hit the server again in the same instant."""
        ceiling = min(self.max_backoff, self.backoff * 2.0**attempt)
        return ceiling * (0.5 + random.random() / 2)


NO_RETRY = RetryPolicy(attempts=1)


class _Hooks:
    def __init__(self) -> None:
        self.transport: httpx.BaseTransport | None = None
        self.sleep: Sleep = time.sleep
        self.skew = 0.0  # seconds an instant sleep has "passed", added to both clocks


_hooks = _Hooks()


def _monotonic() -> float:
    return time.monotonic() + _hooks.skew


def _wall() -> float:
    return time.time() + _hooks.skew


@contextmanager
def override(
    *, transport: httpx.BaseTransport | None = None, sleep: Sleep | None = None
) -> Iterator[None]:
    """For tests: every client made inside uses this transport and this sleep."""
    saved = (_hooks.transport, _hooks.sleep)
    _hooks.transport = transport if transport is not None else _hooks.transport
    _hooks.sleep = sleep if sleep is not None else _hooks.sleep
    try:
        yield
    finally:
        _hooks.transport, _hooks.sleep = saved


@contextmanager
def instant_sleep() -> Iterator[list[float]]:
    """For tests: sleeping takes no time but moves cmkit's clocks on; yields the waits."""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        _hooks.skew += seconds

    saved = (_hooks.sleep, _hooks.skew)
    _hooks.sleep = sleep
    try:
        yield waits
    finally:
        _hooks.sleep, _hooks.skew = saved


def pause(seconds: float) -> None:
    """Wait between polls of a remote job (Meta's media containers) the way HTTP waits
    do, so `instant_sleep` makes it instant in tests."""
    _hooks.sleep(seconds)


def default_timeout() -> float:
    """Seconds to wait for an answer; CMKIT_HTTP_TIMEOUT overrides (slow links, tests)."""
    value = os.environ.get("CMKIT_HTTP_TIMEOUT", "")
    try:
        return max(0.1, float(value)) if value else 30.0
    except ValueError:
        return 30.0


class RateGate:
    """Holds a client's requests while a rate limit is spent; shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0  # time.monotonic() before which nothing is sent

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, _monotonic() + seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - _monotonic())


def _quota_spent(response: httpx.Response) -> bool:
    for name in _REMAINING_HEADERS:
        value = response.headers.get(name, "").strip()
        if value and value.split(".")[0] == "0":
            return True
    return False


def _resendable(request: httpx.Request) -> bool:
    return request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers


class HttpClient(httpx.Client):
    """An httpx.Client that retries, respects rate limits and maps errors for `service`."""

    def __init__(
        self,
        service: str,
        *,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.service = service
        self.retry = retry or RetryPolicy()
        self.gate = RateGate()
        self._own_sleep = sleep

    def _sleep(self, seconds: float) -> None:
        (self._own_sleep or _hooks.sleep)(seconds)

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            self._wait_for_gate(request)
            try:
                response = super().send(request, **kwargs)
            except httpx.TransportError as exc:
                never_sent = isinstance(
                    exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                )
                if attempt + 1 >= self.retry.attempts or not (never_sent or _resendable(request)):
                    raise
                delay = self.retry.delay(attempt)
            else:
                hint = wait_hint(response, _wall())
                if not self._should_retry(response, attempt, hint):
                    if response.status_code == 429 or (hint is not None and _quota_spent(response)):
                        self.gate.hold(hint if hint is not None else self.retry.delay(attempt))
                    return response
                response.close()
                delay = max(hint or 0.0, self.retry.delay(attempt))
                if response.status_code == 429:
                    # every thread of this client waits, not only this request
                    self.gate.hold(delay)
                    delay = 0.0
            attempt += 1
            if delay:
                self._sleep(delay)

    def _should_retry(self, response: httpx.Response, attempt: int, hint: float | None) -> bool:
        if response.status_code not in self.retry.statuses or attempt + 1 >= self.retry.attempts:
            return False
        if response.status_code in AMBIGUOUS_STATUSES and not _resendable(response.request):
            return False
        return hint is None or hint <= self.retry.max_wait

    def _wait_for_gate(self, request: httpx.Request) -> None:
        wait = self.gate.remaining()
        if wait > self.retry.max_wait:
            until = datetime.fromtimestamp(_wall() + wait, UTC)
            raise _RateLimited(
                f"{self.service}: rate limit reached at {request.url.host}, "
                f"next request allowed at {until:%H:%M} UTC",
                "run again later; cmkit publish retries what failed on its next run",
                retryable=True,
                status=429,
            )
        if wait > 0:
            self._sleep(wait)

    def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request; a successful response, or a `ConnectorError` in one clear line."""
        try:
            response = self.request(method, url, **kwargs)
        except _RateLimited:
            raise
        except httpx.TransportError as exc:
            raise self.transport_error(exc) from None
        if response.is_success:
            return response
        raise self.status_error(response)

    def call_json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.call(method, url, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(
                f"{self.service}: {errors.where(response.request)} answered something that is "
                "not JSON",
                "is the server URL right (instance / base URL in client.yaml)?",
                retryable=True,
                status=response.status_code,
            ) from None

    def transport_error(self, exc: httpx.TransportError) -> ConnectorError:
        """The one-line error for a request that got no answer."""
        timeout = self.timeout.read or self.timeout.connect or 0.0
        return errors.transport_error(self.service, timeout, exc, _resendable)

    def status_error(self, response: httpx.Response) -> ConnectorError:
        """The one-line error for an answer that is not a success."""
        return errors.status_error(self.service, response, _resendable, _wall())


class _RateLimited(ConnectorError):
    pass


def client(
    service: str,
    *,
    base_url: str = "",
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    **kwargs: Any,
) -> HttpClient:
    """The HTTP client for one connector. `token` becomes a Bearer Authorization header
    (and is registered so it can never be printed)."""
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if token:
        all_headers["Authorization"] = f"Bearer {register(token)}"
    all_headers.update(headers or {})
    seconds = timeout if timeout is not None else default_timeout()
    transport = kwargs.pop("transport", None) or _hooks.transport
    return HttpClient(
        service,
        retry=retry,
        base_url=base_url,
        headers=all_headers,
        timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
        transport=transport,
        follow_redirects=True,
        **kwargs,
    )


def client_pair(service: str, **kwargs: Any) -> tuple[HttpClient, HttpClient]:
    """Two clients sharing one rate-limit gate: one for reads and for steps that may be
    repeated, one for the request that publishes, retried only after a 429 (the service
    did nothing then): after any other failure the post may be out."""
    first = client(service, **kwargs)
    final = client(service, retry=RetryPolicy(statuses=frozenset({429})), **kwargs)
    final.gate = first.gate
    return first, final

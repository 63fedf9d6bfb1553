"""The shared HTTP client: retries, rate limits and errors a person can read (no tokens)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from cmkit import __version__
from cmkit.connectors import http
from cmkit.connectors.base import ConnectorError, OutcomeUnknown

TOKEN = "s3cr3t-token-abcdefgh"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def waits() -> Iterator[list[float]]:
    with http.instant_sleep() as recorded:
        yield recorded


def scripted(*answers: httpx.Response | Exception) -> tuple[list[httpx.Request], Handler]:
    """A handler answering each request with the next scripted answer."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return seen, handle


def make(handler: Handler, **kwargs: object) -> http.HttpClient:
    return http.client(
        "mastodon",
        base_url="https://piaille.example",
        token=TOKEN,
        transport=httpx.MockTransport(handler),
        **kwargs,
    )  # type: ignore[arg-type]


def test_sends_user_agent_and_bearer_token() -> None:
    seen, handler = scripted(httpx.Response(200, json={}))
    make(handler).call("GET", "/api/v1/accounts/verify_credentials")
    assert seen[0].headers["user-agent"] == f"cmkit/{__version__}"
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_429_waits_what_retry_after_says_then_succeeds(waits: list[float]) -> None:
    seen, handler = scripted(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"id": "1"})
    )
    assert make(handler).call_json("POST", "/api/v1/statuses", json={}) == {"id": "1"}
    assert len(seen) == 2
    assert sum(waits) == pytest.approx(7, abs=0.1)


def test_retry_after_as_an_http_date(waits: list[float]) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    _, handler = scripted(
        httpx.Response(503, headers={"Retry-After": format_datetime(when, usegmt=True)}),
        httpx.Response(200, json={}),
    )
    make(handler).call("GET", "/x")
    assert 28 <= sum(waits) <= 31


def test_5xx_backs_off_exponentially_with_jitter_then_gives_up(waits: list[float]) -> None:
    seen, handler = scripted(httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(ConnectorError) as caught:
        make(handler).call("GET", "/x")
    policy = http.RetryPolicy()
    assert len(seen) == policy.attempts
    assert len(waits) == policy.attempts - 1
    for attempt, wait in enumerate(waits):
        ceiling = min(policy.max_backoff, policy.backoff * 2**attempt)
        assert ceiling / 2 <= wait <= ceiling
    assert caught.value.retryable and caught.value.status == 502
    assert (
        str(caught.value.message)
        == "mastodon: server error (HTTP 502, GET piaille.example/x): Bad Gateway"
    )


def test_connection_errors_are_retried(waits: list[float]) -> None:
    seen, handler = scripted(httpx.ConnectError("refused"), httpx.Response(200, json={}))
    make(handler).call("POST", "/api/v1/statuses", json={})
    assert len(seen) == 2 and len(waits) == 1


def test_a_post_that_timed_out_is_not_resent_and_its_outcome_is_unknown(
    waits: list[float],
) -> None:
    seen, handler = scripted(httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
    with pytest.raises(OutcomeUnknown) as caught:
        make(handler).call("POST", "/api/v1/statuses", json={})
    assert len(seen) == 1
    assert "may have gone out" in caught.value.message


def test_with_an_idempotency_key_a_timed_out_post_is_resent(waits: list[float]) -> None:
    seen, handler = scripted(httpx.ReadTimeout("slow"), httpx.Response(200, json={"id": "1"}))
    client = make(handler)
    client.call("POST", "/api/v1/statuses", json={}, headers={"Idempotency-Key": "k1"})
    assert len(seen) == 2


def test_a_504_on_a_post_is_an_unknown_outcome(waits: list[float]) -> None:
    seen, handler = scripted(httpx.Response(504))
    with pytest.raises(OutcomeUnknown):
        make(handler).call("POST", "/api/v1/statuses", json={})
    assert len(seen) == 1


def test_a_spent_quota_holds_the_next_request_until_the_reset(waits: list[float]) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=20)).isoformat()  # Mastodon's format
    seen, handler = scripted(
        httpx.Response(
            200, json={}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
        ),
        httpx.Response(200, json={}),
    )
    client = make(handler)
    client.call("GET", "/a")
    assert waits == []
    client.call("GET", "/b")
    assert len(seen) == 2 and 18 <= sum(waits) <= 21


def test_epoch_and_delta_reset_headers() -> None:
    now = time.time()
    epoch = httpx.Response(429, headers={"ratelimit-reset": str(int(now) + 40)})
    delta = httpx.Response(429, headers={"x-ratelimit-reset": "15"})
    assert 38 <= (http.wait_hint(epoch, now) or 0) <= 41
    assert http.wait_hint(delta, now) == 15
    assert http.wait_hint(httpx.Response(429), now) is None


def test_a_wait_longer_than_a_run_accepts_is_an_error_saying_until_when(
    waits: list[float],
) -> None:
    seen, handler = scripted(httpx.Response(429, headers={"Retry-After": "900"}))
    client = make(handler)
    with pytest.raises(ConnectorError) as first:
        client.call("POST", "/api/v1/statuses", json={})
    assert len(seen) == 1 and waits == []  # not slept through
    assert first.value.retryable and "allowed again at" in first.value.hint
    with pytest.raises(ConnectorError) as second:
        client.call("POST", "/api/v1/statuses", json={})
    assert len(seen) == 1  # the gate refused without sending
    assert "next request allowed at" in second.value.message


def test_error_messages_are_one_line_and_never_carry_the_token() -> None:
    _, handler = scripted(
        httpx.Response(401, json={"error": f"The access token {TOKEN} is invalid\nplease\tretry"})
    )
    client = make(handler)
    with pytest.raises(ConnectorError) as caught:
        client.call("GET", f"/api/v1/accounts?access_token={TOKEN}")
    text = f"{caught.value} {caught.value.hint}"
    assert TOKEN not in text and "access_token" not in text
    assert "\n" not in caught.value.message
    assert caught.value.message == (
        "mastodon: refused the credentials (HTTP 401, GET "
        "piaille.example/api/v1/accounts): The access token "
        "[redacted] is invalid please retry"
    )
    assert "cmkit secrets set" in caught.value.hint and not caught.value.retryable


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"error": {"message": "Invalid parameter", "code": 100}}, "Invalid parameter"),  # Graph
        ({"errors": [{"message": "Text too long"}]}, "Text too long"),  # X
        ({"error": "InvalidRequest", "message": "Record too big"}, "Record too big"),  # Bluesky
        ({"description": "Bad Request: chat not found", "ok": False}, "chat not found"),  # Telegram
    ],
)
def test_the_servers_own_explanation_is_used(body: dict[str, object], detail: str) -> None:
    _, handler = scripted(httpx.Response(400, json=body))
    with pytest.raises(ConnectorError) as caught:
        make(handler).call("POST", "/x", json={})
    assert detail in caught.value.message and not caught.value.retryable


def test_a_server_that_cannot_be_reached(waits: list[float]) -> None:
    _, handler = scripted(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(ConnectorError) as caught:
        make(handler).call("GET", "/x")
    assert caught.value.message == (
        "mastodon: cannot reach piaille.example ([Errno 111] Connection refused)"
    )
    assert caught.value.retryable and not isinstance(caught.value, OutcomeUnknown)


def test_not_json_where_json_was_expected() -> None:
    _, handler = scripted(httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(ConnectorError, match="not JSON"):
        make(handler).call_json("GET", "/x")

"""What the chat connectors (Discord, Telegram) share: a message sent to a channel whose
fate is unknown is said in the channel's words, and never resent without the CM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import OutcomeUnknown

if TYPE_CHECKING:
    import httpx

    from .http import HttpClient

LOOK = "look at the channel; cmkit does not resend it without you"


def request(client: HttpClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """`client.request`; a request that got no answer raises the client's error, an
    unknown outcome worded for a message in a channel."""
    import httpx

    try:
        return client.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        error = client.transport_error(exc)
        if isinstance(error, OutcomeUnknown):
            raise OutcomeUnknown(
                error.message.replace(
                    "the post may have gone out", "the message may be in the channel"
                ),
                LOOK,
                retryable=True,
            ) from None
        raise error from None


def server_error(service: str, status: int) -> OutcomeUnknown:
    """A 5xx answer to the request that posts: the message may be in the channel."""
    return OutcomeUnknown(
        f"{service}: server error (HTTP {status}) while posting; the message may be in the channel",
        LOOK,
        retryable=True,
        status=status,
    )

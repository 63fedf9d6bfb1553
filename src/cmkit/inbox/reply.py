"""Answering: through the network's connector, recorded with its response time.

The idempotency key is derived from the client, the item and the text: sending the same
answer again after a crash or a timeout reaches the connector with the same key, which
Mastodon (Idempotency-Key) and cmkit's Bluesky connector (a record key derived from it)
turn into the same post, never a second one. The `replying` event is written before the
request and `replied` after it; a reply whose outcome is unknown blocks a *different* text
until someone has looked (`--again`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..connectors.base import Connector, ConnectorError, OutcomeUnknown
from ..diagnostics import CmkitError
from ..networks import Network
from . import store
from .pull import one_line

if TYPE_CHECKING:
    from ..models import Account, Charter
    from ..workspace import ClientSpace

OpenConnector = Callable[[Network, "Account"], Connector]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def first_name(author: str) -> str:
    """ "@julie.martin@piaille.fr" → "julie.martin"; "@julie.bsky.social" → "julie"."""
    handle = author.strip().lstrip("@").split("@", 1)[0]
    for suffix in (".bsky.social", ".bsky.app"):
        handle = handle.removesuffix(suffix)
    return handle


def saved_reply(charter: Charter | None, name: str, author: str) -> str:
    """A saved reply of the charter with {name}, {handle} and {signature} filled in."""
    replies = charter.saved_replies if charter else {}
    if name not in replies:
        known = ", ".join(sorted(replies)) or "none (add saved_replies: to charter.yaml)"
        raise CmkitError(f"no saved reply '{name}' in charter.yaml", f"saved replies: {known}")
    values = {
        "name": first_name(author),
        "handle": author,
        "signature": (charter.signature or "") if charter else "",
    }

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise CmkitError(
                f"saved reply '{name}' uses {{{key}}}, which cmkit cannot fill",
                "use {name}, {handle} or {signature}",
            )
        return values[key]

    return " ".join(PLACEHOLDER.sub(fill, replies[name]).split())


def reply_key(client: str, item: str, text: str) -> str:
    return hashlib.sha256(f"{client}/{item}/{text}".encode()).hexdigest()[:32]


@dataclass
class Sent:
    item: store.Item
    remote_id: str
    url: str | None
    seconds: int


def check_length(network: Network, text: str, limit: int | None) -> None:
    from ..text import count

    measured = count(text, network, limit=limit)
    if not measured.valid:
        raise CmkitError(
            f"this reply does not fit on {network}: {measured.reason} "
            f"({measured.length} of {measured.limit} {measured.unit})",
            "shorten it",
        )


def send(
    root: Path,
    space: ClientSpace,
    wanted: str,
    text: str,
    now: datetime,
    open_connector: OpenConnector,
    *,
    saved: str | None = None,
    again: bool = False,
) -> Sent:
    text = text.strip()
    if not text:
        raise CmkitError("the reply is empty", "write the text, or use --saved NAME")
    inbox = store.read(space.data_dir)
    item = inbox.find(wanted)
    if item is None:
        raise CmkitError(
            f"no inbox item '{wanted}' for {space.slug}",
            "`cmkit inbox` lists the items and their ids",
        )
    mention = item.mention
    account = space.client.accounts.get(mention.network) if space.client else None
    if account is None:
        raise CmkitError(
            f"{space.slug} has no {mention.network} account in client.yaml to answer from",
            "add the account, or answer on the network itself",
        )
    check_length(mention.network, text, account.max_chars)
    key = reply_key(space.slug, item.id, text)
    pending = item.pending
    if pending is not None and pending.get("key") != key and not again:
        raise CmkitError(
            f"a different reply to {item.id} was being sent at {pending.get('ts')} and its "
            "outcome is unknown",
            f"check the thread ({mention.url or mention.remote_id}); "
            "if it did not go out, run the command again with --again",
        )
    connector = open_connector(mention.network, account)
    try:
        with store.locked(root, space.slug):
            store.append(
                space.data_dir,
                [store.event("replying", item.id, now, key=key, text=text, saved=saved)],
            )
        try:
            result = connector.reply(mention, text, key)
        except ConnectorError as exc:
            with store.locked(root, space.slug):
                store.append(
                    space.data_dir,
                    [
                        store.event(
                            "reply-failed",
                            item.id,
                            now,
                            key=key,
                            error=one_line(exc),
                            maybe_sent=True if _maybe_sent(exc) else None,
                        )
                    ],
                )
            raise
    finally:
        connector.close()
    from ..clock import now as clock_now

    sent_at = max(clock_now(), now)
    seconds = max(0, int((sent_at - mention.created_at).total_seconds()))
    with store.locked(root, space.slug):
        store.append(
            space.data_dir,
            [
                store.event(
                    "replied",
                    item.id,
                    sent_at,
                    key=key,
                    remote_id=result.remote_id,
                    url=result.url,
                    response_seconds=seconds,
                    text=text,
                    saved=saved,
                )
            ],
        )
    return Sent(item, result.remote_id, result.url, seconds)


def _maybe_sent(exc: ConnectorError) -> bool:
    """Whether the reply may have reached the network: anything but a definite refusal
    (a 4xx). A timeout or a 5xx after the request left may hide a published reply."""
    if isinstance(exc, OutcomeUnknown):
        return True
    return exc.status is None or exc.status >= 500

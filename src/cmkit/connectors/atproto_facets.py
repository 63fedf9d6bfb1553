"""AT Protocol details the Bluesky connector needs: rich-text facets, record keys, URIs.

Facets mark links, hashtags and mentions in a post by UTF-8 *byte* offsets (start
inclusive, end exclusive); `cmkit.text.facet_spans` finds them, this module turns
them into `app.bsky.richtext.facet` objects (mentions resolved to DIDs).

Record keys: a post's key is a TID (13 characters encoding microseconds and a
10-bit clock id). cmkit derives it from the delivery's idempotency key and
planned time, so a retry writes to the same key: the server refuses a second
record there, and recovery looks the post up by key instead of guessing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_B32 = "234567abcdefghijklmnopqrstuvwxyz"
TAG_MAX_BYTES = 640  # app.bsky.richtext.facet#tag: maxLength 640 (bytes), 64 graphemes
TAG_MAX_GRAPHEMES = 64


def tid(micros: int, clock_id: int) -> str:
    """A TID: 53 bits of microseconds since the epoch, 10 bits of clock id, base32-sortable."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    return "".join(_B32[(value >> (5 * i)) & 31] for i in range(12, -1, -1))


def _tid_value(key: str) -> int:
    value = 0
    for char in key:
        value = value * 32 + _B32.index(char)
    return value


def stable_rkey(idempotency_key: str, base: datetime) -> str:
    """The record key of a delivery planned at `base`: the same on every attempt."""
    digest = int(hashlib.sha256(idempotency_key.encode()).hexdigest()[:16], 16)
    second = int(base.astimezone(UTC).timestamp())
    # a key-derived instant within the planned second keeps posts planned together apart
    micros = second * 1_000_000 + digest % 999_000
    return tid(micros, digest >> 40)


def part_rkey(root_rkey: str, index: int) -> str:
    """The key of part `index` of a thread (0 is the first post itself)."""
    value = _tid_value(root_rkey)
    return tid((value >> 10) + index, value & 0x3FF)


def at_uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


def parse_at_uri(uri: str) -> tuple[str, str, str]:
    """(repo, collection, rkey) of at://repo/collection/rkey; ValueError otherwise."""
    if not uri.startswith("at://"):
        raise ValueError(f"not an at:// URI: {uri}")
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"not a record URI: {uri}")
    return parts[0], parts[1], parts[2]


def post_url(handle_or_did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{handle_or_did}/post/{rkey}"


def strip_tracking(url: str) -> str:
    """The URL without utm_* parameters: what the page is, whatever the campaign."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_")
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def full_link(value: str) -> str:
    """A link as written in a post (`example.com/x` too) as an absolute URI."""
    return value if "://" in value else f"https://{value}"


def short_display(url: str, limit: int = 32) -> str:
    """How a link reads in the text when its card or facet carries the full URL:
    host and path, no scheme, no query (Bluesky's own app shows links this way)."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    shown = host + path
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _feature(
    kind: str, value: str, resolve: Callable[[str], str | None], link_for: Callable[[str], str]
) -> dict[str, Any] | None:
    if kind in ("link", "url"):
        return {"$type": "app.bsky.richtext.facet#link", "uri": link_for(value)}
    if kind in ("tag", "hashtag"):
        tag = value.lstrip("#＃")
        if not tag or len(tag.encode()) > TAG_MAX_BYTES:
            return None
        return {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
    if kind == "mention":
        did = resolve(value.lstrip("@＠").lower())
        return {"$type": "app.bsky.richtext.facet#mention", "did": did} if did else None
    return None


def build_facets(
    text: str,
    resolve: Callable[[str], str | None],
    link_for: Callable[[str], str] = full_link,
) -> list[dict[str, Any]]:
    """The facets of `text`. A mention that does not resolve to a DID stays plain text,
    as in Bluesky's own app. `link_for(found)` gives the URI a link points to."""
    from ..text import facet_spans

    facets: list[dict[str, Any]] = []
    for span in facet_spans(text):
        feature = _feature(span.kind, span.value, resolve, link_for)
        if feature is not None:
            facets.append(
                {"index": {"byteStart": span.start, "byteEnd": span.end}, "features": [feature]}
            )
    return facets


def language_tags(lang: str | None) -> list[str]:
    """`langs` of a post: BCP-47 tags ("fr-CA"), from the account's or post's locale."""
    if not lang:
        return []
    return [lang.replace("_", "-")]

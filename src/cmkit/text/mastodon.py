"""Mastodon's status length: what its server validator counts.

Mastodon (app/validators/status_length_validator.rb) rewrites the text before
counting: every URL with http(s):// becomes 23 characters, whatever its length, and a
mention keeps only its username ("@alice@example.com" counts as "@alice"). It then
counts grapheme clusters. A bare `example.com` is not a link on Mastodon and counts
in full.
"""

from __future__ import annotations

import re

from . import twitter
from .twitter import Entity
from .unicode import grapheme_count

# Account::MENTION_RE: not after a word character, '=' or '/' (so not in e-mail addresses
# or URLs); a username, then optionally @ and the account's domain
_MENTION = re.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@(\w+(?:[.-]+\w+)*))?",
    re.IGNORECASE,
)


def mentions_with_indices(text: str) -> list[Entity]:
    """Mentions as Mastodon links them; the value is "user" or "user@domain"."""
    if "@" not in text:
        return []
    found = []
    for m in _MENTION.finditer(text):
        if twitter.END_MENTION.match(text, m.end()):  # Mastodon reuses twitter-text's check
            continue
        value = m.group(1) + (f"@{m.group(2)}" if m.group(2) else "")
        found.append(Entity("mention", value, m.start(), m.end()))
    return found


def urls_with_indices(text: str) -> list[Entity]:
    """Links Mastodon makes clickable: only those written with http:// or https://."""
    return twitter.extract_urls_with_indices(text, without_protocol=False)


def countable_text(text: str, url_length: int = 23) -> str:
    """The text as Mastodon measures it: URLs as `url_length` x's, mentions without domain."""
    entities = twitter.remove_overlapping([*urls_with_indices(text), *mentions_with_indices(text)])
    parts: list[str] = []
    position = 0
    for entity in entities:
        parts.append(text[position : entity.start])
        if entity.kind == "url":
            parts.append("x" * url_length)
        else:
            parts.append("@" + entity.value.split("@")[0])
        position = entity.end
    parts.append(text[position:])
    return "".join(parts)


def length(text: str, url_length: int = 23) -> int:
    return grapheme_count(countable_text(text, url_length))

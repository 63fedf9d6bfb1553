"""One counting rule per network: the length as the network measures it, and why a text
would be refused. Figures come from cmkit.networks.LIMITS (each with its source)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..networks import LIMITS, Limits, Network
from . import bluesky, mastodon, twitter
from .results import Count
from .unicode import emoji_spans, grapheme_count, utf8_length, utf16_length

# Threads refuses a post with more than 5 distinct links (developers.facebook.com/
# documentation/threads/posts, "THREADS_API__LINK_LIMIT_EXCEEDED", since 2025-12-22)
THREADS_MAX_LINKS = 5

_UNITS = {
    "twitter": "weighted characters",
    "graphemes": "graphemes",
    "codepoints": "characters",
    "utf16": "UTF-16 code units",
    "utf8-emoji": "characters (emoji as UTF-8 bytes)",
}


def count(text: str, network: Network, *, limit: int | None = None, caption: bool = False) -> Count:
    """Measure `text` for `network`: length, limit, entities and a verdict.

    `limit` overrides the network's figure (a Mastodon instance's own max_chars, an X
    Premium account). `caption` is for text sent along with media: Telegram then allows
    1,024 characters instead of 4,096, and an empty text is fine.
    """
    rules = LIMITS[network]
    if limit is None:
        limit = rules.caption_chars if caption and rules.caption_chars else rules.max_chars
    measure = _MEASURES[network]
    length, hashtags, urls, mentions, problems = measure(text, rules)
    size = utf8_length(text)
    if not text.strip() and not caption:
        problems.insert(0, "empty")
    elif length > limit:
        problems.insert(0, f"over by {length - limit}")
    if rules.max_bytes is not None and size > rules.max_bytes:
        problems.append(f"{size} bytes > {rules.max_bytes}")
    if rules.max_hashtags is not None and len(hashtags) > rules.max_hashtags:
        problems.append(f"{len(hashtags)} hashtags > {rules.max_hashtags}")
    return Count(
        network=network,
        length=length,
        limit=limit,
        valid=not problems,
        hashtags=hashtags,
        urls=urls,
        mentions=mentions,
        bytes=size,
        unit=_UNITS.get(rules.counting, "characters"),
        reason="; ".join(problems) or None,
    )


_Measure = tuple[int, list[str], list[str], list[str], list[str]]


def _x(text: str, rules: Limits) -> _Measure:
    parsed = twitter.parse_tweet(text)
    problems = []
    bad = sorted({ch for ch in text if ch in "\ufffe\ufeff\uffff"})
    if bad:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        problems.append(f"contains {codes}, which X refuses")
    mentions = ["@" + e.value for e in twitter.extract_mentions_with_indices(text)]
    return parsed.weighted_length, extract_hashtags(text), extract_urls(text), mentions, problems


def _bluesky(text: str, rules: Limits) -> _Measure:
    spans = bluesky.facet_spans(text)
    tags = [s.value for s in spans if s.kind == "tag"]
    links = [s.value for s in spans if s.kind == "link"]
    mentions = ["@" + s.value for s in spans if s.kind == "mention"]
    return grapheme_count(text), tags, links, mentions, []


def _mastodon(text: str, rules: Limits) -> _Measure:
    length = mastodon.length(text, rules.url_length or 23)
    urls = [e.value for e in mastodon.urls_with_indices(text)]
    mentions = ["@" + e.value for e in mastodon.mentions_with_indices(text)]
    return length, extract_hashtags(text), urls, mentions, []


def _threads(text: str, rules: Limits) -> _Measure:
    # "Emojis are counted as the number of UTF-8 bytes" (Threads API, Posts, Limitations)
    length = len(text)
    for start, end in emoji_spans(text):
        length += utf8_length(text[start:end]) - (end - start)
    urls = extract_urls(text)
    problems = []
    distinct = len(dict.fromkeys(urls))
    if distinct > THREADS_MAX_LINKS:
        problems.append(f"{distinct} links > {THREADS_MAX_LINKS}")
    return length, extract_hashtags(text), urls, extract_mentions(text), problems


def _telegram(text: str, rules: Limits) -> _Measure:
    return (
        utf16_length(text),
        extract_hashtags(text),
        extract_urls(text),
        extract_mentions(text),
        [],
    )


def _characters(text: str, rules: Limits) -> _Measure:
    return len(text), extract_hashtags(text), extract_urls(text), extract_mentions(text), []


_MEASURES = {
    Network.X: _x,
    Network.BLUESKY: _bluesky,
    Network.MASTODON: _mastodon,
    Network.THREADS: _threads,
    Network.TELEGRAM: _telegram,
    Network.LINKEDIN: _characters,
    Network.INSTAGRAM: _characters,
    Network.FACEBOOK: _characters,
    Network.DISCORD: _characters,
}


def extract_hashtags(text: str) -> list[str]:
    """Hashtags without '#', in order, by twitter-text's rules (accents, CJK, no #123)."""
    return list(_hashtags(text))


def extract_urls(text: str) -> list[str]:
    """URLs by twitter-text's rules, bare domains (`example.com/x`) included."""
    return list(_urls(text))


# `check` asks for the same text's entities once per network and once per charter rule
@lru_cache(maxsize=2048)
def _hashtags(text: str) -> tuple[str, ...]:
    return tuple(e.value for e in twitter.extract_hashtags_with_indices(text))


@lru_cache(maxsize=2048)
def _urls(text: str) -> tuple[str, ...]:
    return tuple(e.value for e in twitter.extract_urls_with_indices(text))


def extract_mentions(text: str) -> list[str]:
    """@mentions in any network's form: "@alice", "@alice@instance.social",
    "@alice.bsky.social". Not inside e-mail addresses or URLs."""
    if "@" not in text:
        return []
    return [m.group() for m in _MENTION.finditer(text)]


# a username (dots and dashes inside only), then optionally @ and a dotted domain;
# not after a word character, '@', '/', '=' or '.', as in e-mail addresses and URLs
_MENTION = re.compile(
    r"(?<![\w@/=.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
    r"(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?(?![\w@])",
)

"""Counting and extraction per network: how long a post is by each network's own rule.

X counts a weighted length (twitter-text 3: URLs 23, emoji and CJK 2, NFC); Bluesky
counts graphemes and UTF-8 bytes; Mastodon counts graphemes with URLs as 23 and remote
mentions by their username; Threads counts emoji as their UTF-8 bytes; Telegram counts
UTF-16 code units; the others count characters. The limits and their sources are in
cmkit.networks.LIMITS.

    >>> count("Bonjour 👋🏽 #Noël", Network.BLUESKY).length
    15
"""

from __future__ import annotations

from ..networks import Network
from .bluesky import facet_spans
from .results import Count, Span
from .rules import count, extract_hashtags, extract_mentions, extract_urls
from .twitter import parse_tweet
from .unicode import emoji_count, grapheme_count, utf8_length, utf16_length

__all__ = [
    "Count",
    "Network",
    "Span",
    "count",
    "emoji_count",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "facet_spans",
    "grapheme_count",
    "utf8_length",
    "utf16_length",
    "weighted_length",
]


def weighted_length(text: str) -> int:
    """X's weighted length (twitter-text v3 config): URLs 23, emoji and CJK 2, after NFC."""
    return parse_tweet(text).weighted_length

"""Unicode measures every network rule needs: graphemes, emoji sequences, code units.

Built on the `regex` module, whose `\\X` follows the current extended grapheme cluster
rules (ZWJ sequences, flags, skin tones and combining accents are one cluster) and whose
`\\p{...}` knows the emoji properties. Patterns compile on first use: importing
`cmkit.text` stays cheap for `cmkit check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex


@cache
def _graphemes() -> regex.Pattern[str]:
    import regex

    return regex.compile(r"\X", regex.DOTALL)


@cache
def _joining() -> regex.Pattern[str]:
    """Any character that can join its neighbour into one grapheme cluster (UAX #29)."""
    import regex

    return regex.compile(
        r"[\r\u200d\p{Grapheme_Extend}\p{Regional_Indicator}\p{Emoji_Modifier}"
        r"\p{Grapheme_Cluster_Break=SpacingMark}\p{Grapheme_Cluster_Break=Prepend}"
        r"\p{Hangul_Syllable_Type=L}\p{Hangul_Syllable_Type=V}\p{Hangul_Syllable_Type=T}"
        r"\p{Hangul_Syllable_Type=LV}\p{Hangul_Syllable_Type=LVT}]"
    )


@cache
def emoji_pattern() -> regex.Pattern[str]:
    """One emoji as people see it: a ZWJ sequence, a flag, a keycap or a tag sequence.

    It follows the shape of the emoji twitter-text counts (twemoji): text-default
    symbols such as ☺ count unless followed by the text selector U+FE0E, while ©, ®,
    ™ and ♟ count only with the emoji selector U+FE0F. Unlike twemoji it accepts any
    well-formed ZWJ sequence, not only the ones a font has a picture for.
    """
    import regex

    element = (
        r"(?:[\u00a9\u00ae\u2122\u265f]\ufe0f"
        r"|(?![\u00a9\u00ae\u2122\u265f])\p{Extended_Pictographic}(?:\ufe0f|(?!\ufe0e))"
        r"|\p{Emoji_Presentation})"
        r"\p{Emoji_Modifier}?\ufe0f?"
    )
    return regex.compile(
        r"\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"  # subdivision flags (England…)
        r"|\p{Regional_Indicator}{2}"  # country flags
        r"|[#*0-9]\ufe0f?\u20e3"  # keycaps
        rf"|{element}(?:\u200d{element})*"
        r"|\ufe0f",
        regex.V1,
    )


# `check` measures the same text for several networks and for their connectors
@lru_cache(maxsize=4096)
def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters), as Bluesky and Mastodon count."""
    if text.isascii():
        # no combining marks or joiners in ASCII, but CR LF is one cluster
        return len(text) - text.count("\r\n")
    if not any(map(_joins, set(_MAY_JOIN.findall(text)))):
        return len(text)  # nothing joins: each code point is its own cluster
    return len(_graphemes().findall(text))


# the characters a joiner can be among: all but plain ASCII (CR joins LF)
_MAY_JOIN = re.compile("[^\x00-\x0c\x0e-\x7f]")


@lru_cache(maxsize=4096)
def _joins(char: str) -> bool:
    # one character at a time, remembered: a text has a handful of distinct accented
    # letters and emoji, and the `regex` property class is slow to scan a whole text with
    return _joining().match(char) is not None


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) code point indices of each emoji sequence, in order."""
    if text.isascii():
        return []
    pattern = emoji_pattern()
    spans: list[tuple[int, int]] = []
    end = 0
    for start in _emoji_starts(text):
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is not None:
            end = m.end()
            if m.group() != "\ufe0f":
                spans.append(m.span())
    return spans


def _emoji_starts(text: str) -> list[int]:
    """Where an emoji may start — what `finditer` would find, tried only there: at a
    non-ASCII character, or at the digit, # or * of a keycap (before U+20E3)."""
    starts = {m.start() for m in _NON_ASCII.finditer(text)}
    if "\u20e3" in text:
        for keycap in (i for i, char in enumerate(text) if char == "\u20e3"):
            starts.update((keycap - 1, keycap - 2))
    return sorted(s for s in starts if s >= 0)


_NON_ASCII = re.compile("[^\x00-\x7f]")


def emoji_count(text: str) -> int:
    """How many emoji the text shows; a sequence (family, flag, skin tone) counts once."""
    return len(emoji_spans(text))


def utf8_length(text: str) -> int:
    # surrogatepass: a lone surrogate must be measurable, never a crash
    return len(text.encode("utf-8", "surrogatepass"))


def utf16_length(text: str) -> int:
    """UTF-16 code units: what JavaScript's `length` and Telegram count."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf8_offsets(text: str) -> Callable[[int], int]:
    """A function mapping a code point index of `text` to its UTF-8 byte offset."""
    if text.isascii():
        return int
    # a text has a handful of entities: encoding a prefix per lookup (in C) beats
    # building a table of every code point in Python
    return lambda index: len(text[:index].encode("utf-8", "surrogatepass"))

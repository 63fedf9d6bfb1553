"""X (Twitter) text rules: twitter-text 3's URL, hashtag and mention extraction and
its weighted length, re-implemented in Python.

The behaviour follows twitter-text's public conformance suite (a copy lives in
tests/conformance/twitter-text and runs with the tests). Indices are code points
(twitter-text's JavaScript counts UTF-16 units; they differ only past U+FFFF).

The URL scan is kept near linear on hostile input: candidates are tried left to right
as twitter-text's global regular expression would, but a failed attempt skips every
later start that provably fails too, and one attempt looks at most a little past the
4,096 characters a URL may have.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .tlds import tld_pattern

if TYPE_CHECKING:
    import regex

# character groups of twitter-text, as regular expression class bodies
_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVALID = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
_PUNCT = r"!'#%&()*+,\\\-./:;<=>?@\[\]\^_{|}~$"
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"

MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG = 40
_WINDOW = MAX_URL_LENGTH + 64  # how far one URL attempt may look

_D = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"  # a domain character
# labels that are valid subdomains, joined by dots
_LABEL_RUN = re.compile(f"{_D}(?:[_-]*{_D})*(?:\\.{_D}(?:[_-]*{_D})*)*")
_PRE_INVALID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@＠$#＃")
_PRE_INVALID |= frozenset(_INVALID)
_NO_PROTOCOL_PRE = frozenset("-_./")


@dataclass(frozen=True)
class Config:
    """A twitter-text weighting configuration (its config/v*.json)."""

    max_weighted_length: int
    scale: int
    default_weight: int
    url_length: int
    ranges: tuple[tuple[int, int, int], ...]  # (first, last, weight) code point ranges
    emoji_parsing: bool


V1 = Config(140, 1, 1, 23, (), False)
V2 = Config(
    280,
    100,
    200,
    23,
    ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
    False,
)
V3 = Config(280, 100, 200, 23, V2.ranges, True)


@dataclass(frozen=True)
class Entity:
    kind: str  # "url", "hashtag", "mention"
    value: str  # the URL, the tag without '#', the screen name without '@'
    start: int  # code point indices into the text, end exclusive
    end: int
    list_slug: str = ""


@dataclass(frozen=True)
class ParseResult:
    weighted_length: int
    valid: bool
    permillage: int
    valid_range_end: int  # UTF-16 index of the last character within the limit
    display_range_end: int


# --- URLs -----------------------------------------------------------------------------------


@cache
def _url_regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    tld = f"(?:(?:{tld_pattern()})(?=[^0-9a-zA-Z@+-]|$)|xn--[\\-0-9a-z]+)"
    subdomain = f"(?:{_D}(?:[_-]*{_D})*+\\.)"
    domain_name = f"(?:{_D}(?:-*{_D})*+\\.)"
    path_char = f"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~@|&{_LATIN_ACCENTS}]"
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = f"(?:[+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|{parens})"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
    query_end = r"[a-z0-9\-_&=#/]"
    url = re.compile(
        f"(https?://)?({subdomain}*{domain_name}{tld})(?::([0-9]+))?"
        f"(/{path}*)?(\\?{query}*{query_end})?",
        re.IGNORECASE,
    )
    ascii_domain = re.compile(f"(?:[\\-a-z0-9{_LATIN_ACCENTS}]+\\.)+{tld}", re.IGNORECASE)
    tco = re.compile(f"https?://t\\.co/([a-z0-9]+)(?:\\?{query}*{query_end})?", re.IGNORECASE)
    return url, ascii_domain, tco


def extract_urls_with_indices(text: str, *, without_protocol: bool = True) -> list[Entity]:
    """URLs as twitter-text finds them, bare domains (`example.com/x`) included by default."""
    if not text or ("." not in text if without_protocol else ":" not in text):
        return []
    if without_protocol:
        return list(_urls(text))
    # the same scan, the bare domains left out: twitter-text drops them after matching
    return [e for e in _urls(text) if _is_protocol_at(e.value, 0)]


# the same text's URLs are asked for its length, its hashtags (a tag inside a URL is
# not one) and each network's rules
@lru_cache(maxsize=2048)
def _urls(text: str) -> tuple[Entity, ...]:
    url_re, ascii_re, tco_re = _url_regexes()
    urls: list[Entity] = []
    for m, pre in _url_matches(text, url_re):
        protocol, domain, path = m.group(1), m.group(2), m.group(4)
        start, end = m.span()
        if not _valid_url(m.group(), protocol or "https://", domain, ascii_re):
            continue
        if protocol:
            tco = tco_re.match(m.group())
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG:
                    continue
                end = start + tco.end()
            urls.append(Entity("url", text[start:end], start, end))
            continue
        if pre in _NO_PROTOCOL_PRE:
            continue
        found = [
            Entity("url", a.group(), start + a.start(), start + a.end())
            for a in ascii_re.finditer(domain)
        ]
        if found and path:
            # as twitter-text: the last domain found, then the URL's port, path and query
            last = found[-1]
            found[-1] = Entity("url", last.value + m.group()[len(domain) :], last.start, end)
        urls.extend(found)
    return tuple(urls)


def _url_matches(text: str, url_re: re.Pattern[str]) -> Iterator[tuple[re.Match[str], str]]:
    """Each match of twitter-text's URL expression, leftmost first, with its preceding char.

    twitter-text consumes the character before a URL, so the next URL starts at least
    two characters after the previous match; only the very first may start at 0, and
    "(pre)URL" at 1 is tried before "^URL" at 0.
    """
    n = len(text)
    # A URL holds no space and has a dot before its TLD: only the space-delimited
    # stretches holding ".x" need looking at, most of a post's prose does not
    zones = [m.span() for m in _ZONE.finditer(text)]
    i = 0  # the smallest index the next URL may start at
    skip_until = 0  # bare-domain starts below this are known to fail
    while i < n:
        i = _next_candidate(text, i, skip_until, zones)
        if i < 0:
            return
        order = [i]
        if i == 0 and n > 1 and text[0] not in _PRE_INVALID and _is_domain_char(text[1]):
            order = [1, 0]
        for start in order:
            m = _attempt(text, url_re, start)
            if m is not None:
                yield m, text[start - 1] if start else ""
                i = m.end() + 1
                break
            if not _is_protocol_at(text, start):
                skip_until = max(skip_until, _next_viable_start(text, start))
        else:
            i = max(order) + 1


_ZONE = re.compile(f"(?:^|(?<=[{_SPACES}]))[^{_SPACES}]*\\.\\w[^{_SPACES}]*")


def _next_viable_start(text: str, failed: int) -> int:
    """After no URL starts at `failed`, the first later start in its run of labels that
    may still hold one.

    A domain found from a later start would stay valid with the skipped characters in
    front of it (they form valid subdomain labels), so it would have been found from
    `failed`; the exception is a domain name after an underscore, which cannot take
    the underscore into it: the start right after a label's last underscore is viable.
    """
    run = _LABEL_RUN.match(text, failed)
    end = run.end() if run else failed + 1
    underscore = text.find("_", failed, end)
    if underscore < 0:
        return end
    dot = text.find(".", underscore, end)
    return text.rfind("_", underscore, end if dot < 0 else dot) + 1


def _next_candidate(text: str, i: int, skip_until: int, zones: list[tuple[int, int]]) -> int:
    """The first index >= i where a URL may start: in a zone, after a valid preceding
    character, on a domain character. Bare-domain starts below skip_until are left out,
    but a protocol ending that run ("…日本http://") is still a candidate."""
    n = len(text)
    while i < n:
        zone = bisect.bisect_right(zones, i, key=lambda span: span[1])
        if zone == len(zones):
            return -1
        i = max(i, zones[zone][0])
        if i < skip_until:
            for p in (skip_until - 5, skip_until - 4):
                if p < i or not _is_protocol_at(text, p):
                    continue
                if p == 0 or text[p - 1] not in _PRE_INVALID:
                    return p
            i = skip_until
            continue
        if (i == 0 or text[i - 1] not in _PRE_INVALID) and _is_domain_char(text[i]):
            return i
        i += 1
    return -1


@cache
def _domain_char_re() -> re.Pattern[str]:
    return re.compile(_D)


def _is_domain_char(ch: str) -> bool:
    return _domain_char_re().match(ch) is not None


def _is_protocol_at(text: str, i: int) -> bool:
    return text[i : i + 8].lower().startswith(("http://", "https://"))


def _attempt(text: str, url_re: re.Pattern[str], start: int) -> re.Match[str] | None:
    end = min(len(text), start + _WINDOW)
    m = url_re.match(text, start, end)
    if m is not None and m.end() == end < len(text):
        m = url_re.match(text, start)  # the window cut it short: look at everything
    return m


def _valid_url(url: str, protocol: str, domain: str, ascii_re: re.Pattern[str]) -> bool:
    """twitter-text's isValidUrl: each label at most 63 characters once punycoded, and the
    whole URL with its protocol within 4,096 UTF-16 units."""
    if domain.startswith("xn--") and not ascii_re.search(domain):
        return False  # punycode cannot hold non-ASCII characters
    for label in domain.split("."):
        size = _punycode_length(label)
        if size < 1 or size > 63:
            return False
    return len(protocol) + _utf16_len(url) <= MAX_URL_LENGTH


def _punycode_length(label: str) -> int:
    # like punycode.js toASCII: ideographic full stops separate labels too
    parts = re.split("[\u3002\uff0e\uff61]", label)
    total = len(parts) - 1
    for part in parts:
        if part.isascii():
            total += len(part)
            continue
        try:
            total += 4 + len(part.encode("punycode"))
        except UnicodeError:
            total += 4 + 2 * len(part)  # lone surrogates: no encoding, estimate its size
    return total


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# --- hashtags and mentions ------------------------------------------------------------------

# joiners and the signs twitter-text lets inside a hashtag (Hebrew geresh, middle dot, ～ …)
_HASHTAG_SPECIAL = (
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e"
    "\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)


@cache
def _hashtag_re() -> regex.Pattern[str]:
    import regex

    alnum = rf"[\p{{L}}\p{{M}}\p{{Nd}}{_HASHTAG_SPECIAL}]"
    non_alpha = rf"[\p{{Nd}}{_HASHTAG_SPECIAL}]"
    return regex.compile(
        rf"(^|\ufe0e|\ufe0f|(?!{alnum}|&).)([#＃])(?!\ufe0f|\u20e3)"
        rf"({non_alpha}*+[\p{{L}}\p{{M}}]{alnum}*+)",
        regex.DOTALL | regex.IGNORECASE,
    )


_END_HASHTAG = re.compile("[#＃]|://")


def _hashtag_matches(text: str) -> Iterator[regex.Match[str]]:
    """The matches `finditer` gives, tried only where one can start: the expression
    consumes the character before the '#' (or starts at 0 with it), so each '#' offers
    one start, one character earlier. Leftmost first, never overlapping."""
    pattern = _hashtag_re()
    end = 0
    for start in sorted({max(m.start() - 1, 0) for m in _HASH.finditer(text)}):
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is not None:
            end = m.end()
            yield m


_HASH = re.compile("[#＃]")


def extract_hashtags_with_indices(text: str, *, check_url_overlap: bool = True) -> list[Entity]:
    if not text or ("#" not in text and "＃" not in text):
        return []
    tags: list[Entity] = []
    for m in _hashtag_matches(text):
        if _END_HASHTAG.match(text, m.end()):
            continue
        start = m.start(2)
        tags.append(Entity("hashtag", m.group(3), start, m.end()))
    if check_url_overlap and tags:
        urls = extract_urls_with_indices(text)
        if urls:
            tags = [e for e in remove_overlapping([*tags, *urls]) if e.kind == "hashtag"]
    return tags


_MENTION = re.compile(
    r"(^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)"
    r"([@＠])([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_\-]{0,24})?"
)
END_MENTION = re.compile(f"[@＠]|[{_LATIN_ACCENTS}]|://")


def extract_mentions_or_lists_with_indices(text: str) -> list[Entity]:
    if not text or ("@" not in text and "＠" not in text):
        return []
    found: list[Entity] = []
    for m in _MENTION.finditer(text):
        if END_MENTION.match(text, m.end()):
            continue
        start = m.start(2)
        found.append(Entity("mention", m.group(3), start, m.end(), m.group(4) or ""))
    return found


def extract_mentions_with_indices(text: str) -> list[Entity]:
    return [e for e in extract_mentions_or_lists_with_indices(text) if not e.list_slug]


def remove_overlapping(entities: list[Entity]) -> list[Entity]:
    """Keep the first of entities that overlap, in order of start (twitter-text's rule)."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: e.start):
        if kept and kept[-1].end > entity.start:
            continue
        kept.append(entity)
    return kept


# --- weighted length ------------------------------------------------------------------------


def parse_tweet(text: str, config: Config = V3) -> ParseResult:
    """twitter-text's parseTweet: the weighted length and whether X accepts the text."""
    normalized = unicodedata.normalize("NFC", text)
    urls = {e.start: e.end for e in extract_urls_with_indices(normalized)}
    emoji: dict[int, int] = {}
    if config.emoji_parsing:
        from .unicode import emoji_spans

        emoji = dict(emoji_spans(normalized))
    limit = config.max_weighted_length * config.scale
    weighted = 0
    valid = True
    valid_end = 0  # UTF-16 index of the last character within the limit
    utf16 = 0  # UTF-16 index of the current position
    i = 0
    n = len(normalized)
    while i < n:
        if i in urls:
            end = urls[i]
            weighted += config.url_length * config.scale
        elif i in emoji:
            end = emoji[i]
            weighted += config.default_weight
        else:
            end = i + 1
            weighted += _weight(ord(normalized[i]), config)
        width = _utf16_len(normalized[i:end])
        last = end - 1
        if valid and normalized[last] in _INVALID:
            valid = False
        if valid and weighted <= limit:
            valid_end = utf16 + width - 1
        utf16 += width
        i = end
    length = weighted // config.scale
    valid = valid and 0 < length <= config.max_weighted_length
    offset = _utf16_len(text) - utf16
    return ParseResult(
        weighted_length=length,
        valid=valid,
        permillage=int(length / config.max_weighted_length * 1000),
        valid_range_end=valid_end + offset,
        display_range_end=max(_utf16_len(text) - 1, 0),
    )


def _weight(cp: int, config: Config) -> int:
    for first, last, weight in config.ranges:
        if first <= cp <= last:
            return weight
    return config.default_weight

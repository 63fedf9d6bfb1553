"""Bluesky rich-text facets: the links, #tags and @handle mentions the Bluesky app
detects in a post, with the UTF-8 byte offsets a post record needs.

Same rules as the reference client (@atproto/api RichText.detectFacets): a bare domain
or a handle counts only when it ends with a real top-level domain; trailing
punctuation is not part of a link or a tag; a tag is at most 64 characters. One
deliberate difference: a bare domain may contain hyphens (boulangerie-martin.fr).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .results import Span
from .tlds import is_tld
from .unicode import utf8_offsets, utf16_length

if TYPE_CHECKING:
    import regex

# JavaScript's \s, which Python's misses a few of (U+FEFF, U+180E are not spaces there)
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_SPACE = f"[^{_JS_SPACE}]"
# The app's own pattern allows no hyphen in a bare domain, so it leaves
# "boulangerie-martin.fr" unlinked; cmkit writes its facets itself and links it.
_LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# re.ASCII: JavaScript's \b and case folding know only ASCII letters
_MENTION = re.compile(f"(?:^|(?<=[{_JS_SPACE}(]))@([a-zA-Z0-9.-]+)\\b", re.ASCII)
_LINK = re.compile(
    f"(?:^|(?<=[{_JS_SPACE}(]))"
    f"(https?://{_NOT_SPACE}+|(?P<domain>{_LABEL}(?:\\.{_LABEL})+){_NOT_SPACE}*)",
    re.IGNORECASE | re.MULTILINE | re.ASCII,
)
_ZERO_WIDTH = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"


@cache
def _tag_re() -> regex.Pattern[str]:
    import regex

    stop = f"{_JS_SPACE}{_ZERO_WIDTH}"
    return regex.compile(
        f"(?:^|(?<=[{_JS_SPACE}]))[#＃]((?!\ufe0f)[^{stop}]*[^0-9\\p{{P}}{stop}]+[^{stop}]*)?",
        regex.V1,
    )


def _is_handle_domain(value: str) -> bool:
    _, dot, tld = value.rpartition(".")
    return (bool(dot) and is_tld(tld)) or value.endswith(".test")


def facet_spans(text: str) -> list[Span]:
    """Links, tags and mentions in `text`, ordered by start byte."""
    return list(_facet_spans(text))


# `check` asks for the same text's facets for its length rule and the connector's
@lru_cache(maxsize=2048)
def _facet_spans(text: str) -> tuple[Span, ...]:
    if not text:
        return ()
    to_bytes = utf8_offsets(text)
    spans: list[Span] = []
    # each pattern only where its marker is: most texts have no @ and no link
    for m in _MENTION.finditer(text) if "@" in text else ():
        handle = m.group(1)
        if not _is_handle_domain(handle):
            continue
        spans.append(Span("mention", to_bytes(m.start()), to_bytes(m.end()), handle))
    for m in _LINK.finditer(text) if "." in text or "://" in text else ():
        uri = m.group(1)
        if not uri.lower().startswith("http"):
            domain = m.group("domain")
            if not domain or not _is_bare_domain(domain):
                continue
            uri = "https://" + uri
        start, end = m.span(1)
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        spans.append(Span("link", to_bytes(start), to_bytes(end), uri))
    for found in _tag_re().finditer(text) if "#" in text or "＃" in text else ():
        tag = found.group(1)
        if not tag:
            continue
        tag = _strip_trailing_punctuation(tag.strip(_JS_SPACE_CHARS))
        if not tag or utf16_length(tag) > 64:
            continue
        start = found.start()
        spans.append(Span("tag", to_bytes(start), to_bytes(start + 1 + len(tag)), tag))
    spans.sort(key=lambda s: (s.start, s.end))
    return tuple(spans)


def _is_bare_domain(domain: str) -> bool:
    # the app checks the TLD as written: "Example.COM" is not a link there
    _, dot, tld = domain.rpartition(".")
    return bool(dot) and is_tld(tld)


_JS_SPACE_CHARS = "".join(
    chr(c)
    for c in (
        *range(9, 14),
        32,
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
        0xFEFF,
    )
)


@cache
def _trailing_punctuation() -> regex.Pattern[str]:
    import regex

    return regex.compile(r"\p{P}+$")


def _strip_trailing_punctuation(tag: str) -> str:
    return _trailing_punctuation().sub("", tag)

"""Post text in LinkedIn's "little" format, which the Posts API reads `commentary` as.

little gives meaning to `\\ | { } @ [ ] ( ) < > # * _ ~`: a mention is
`@[Name](urn:li:organization:123)`, a hashtag `#word` (or `{hashtag|\\#|word}`), and
every other reserved character must be backslash-escaped to stay plain text — an
unescaped one does not fail the request: LinkedIn accepts the post and silently cuts
the text there (learn.microsoft.com/linkedin/marketing/community-management/shares/
little-text-format: "All reserved characters need to be escaped with a backslash,
even if those characters are not used in one of the supported elements").

`escape` leaves three things as written: hashtags and mentions (they are little
elements), and http(s) URLs, which LinkedIn turns into links — a backslash inside one
would break the link. `plain` reads little back as the text a reader sees, so a post found
on LinkedIn can be compared with the one cmkit sent.
"""

from __future__ import annotations

import re

RESERVED = frozenset("\\|{}@[]()<>#*_~")

# a mention of a member or an organization, in the syntax the Posts API documents;
# the name must be the page's (or person's) exact name on LinkedIn
MENTION = re.compile(
    r"@\[(?P<name>[^\[\]()\\@\n]{1,100})\]\((?P<urn>urn:li:(?:person|organization):[\w-]+)\)"
)
_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|(?P<tag>[^{}|]+)\}")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def kept_spans(text: str) -> list[tuple[int, int]]:
    """Where the text is already valid little: mentions, hashtags, URLs (code points)."""
    from ..text import twitter

    spans = [(m.start(), m.end()) for m in MENTION.finditer(text)]
    taken = list(spans)

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    urls = [
        e for e in twitter.extract_urls_with_indices(text) if re.match(r"https?://", e.value, re.I)
    ]  # a bare domain (shop.fr/a_b) is plain text to LinkedIn: its characters are escaped
    for entity in [*urls, *twitter.extract_hashtags_with_indices(text)]:
        if free(entity.start, entity.end):
            spans.append((entity.start, entity.end))
            taken.append((entity.start, entity.end))
    return sorted(spans)


def escape(text: str) -> str:
    """The commentary to send: readers see exactly `text`, with its mentions and tags."""
    out: list[str] = []
    spans = kept_spans(text)
    index = 0
    for start, end in spans:
        out.append(_escape_plain(text[index:start]))
        out.append(text[start:end])
        index = end
    out.append(_escape_plain(text[index:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return "".join("\\" + ch if ch in RESERVED else ch for ch in text)


def mentions(text: str) -> list[tuple[str, str]]:
    """(name, urn) of each mention written in LinkedIn's syntax."""
    return [(m.group("name"), m.group("urn")) for m in MENTION.finditer(text)]


def plain(little: str) -> str:
    """What a reader sees: mentions as `@Name`, templates as `#tag`, escapes removed."""
    text = MENTION.sub(lambda m: "@" + m.group("name"), little)
    text = _TEMPLATE.sub(lambda m: "#" + m.group("tag"), text)
    return _ESCAPED.sub(lambda m: m.group(1), text)


def reader_text(text: str) -> str:
    """The cmkit text as LinkedIn shows it (mentions shown by name)."""
    return MENTION.sub(lambda m: "@" + m.group("name"), text)

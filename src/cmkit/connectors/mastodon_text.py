"""A status's text as cmkit sends it to Mastodon, and as Mastodon shows it back.

Sending: Mastodon makes a card from the first link in a status, so the post's
link must be in the text. A link already written there (with or without
https://, with or without its UTM tags) is replaced by the tagged one; otherwise
the tagged link is appended on its own line. Each URL counts as 23 characters
whatever its length, so the tags cost nothing.

Reading: statuses come back as HTML. `html_to_text` turns that into text, and
`same_text` compares it with what cmkit sent, ignoring what Mastodon rewrites
(mention domains, link display, spacing).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .atproto_facets import full_link, strip_tracking


def _page(url: str) -> tuple[str, str, str]:
    parts = urlsplit(strip_tracking(full_link(url)))
    return (parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), parts.query)


def status_text(text: str, link: str | None) -> str:
    """The status to send: the text with the post's (tagged) link in it."""
    from ..text import twitter

    if not link or link in text:
        return text
    for found in twitter.extract_urls_with_indices(text, without_protocol=True):
        if _page(found.value) == _page(link):
            return text[: found.start] + link + text[found.end :]
    return f"{text.rstrip()}\n\n{link}" if text.strip() else link


def language(lang: str | None) -> str | None:
    """Mastodon wants ISO 639-1 ("fr"), not a locale ("fr-CA")."""
    if not lang:
        return None
    code = lang.replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self._paragraphs:
                self.parts.append("\n\n")
            self._paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of a status's HTML content (paragraphs as blank lines)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return unescape("".join(parser.parts)).strip()


_MENTION_DOMAIN = re.compile(r"(@[\w.-]+)@[\w.-]+\w")
_URL = re.compile(r"https?://\S+")


def _comparable(text: str) -> str:
    text = _MENTION_DOMAIN.sub(r"\1", text)  # Mastodon shows @user, not @user@domain
    text = _URL.sub(lambda m: "".join(_page(m.group(0))[:2]), text)
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def same_text(sent: str, shown_html: str) -> bool:
    """Whether a status's HTML shows the text cmkit sent."""
    return _comparable(sent) == _comparable(html_to_text(shown_html))


def reply_text(author: str, text: str) -> str:
    """A reply addressed to `author` ("@user@domain"): Mastodon notifies whom it mentions."""
    handle = author if author.startswith("@") else f"@{author}"
    return text if handle.lower() in text.lower() else f"{handle} {text}"

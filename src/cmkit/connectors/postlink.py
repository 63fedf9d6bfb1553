"""Where a post's link goes in its text, for networks whose link lives in the text.

A post's `link:` reaches a connector tagged with UTM parameters; the text may already
show the same page, written bare. Then the tagged link takes the bare one's place —
readers see one link, and the click is counted — instead of a second copy at the end.
A text URL that carries its own `utm_` parameters was tagged by hand and is kept.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def _page(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url if "://" in url else "https://" + url)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.path.rstrip("/") or "/")


def shown_as(text: str, link: str) -> str | None:
    """The URL in `text` that points at the same page as `link`, if any."""
    from ..text import extract_urls

    if link in text:
        return link
    page = _page(link)
    return next((url for url in extract_urls(text) if _page(url) == page), None)


def with_link(text: str, link: str | None) -> str:
    """The text with the post's link: in place of the same page written bare, or last."""
    from ..links import has_utm

    text = text.strip()
    if not link:
        return text
    shown = shown_as(text, link)
    if shown is None:
        return f"{text}\n\n{link}" if text else link
    if shown == link or has_utm(shown):
        return text
    return text.replace(shown, link, 1)


def tagged_in_text(text: str, link: str | None) -> str:
    """The text with a bare copy of the post's page replaced by the tagged link; nothing
    added when the text does not show it (the network shows the link elsewhere)."""
    text = text.strip()
    if not link or shown_as(text, link) is None:
        return text
    return with_link(text, link)


def card_or_text(text: str, link: str | None, *, card: bool) -> str:
    """The text of a network that shows a post's link as a card when it can: with a
    card (no media) the text only has a bare copy replaced, without one the link goes
    in the text."""
    return tagged_in_text(text, link) if card else with_link(text, link)

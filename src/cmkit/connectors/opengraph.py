"""A link's preview (title, description, image) from the page's OpenGraph tags.

Networks that show link cards without building them (Mastodon, Facebook) fetch
the page themselves; on Bluesky the poster builds the card, so cmkit reads the
page the way those crawlers do: `og:*` first, then Twitter card tags, then the
HTML `<title>` and meta description. Only the `<head>` is parsed, and at most
`MAX_PAGE` bytes are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from .http import RetryPolicy, client

MAX_PAGE = 1_000_000
MAX_IMAGE = 15_000_000
TIMEOUT = 10.0


@dataclass(frozen=True)
class Preview:
    url: str
    title: str = ""
    description: str = ""
    image: str | None = None  # absolute URL


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return  # what the body says is not the page's description
        if tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            name = (values.get("property") or values.get("name") or "").lower()
            if name and "content" in values:
                self.meta.setdefault(name, values["content"].strip())
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse(html: str, url: str) -> Preview:
    """The preview a page describes; `url` resolves a relative image address."""
    head = _Head()
    for start in range(0, len(html), 8192):
        head.feed(html[start : start + 8192])
        if head.done:
            break
    meta = head.meta

    def first(*names: str) -> str:
        return next((" ".join(meta[n].split()) for n in names if meta.get(n)), "")

    title = first("og:title", "twitter:title") or " ".join(head.title.split())
    description = first("og:description", "twitter:description", "description")
    image = first("og:image:secure_url", "og:image", "og:image:url", "twitter:image")
    return Preview(url, title, description, urljoin(url, image) if image else None)


def _read_capped(response: object, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # type: ignore[attr-defined]
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def fetch(url: str) -> Preview:
    """The page's preview; an empty one (title-less) when the page cannot be read."""
    import httpx

    headers = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    with client(
        "link preview", headers=headers, timeout=TIMEOUT, retry=RetryPolicy(attempts=2)
    ) as http:
        try:
            with http.stream("GET", url) as response:
                kind = response.headers.get("content-type", "")
                if not response.is_success or "html" not in kind:
                    return Preview(url)
                raw = _read_capped(response, MAX_PAGE)
                encoding = response.charset_encoding or "utf-8"
        except httpx.HTTPError:
            return Preview(url)
    return parse(raw.decode(encoding, errors="replace"), str(url))


def fetch_image(url: str) -> tuple[bytes, str] | None:
    """The preview image's bytes and media type, or None when it cannot be had."""
    import httpx

    with client(
        "link preview",
        headers={"Accept": "image/*"},
        timeout=TIMEOUT,
        retry=RetryPolicy(attempts=2),
    ) as http:
        try:
            with http.stream("GET", url) as response:
                kind = response.headers.get("content-type", "").split(";")[0].strip()
                if not response.is_success or not kind.startswith("image/"):
                    return None
                data = _read_capped(response, MAX_IMAGE + 1)
        except httpx.HTTPError:
            return None
    return (data, kind) if 0 < len(data) <= MAX_IMAGE else None

"""Fetching RSS, Atom and JSON feeds: concurrently, conditionally, within size and time limits.

Each feed is fetched with the validators of its last answer (ETag → If-None-Match,
Last-Modified → If-Modified-Since), so an unchanged feed costs a 304 and no parsing. A feed
that is down, slow, huge, malformed or not a feed at all gives a `FeedResult` with one line
saying so; it never stops the others. Memory stays bounded: a body is read in chunks and
abandoned past `Limits.max_bytes`, whatever Content-Length claims.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

    from ..connectors.http import HttpClient

ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
)


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0  # seconds without an answer (connect, or between two chunks)
    deadline: float = 40.0  # seconds for a whole feed, download included
    max_bytes: int = 5 * 1024 * 1024
    jobs: int = 24  # feeds fetched at the same time


@dataclass(frozen=True)
class FeedSource:
    url: str
    name: str
    topic: str | None = None
    competitor: str | None = None  # the feed belongs to this competitor


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Entry:
    title: str
    link: str | None
    guid: str | None
    published: datetime | None
    summary: str
    author: str | None = None


@dataclass
class FeedResult:
    source: FeedSource
    status: str  # ok | unchanged | failed
    entries: list[Entry] = field(default_factory=list)
    message: str = ""  # for a failure: what went wrong, one line
    hint: str = ""
    validators: Validators | None = None  # from this answer, to send next time
    notes: list[str] = field(default_factory=list)  # read, but something is off
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class _Failed(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def fetch_all(
    requests: Iterable[tuple[FeedSource, Validators | None]],
    limits: Limits | None = None,
    extra_tasks: Iterable[Callable[[], None]] = (),
) -> list[FeedResult]:
    """Fetch every feed, each with the validators of its last answer (and run
    `extra_tasks`, e.g. searches, alongside); results in the order of `requests`."""
    import httpx

    from ..connectors.http import RetryPolicy, client

    limits = limits or Limits()
    todo = list(requests)
    tasks = list(extra_tasks)
    workers = max(1, min(limits.jobs, len(todo) + len(tasks)))
    # one quick retry on a 5xx or a dropped connection; a feed that stays down is simply
    # reported, and the next run tries again
    retry = RetryPolicy(attempts=2, backoff=0.3, max_backoff=1.0, max_wait=5.0)
    pool_limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with (
        client("watch", timeout=limits.timeout, retry=retry, limits=pool_limits) as http,
        ThreadPoolExecutor(workers, thread_name_prefix="cmkit-watch") as pool,
    ):
        others = [pool.submit(task) for task in tasks]
        futures = [
            pool.submit(fetch_one, http, source, validators, limits) for source, validators in todo
        ]
        results = [f.result() for f in futures]
        for other in others:
            other.result()
    return results


def fetch_one(
    http: HttpClient, source: FeedSource, validators: Validators | None, limits: Limits
) -> FeedResult:
    import httpx

    started = time.monotonic()
    headers = {"Accept": ACCEPT, **(validators.headers() if validators else {})}
    try:
        with http.stream("GET", source.url, headers=headers) as response:
            result = _answer(response, source, limits, started)
    except _Failed as exc:
        result = FeedResult(source, "failed", message=str(exc), hint=exc.hint)
    except httpx.TimeoutException:
        result = FeedResult(
            source,
            "failed",
            message=f"no answer within {limits.timeout:g} s",
            hint="the site may be down or very slow; the next run tries again",
        )
    except httpx.ConnectError as exc:
        result = FeedResult(
            source,
            "failed",
            message=f"cannot connect ({_reason(exc)})",
            hint="check the URL in watch.yaml; the next run tries again",
        )
    except httpx.TransportError as exc:
        result = FeedResult(
            source,
            "failed",
            message=f"connection failed ({_reason(exc)})",
            hint="the next run tries again",
        )
    except httpx.InvalidURL:
        result = FeedResult(
            source, "failed", message="not a usable URL", hint="fix the feed's url in watch.yaml"
        )
    result.seconds = time.monotonic() - started
    return result


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def _answer(
    response: httpx.Response, source: FeedSource, limits: Limits, started: float
) -> FeedResult:
    notes = _moved(response, source)
    if response.status_code == 304:
        return FeedResult(source, "unchanged", validators=None, notes=notes)
    if not response.is_success:
        raise _status_failure(response.status_code)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_bytes:
        raise _too_large(int(length), limits, read_all=False)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limits.max_bytes:
            raise _too_large(len(body), limits, read_all=True)
        if time.monotonic() - started > limits.deadline:
            raise _Failed(
                f"too slow: still downloading after {limits.deadline:g} s "
                f"({len(body) // 1024} KB received)",
                "the next run tries again; remove the feed if it stays this slow",
            )
    validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
    entries, parse_notes = parse(
        bytes(body), str(response.url), response.headers.get("content-type", "")
    )
    return FeedResult(source, "ok", entries, validators=validators, notes=notes + parse_notes)


def _moved(response: httpx.Response, source: FeedSource) -> list[str]:
    if any(r.status_code in (301, 308) for r in response.history):
        return [f"moved permanently to {response.url}: update its url in watch.yaml"]
    return []


def _status_failure(status: int) -> _Failed:
    if status in (404, 410):
        return _Failed(
            f"the feed is gone (HTTP {status})",
            "the site may have moved its feed: find the new URL, or remove it from watch.yaml",
        )
    if status in (401, 403):
        return _Failed(
            f"access refused (HTTP {status})", "the feed is private or blocks automated readers"
        )
    if status == 429:
        return _Failed("the site asks to slow down (HTTP 429)", "the next run tries again")
    if status >= 500:
        return _Failed(f"server error (HTTP {status})", "the next run tries again")
    return _Failed(f"unexpected answer (HTTP {status})", "check the URL in watch.yaml")


def _too_large(size: int, limits: Limits, *, read_all: bool) -> _Failed:
    limit_mb = limits.max_bytes / 1024 / 1024
    what = (
        f"over {limit_mb:g} MB, stopped reading"
        if read_all
        else f"{size / 1024 / 1024:.1f} MB, more than the {limit_mb:g} MB cmkit reads"
    )
    return _Failed(
        f"the feed is too large ({what})",
        "ask the site for a shorter feed, or use a feed of one category",
    )


# --- parsing ---------------------------------------------------------------------------


def parse(body: bytes, url: str, content_type: str) -> tuple[list[Entry], list[str]]:
    """The entries of a feed body; raises `_Failed` when it is not a feed. Also returns
    notes for a feed read despite a defect (wrong encoding, cut short)."""
    if not body.strip():
        raise _Failed("the answer is empty", "the next run tries again")
    head = body[:512].lstrip()
    if "json" in content_type or head.startswith(b"{"):
        return _parse_json_feed(body, url), []
    import feedparser

    parsed = feedparser.parse(
        body, response_headers={"content-type": content_type, "content-location": url}
    )
    if not parsed.get("version") and not parsed.entries:
        raise _not_a_feed(parsed, body, url, content_type)
    notes = _defects(parsed)
    return [_entry(e, url) for e in parsed.entries], notes


def _defects(parsed: Any) -> list[str]:
    if not parsed.get("bozo"):
        return []
    exc = parsed.get("bozo_exception")
    name = type(exc).__name__
    if name == "NonXMLContentType":  # a feed served as text/html or text/plain: harmless
        return []
    if name == "CharacterEncodingOverride":
        return [f"its encoding is wrong ({exc}); read as {parsed.get('encoding')}"]
    line = getattr(exc, "getLineNumber", lambda: None)()
    where = f" at line {line}" if line else ""
    detail = re.sub(r"^<unknown>:\d+:\d+:\s*", "", _reason(exc))
    return [f"the feed is malformed{where} ({detail}); read {len(parsed.entries)} item(s) anyway"]


def _not_a_feed(parsed: Any, body: bytes, url: str, content_type: str) -> _Failed:
    looks_html = (
        "html" in content_type
        or re.match(
            rb"(?is)\s*(<!--.*?-->\s*)*<(!doctype\s+)?"
            rb"html",
            body[:2048],
        )
        is not None
    )
    if looks_html:
        alternates = [
            link.get("href")
            for link in parsed.get("feed", {}).get("links", [])
            if link.get("rel") == "alternate"
            and link.get("type") in FEED_TYPES
            and link.get("href")
        ]
        if alternates:
            return _Failed(
                "this is a web page, not a feed",
                f"its feed seems to be {urljoin(url, alternates[0])}: put that URL in watch.yaml",
            )
        return _Failed(
            "this is a web page, not a feed",
            "open the site, look for its RSS link, and put that URL in watch.yaml",
        )
    exc = parsed.get("bozo_exception")
    detail = f" ({_reason(exc)})" if exc else ""
    return _Failed(f"not an RSS or Atom feed{detail}", "check the URL in watch.yaml")


def _entry(raw: Any, base: str) -> Entry:
    link = raw.get("link") or next(
        (link.get("href") for link in raw.get("links", []) if link.get("href")), None
    )
    summary = raw.get("summary") or ""
    if not summary and raw.get("content"):
        summary = raw["content"][0].get("value", "")
    stamp = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
    return Entry(
        title=plain_text(raw.get("title") or "") or "(untitled)",
        link=urljoin(base, link) if link else None,
        guid=raw.get("id") or None,
        published=published,
        summary=plain_text(summary, 400),
        author=plain_text(raw.get("author") or "") or None,
    )


def _parse_json_feed(body: bytes, url: str) -> list[Entry]:
    """JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _Failed(
            "not a feed (JSON that cannot be read)", "check the URL in watch.yaml"
        ) from None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise _Failed("not a feed (JSON, but not a JSON Feed)", "check the URL in watch.yaml")
    out = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        stamp = item.get("date_published") or item.get("date_modified")
        try:
            published = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) if stamp else None
        except ValueError:
            published = None
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        link = item.get("url") or item.get("external_url")
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        out.append(
            Entry(
                title=plain_text(str(item.get("title") or "")) or "(untitled)",
                link=urljoin(url, str(link)) if link else None,
                guid=str(item["id"]) if item.get("id") is not None else None,
                published=published,
                summary=plain_text(
                    str(
                        item.get("summary")
                        or item.get("content_text")
                        or item.get("content_html")
                        or ""
                    ),
                    400,
                ),
                author=str(authors[0].get("name"))
                if authors and isinstance(authors[0], dict) and authors[0].get("name")
                else None,
            )
        )
    return out


# block-level tags separate words; inline ones (<b> around a Google Alerts match) do not
_BLOCK_TAG = re.compile(
    r"(?i)<\s*/?\s*(p|br|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|"
    r"section|article|header|footer|table|hr|img)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")


def plain_text(value: str, limit: int | None = None) -> str:
    """Markup removed, entities decoded, whitespace collapsed, cut at a word."""
    text = " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", value))).split())
    if limit and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host

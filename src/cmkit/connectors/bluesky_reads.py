"""Reading Bluesky: follower counts, post counts, mentions and search.

These are AppView methods (`app.bsky.*`): cmkit calls them on the account's PDS,
which forwards them to the AppView it is configured with (Bluesky's, normally),
as the official apps do. Bluesky exposes no impressions or reach: those stay None.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .. import clock
from ..networks import Network
from .atproto_facets import parse_at_uri, post_url
from .base import AccountMetrics, Mention, PostMetrics, SearchHit
from .bluesky import parse_time

if TYPE_CHECKING:
    from .bluesky import BlueskyConnector

GET_POSTS_MAX = 25  # app.bsky.feed.getPosts: uris maxLength
MENTION_REASONS = ("mention", "reply", "quote")
MAX_PAGES = 10


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def account_metrics(connector: BlueskyConnector, day: date) -> AccountMetrics:
    profile = connector.xrpc(
        "GET", "app.bsky.actor.getProfile", params={"actor": connector.agent.session().did}
    )
    extra = {
        k: float(profile[f])
        for k, f in (("following", "followsCount"), ("posts", "postsCount"))
        if isinstance(profile.get(f), int)
    }
    return AccountMetrics(
        Network.BLUESKY, day, followers=_int(profile.get("followersCount")), extra=extra
    )


def post_metrics(
    connector: BlueskyConnector, remote_ids: list[str], day: date
) -> list[PostMetrics]:
    """Likes, replies, reposts (and quotes, bookmarks) of each post; a deleted post is left
    out."""
    found: list[PostMetrics] = []
    for start in range(0, len(remote_ids), GET_POSTS_MAX):
        chunk = remote_ids[start : start + GET_POSTS_MAX]
        body = connector.xrpc("GET", "app.bsky.feed.getPosts", params={"uris": chunk})
        for post in body.get("posts", []):
            extra = {
                k: float(post[f])
                for k, f in (("quotes", "quoteCount"), ("bookmarks", "bookmarkCount"))
                if isinstance(post.get(f), int)
            }
            found.append(
                PostMetrics(
                    Network.BLUESKY,
                    post["uri"],
                    day,
                    likes=_int(post.get("likeCount")),
                    comments=_int(post.get("replyCount")),
                    shares=_int(post.get("repostCount")),
                    extra=extra,
                )
            )
    return found


def _author(view: dict[str, Any]) -> str:
    author = view.get("author") or {}
    return "@" + str(author.get("handle") or author.get("did") or "?")


def _url(view: dict[str, Any]) -> str | None:
    try:
        _, _, rkey = parse_at_uri(str(view.get("uri", "")))
    except ValueError:
        return None
    author = view.get("author") or {}
    return post_url(str(author.get("handle") or author.get("did")), rkey)


def mentions(connector: BlueskyConnector, since: datetime | None) -> list[Mention]:
    """Mentions, replies and quotes of the account, newest first, back to `since`."""
    found: list[Mention] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"limit": 100, "reasons": list(MENTION_REASONS)}
        if cursor:
            params["cursor"] = cursor
        body = connector.xrpc("GET", "app.bsky.notification.listNotifications", params=params)
        for item in body.get("notifications", []):
            when = parse_time(item.get("indexedAt"))
            if since is not None and when is not None and when < since:
                return found
            if item.get("reason") not in MENTION_REASONS:
                continue
            record = item.get("record") or {}
            parent = (record.get("reply") or {}).get("parent") or {}
            found.append(
                Mention(
                    Network.BLUESKY,
                    item["uri"],
                    _author(item),
                    str(record.get("text", "")),
                    parse_time(record.get("createdAt")) or when or clock.now(),
                    kind=item["reason"],
                    url=_url(item),
                    in_reply_to=parent.get("uri") or item.get("reasonSubject"),
                )
            )
        cursor = body.get("cursor")
        if not cursor:
            break
    return found


def search(connector: BlueskyConnector, query: str, since: datetime | None) -> list[SearchHit]:
    """Posts matching `query` (words, #hashtag, from:handle…), newest first."""
    hits: list[SearchHit] = []
    cursor: str | None = None
    for _ in range(3):
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": 100}
        if since is not None:
            params["since"] = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if cursor:
            params["cursor"] = cursor
        body = connector.xrpc("GET", "app.bsky.feed.searchPosts", params=params)
        for post in body.get("posts", []):
            record = post.get("record") or {}
            counts = {
                k: post[f]
                for k, f in (
                    ("likes", "likeCount"),
                    ("reposts", "repostCount"),
                    ("replies", "replyCount"),
                    ("quotes", "quoteCount"),
                )
                if isinstance(post.get(f), int)
            }
            hits.append(
                SearchHit(
                    Network.BLUESKY,
                    post["uri"],
                    _author(post),
                    str(record.get("text", "")),
                    parse_time(record.get("createdAt"))
                    or parse_time(post.get("indexedAt"))
                    or clock.now(),
                    url=_url(post),
                    counts=counts,
                )
            )
        cursor = body.get("cursor")
        if not cursor:
            break
    return hits

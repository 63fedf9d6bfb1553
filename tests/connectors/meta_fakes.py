"""A fake of Meta's Graph API (Facebook Pages, Instagram, Threads), for offline tests.

Meta publishes no machine-readable spec for these APIs, so each endpoint below is
built from the request and response examples of its documentation page (cited
above each handler), including the error envelope
(developers.facebook.com/docs/graph-api/guides/error-handling):

    {"error": {"message", "type": "OAuthException", "code", "error_subcode",
               "error_user_msg", "fbtrace_id"}}

The fake refuses what the real API refuses: a token without the permission the
endpoint documents, an expired token, a media URL Meta could not fetch (not
http(s), localhost, a private address, or a file the public server does not
serve), a caption over the limits, an unknown container id, and publishing a
container that is not FINISHED (or was already published: a container yields one
post). It runs as an `httpx.MockTransport` handler; `faults` inject 5xx, 429,
throttling, timeouts after the server acted, and `Killed` (the process dying).
"""

from __future__ import annotations

import email.parser
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx
from net_workspace import ClientFiles
from PIL import Image

from cmkit.clock import now as clock_now

PAGE_SCOPES = frozenset(
    {
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_show_list",
        "read_insights",
        "pages_manage_engagement",
        "pages_read_user_content",
    }
)
IG_SCOPES = frozenset(
    {
        "instagram_basic",
        "instagram_content_publish",
        "pages_read_engagement",
        "instagram_manage_insights",
        "instagram_manage_comments",
    }
)
THREADS_SCOPES = frozenset(
    {
        "threads_basic",
        "threads_content_publish",
        "threads_manage_replies",
        "threads_read_replies",
        "threads_manage_insights",
    }
)


class Killed(BaseException):
    """The process dying mid-request (SIGKILL): no `except Exception` catches it."""


class Refused(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        subcode: int | None = None,
        user_msg: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.subcode = status, code, subcode
        self.message, self.user_msg, self.headers = message, user_msg, headers or {}

    def response(self) -> httpx.Response:
        error: dict[str, Any] = {
            "message": self.message,
            "type": "OAuthException",
            "code": self.code,
            "fbtrace_id": "AxFakeTrace01",
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_msg:
            error["error_user_msg"] = self.user_msg
        return httpx.Response(self.status, json={"error": error}, headers=self.headers)


def unknown(object_id: str) -> Refused:
    return Refused(
        400,
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not "
        "exist, cannot be loaded due to missing permissions, or does not support "
        "this operation.",
        33,
    )


@dataclass
class Token:
    kind: str  # "page" | "user" | "instagram" | "threads"
    owner: str  # page id, user id, IG user id, Threads user id
    scopes: frozenset[str]
    pages: frozenset[str] = frozenset()  # pages a user token may act for
    expired: bool = False


@dataclass
class Item:
    """A published object: Page post, photo, IG media, Threads post, comment or reply."""

    id: str
    owner: str
    text: str
    created: datetime
    permalink: str
    kind: str = "post"
    attachments: list[str] = field(default_factory=list)
    reply_to: str | None = None
    author: str = ""  # username or name of who wrote it
    author_id: str = ""
    media_type: str = "TEXT"
    link: str | None = None


@dataclass
class Container:
    id: str
    owner: str
    params: dict[str, str]
    polls_left: int  # status polls answered IN_PROGRESS before FINISHED
    status: str = "IN_PROGRESS"
    error: str = ""
    children: list[str] = field(default_factory=list)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    action: str  # "respond" | "timeout-after" | "kill-before" | "kill-after" | "pass" (count)
    response: Callable[[], httpx.Response] | None = None
    times: int = 1


class FakeMeta:
    """Holds every account's state; `handler` is the MockTransport entry point."""

    def __init__(self) -> None:
        self.tokens: dict[str, Token] = {}
        self.names: dict[str, str] = {}  # account id → page name / username
        self.items: dict[str, Item] = {}
        self.photos: dict[str, Item] = {}  # unpublished Page photos by id
        self.containers: dict[str, Container] = {}
        self.served: dict[str, Path] = {}  # public URL prefix → local folder
        self.quota_total = {"instagram": 100, "threads": 250}
        self.quota_used: dict[str, int] = {}
        self.faults: list[Fault] = []
        self.requests: list[httpx.Request] = []
        self.processing_polls = 1
        self.retired: set[str] = set()  # insights metrics Meta no longer serves
        self._next = 17_900_000_000_000_000

    # --- set-up ---------------------------------------------------------------------------

    def page(
        self,
        page_id: str,
        name: str,
        token: str,
        scopes: frozenset[str] = PAGE_SCOPES,
        expired: bool = False,
    ) -> None:
        self.names[page_id] = name
        self.tokens[token] = Token("page", page_id, scopes, frozenset({page_id}), expired)

    def user(
        self, user_id: str, token: str, pages: set[str], scopes: frozenset[str] = PAGE_SCOPES
    ) -> None:
        self.tokens[token] = Token("user", user_id, scopes, frozenset(pages))

    def instagram(
        self, ig_id: str, username: str, token: str, scopes: frozenset[str] = IG_SCOPES
    ) -> None:
        self.names[ig_id] = username
        self.tokens[token] = Token("instagram", ig_id, scopes, frozenset({ig_id}))

    def threads(
        self, user_id: str, username: str, token: str, scopes: frozenset[str] = THREADS_SCOPES
    ) -> None:
        self.names[user_id] = username
        self.tokens[token] = Token("threads", user_id, scopes, frozenset({user_id}))

    def serve(self, base_url: str, folder: Path) -> None:
        """The client's public web server: `base_url` serves `folder` (its media/)."""
        self.served[base_url.rstrip("/") + "/"] = folder

    def fault(
        self,
        method: str,
        path: str,
        action: str = "respond",
        status: int = 500,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        payload = (
            body
            if body is not None
            else {
                "error": {
                    "message": "An unexpected error has occurred. Please retry your request later.",
                    "type": "OAuthException",
                    "is_transient": True,
                    "code": 2,
                }
            }
        )
        self.faults.append(
            Fault(
                method,
                re.compile(path),
                action,
                lambda: httpx.Response(status, json=payload, headers=headers),
                times,
            )
        )

    def published(self, owner: str, kind: str = "post") -> list[Item]:
        return [i for i in self.items.values() if i.owner == owner and i.kind == kind]

    def add_comment(
        self, on: str, text: str, author: str, author_id: str = "900", minutes_ago: int = 5
    ) -> Item:
        parent = self.items[on]
        created = clock_now() - timedelta(minutes=minutes_ago)
        item = Item(
            self._id(),
            parent.owner,
            text,
            created,
            parent.permalink + f"?comment_id={len(self.items)}",
            "comment",
            reply_to=on,
            author=author,
            author_id=author_id,
        )
        self.items[item.id] = item
        return item

    # --- transport ------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = self._fault_for(request)
        if fault is not None and fault.action == "kill-before":
            raise Killed(f"killed before {request.method} {request.url.path}")
        if fault is not None and fault.action == "respond" and fault.response:
            return fault.response()
        try:
            response = self._route(request)
        except Refused as refused:
            response = refused.response()
        if fault is not None and fault.action == "timeout-after":
            raise httpx.ReadTimeout("the fake answered too late", request=request)
        if fault is not None and fault.action == "kill-after":
            raise Killed(f"killed after {request.method} {request.url.path}")
        return response

    def _fault_for(self, request: httpx.Request) -> Fault | None:
        for fault in self.faults:
            if (
                fault.times
                and fault.method == request.method
                and fault.path.search(request.url.path)
            ):
                fault.times -= 1
                return fault
        return None

    def _route(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        match = re.fullmatch(r"/(v\d+\.\d+)/(.+)", request.url.path)
        if match is None:
            raise Refused(400, 2500, "Unknown path components: " + request.url.path)
        parts = [unquote(p) for p in match.group(2).strip("/").split("/")]
        params = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        form, files = _body(request)
        token = self._token(request, params)
        if host == "graph.threads.net":
            return self._threads(request.method, parts, params, form, token)
        if host not in ("graph.facebook.com", "graph.instagram.com"):
            raise Refused(404, 1, f"unknown host {host}")
        node = parts[0]
        owner = getattr(self.items.get(node) or self.containers.get(node), "owner", node)
        if owner in self._ig_ids():
            return self._instagram(request.method, parts, params, form, token)
        return self._facebook(request.method, parts, params, form, files, token)

    def _token(self, request: httpx.Request, params: dict[str, str]) -> Token:
        header = request.headers.get("authorization", "")
        value = header.removeprefix("Bearer ").strip() if header else params.get("access_token")
        token = self.tokens.get(value or "")
        if token is None:
            raise Refused(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if token.expired:
            raise Refused(
                400,
                190,
                "Error validating access token: Session has expired on "
                "Tuesday, 24-Nov-26 09:00:00 PST.",
                463,
            )
        return token

    def _ig_ids(self) -> set[str]:
        return {t.owner for t in self.tokens.values() if t.kind == "instagram"}

    def _id(self) -> str:
        self._next += 1
        return str(self._next)

    def _quota(self, node: str, network: str) -> httpx.Response:
        """The publishing-limit answer both networks give: usage and the day's quota."""
        config = {"quota_total": self.quota_total[network], "quota_duration": 86400}
        usage = {"quota_usage": self.quota_used.get(node, 0), "config": config}
        return _json({"data": [usage]})

    @staticmethod
    def _needs(token: Token, *scopes: str) -> None:
        # error-handling guide: 10 "permission denied", 200-299 "permission (the permission
        # named in the message)"; Page endpoints answer (#200), Instagram/Threads (#10)
        for scope in scopes:
            if scope in token.scopes:
                continue
            if scope.startswith(("instagram", "threads")):
                raise Refused(
                    403, 10, f"(#10) Application does not have permission for this action ({scope})"
                )
            raise Refused(403, 200, f"(#200) Requires {scope} permission to manage the object")

    def _owns(self, token: Token, account: str) -> None:
        if account not in token.pages and account != token.owner:
            raise unknown(account)

    # --- Facebook Pages ---------------------------------------------------------------------

    def _facebook(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        form: dict[str, str],
        files: dict[str, bytes],
        token: Token,
    ) -> httpx.Response:
        node, edge = parts[0], parts[1] if len(parts) > 1 else ""
        if node == "me" and method == "GET":
            return _json({"id": token.owner, "name": self.names.get(token.owner, "Someone")})
        if node in self.names and not edge and method == "GET":
            # developers.facebook.com/docs/graph-api/reference/page/ (fields, access_token)
            self._owns(token, node)
            fields = _fields(params)
            body: dict[str, Any] = {"id": node}
            if "name" in fields:
                body["name"] = self.names[node]
            if "followers_count" in fields:
                body["followers_count"] = 1234
            if "fan_count" in fields:
                body["fan_count"] = 1200
            if "access_token" in fields:
                self._needs(token, "pages_show_list")
                page_token = f"page-token-for-{node}"
                self.tokens.setdefault(
                    page_token, Token("page", node, token.scopes, frozenset({node}))
                )
                body["access_token"] = page_token
            return _json(body)
        if node in self.names and edge == "photos" and method == "POST":
            return self._fb_photo(node, form, files, token)
        if node in self.names and edge == "feed" and method == "POST":
            return self._fb_feed(node, form, token)
        if node in self.names and edge in ("posts", "feed", "published_posts") and method == "GET":
            # developers.facebook.com/docs/graph-api/reference/page/feed (reading)
            self._owns(token, node)
            self._needs(token, "pages_read_engagement")
            since = int(params.get("since", "0"))
            posts = [i for i in self.published(node) if i.created.timestamp() >= since]
            return _page_of(
                sorted(posts, key=lambda i: i.created, reverse=True),
                params,
                lambda i: self._fb_post_json(i, _fields(params)),
            )
        if node in self.names and edge == "insights":
            self._needs(token, "read_insights")
            return self._insights(
                params,
                {
                    "page_media_view": 840,
                    "page_total_media_view_unique": 610,
                    "page_post_engagements": 57,
                    "page_follows": 1234,
                },
            )
        item = self.items.get(node)
        if item is None:
            raise unknown(node)
        self._owns(token, item.owner)
        if not edge and method == "GET":
            return _json(self._fb_post_json(item, _fields(params) | {"id"}))
        if edge == "insights":
            self._needs(token, "read_insights")
            return self._insights(
                params,
                {"post_media_view": 320, "post_total_media_view_unique": 250, "post_clicks": 14},
            )
        if edge == "comments" and method == "GET":
            # developers.facebook.com/docs/graph-api/reference/object/comments
            self._needs(token, "pages_read_engagement")
            found = [c for c in self.items.values() if c.reply_to == node]
            found.sort(
                key=lambda c: c.created, reverse=params.get("order") == "reverse_chronological"
            )
            return _page_of(
                found,
                params,
                lambda c: {
                    "id": c.id,
                    "message": c.text,
                    "created_time": _time(c.created),
                    "permalink_url": c.permalink,
                    "from": {"id": c.author_id, "name": c.author},
                },
            )
        if edge == "comments" and method == "POST":
            self._needs(token, "pages_manage_engagement")
            reply = Item(
                self._id(),
                item.owner,
                form.get("message", ""),
                clock_now(),
                item.permalink + "&reply=1",
                "comment",
                reply_to=node,
                author=self.names.get(item.owner, ""),
                author_id=item.owner,
            )
            self.items[reply.id] = reply
            return _json({"id": reply.id})
        raise Refused(400, 100, f"Unsupported {method} request on /{'/'.join(parts)}")

    def _fb_photo(
        self, page: str, form: dict[str, str], files: dict[str, bytes], token: Token
    ) -> httpx.Response:
        # developers.facebook.com/docs/graph-api/reference/page/photos (publishing):
        # source = the image file; published=false keeps it for attached_media
        self._owns(token, page)
        if token.kind != "page":
            raise Refused(403, 200, "(#200) Publishing as a Page requires a Page access token")
        self._needs(token, "pages_manage_posts", "pages_read_engagement")
        data = files.get("source")
        if not data:
            raise Refused(400, 324, "(#324) Requires upload file")
        try:
            with Image.open(BytesIO(data)) as image:
                image.verify()
        except Exception:
            raise Refused(400, 324, "(#324) Missing or invalid image file") from None
        photo = Item(self._id(), page, form.get("caption", ""), clock_now(), "", "photo")
        if form.get("published", "true") == "false":
            self.photos[photo.id] = photo
        else:
            raise Refused(400, 100, "this fake only takes unpublished photos")
        return _json({"id": photo.id})

    def _fb_feed(self, page: str, form: dict[str, str], token: Token) -> httpx.Response:
        # developers.facebook.com/docs/pages-api/posts: message, link, published,
        # attached_media[n]={"media_fbid":"<photo id>"} → {"id": "<page-id>_<post-id>"}
        self._owns(token, page)
        if token.kind != "page":
            raise Refused(
                403,
                200,
                "(#200) If posting to a page, requires both "
                "pages_read_engagement and pages_manage_posts as an admin with "
                "sufficient administrative permission",
            )
        self._needs(token, "pages_manage_posts", "pages_read_engagement")
        message = form.get("message", "")
        attached = []
        for key in sorted(k for k in form if k.startswith("attached_media[")):
            fbid = str(json.loads(form[key]).get("media_fbid", ""))
            if fbid not in self.photos or self.photos[fbid].owner != page:
                raise Refused(400, 100, f"(#100) Invalid media_fbid {fbid}")
            attached.append(fbid)
        if not (message or form.get("link") or attached):
            raise Refused(400, 100, "(#100) Missing message or attachment")
        if len(message) > 63206:
            raise Refused(400, 100, "(#100) The message is too long")
        latest = sorted(self.published(page), key=lambda i: i.created)
        if latest and message and latest[-1].text == message:
            raise Refused(400, 506, "(#506) Duplicate status message")
        post_id = f"{page}_{self._id()}"
        for fbid in attached:
            del self.photos[fbid]
        self.items[post_id] = Item(
            post_id,
            page,
            message,
            clock_now(),
            f"https://www.facebook.com/{page}/posts/{post_id[-6:]}",
            attachments=attached,
            link=form.get("link"),
        )
        return _json({"id": post_id})

    @staticmethod
    def _fb_post_json(item: Item, fields: set[str]) -> dict[str, Any]:
        body: dict[str, Any] = {"id": item.id, "created_time": _time(item.created)}
        if item.text:
            body["message"] = item.text
        if "permalink_url" in fields:
            body["permalink_url"] = item.permalink
        if any(f.startswith("attachments") for f in fields) and item.attachments:
            body["attachments"] = {
                "data": [
                    {
                        "media_type": "album",
                        "subattachments": {
                            "data": [{"target": {"id": a}} for a in item.attachments]
                        },
                    }
                ]
            }
        if any(f.startswith("reactions") for f in fields):
            body["reactions"] = {"data": [], "summary": {"total_count": 12}}
        if any(f.startswith("comments") for f in fields):
            body["comments"] = {"data": [], "summary": {"total_count": 3}}
        if "shares" in fields:
            body["shares"] = {"count": 2}
        return body

    # --- Instagram ----------------------------------------------------------------------

    def _instagram(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        form: dict[str, str],
        token: Token,
    ) -> httpx.Response:
        node, edge = parts[0], parts[1] if len(parts) > 1 else ""
        if node in self.names:
            self._owns(token, node)
            self._needs(token, "instagram_basic")
            if not edge and method == "GET":
                # .../instagram-platform/instagram-graph-api/reference/ig-user
                return _json(
                    {
                        "id": node,
                        "username": self.names[node],
                        "followers_count": 845,
                        "media_count": len(self.published(node)),
                    }
                )
            if edge == "content_publishing_limit":
                # .../reference/ig-user/content_publishing_limit: quota_usage, config
                self._needs(token, "instagram_content_publish")
                return self._quota(node, "instagram")
            if edge == "media" and method == "POST":
                return self._ig_container(node, form, token)
            if edge == "media_publish" and method == "POST":
                return self._publish(node, form, token, "instagram")
            if edge == "media" and method == "GET":
                media = sorted(self.published(node), key=lambda i: i.created, reverse=True)
                return _page_of(
                    media,
                    params,
                    lambda i: {
                        "id": i.id,
                        "caption": i.text,
                        "timestamp": _time(i.created),
                        "permalink": i.permalink,
                        "comments_count": len(self._replies(i.id)),
                    },
                )
            if edge == "insights":
                self._needs(token, "instagram_manage_insights")
                return self._insights(
                    params,
                    {
                        "reach": 700,
                        "views": 1900,
                        "profile_views": 41,
                        "accounts_engaged": 88,
                        "total_interactions": 130,
                    },
                    total=True,
                )
        container = self.containers.get(node)
        if container is not None and not edge and method == "GET":
            return self._container_status(container, token, "status_code", "status")
        item = self.items.get(node)
        if item is None:
            raise unknown(node)
        self._owns(token, item.owner)
        if not edge and method == "GET":
            return _json(
                {
                    "id": item.id,
                    "permalink": item.permalink,
                    "caption": item.text,
                    "timestamp": _time(item.created),
                }
            )
        if edge == "insights":
            self._needs(token, "instagram_manage_insights")
            return self._insights(
                params,
                {
                    "views": 1500,
                    "reach": 600,
                    "likes": 80,
                    "comments": 4,
                    "shares": 6,
                    "saved": 9,
                    "total_interactions": 99,
                },
            )
        if edge == "comments" and method == "GET":
            self._needs(token, "instagram_manage_comments")
            return _page_of(
                self._replies(node),
                params,
                lambda c: {
                    "id": c.id,
                    "text": c.text,
                    "username": c.author,
                    "timestamp": _time(c.created),
                },
            )
        if edge == "replies" and method == "POST":
            self._needs(token, "instagram_manage_comments")
            reply = Item(
                self._id(),
                item.owner,
                form.get("message", ""),
                clock_now(),
                "",
                "comment",
                reply_to=node,
                author=self.names.get(item.owner, ""),
            )
            self.items[reply.id] = reply
            return _json({"id": reply.id})
        raise Refused(400, 100, f"Unsupported {method} request on /{'/'.join(parts)}")

    def _ig_container(self, user: str, form: dict[str, str], token: Token) -> httpx.Response:
        # .../instagram-graph-api/reference/ig-user/media: image_url | video_url
        # (media_type REELS or VIDEO) | media_type=CAROUSEL + children; caption
        # "Maximum 2200 characters, 30 hashtags, and 20 @ tags"; alt_text for images
        self._needs(token, "instagram_content_publish")
        caption = form.get("caption", "")
        if len(caption) > 2200:
            raise Refused(
                400,
                100,
                "(#100) The caption is too long",
                2207029,
                "The caption should be 2200 characters or fewer.",
            )
        if len(re.findall(r"(?<!\w)#\w", caption)) > 30:
            raise Refused(
                400,
                100,
                "(#100) Too many hashtags",
                2207030,
                "Captions can contain at most 30 hashtags.",
            )
        if len(re.findall(r"(?<![\w@])@\w", caption)) > 20:
            raise Refused(
                400, 100, "(#100) Too many tags", 2207031, "Captions can contain at most 20 @ tags."
            )
        kind = form.get("media_type", "IMAGE")
        children: list[str] = []
        if kind == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 10:
                raise Refused(400, 100, "(#100) A carousel takes 2 to 10 children")
            for child in children:
                found = self.containers.get(child)
                if (
                    found is None
                    or found.owner != user
                    or found.status != "FINISHED"
                    or found.params.get("is_carousel_item") != "true"
                ):
                    raise Refused(400, 100, f"(#100) Invalid children: {child}")
        else:
            url = form.get("video_url") if kind in ("REELS", "VIDEO") else form.get("image_url")
            self._fetch(url or "", "instagram", video=kind in ("REELS", "VIDEO"))
        container = Container(self._id(), user, form, self.processing_polls, children=children)
        self.containers[container.id] = container
        return _json({"id": container.id})

    def _fetch(self, url: str, network: str, video: bool = False) -> None:
        """Download the media as Meta would: public URL, served file, accepted image."""
        parts = urlsplit(url)
        failed = Refused(
            400,
            9004,
            "Media download has failed. The media URI doesn't meet our requirements.",
            2207052,
            "The media could not be fetched from this URI: " + url,
        )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise failed
        host = parts.hostname
        if host == "localhost" or host.endswith(".local"):
            raise failed
        try:
            if not ipaddress.ip_address(host).is_global:
                raise failed
        except ValueError:
            pass
        path = None
        for prefix, folder in self.served.items():
            if url.startswith(prefix):
                path = folder / unquote(url[len(prefix) :])
        if path is None or not path.is_file():
            raise failed
        if video:
            return
        with Image.open(path) as image:
            fmt, (width, height) = image.format, image.size
        accepted = ("JPEG",) if network == "instagram" else ("JPEG", "PNG")
        if fmt not in accepted:
            # .../instagram-graph-api/reference/error-codes: 36001 / 2207005
            raise Refused(
                400,
                36001,
                "The image format is not supported.",
                2207005,
                "Supported formats are: " + ", ".join(accepted),
            )
        if path.stat().st_size > 8 * 1024 * 1024:
            raise Refused(
                400,
                36000,
                "The image size is too large.",
                2207004,
                "The image is too large to download. It should be less than 8 MiB.",
            )
        ratio = width / height
        low, high = (0.8, 1.91) if network == "instagram" else (0.1, 10.0)
        if not low - 0.001 <= ratio <= high + 0.001:
            raise Refused(
                400,
                36003,
                f"The submitted image with aspect ratio ('{width}/{height}') cannot be published.",
                2207009,
                "Please submit an image with a valid aspect ratio.",
            )

    def _container_status(
        self, container: Container, token: Token, field_name: str, error_field: str
    ) -> httpx.Response:
        # .../reference/ig-container: status_code EXPIRED | ERROR | FINISHED | IN_PROGRESS |
        # PUBLISHED; Threads: developers.facebook.com/docs/threads/troubleshooting (status,
        # error_message)
        self._owns(token, container.owner)
        if container.status == "IN_PROGRESS":
            if container.polls_left > 0:
                container.polls_left -= 1
            else:
                container.status = "FINISHED"
        body: dict[str, Any] = {"id": container.id, field_name: container.status}
        if container.error:
            body[error_field] = container.error
        return _json(body)

    def _publish(
        self, user: str, form: dict[str, str], token: Token, network: str
    ) -> httpx.Response:
        # IG: .../reference/ig-user/media_publish; Threads: .../threads/posts (step 2).
        # Publishing a container that is not FINISHED is refused (error-codes: 9007 /
        # 2207027 "Media ID is not available"); a container yields one post only.
        scope = "instagram_content_publish" if network == "instagram" else "threads_content_publish"
        self._needs(token, scope)
        creation = form.get("creation_id", "")
        container = self.containers.get(creation)
        if container is None or container.owner != user:
            raise unknown(creation)
        if self.quota_used.get(user, 0) >= self.quota_total[network]:
            raise Refused(
                400,
                9,
                "Application request limit reached",
                2207042,
                "You reached maximum number of posts that is allowed to be "
                "published by Content Publishing API.",
            )
        if container.status != "FINISHED":
            raise Refused(
                400,
                9007,
                "Media ID is not available",
                2207027,
                "The media is not ready for publishing, please wait for a moment",
            )
        container.status = "PUBLISHED"
        params = container.params
        kind = "reply" if params.get("reply_to_id") else "post"
        if kind == "post":  # replies have their own quota (1,000 a day)
            self.quota_used[user] = self.quota_used.get(user, 0) + 1
        username = self.names.get(user, "user")
        code = quote(f"C{len(self.items):04d}x")
        link = (
            f"https://www.instagram.com/p/{code}/"
            if network == "instagram"
            else f"https://www.threads.net/@{username}/post/{code}"
        )
        item = Item(
            self._id(),
            user,
            params.get("caption") or params.get("text") or "",
            clock_now(),
            link,
            kind,
            container.children,
            params.get("reply_to_id"),
            username,
            user,
            params.get("media_type", "IMAGE"),
            params.get("link_attachment"),
        )
        self.items[item.id] = item
        return _json({"id": item.id})

    def _insights(
        self, params: dict[str, str], known: dict[str, int], total: bool = False
    ) -> httpx.Response:
        return _insights(params, known, total, self.retired)

    def _replies(self, media_id: str) -> list[Item]:
        return sorted(
            (i for i in self.items.values() if i.reply_to == media_id),
            key=lambda i: i.created,
            reverse=True,
        )

    # --- Threads ------------------------------------------------------------------------

    def _threads(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        form: dict[str, str],
        token: Token,
    ) -> httpx.Response:
        node, edge = parts[0], parts[1] if len(parts) > 1 else ""
        if token.kind != "threads":
            raise Refused(400, 190, "Invalid OAuth access token - Cannot parse access token")
        self._needs(token, "threads_basic")
        if node == "me":
            node = token.owner
        if node in self.names:
            self._owns(token, node)
            if not edge and method == "GET":
                return _json({"id": node, "username": self.names[node]})
            if edge == "threads_publishing_limit":
                # developers.facebook.com/docs/threads/overview (rate limiting)
                self._needs(token, "threads_content_publish")
                return self._quota(node, "threads")
            if edge == "threads" and method == "POST":
                return self._threads_container(node, form, token)
            if edge == "threads_publish" and method == "POST":
                return self._publish(node, form, token, "threads")
            if edge == "threads" and method == "GET":
                posts = sorted(self.published(node), key=lambda i: i.created, reverse=True)
                return _page_of(
                    posts,
                    params,
                    lambda i: {
                        "id": i.id,
                        "text": i.text,
                        "timestamp": _time(i.created),
                        "permalink": i.permalink,
                        "username": i.author,
                    },
                )
            if edge == "threads_insights":
                # developers.facebook.com/docs/threads/insights (user insights)
                self._needs(token, "threads_manage_insights")
                return self._insights(
                    params,
                    {
                        "views": 2300,
                        "likes": 140,
                        "replies": 12,
                        "reposts": 5,
                        "quotes": 2,
                        "followers_count": 512,
                    },
                    total=True,
                )
        container = self.containers.get(node)
        if container is not None and not edge and method == "GET":
            return self._container_status(container, token, "status", "error_message")
        item = self.items.get(node)
        if item is None:
            raise unknown(node)
        if not edge and method == "GET":
            return _json({"id": item.id, "permalink": item.permalink, "text": item.text})
        if edge == "insights":
            self._needs(token, "threads_manage_insights")
            return self._insights(
                params,
                {"views": 900, "likes": 40, "replies": 3, "reposts": 2, "quotes": 1, "shares": 4},
            )
        if edge == "replies" and method == "GET":
            # developers.facebook.com/docs/threads/retrieve-and-manage-replies
            self._needs(token, "threads_read_replies")
            return _page_of(
                self._replies(node),
                params,
                lambda r: {
                    "id": r.id,
                    "text": r.text,
                    "username": r.author,
                    "timestamp": _time(r.created),
                    "permalink": r.permalink,
                },
            )
        raise Refused(400, 100, f"Unsupported {method} request on /{'/'.join(parts)}")

    def _threads_container(self, user: str, form: dict[str, str], token: Token) -> httpx.Response:
        # developers.facebook.com/docs/threads/posts: media_type TEXT | IMAGE | VIDEO |
        # CAROUSEL, text (500 characters, emoji as UTF-8 bytes), image_url, video_url,
        # is_carousel_item, children, link_attachment (TEXT only); more than 5 links →
        # THREADS_API__LINK_LIMIT_EXCEEDED; reply_to_id needs threads_manage_replies
        self._needs(token, "threads_content_publish")
        kind, text = form.get("media_type", ""), form.get("text", "")
        if kind not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
            raise Refused(400, 100, "(#100) The parameter media_type is required")
        if _threads_length(text) > 500:
            raise Refused(
                400,
                100,
                "(#100) Text is too long",
                4279009,
                "The post text should be 500 characters or fewer.",
            )
        links = set(re.findall(r"https?://[^\s]+", text))
        if form.get("link_attachment"):
            if kind != "TEXT":
                raise Refused(400, 100, "(#100) link_attachment is only for TEXT posts")
            links.add(form["link_attachment"])
        if len(links) > 5:
            raise Refused(400, 100, "THREADS_API__LINK_LIMIT_EXCEEDED")
        if form.get("reply_to_id"):
            self._needs(token, "threads_manage_replies")
            if form["reply_to_id"] not in self.items:
                raise unknown(form["reply_to_id"])
        children: list[str] = []
        if kind == "TEXT" and not text:
            raise Refused(400, 100, "(#100) text is required for TEXT posts")
        if kind in ("IMAGE", "VIDEO"):
            self._fetch(
                form.get("image_url") or form.get("video_url") or "",
                "threads",
                video=kind == "VIDEO",
            )
        if kind == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 20:
                raise Refused(400, 100, "(#100) A carousel takes 2 to 20 children")
            for child in children:
                if child not in self.containers:
                    raise unknown(child)
        container = Container(self._id(), user, form, self.processing_polls, children=children)
        self.containers[container.id] = container
        return _json({"id": container.id})


# --- helpers --------------------------------------------------------------------------------


def _json(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=body)


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _fields(params: dict[str, str]) -> set[str]:
    return {f.strip() for f in re.split(r",(?![^{]*\})", params.get("fields", "")) if f.strip()}


def _page_of(
    items: list[Any], params: dict[str, str], shape: Callable[[Any], dict[str, Any]]
) -> httpx.Response:
    """A list edge with cursor paging, as every Graph list answers."""
    limit = int(params.get("limit", "25"))
    start = int(params.get("after", "0") or 0)
    chunk = items[start : start + limit]
    body: dict[str, Any] = {"data": [shape(i) for i in chunk]}
    if start + limit < len(items):
        body["paging"] = {
            "cursors": {"before": str(start), "after": str(start + limit)},
            "next": "https://graph.example/next",
        }
    return _json(body)


def _insights(
    params: dict[str, str],
    known: dict[str, int],
    total: bool = False,
    retired: set[str] = frozenset(),
) -> httpx.Response:
    # developers.facebook.com/docs/graph-api/reference/insights: an unknown metric is
    # "(#100) The value must be a valid insights metric"
    data = []
    for name in params.get("metric", "").split(","):
        if name not in known or name in retired:
            raise Refused(400, 100, "(#100) The value must be a valid insights metric")
        entry: dict[str, Any] = {
            "name": name,
            "period": params.get("period", "lifetime"),
            "id": f"x/insights/{name}",
        }
        if total:
            entry["total_value"] = {"value": known[name]}
        else:
            entry["values"] = [{"value": known[name], "end_time": "2026-11-25T08:00:00+0000"}]
        data.append(entry)
    return _json({"data": data})


def _threads_length(text: str) -> int:
    """Emoji count as their UTF-8 bytes (Threads posts, Limitations)."""
    return sum(
        len(ch.encode()) if ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF else 1 for ch in text
    )


def _body(request: httpx.Request) -> tuple[dict[str, str], dict[str, bytes]]:
    content_type = request.headers.get("content-type", "")
    raw = request.read()
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}, {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser().parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        form: dict[str, str] = {}
        files: dict[str, bytes] = {}
        for part in message.walk():
            name = part.get_param("name", header="content-disposition")
            if not name or part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                form[str(name)] = payload.decode()
        return form, files
    if content_type.startswith("application/json") and raw:
        return {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(raw).items()
        }, {}
    return {}, {}


# --- a workspace whose Meta accounts live in the fake ------------------------------------

PAGE_ID, IG_ID, THREADS_ID = "104000000000001", "17841400000000001", "25000000000000001"
TOKENS = {
    "MARTIN_FB_TOKEN": "EAAfbPageToken0123456789",
    "MARTIN_IG_TOKEN": "EAAigUserToken0123456789",
    "MARTIN_THREADS_TOKEN": "THthreadsToken0123456789",
}
MEDIA_BASE = "https://boulangerie-martin.fr/reseaux/media/"


@dataclass
class MetaWorkspace(ClientFiles):
    """One client (Boulangerie Martin) with a Facebook Page, Instagram and Threads account,
    each in the fake, and the client's media/ folder served at MEDIA_BASE."""

    fake: FakeMeta
    image_size = (1080, 1350)  # Instagram's 4:5 portrait

    @classmethod
    def create(
        cls, tmp: Path, fake: FakeMeta, media_base: str | None = MEDIA_BASE
    ) -> MetaWorkspace:
        root = tmp / "agency"
        client = root / "clients" / "martin"
        (client / "posts").mkdir(parents=True)
        (client / "media").mkdir()
        (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
        base = f"media_base_url: {media_base}\n" if media_base else ""
        (client / "client.yaml").write_text(
            "name: Boulangerie Martin\nlocales: [fr-FR]\naccounts:\n"
            f"  facebook:\n    handle: BoulangerieMartin\n    id: '{PAGE_ID}'\n"
            "    token_env: MARTIN_FB_TOKEN\n"
            f"  instagram:\n    handle: '@boulangerie.martin'\n    id: '{IG_ID}'\n"
            "    token_env: MARTIN_IG_TOKEN\n"
            f"  threads:\n    handle: '@boulangerie.martin'\n    id: '{THREADS_ID}'\n"
            "    token_env: MARTIN_THREADS_TOKEN\n" + base,
            encoding="utf-8",
        )
        fake.page(PAGE_ID, "Boulangerie Martin", TOKENS["MARTIN_FB_TOKEN"])
        fake.instagram(IG_ID, "boulangerie.martin", TOKENS["MARTIN_IG_TOKEN"])
        fake.threads(THREADS_ID, "boulangerie.martin", TOKENS["MARTIN_THREADS_TOKEN"])
        fake.serve(MEDIA_BASE, client / "media")
        return cls(root, fake)

    def publish(
        self, now: str = "2026-11-25T09:05:00+01:00", concurrency: int | None = None
    ) -> Any:
        """One `cmkit publish --due` run through the engine, against the fake."""
        from cmkit import publish, workspace
        from cmkit.connectors import http

        with http.override(transport=httpx.MockTransport(self.fake.handler)), http.instant_sleep():
            ws = workspace.load(self.root)
            return publish.run(
                ws,
                [],
                publish.Options(
                    now=datetime.fromisoformat(now), lock_wait=0, concurrency=concurrency
                ),
            )

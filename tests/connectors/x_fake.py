"""A fake of the X API v2 (posts, media, users, OAuth 2.0 token), offline.

Each request is held to the fields and limits of its documented endpoint, cited above
each handler (docs.x.com/x-api/…): unknown fields, `media.media_ids` outside 1–4 or not
`^[0-9]{1,19}$`, `reply` without `in_reply_to_tweet_id`, text over 280 weighted
characters (counted by cmkit.text, which passes twitter-text's own conformance suite),
alt text over 1,000 characters, a `media_category` or `media_type` outside the
documented enums. Errors are RFC 7807 problems as X sends them.

OAuth 1.0a signatures are checked by oauthlib (the reference implementation of RFC
5849), not by cmkit's code; OAuth 2.0 access tokens expire and refresh tokens are
single-use, as X documents. Read back, a post looks as X shows it: links turned into
t.co addresses, `& < >` escaped, a t.co link to the media at the end.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
from net_workspace import Fault, Killed, take_fault
from PIL import Image

from cmkit.clock import now as clock_now
from cmkit.text import twitter

ID = re.compile(r"^[0-9]{1,19}$")
CREATE_FIELDS = {
    "card_uri", "community_id", "direct_message_deep_link", "edit_options",
    "for_super_followers_only", "geo", "media", "nullcast", "poll", "quote_tweet_id",
    "reply", "reply_settings", "share_with_followers", "text",
}  # fmt: skip
MEDIA_CATEGORIES = {"tweet_image", "dm_image", "subtitles"}
MEDIA_TYPES = {
    "text/srt", "text/vtt", "image/jpeg", "image/bmp", "image/png", "image/webp",
    "image/pjpeg", "image/tiff",
}  # fmt: skip


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.body = status, {"title": title, "detail": detail, "status": status}
        self.body["type"] = extra.pop("type", "about:blank")
        self.body.update(extra)

    def response(self) -> httpx.Response:
        return httpx.Response(self.status, json=self.body)


def invalid(message: str) -> Problem:
    return Problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        type="https://api.twitter.com/2/problems/invalid-request",
        errors=[{"parameters": {}, "message": message}],
    )


@dataclass
class Post:
    id: str
    text: str  # as cmkit sent it
    created: datetime
    media: list[str] = field(default_factory=list)
    reply_to: str | None = None

    def shown(self) -> str:
        """The text as X returns it: t.co links, HTML-escaped, media link at the end."""
        out, last = [], 0
        for n, entity in enumerate(twitter.extract_urls_with_indices(self.text)):
            out.append(self.text[last : entity.start])
            out.append(f"https://t.co/{self.id[-6:]}{n:04d}")
            last = entity.end
        out.append(self.text[last:])
        text = "".join(out).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text + (f" https://t.co/m{self.id[-9:]}" if self.media else "")


class FakeX:
    def __init__(self) -> None:
        self.user = {
            "id": "1590000000000000001",
            "username": "BoulangerieMtn",
            "name": "Boulangerie Martin",
        }
        self.consumer = ("key-martin-app-0123", "secret-martin-app-0123456789")
        self.access = ("1590000000000000001-tokenABCDEFG", "token-secret-0123456789")
        self.bearers: dict[str, bool] = {}  # OAuth 2.0 access token → still valid
        self.refresh_tokens: set[str] = set()
        self.client_id = "client-id-martin-xyz"
        self.read_access = True  # False: an access level that cannot read timelines
        self.posts: dict[str, Post] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(1_860_000_000_000_000_001)

    def fault(self, method: str, path: str, action: str = "respond", **kw: Any) -> None:
        kw.setdefault("status", 503)  # X's usual outage answer
        self.faults.append(Fault(method, re.compile(path), action, **kw))

    def created(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/2/tweets"]

    # --- transport ------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = take_fault(self.faults, request)
        if fault is not None:
            if fault.action == "kill-before":
                raise Killed(f"killed before {request.method} {request.url.path}")
            if fault.action == "respond":
                return httpx.Response(
                    fault.status,
                    json={"title": "Service Unavailable", "status": fault.status},
                    headers=fault.headers,
                )
        try:
            response = self._route(request)
        except Problem as problem:
            response = problem.response()
        if fault is not None and fault.action == "timeout-after":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fault is not None and fault.action == "kill-after":
            raise Killed(f"killed after {request.method} {request.url.path}")
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if request.url.host != "api.x.com":
            raise Problem(404, "Not Found", f"unknown host {request.url.host}")
        if path == "/2/oauth2/token" and method == "POST":
            return self._token(request)
        self._authenticate(request)
        if path == "/2/users/me" and method == "GET":
            return self._me(request)
        if path == "/2/media/upload" and method == "POST":
            return self._upload(request)
        if path == "/2/media/metadata" and method == "POST":
            return self._metadata(request)
        if path == "/2/tweets" and method == "POST":
            return self._create(request)
        if path == "/2/tweets" and method == "GET":
            return self._lookup(request)
        match = re.fullmatch(r"/2/users/(\d+)/tweets", path)
        if match and method == "GET":
            return self._timeline(request, match.group(1))
        raise Problem(404, "Not Found Error", f"no route {method} {path}")

    # --- authentication -------------------------------------------------------------------

    def _authenticate(self, request: httpx.Request) -> None:
        header = request.headers.get("authorization", "")
        if header.startswith("OAuth "):
            if not self._oauth1_valid(request, header):
                raise Problem(401, "Unauthorized", "Unauthorized")
            return
        token = header.removeprefix("Bearer ")
        if not self.bearers.get(token):
            raise Problem(401, "Unauthorized", "Unauthorized")

    def _oauth1_valid(self, request: httpx.Request, header: str) -> bool:
        # docs.x.com/fundamentals/authentication/oauth-1-0a/authorizing-a-request; the
        # signature recomputed by oauthlib from what was actually sent
        from oauthlib.common import Request
        from oauthlib.oauth1.rfc5849 import signature

        fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
        if fields.get("oauth_consumer_key") != self.consumer[0]:
            return False
        if fields.get("oauth_token") != self.access[0]:
            return False
        kind = request.headers.get("content-type", "")
        body = request.content.decode() if kind.startswith("application/x-www-form") else None
        checked = Request(str(request.url), request.method, body, {"Authorization": header})
        checked.params = signature.collect_parameters(
            uri_query=request.url.query.decode(), body=body, headers={"Authorization": header}
        )
        checked.signature = unquote(fields.get("oauth_signature", ""))
        return signature.verify_hmac_sha1(checked, self.consumer[1], self.access[1])

    def _token(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token, "Step 5:
        # POST oauth2/token - refresh token": grant_type=refresh_token, refresh_token,
        # client_id → {"token_type": "bearer", "expires_in": 7200, "access_token",
        # "scope", "refresh_token"}; a refresh token works once
        form = dict(parse_qsl(request.content.decode()))
        if form.get("grant_type") != "refresh_token" or form.get("client_id") != self.client_id:
            return httpx.Response(400, json={"error": "invalid_request"})
        if form.get("refresh_token") not in self.refresh_tokens:
            return httpx.Response(
                400,
                json={
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            )
        self.refresh_tokens.discard(form["refresh_token"])
        n = next(self._ids)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.bearers[access] = True
        self.refresh_tokens.add(refresh)
        return httpx.Response(
            200,
            json={
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": "tweet.read tweet.write users.read media.write offline.access",
                "refresh_token": refresh,
            },
        )

    # --- endpoints ------------------------------------------------------------------------

    def _me(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/x-api/users/get-my-user: {"data": {"id", "name", "username"}};
        # user.fields=public_metrics adds followers_count, following_count, tweet_count…
        data: dict[str, Any] = dict(self.user)
        if "public_metrics" in request.url.params.get("user.fields", ""):
            data["public_metrics"] = {
                "followers_count": 1530,
                "following_count": 210,
                "tweet_count": 880 + len(self.posts),
                "listed_count": 12,
            }
        return httpx.Response(200, json={"data": data})

    def _upload(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/x-api/media/upload-media: multipart `media` (the file, required),
        # `media_category` (required: tweet_image, dm_image, subtitles), `media_type`
        # (image/jpeg, image/png, image/webp…) → {"data": {"id", "media_key", "size",
        # "expires_after_secs", "processing_info"?}}; images up to 5 MB
        parts = _multipart(request)
        if "media" not in parts:
            raise invalid("$.media: is missing but it is required")
        category = parts.get("media_category", b"").decode()
        if category not in MEDIA_CATEGORIES:
            raise invalid(
                f"$.media_category: does not have a value in the enumeration ({category})"
            )
        kind = parts.get("media_type", b"").decode()
        if kind and kind not in MEDIA_TYPES:
            raise invalid(f"$.media_type: does not have a value in the enumeration ({kind})")
        data = parts["media"]
        if len(data) > 5_000_000:
            raise invalid("media: File size exceeds 5242880 bytes.")
        try:
            with Image.open(BytesIO(data)) as image:
                width, height, fmt = image.width, image.height, (image.format or "").lower()
        except Exception:
            raise invalid("media: the file is not a valid image") from None
        media_id = str(next(self._ids))
        self.media[media_id] = {"bytes": data, "alt": None, "format": fmt}
        return httpx.Response(
            200,
            json={
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": f"image/{fmt}", "w": width, "h": height},
                }
            },
        )

    def _metadata(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/x-api/media/create-media-metadata: {"id", "metadata": {"alt_text":
        # {"text"}}} (alt text up to 1000 characters) → {"data": {"id",
        # "associated_metadata": {…}}}
        body = json.loads(request.content)
        media_id = str(body.get("id", ""))
        if not ID.match(media_id) or media_id not in self.media:
            raise invalid(f"$.id: {media_id} is not a media of this account")
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if not isinstance(alt, str) or not 1 <= len(alt) <= 1000:
            raise invalid("$.metadata.alt_text.text: must be 1 to 1000 characters")
        self.media[media_id]["alt"] = alt
        return httpx.Response(
            200, json={"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}}
        )

    def _create(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/x-api/posts/creation-of-a-post: the documented body fields (text,
        # media.media_ids 1–4 of ^[0-9]{1,19}$, reply.in_reply_to_tweet_id…) → 201
        # {"data": {"id", "text"}}
        body = json.loads(request.content)
        unknown = set(body) - CREATE_FIELDS
        if unknown:
            raise invalid(f"$.{sorted(unknown)[0]}: is not defined in the schema")
        text = body.get("text", "")
        media = (body.get("media") or {}).get("media_ids")
        if media is not None:
            if not isinstance(media, list) or not 1 <= len(media) <= 4:
                raise invalid("$.media.media_ids: must have 1 to 4 items")
            for media_id in media:
                if not isinstance(media_id, str) or not ID.match(media_id):
                    raise invalid(f"$.media.media_ids: {media_id!r} does not match ^[0-9]{{1,19}}$")
                if media_id not in self.media:
                    raise invalid(f"Your media IDs are invalid: {media_id}")
        if not text and not media:
            raise invalid("$: text or media is required")
        if twitter.parse_tweet(text).weighted_length > 280:
            raise Problem(
                403,
                "Forbidden",
                "Your Tweet text is too long. For more information on how X determines text "
                "length, see https://github.com/twitter/twitter-text.",
            )
        reply = body.get("reply")
        if reply is not None:
            parent = str(reply.get("in_reply_to_tweet_id", ""))
            if not ID.match(parent):
                raise invalid("$.reply.in_reply_to_tweet_id: is missing but it is required")
            if parent not in self.posts:
                raise invalid("The post you are replying to does not exist or was deleted")
        recent = [p for p in self.posts.values() if p.text == text and not p.media and not media]
        if recent:
            raise Problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        post = Post(
            str(next(self._ids)),
            text,
            clock_now(),
            list(media or []),
            reply and str(reply["in_reply_to_tweet_id"]),
        )
        self.posts[post.id] = post
        return httpx.Response(201, json={"data": {"id": post.id, "text": post.shown()}})

    def _post_json(self, post: Post) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": post.id,
            "text": post.shown(),
            "created_at": post.created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "edit_history_tweet_ids": [post.id],
        }
        if post.media:
            data["attachments"] = {"media_keys": [f"3_{m}" for m in post.media]}
        if post.reply_to:
            data["referenced_tweets"] = [{"type": "replied_to", "id": post.reply_to}]
        return data

    def _timeline(self, request: httpx.Request, user_id: str) -> httpx.Response:
        # docs.x.com/x-api/users/get-posts: GET /2/users/:id/tweets, max_results 5–100,
        # start_time (ISO 8601), exclude=retweets,replies, tweet.fields; newest first
        if not self.read_access:
            raise Problem(
                403,
                "Client Forbidden",
                "This endpoint is not available with your current access level.",
                type="https://api.twitter.com/2/problems/client-forbidden",
                reason="client-not-enrolled",
            )
        params = request.url.params
        count = int(params.get("max_results", "10"))
        if not 5 <= count <= 100:
            raise invalid("$.max_results: must be between 5 and 100")
        start = params.get("start_time")
        since = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else None
        posts = sorted(self.posts.values(), key=lambda p: int(p.id), reverse=True)
        if "replies" in params.get("exclude", ""):
            posts = [p for p in posts if p.reply_to is None]
        posts = [p for p in posts if since is None or p.created >= since][:count]
        return httpx.Response(
            200,
            json={
                "data": [self._post_json(p) for p in posts],
                "meta": {"result_count": len(posts)},
            },
        )

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        # docs.x.com/x-api/posts/get-posts-by-ids: ids (1–100), tweet.fields=public_metrics
        # → retweet_count, reply_count, like_count, quote_count, bookmark_count,
        # impression_count
        ids = request.url.params.get("ids", "").split(",")
        if not 1 <= len(ids) <= 100:
            raise invalid("$.ids: 1 to 100 ids")
        data = []
        for post_id in ids:
            if post_id in self.posts:
                item = self._post_json(self.posts[post_id])
                item["public_metrics"] = {
                    "retweet_count": 4,
                    "reply_count": 2,
                    "like_count": 31,
                    "quote_count": 1,
                    "bookmark_count": 3,
                    "impression_count": 1204,
                }
                data.append(item)
        return httpx.Response(200, json={"data": data})


def _multipart(request: httpx.Request) -> dict[str, bytes]:
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        raise invalid("the upload must be multipart/form-data")
    head = f"Content-Type: {kind}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        parts[name] = part.get_payload(decode=True) or b""
    return parts

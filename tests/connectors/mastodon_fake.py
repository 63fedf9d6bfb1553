"""A Mastodon instance for tests that holds every exchange to the published OpenAPI spec.

Each request cmkit sends is validated against tests/specs/mastodon/openapi.json
(Mastodon 4.7's REST API, from the official docs) with openapi-core — method, path,
parameters, body — and must carry a token with the scopes the spec requires. Each
answer the fake gives is validated against the spec's response schema too, so the
fake cannot drift into answering what cmkit expects rather than what Mastodon says.

Behaviour modelled on Mastodon's: Idempotency-Key (same account and key → the same
status, no duplicate), media processed asynchronously (202, then 206 while
processing, then 200), the status length rule (URLs count 23), 422 for media still
processing, OAuth app registration and out-of-band codes. Faults can be injected.
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_http import OpenAPIRequest, OpenAPIResponse, as_openapi
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC = Path(__file__).resolve().parents[1] / "specs" / "mastodon" / "openapi.json"
BASE = "https://piaille.example"
HOST = "piaille.example"
NOW = "2026-11-25T08:00:00.000Z"


class SpecViolation(AssertionError):
    """cmkit sent (or the fake answered) something the published API does not allow."""


def _multipart(value: bytes, **parameters: str) -> ImmutableMultiDict[str, str]:
    # openapi-core hands file parts to the JSON Schema validator as bytes, which a
    # `type: string, format: binary` schema refuses; binary parts travel as latin-1
    # text here (one character per byte), text parts as UTF-8.
    head = f"Content-Type: multipart/form-data; boundary={parameters['boundary']}\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head.encode() + value)
    fields = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        name = part.get_param("name", header="content-disposition")
        text = payload.decode("latin-1") if part.get_filename() else payload.decode("utf-8")
        fields.append((str(name), text))
    return ImmutableMultiDict(fields)


def _fix_known_spec_errors(spec: dict[str, Any]) -> dict[str, Any]:
    """Corrections to the generated spec, each where it contradicts Mastodon's own docs.

    POST /api/v1/statuses: the body is `oneOf` [TextStatus, MediaStatus, PollStatus],
    but a status with text *and* media (docs: "media_ids … If provided, status becomes
    optional") matches both, which `oneOf` forbids. It has to be `anyOf`.
    """
    body = spec["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    if "oneOf" in schema:
        schema["anyOf"] = schema.pop("oneOf")
    return spec


@cache
def openapi() -> OpenAPI:
    spec = _fix_known_spec_errors(json.loads(SPEC.read_text(encoding="utf-8")))
    config = Config(
        spec_validator_cls=None,  # the spec is published data: validate against it, not it
        extra_media_type_deserializers={"multipart/form-data": _multipart},
    )
    return OpenAPI.from_dict(spec, config=config)


@cache
def _security() -> dict[tuple[str, str], list[str]]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], list[str]] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for requirement in operation.get("security") or []:
                found.setdefault((method, path), []).extend(requirement.get("OAuth2", []))
    return found


def _as_openapi(request: httpx.Request) -> OpenAPIRequest:
    # Rails array parameters (`types[]=mention`) are what Mastodon reads; the spec
    # names them without the brackets
    query = [(k.removesuffix("[]"), v) for k, v in request.url.params.multi_items()]
    return as_openapi(request, query=query)


def _template(path: str) -> str | None:
    """The spec's path template for a concrete path (/api/v1/media/{id})."""
    spec_paths = _paths()
    if path in spec_paths:
        return path
    for template in spec_paths:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


@cache
def _paths() -> tuple[str, ...]:
    return tuple(json.loads(SPEC.read_text(encoding="utf-8"))["paths"])


def _graphemes(text: str) -> int:
    import regex

    return len(regex.findall(r"\X", text))


_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")
_TAG = re.compile(r"(?<![\w#])#(\w+)")
_MENTION = re.compile(r"(?<![\w@/])@(\w+)(?:@[\w.-]+\w)?")


def render_html(text: str) -> str:
    """Roughly what Mastodon's formatter makes of a status: paragraphs, line breaks,
    links shortened for display, hashtag and mention links."""

    def line(raw: str) -> str:
        out, last = [], 0
        for match in re.finditer(f"{_URL.pattern}|{_TAG.pattern}|{_MENTION.pattern}", raw):
            out.append(escape(raw[last : match.start()]))
            token = match.group(0)
            if token.startswith("#"):
                out.append(
                    f'<a href="{BASE}/tags/{escape(token[1:].lower())}" '
                    f'class="mention hashtag" rel="tag">#<span>{escape(token[1:])}'
                    "</span></a>"
                )
            elif token.startswith("@"):
                user = token[1:].split("@")[0]
                out.append(
                    f'<span class="h-card"><a href="{BASE}/@{escape(user)}" '
                    f'class="u-url mention">@<span>{escape(user)}</span></a></span>'
                )
            else:
                scheme, rest = token.split("://", 1)
                shown, hidden = rest[:30], rest[30:]
                out.append(
                    f'<a href="{escape(token)}" rel="nofollow noopener" target="_blank">'
                    f'<span class="invisible">{scheme}://</span>'
                    f'<span class="{"ellipsis" if hidden else ""}">{escape(shown)}</span>'
                    f'<span class="invisible">{escape(hidden)}</span></a>'
                )
            last = match.end()
        out.append(escape(raw[last:]))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    return "".join(
        "<p>" + "<br />".join(line(x) for x in p.split("\n")) + "</p>" for p in paragraphs
    )


def status_length(text: str) -> int:
    """Mastodon's StatusLengthValidator: URLs count 23, mentions without their domain."""
    countable = _URL.sub("x" * 23, text)
    countable = re.sub(r"(@\w+)@[\w.-]+\w", r"\1", countable)
    return _graphemes(countable)


@dataclass
class Fault:
    method: str
    path: str
    kind: str  # "503", "429", "drop-after" (processed, answer lost), "refuse" (never arrives)
    times: int = 1


@dataclass
class FakeMastodon:
    token: str = "tok-piaille-9f8e7d6c5b4a"
    scopes: tuple[str, ...] = ("read", "write")
    max_characters: int = 500
    processing_polls: int = 0  # GET /api/v1/media/:id answers 206 this many times first
    requests: list[httpx.Request] = field(default_factory=list)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # code → client_id
    tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # token → scopes
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(109_000_000))
    _idempotency: dict[tuple[str, str], str] = field(default_factory=dict)
    _polls: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens[self.token] = self.scopes
        self.me = self.account("1", "boulangerie", "Boulangerie Martin")

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def next_id(self) -> str:
        return str(next(self._ids))

    # -- spec-shaped entities ---------------------------------------------------------

    def account(
        self, account_id: str, username: str, name: str, domain: str | None = None
    ) -> dict[str, Any]:
        acct = f"{username}@{domain}" if domain else username
        url = f"https://{domain or HOST}/@{username}"
        return {
            "id": account_id,
            "username": username,
            "acct": acct,
            "display_name": name,
            "locked": False,
            "bot": False,
            "group": False,
            "indexable": True,
            "discoverable": True,
            "created_at": "2024-03-01T00:00:00.000Z",
            "note": "<p>Pain au levain, Lyon</p>",
            "url": url,
            "uri": url,
            "avatar": f"{BASE}/avatars/original/missing.png",
            "avatar_static": f"{BASE}/avatars/original/missing.png",
            "header": f"{BASE}/headers/original/missing.png",
            "header_static": f"{BASE}/headers/original/missing.png",
            "followers_count": 312,
            "following_count": 48,
            "statuses_count": 0,
            "last_status_at": "2026-11-24",
            "emojis": [],
            "fields": [],
        }

    def credential_account(self) -> dict[str, Any]:
        me = dict(self.me)
        me["statuses_count"] = len(self.statuses)
        me["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "fr",
            "note": "Pain au levain, Lyon",
            "fields": [],
            "follow_requests_count": 0,
            "hide_collections": False,
            "discoverable": True,
            "indexable": True,
            "attribution_domains": [],
        }
        me["role"] = {
            "id": "-99",
            "name": "",
            "permissions": "0",
            "color": "",
            "highlighted": False,
        }
        return me

    def status(
        self,
        text: str,
        account: dict[str, Any],
        *,
        visibility: str = "public",
        media_ids: list[str] | None = None,
        spoiler: str = "",
        language: str | None = None,
        in_reply_to: str | None = None,
        created_at: str = NOW,
    ) -> dict[str, Any]:
        status_id = self.next_id()
        parent = self.statuses.get(in_reply_to or "")
        url = f"{BASE}/@{account['username']}/{status_id}"
        status = {
            "id": status_id,
            "uri": f"{BASE}/users/{account['username']}/statuses/{status_id}",
            "url": url,
            "created_at": created_at,
            "account": account,
            "content": render_html(text),
            "visibility": visibility,
            "sensitive": bool(spoiler),
            "spoiler_text": spoiler,
            "media_attachments": [self.media[m] for m in media_ids or []],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "quotes_count": 0,
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "language": language,
            "edited_at": None,
            "reblog": None,
            "poll": None,
            "card": None,
            "application": {"name": "cmkit", "website": None},
        }
        self.statuses[status_id] = status
        if parent:
            parent["replies_count"] += 1
        return status

    def mention_from(
        self,
        username: str,
        domain: str,
        text: str,
        reply_to: str | None = None,
        created_at: str = NOW,
    ) -> dict[str, Any]:
        """Someone elsewhere mentions (or answers) the account: a status and a notification."""
        author = self.account(self.next_id(), username, username.title(), domain)
        status = self.status(text, author, in_reply_to=reply_to, created_at=created_at)
        self.notifications.append(
            {
                "id": self.next_id(),
                "type": "mention",
                "group_key": f"ungrouped-{status['id']}",
                "created_at": created_at,
                "account": author,
                "status": status,
            }
        )
        return status

    def instance(self) -> dict[str, Any]:
        return {
            "domain": HOST,
            "title": "Piaille",
            "version": "4.5.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "Une instance francophone",
            "usage": {"users": {"active_month": 1200}},
            "thumbnail": {"url": f"{BASE}/thumb.png"},
            "icon": [],
            "languages": ["fr"],
            "api_versions": {"mastodon": 6},
            "configuration": {
                "urls": {"streaming": f"wss://{HOST}", "status": None},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {
                    "max_characters": self.max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "supported_mime_types": [
                        "image/jpeg",
                        "image/png",
                        "image/gif",
                        "image/webp",
                        "video/mp4",
                    ],
                    "image_size_limit": 16_777_216,
                    "image_matrix_limit": 33_177_600,
                    "video_size_limit": 103_809_024,
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8_294_400,
                    "description_limit": 1500,
                },
                "polls": {
                    "max_options": 4,
                    "max_characters_per_option": 50,
                    "min_expiration": 300,
                    "max_expiration": 2_629_746,
                },
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": True, "message": None},
            "contact": {"email": f"admin@{HOST}", "account": None},
            "rules": [],
        }

    # -- the exchange -----------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        fault = next(
            (f for f in self.faults if f.times and f.method == request.method and f.path == path),
            None,
        )
        if fault is not None and fault.kind == "refuse":
            fault.times -= 1
            raise httpx.ConnectError("connection refused", request=request)
        self.validate_request(request)
        if fault is not None and fault.kind in ("503", "429"):
            fault.times -= 1
            headers = {"Retry-After": "2"} if fault.kind == "429" else {}
            return self._answer(request, int(fault.kind), {"error": "Try again later"}, headers)
        response = self._route(request)
        if fault is not None and fault.kind == "drop-after":
            fault.times -= 1
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response

    def validate_request(self, request: httpx.Request) -> None:
        try:
            with warnings.catch_warnings():
                # openapi-core does not check OAuth2 itself; the scope check below does
                warnings.simplefilter("ignore", UserWarning)
                openapi().validate_request(_as_openapi(request))
        except Exception as exc:  # openapi-core raises several kinds; all mean the same
            raise SpecViolation(f"{request.method} {request.url.path}: {exc}") from exc
        template = _template(request.url.path)
        needed = _security().get((request.method.lower(), template or ""), [])
        auth = request.headers.get("authorization", "")
        if needed and not auth.startswith("Bearer "):
            raise SpecViolation(f"{request.method} {request.url.path} needs a token")
        granted = self.tokens.get(auth.removeprefix("Bearer "))
        # an unknown token is the server's business (401), not a client error
        if needed and granted is not None and not any(_grants(granted, s) for s in needed):
            raise SpecViolation(
                f"{request.method} {request.url.path} needs a token with "
                f"one of {needed}; got {granted}"
            )

    def _answer(
        self,
        request: httpx.Request,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        content = json.dumps(body).encode() if body is not None else b""
        all_headers = {"Content-Type": "application/json; charset=utf-8"} if content else {}
        all_headers.update(headers or {})
        response = httpx.Response(status, content=content, headers=all_headers, request=request)
        try:
            openapi().validate_response(
                _as_openapi(request),
                OpenAPIResponse(
                    status,
                    all_headers.get("Content-Type", ""),
                    Headers(list(all_headers.items())),
                    content or None,
                ),
            )
        except Exception as exc:
            raise SpecViolation(
                f"the fake's answer to {request.method} {request.url.path} "
                f"({status}) breaks the spec: {exc}"
            ) from exc
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if _security().get((method.lower(), _template(path) or "")) and token not in self.tokens:
            return self._answer(request, 401, {"error": "The access token is invalid"})
        for (verb, pattern), name in ROUTES.items():
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                answer: httpx.Response = getattr(self, name)(request, *match.groups())
                return answer
        return self._answer(request, 404, {"error": "Record not found"})

    # -- routes -------------------------------------------------------------------------

    def get_instance(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, 200, self.instance())

    def verify_credentials(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, 200, self.credential_account())

    def upload_media(self, request: httpx.Request) -> httpx.Response:
        form = _multipart(request.content, boundary=_boundary(request))
        media_id = self.next_id()
        self.uploads[media_id] = form["file"].encode("latin-1")
        kind = "video" if b"ftyp" in self.uploads[media_id][:16] else "image"
        attachment = {
            "id": media_id,
            "type": kind,
            "url": None,
            "preview_url": f"{BASE}/media/{media_id}/small.jpg",
            "remote_url": None,
            "description": form.get("description"),
            "blurhash": None,
            "meta": {},
        }
        self.media[media_id] = attachment
        self._polls[media_id] = self.processing_polls
        if self.processing_polls:
            return self._answer(request, 202, attachment)
        attachment["url"] = f"{BASE}/media/{media_id}/original"
        return self._answer(request, 200, attachment)

    def get_media(self, request: httpx.Request, media_id: str) -> httpx.Response:
        if media_id not in self.media:
            return self._answer(request, 404, {"error": "Record not found"})
        if self._polls.get(media_id):
            self._polls[media_id] -= 1
            return self._answer(request, 206)
        self.media[media_id]["url"] = f"{BASE}/media/{media_id}/original"
        return self._answer(request, 200, self.media[media_id])

    def post_status(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        key = request.headers.get("idempotency-key")
        if key and (self.me["id"], key) in self._idempotency:
            return self._answer(
                request, 200, self.statuses[self._idempotency[(self.me["id"], key)]]
            )
        text = body.get("status", "")
        if status_length(body.get("spoiler_text", "") + text) > self.max_characters:
            return self._answer(
                request,
                422,
                {
                    "error": f"Validation failed: Text character limit of {self.max_characters} "
                    "exceeded"
                },
            )
        for media_id in body.get("media_ids", []):
            if media_id not in self.media:
                return self._answer(request, 422, {"error": "Validation failed: media not found"})
            if self.media[media_id]["url"] is None:
                return self._answer(
                    request,
                    422,
                    {
                        "error": "Cannot attach files that have not finished processing. "
                        "Try again in a moment!"
                    },
                )
        reply_to = body.get("in_reply_to_id")
        if reply_to and reply_to not in self.statuses:
            return self._answer(request, 404, {"error": "Record not found"})
        status = self.status(
            text,
            self.me,
            visibility=body.get("visibility", "public"),
            media_ids=body.get("media_ids"),
            spoiler=body.get("spoiler_text", ""),
            language=body.get("language"),
            in_reply_to=reply_to,
        )
        if key:
            self._idempotency[(self.me["id"], key)] = status["id"]
        return self._answer(request, 200, status)

    def get_status(self, request: httpx.Request, status_id: str) -> httpx.Response:
        if status_id not in self.statuses:
            return self._answer(request, 404, {"error": "Record not found"})
        return self._answer(request, 200, self.statuses[status_id])

    def account_statuses(self, request: httpx.Request, account_id: str) -> httpx.Response:
        params = request.url.params
        limit = int(params.get("limit", 20))
        max_id = params.get("max_id")
        mine = [
            s
            for s in self.statuses.values()
            if s["account"]["id"] == account_id and (max_id is None or int(s["id"]) < int(max_id))
        ]
        mine.sort(key=lambda s: int(s["id"]), reverse=True)
        return self._answer(request, 200, mine[:limit])

    def list_notifications(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        types = params.get_list("types[]")
        max_id = params.get("max_id")
        found = [
            n
            for n in self.notifications
            if (not types or n["type"] in types) and (max_id is None or int(n["id"]) < int(max_id))
        ]
        found.sort(key=lambda n: int(n["id"]), reverse=True)
        return self._answer(request, 200, found[: int(params.get("limit", 40))])

    def search(self, request: httpx.Request) -> httpx.Response:
        words = request.url.params.get("q", "").casefold().split()
        hits = [
            s for s in self.statuses.values() if all(w in s["content"].casefold() for w in words)
        ]
        return self._answer(request, 200, {"accounts": [], "statuses": hits, "hashtags": []})

    def tag_timeline(self, request: httpx.Request, tag: str) -> httpx.Response:
        hits = [
            s
            for s in self.statuses.values()
            if f'/tags/{tag.casefold()}"' in s["content"].casefold()
        ]
        return self._answer(request, 200, hits)

    def register_app(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        client_id = f"cid-{self.next_id()}"
        app = {
            "id": self.next_id(),
            "name": body["client_name"],
            "website": body.get("website"),
            "scopes": body.get("scopes", "read").split(),
            "redirect_uris": body["redirect_uris"],
            "redirect_uri": "\n".join(body["redirect_uris"]),
            "client_id": client_id,
            "client_secret": f"csecret-{client_id}",
            "client_secret_expires_at": 0,
            "vapid_key": "BCk-vapid-public-key-for-tests=",
        }
        self.apps[client_id] = app
        return self._answer(request, 200, app)

    def approve(self, client_id: str) -> str:
        """What the user does in the browser: sign in and approve; returns the shown code."""
        code = f"code-{self.next_id()}"
        self.codes[code] = client_id
        return code

    def oauth_token(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        app = self.apps.get(body.get("client_id", ""))
        if (
            app is None
            or body.get("client_secret") != app["client_secret"]
            or self.codes.pop(body.get("code", ""), None) != body["client_id"]
            or body.get("redirect_uri") not in app["redirect_uris"]
        ):
            return self._answer(
                request,
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, "
                    "revoked, does not match the redirection URI used in the "
                    "authorization request, or was issued to another client.",
                },
            )
        token = f"tok-{self.next_id()}"
        self.tokens[token] = tuple(app["scopes"])
        return self._answer(
            request,
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": " ".join(app["scopes"]),
                "created_at": 1795600000,
            },
        )


def _boundary(request: httpx.Request) -> str:
    return request.headers["content-type"].split("boundary=", 1)[1].strip('"')


ROUTES = {
    ("GET", r"/api/v2/instance"): "get_instance",
    ("GET", r"/api/v1/accounts/verify_credentials"): "verify_credentials",
    ("POST", r"/api/v2/media"): "upload_media",
    ("GET", r"/api/v1/media/([^/]+)"): "get_media",
    ("POST", r"/api/v1/statuses"): "post_status",
    ("GET", r"/api/v1/statuses/([^/]+)"): "get_status",
    ("GET", r"/api/v1/accounts/([^/]+)/statuses"): "account_statuses",
    ("GET", r"/api/v1/notifications"): "list_notifications",
    ("GET", r"/api/v2/search"): "search",
    ("GET", r"/api/v1/timelines/tag/([^/]+)"): "tag_timeline",
    ("POST", r"/api/v1/apps"): "register_app",
    ("POST", r"/oauth/token"): "oauth_token",
}


def _grants(granted: tuple[str, ...], needed: str) -> bool:
    return needed in granted or needed.split(":")[0] in granted

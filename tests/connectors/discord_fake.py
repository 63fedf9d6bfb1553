"""A Discord webhook endpoint for tests that holds every exchange to Discord's own spec.

Each request is validated with openapi-core against tests/specs/discord/openapi.json
(Discord's HTTP API v10 spec, the webhook paths): method, path, query (`wait`), body.
A multipart request carries its JSON in `payload_json` (execute-webhook docs); that JSON
is validated as the JSON body it stands for, and every `files[n]` part must be named by
an `attachments` entry. Each answer is validated against the response schema too.
A request breaking the spec raises `SpecViolation`: a test failure, not a status.

Behaviour from discord.com/developers/docs: `wait=true` returns the message (204 and no
body without it), mentions resolved as Discord resolves them — with no
`allowed_mentions`, @everyone, @here, roles and users in `content` all notify; with
`{"parse": []}` none do —, an unknown or reset webhook is 404 "Unknown Webhook" (code
10015), a 429 says `retry_after` in its body and `Retry-After` in its headers.
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
from pathlib import Path
from typing import Any

import httpx
from net_workspace import Killed
from openapi_core import Config, OpenAPI
from openapi_http import OpenAPIResponse, as_openapi
from werkzeug.datastructures import Headers

SPEC = Path(__file__).resolve().parents[1] / "specs" / "discord" / "openapi.json"
HOST = "https://discord.com"


class SpecViolation(BaseException):
    """cmkit sent (or the fake answered) something Discord's spec does not allow; a
    BaseException so the engine's catch-all cannot turn it into a status."""


@cache
def openapi() -> OpenAPI:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def _parts(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    kind = request.headers["content-type"]
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + request.content
    )
    parts = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return parts


@dataclass
class Webhook:
    id: str
    token: str
    name: str
    channel_id: str
    guild_id: str


@dataclass
class Fault:
    action: str  # respond-429 | respond-500 | timeout-after | kill-before
    times: int = 1


@dataclass
class FakeDiscord:
    hooks: dict[str, Webhook] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    pinged: list[str] = field(default_factory=list)  # who a message notified
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # the client's site: URL → HTML
    _ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(1_310_000_000_000_000_001)
    )

    def webhook(self, name: str = "Annonces") -> str:
        hook = Webhook(
            str(next(self._ids)),
            "tok-" + "x7Q" * 20,
            name,
            "1300000000000000042",
            "1300000000000000007",
        )
        self.hooks[hook.id] = hook
        return f"https://discord.com/api/webhooks/{hook.id}/{hook.token}"

    def fault(self, action: str, times: int = 1) -> None:
        self.faults.append(Fault(action, times))

    # --- the exchange ---------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "discord.com":  # the page a link embed is read from
            html = self.pages.get(str(request.url.copy_with(query=None)))
            if html is None:
                return httpx.Response(404, text="not found")
            return httpx.Response(200, text=html, headers={"content-type": "text/html"})
        self.requests.append(request)
        body = self.validate(request)
        fault = next((f for f in self.faults if f.times and request.method == "POST"), None)
        if fault is not None:
            fault.times -= 1
            if fault.action == "kill-before":
                raise Killed("killed before executing the webhook")
            if fault.action == "respond-429":
                return self._answer(
                    request,
                    429,
                    {
                        "message": "You are being rate limited.",
                        "retry_after": 4.2,
                        "global": False,
                        "code": 0,
                    },
                    {
                        "Retry-After": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": "4.2",
                    },
                )
            if fault.action == "respond-500":
                return self._answer(
                    request, 500, {"message": "500: Internal Server Error", "code": 0}
                )
        response = self._route(request, body)
        if fault is not None and fault.action == "timeout-after":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response

    def validate(self, request: httpx.Request) -> dict[str, Any] | None:
        """The request against the spec; its JSON payload, if any."""
        kind = request.headers.get("content-type", "")
        payload: dict[str, Any] | None = None
        checked = as_openapi(request)
        if kind.startswith("multipart/form-data"):
            parts = _parts(request)
            if "payload_json" not in parts:
                raise SpecViolation("multipart without payload_json")
            payload = json.loads(parts["payload_json"][1])
            named = {f"files[{a['id']}]" for a in payload.get("attachments") or []}
            uploaded = {name for name in parts if name != "payload_json"}
            if uploaded != named:
                raise SpecViolation(f"files {sorted(uploaded)} but attachments {sorted(named)}")
            checked = as_openapi(request, json.dumps(payload).encode(), "application/json")
        elif kind.startswith("application/json"):
            payload = json.loads(request.content)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                openapi().validate_request(checked)
        except Exception as exc:  # openapi-core raises several kinds; all mean the same
            raise SpecViolation(f"{request.method} {request.url.path}: {exc}") from exc
        return payload

    def _answer(
        self,
        request: httpx.Request,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        content = json.dumps(body).encode() if body is not None else b""
        all_headers = {"Content-Type": "application/json"} if content else {}
        all_headers.update(headers or {})
        if status >= 500:  # the spec documents no server errors: nothing to hold them to
            return httpx.Response(status, content=content, headers=all_headers)
        try:
            openapi().validate_response(
                as_openapi(request),
                OpenAPIResponse(
                    status,
                    all_headers.get("Content-Type", ""),
                    Headers(list(all_headers.items())),
                    content or None,
                ),
            )
        except Exception as exc:
            raise SpecViolation(f"the fake's answer ({status}) breaks the spec: {exc}") from exc
        return httpx.Response(status, content=content, headers=all_headers)

    def _route(self, request: httpx.Request, payload: dict[str, Any] | None) -> httpx.Response:
        match = re.fullmatch(r"/api/v10/webhooks/(\d+)/([^/]+)", request.url.path)
        hook = self.hooks.get(match.group(1)) if match else None
        if match is None or hook is None or hook.token != match.group(2):
            return self._answer(request, 404, {"message": "Unknown Webhook", "code": 10015})
        if request.method == "GET":
            # get-webhook-with-token: the webhook object, without `user`
            return self._answer(
                request,
                200,
                {
                    "application_id": None,
                    "avatar": None,
                    "channel_id": hook.channel_id,
                    "guild_id": hook.guild_id,
                    "id": hook.id,
                    "name": hook.name,
                    "type": 1,
                    "token": hook.token,
                },
            )
        return self._execute(request, hook, payload or {})

    def _execute(
        self, request: httpx.Request, hook: Webhook, payload: dict[str, Any]
    ) -> httpx.Response:
        # execute-webhook: content, username, avatar_url, embeds, allowed_mentions,
        # attachments + files[n]; `wait=true` → the message object
        content = payload.get("content") or ""
        if not (content or payload.get("embeds") or payload.get("attachments")):
            return self._answer(
                request, 400, {"message": "Cannot send an empty message", "code": 50006}
            )
        mentions = self._resolve_mentions(content, payload.get("allowed_mentions"))
        self.pinged += mentions
        attachments = []
        parts = (
            _parts(request)
            if request.headers.get("content-type", "").startswith("multipart")
            else {}
        )
        for item in payload.get("attachments") or []:
            filename, data = parts[f"files[{item['id']}]"]
            attachment_id = str(next(self._ids))
            self.files[attachment_id] = data
            entry = {
                "id": attachment_id,
                "filename": item.get("filename") or filename or "file",
                "size": len(data),
                "url": f"https://cdn.discordapp.com/attachments/{hook.channel_id}/{attachment_id}/{filename}",
                "proxy_url": f"https://media.discordapp.net/attachments/{hook.channel_id}/{attachment_id}/{filename}",
            }
            if item.get("description"):
                entry["description"] = item["description"]
            attachments.append(entry)
        message = {
            "type": 0,
            "content": content,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [{"type": "rich", **e} for e in payload.get("embeds") or []],
            "timestamp": "2026-11-25T08:05:00.000000+00:00",
            "edited_timestamp": None,
            "flags": 0,
            "components": [],
            "id": str(next(self._ids)),
            "channel_id": hook.channel_id,
            "author": {
                "id": hook.id,
                "username": payload.get("username") or hook.name,
                "avatar": None,
                "discriminator": "0000",
                "public_flags": 0,
                "flags": 0,
                "bot": True,
                "global_name": None,
                "primary_guild": None,
            },
            "pinned": False,
            "mention_everyone": "everyone" in mentions,
            "tts": False,
            "webhook_id": hook.id,
        }
        self.messages.append(message)
        if request.url.params.get("wait") != "true":
            return self._answer(request, 204)
        return self._answer(request, 200, message)

    @staticmethod
    def _resolve_mentions(content: str, allowed: dict[str, Any] | None) -> list[str]:
        """Who Discord notifies (message-formatting, allowed-mentions object)."""
        parse = None if allowed is None else set(allowed.get("parse") or [])
        found = []
        if re.search(r"@(everyone|here)\b", content) and (parse is None or "everyone" in parse):
            found.append("everyone")
        for role in re.findall(r"<@&(\d+)>", content):
            if parse is None or "roles" in parse or role in (allowed or {}).get("roles", []):
                found.append(f"role:{role}")
        for user in re.findall(r"<@!?(\d+)>", content):
            if parse is None or "users" in parse or user in (allowed or {}).get("users", []):
                found.append(f"user:{user}")
        return found

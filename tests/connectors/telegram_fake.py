"""A Telegram Bot API server for tests that holds every call to the published spec.

Each call cmkit makes is checked against tests/specs/telegram/api.json (Bot API 10.1,
from PaulSonOfLars/telegram-bot-api-spec): the method exists, every parameter is one
the method documents, required ones are there, each value has a documented type —
down into nested objects such as InputMediaPhoto, and `attach://` names pointing at
uploaded parts. Breaking the spec raises `SpecViolation` (a test failure). Each answer
the fake gives is checked against the method's documented return type the same way,
so the fake cannot drift into answering what cmkit expects.

What Telegram does beyond the spec is modelled from core.telegram.org/bots/api: HTML
parse mode with its list of tags and entities ("can't parse entities" otherwise), the
text and caption limits counted after entity parsing (read from the spec's field
descriptions), 2–10 album items, photo size and shape rules, a bot that must be a
channel administrator allowed to post, and 429 answers that say how long to wait in
`parameters.retry_after` (no header).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
from net_workspace import Killed
from PIL import Image

from cmkit.clock import now as clock_now

SPEC = Path(__file__).resolve().parents[1] / "specs" / "telegram" / "api.json"
TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "code", "pre", "blockquote", "tg-time",
}  # fmt: skip


class SpecViolation(BaseException):
    """cmkit sent (or the fake answered) something the Bot API does not define. A
    BaseException, so the engine's catch-all cannot turn a test failure into a status."""


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --- the spec check -----------------------------------------------------------------------


def check_call(method: str, params: dict[str, Any], uploads: dict[str, Upload]) -> None:
    definition = spec()["methods"].get(method)
    if definition is None:
        raise SpecViolation(f"no Bot API method {method}")
    fields = {f["name"]: f for f in definition.get("fields", [])}
    for name in params:
        if name not in fields:
            raise SpecViolation(f"{method}: no parameter {name!r}")
    for name, info in fields.items():
        if info["required"] and name not in params:
            raise SpecViolation(f"{method}: required parameter {name!r} missing")
        if name in params:
            check_value(params[name], info["types"], f"{method}.{name}", uploads, form=True)


def check_value(
    value: Any, types: list[str], where: str, uploads: dict[str, Upload], form: bool = False
) -> None:
    if len(types) > 1 and all(t.startswith("Array of ") for t in types):
        # The spec writes sendMediaGroup's `media` as a choice of arrays, one per item
        # type; the method's own text allows one album of photos *and* videos ("Documents
        # and audio files can be only grouped in an album with messages of the same type").
        # So: an array whose items are each one of those types.
        if form and isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, list):
            raise SpecViolation(f"{where}: not an array")
        items = [t.removeprefix("Array of ") for t in types]
        for n, item in enumerate(value):
            check_value(item, items, f"{where}[{n}]", uploads)
        kinds = {item.get("type") for item in value if isinstance(item, dict)}
        if kinds & {"audio", "document"} and len(kinds) > 1:
            raise SpecViolation(f"{where}: audio and documents go only with their own kind")
        return
    errors = []
    for kind in types:
        try:
            _check_one(value, kind, where, uploads, form)
            return
        except SpecViolation as exc:
            errors.append(str(exc))
    raise SpecViolation(f"{where}: {value!r:.80} is none of {types} ({'; '.join(errors)})")


def _check_one(value: Any, kind: str, where: str, uploads: dict[str, Upload], form: bool) -> None:
    if form and isinstance(value, str) and (kind.startswith("Array of") or kind in spec()["types"]):
        try:
            value = json.loads(value)  # "A JSON-serialized …" in a form field
        except ValueError:
            raise SpecViolation(f"{where}: not JSON") from None
    if kind == "InputFile":
        if not isinstance(value, Upload):
            raise SpecViolation(f"{where}: not an uploaded file")
    elif kind == "Integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            form and isinstance(value, str) and re.fullmatch(r"-?\d+", value)
        )
        if not ok:
            raise SpecViolation(f"{where}: not an Integer")
    elif kind == "Float":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise SpecViolation(f"{where}: not a Float")
    elif kind == "String":
        if not isinstance(value, str):
            raise SpecViolation(f"{where}: not a String")
        if value.startswith("attach://") and value[9:] not in uploads:
            raise SpecViolation(f"{where}: {value} names no uploaded part")
    elif kind == "Boolean":
        if not (isinstance(value, bool) or (form and value in ("true", "false"))):
            raise SpecViolation(f"{where}: not a Boolean")
    elif kind.startswith("Array of "):
        if not isinstance(value, list):
            raise SpecViolation(f"{where}: not an array")
        for n, item in enumerate(value):
            check_value(item, [kind.removeprefix("Array of ")], f"{where}[{n}]", uploads)
    else:
        check_object(value, kind, where, uploads)


def check_object(value: Any, kind: str, where: str, uploads: dict[str, Upload]) -> None:
    definition = spec()["types"].get(kind)
    if definition is None:
        raise SpecViolation(f"{where}: unknown type {kind}")
    if definition.get("subtypes"):
        check_value(value, definition["subtypes"], where, uploads)
        return
    if not isinstance(value, dict):
        raise SpecViolation(f"{where}: a {kind} must be an object")
    fields = {f["name"]: f for f in definition.get("fields", [])}
    for name in value:
        if name not in fields:
            raise SpecViolation(f"{where}: {kind} has no field {name!r}")
    for name, info in fields.items():
        if info["required"] and name not in value:
            raise SpecViolation(f"{where}: {kind}.{name} is required")
        if name in value:
            check_value(value[name], info["types"], f"{where}.{name}", uploads)
    if "type" in fields or "status" in fields:
        # the subtype is chosen by its `type` / `status`: "photo" for InputMediaPhoto…
        expected = _discriminator(definition)
        actual = value.get("type", value.get("status"))
        if expected and actual != expected:
            raise SpecViolation(f"{where}: {kind} must have type {expected!r}")


def _discriminator(definition: dict[str, Any]) -> str | None:
    for info in definition.get("fields", []):
        if info["name"] in ("type", "status"):
            found = re.search(r"(?:must be|always) [“\"]?(\w+)[”\"]?", info["description"])
            return found.group(1) if found else None
    return None


def limit(method: str, name: str, kind: str = "") -> tuple[int, int] | None:
    """(low, high) from a field description: "1-4096 characters after entities parsing"."""
    fields = spec()["types"][kind]["fields"] if kind else spec()["methods"][method]["fields"]
    for info in fields:
        if info["name"] == name:
            found = re.search(r"(\d+)-(\d+) (?:characters|items)", info["description"])
            return (int(found.group(1)), int(found.group(2))) if found else None
    return None


# --- Telegram's behaviour -----------------------------------------------------------------


class Refused(Exception):
    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def response(self) -> httpx.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return httpx.Response(self.code, json=body)


def parse_html(text: str) -> str:
    """The text a reader sees, or Refused like Telegram's parser (formatting-options)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        offset = len(text[:i].encode())
        if ch == "<":
            tag = re.match(r"</?([a-zA-Z-]+)(\s[^<>]*)?>", text[i:])
            if not tag or tag.group(1).lower() not in TAGS:
                name = tag.group(1) if tag else text[i + 1 : i + 8]
                raise Refused(
                    400,
                    "Bad Request: can't parse entities: "
                    f'Unsupported start tag "{name}" at byte offset {offset}',
                )
            i += tag.end()
            continue
        if ch == "&":
            entity = re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", text[i:])
            if not entity:
                raise Refused(
                    400,
                    "Bad Request: can't parse entities: Character entity expected at byte "
                    f"offset {offset}",
                )
            name = entity.group(1)
            named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
            out.append(
                named.get(name) or chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
            )
            i += entity.end()
            continue
        if ch == ">":
            raise Refused(
                400, f"Bad Request: can't parse entities: unexpected > at byte offset {offset}"
            )
        out.append(ch)
        i += 1
    return "".join(out)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Chat:
    id: int
    title: str
    username: str | None
    type: str = "channel"
    members: int = 1204
    admins: dict[int, dict[str, bool]] = field(default_factory=dict)


@dataclass
class Fault:
    method: str
    action: str  # respond-429 | respond-502 | timeout-after | kill-before | kill-after
    times: int = 1
    retry_after: int = 3


class FakeTelegram:
    def __init__(self, token: str = "7712345678:AAF-martin-bot-token-0123456789") -> None:
        self.token = token
        self.bot = {
            "id": 7712345678,
            "is_bot": True,
            "first_name": "Martin Bot",
            "username": "martin_annonces_bot",
        }
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(101)
        self._groups = itertools.count(13_000_000_000_000_001)

    def channel(
        self, chat_id: int, title: str, username: str | None, can_post: bool = True
    ) -> Chat:
        chat = Chat(chat_id, title, username)
        chat.admins[self.bot["id"]] = {"can_post_messages": can_post}
        self.chats[chat_id] = chat
        self.messages[chat_id] = []
        return chat

    def fault(self, method: str, action: str, **kw: Any) -> None:
        self.faults.append(Fault(method, action, **kw))

    def posted(self, chat_id: int) -> list[dict[str, Any]]:
        return self.messages[chat_id]

    # --- transport ------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", request.url.path)
        if request.url.host != "api.telegram.org" or match is None:
            return httpx.Response(
                404, json={"ok": False, "error_code": 404, "description": "Not Found"}
            )
        token, method = match.groups()
        params, uploads = _params(request)
        check_call(method, params, uploads)  # a violation is cmkit's bug: the test fails
        self.calls.append((method, params))
        fault = next((f for f in self.faults if f.times and f.method == method), None)
        if fault is not None:
            fault.times -= 1
            if fault.action == "kill-before":
                raise Killed(f"killed before {method}")
            if fault.action == "respond-429":
                return Refused(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    retry_after=fault.retry_after,
                ).response()
            if fault.action == "respond-502":
                return httpx.Response(
                    502, text="<html>Bad Gateway</html>", headers={"content-type": "text/html"}
                )
        if token != self.token:
            response = Refused(401, "Unauthorized").response()
        else:
            try:
                result = getattr(self, method)(params, uploads)
                self._check_answer(method, result)
                response = httpx.Response(200, json={"ok": True, "result": result})
            except Refused as refused:
                response = refused.response()
        if fault is not None and fault.action == "timeout-after":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fault is not None and fault.action == "kill-after":
            raise Killed(f"killed after {method}")
        return response

    @staticmethod
    def _check_answer(method: str, result: Any) -> None:
        returns = spec()["methods"][method]["returns"]
        try:
            check_value(result, returns, f"answer of {method}", {})
        except SpecViolation as exc:
            raise SpecViolation(f"the fake's answer breaks the spec: {exc}") from exc

    # --- helpers --------------------------------------------------------------------------

    def _chat(self, chat_id: Any, post: bool = False) -> Chat:
        text = str(chat_id)
        chat = next(
            (
                c
                for c in self.chats.values()
                if str(c.id) == text or (c.username and text == f"@{c.username}")
            ),
            None,
        )
        if chat is None:
            raise Refused(400, "Bad Request: chat not found")
        rights = chat.admins.get(self.bot["id"])
        if post and rights is None:
            raise Refused(403, "Forbidden: bot is not a member of the channel chat")
        if post and not rights.get("can_post_messages"):
            raise Refused(400, "Bad Request: need administrator rights in the channel chat")
        return chat

    def _chat_json(self, chat: Chat) -> dict[str, Any]:
        data: dict[str, Any] = {"id": chat.id, "type": chat.type, "title": chat.title}
        if chat.username:
            data["username"] = chat.username
        return data

    def _message(self, chat: Chat, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._ids),
            "sender_chat": self._chat_json(chat),
            "date": int(clock_now().timestamp()),
            "chat": self._chat_json(chat),
            **content,
        }
        self.messages[chat.id].append(message)
        return message

    @staticmethod
    def _text(value: str, mode: Any, low_high: tuple[int, int] | None, what: str) -> str:
        shown = parse_html(value) if mode == "HTML" else value
        if mode not in (None, "HTML", "MarkdownV2", "Markdown"):
            raise Refused(400, f"Bad Request: unsupported parse_mode {mode}")
        if low_high and not low_high[0] <= utf16(shown) <= low_high[1]:
            raise Refused(
                400,
                f"Bad Request: {what} is too long"
                if utf16(shown)
                else f"Bad Request: {what} is empty",
            )
        return shown

    @staticmethod
    def _photo(upload: Upload) -> list[dict[str, Any]]:
        # sendPhoto: "at most 10 MB in size… width and height must not exceed 10000 in
        # total. Width and height ratio must be at most 20"
        if len(upload.data) > 10_000_000:
            raise Refused(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        try:
            with Image.open(BytesIO(upload.data)) as image:
                width, height = image.size
        except Exception:
            raise Refused(400, "Bad Request: IMAGE_PROCESS_FAILED") from None
        if width + height > 10_000 or max(width, height) / min(width, height) > 20:
            raise Refused(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        unique = f"AQAD{len(upload.data)}"
        return [
            {
                "file_id": f"AgAC{unique}-s",
                "file_unique_id": unique + "s",
                "width": 90,
                "height": 90,
            },
            {
                "file_id": f"AgAC{unique}-x",
                "file_unique_id": unique + "x",
                "width": width,
                "height": height,
                "file_size": len(upload.data),
            },
        ]

    @staticmethod
    def _video(upload: Upload) -> dict[str, Any]:
        if len(upload.data) > 50_000_000:
            raise Refused(413, "Request Entity Too Large")
        unique = f"BAAC{len(upload.data)}"
        return {
            "file_id": unique,
            "file_unique_id": unique + "u",
            "width": 1280,
            "height": 720,
            "duration": 12,
        }

    # --- methods (names as the Bot API spells them) ---------------------------------------

    def getMe(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        return dict(self.bot)

    def getChat(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        return {
            **self._chat_json(chat),
            "accent_color_id": 3,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def getChatMember(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        user = int(params["user_id"])
        rights = chat.admins.get(user)
        if rights is None:
            return {"status": "left", "user": dict(self.bot)}
        permissions = dict.fromkeys(
            (
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories",
            ),
            False,
        )  # fmt: skip
        return {"status": "administrator", "user": dict(self.bot), **permissions, **rights}

    def getChatMemberCount(self, params: dict[str, Any], uploads: dict[str, Upload]) -> int:
        return self._chat(params["chat_id"]).members

    def sendMessage(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"], post=True)
        shown = self._text(
            params["text"], params.get("parse_mode"), limit("sendMessage", "text"), "message text"
        )
        content: dict[str, Any] = {"text": shown}
        if "link_preview_options" in params:
            content["link_preview_options"] = params["link_preview_options"]
        return self._message(chat, **content)

    def _media_message(
        self, method: str, kind: str, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        chat = self._chat(params["chat_id"], post=True)
        content: dict[str, Any] = {}
        if "caption" in params:
            content["caption"] = self._text(
                params["caption"],
                params.get("parse_mode"),
                limit(method, "caption"),
                "message caption",
            )
        upload = params[kind]
        if not isinstance(upload, Upload):
            raise Refused(400, "Bad Request: wrong remote file identifier specified")
        content[kind] = self._photo(upload) if kind == "photo" else self._video(upload)
        return self._message(chat, **content)

    def sendPhoto(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        return self._media_message("sendPhoto", "photo", params, uploads)

    def sendVideo(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        return self._media_message("sendVideo", "video", params, uploads)

    def sendMediaGroup(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        chat = self._chat(params["chat_id"], post=True)
        media = json.loads(params["media"]) if isinstance(params["media"], str) else params["media"]
        low, high = limit("sendMediaGroup", "media") or (2, 10)
        if not low <= len(media) <= high:
            raise Refused(400, "Bad Request: wrong number of media specified")
        group = str(next(self._groups))
        messages = []
        for item in media:
            upload = uploads[item["media"].removeprefix("attach://")]
            kind = "photo" if item["type"] == "photo" else "video"
            content: dict[str, Any] = {"media_group_id": group}
            if "caption" in item:
                where = "InputMediaPhoto" if kind == "photo" else "InputMediaVideo"
                content["caption"] = self._text(
                    item["caption"],
                    item.get("parse_mode"),
                    limit("", "caption", where),
                    "message caption",
                )
            content[kind] = self._photo(upload) if kind == "photo" else self._video(upload)
            messages.append(self._message(chat, **content))
        return messages


def _params(request: httpx.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """A call's parameters, however they came (query, JSON, form, multipart)."""
    params: dict[str, Any] = dict(request.url.params)
    uploads: dict[str, Upload] = {}
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        params.update(json.loads(request.content))
    elif kind.startswith("multipart/form-data"):
        head = f"Content-Type: {kind}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + request.content)
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                uploads[name] = Upload(str(part.get_filename()), payload)
                params[name] = uploads[name]
            else:
                params[name] = payload.decode()
        # an attach:// part is not a parameter of its own
        attached = {
            m.removeprefix("attach://")
            for v in params.values()
            if isinstance(v, str)
            for m in re.findall(r"attach://\w+", v)
        }
        for name in attached:
            params.pop(name, None)
    elif kind.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qsl

        params.update(parse_qsl(request.content.decode()))
    return params, uploads

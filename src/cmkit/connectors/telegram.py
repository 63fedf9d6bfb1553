"""Telegram channel, through a bot: text, photo, video and album posts (Bot API).

The bot (made with @BotFather; its token in `token_env`) must be an administrator
of the channel with "Post messages"; the channel is the account's `id`
(`@channelname`, or `-100…` for a private one).

- text: `sendMessage`, `parse_mode: HTML` with `& < >` escaped, so the text shows
  exactly as written (4,096 characters); the post's link goes at its end and
  `link_preview_options` asks for its large preview;
- one photo or video: `sendPhoto` / `sendVideo` with the text as caption (1,024);
- 2 to 10: `sendMediaGroup`, an album with the caption on its first item;
- recovery: the Bot API cannot read a channel's messages, so a send whose answer
  was lost cannot be looked up: the engine asks a human rather than risk posting
  twice (`cmkit publish … --mark-done` or `--resend`);
- Telegram says how long to wait in the body (`parameters.retry_after`); it is
  read into `Retry-After` so the shared HTTP client waits for it.
Reference: core.telegram.org/bots/api
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from .. import text as counting
from ..models import Account
from ..networks import LIMITS, Network
from ..redaction import register
from .base import (
    AccountMetrics,
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    OutcomeUnknown,
    Progress,
    PublishResult,
    probe_or_report,
)

if TYPE_CHECKING:
    import httpx

    from .http import HttpClient

API_HOST = "https://api.telegram.org"
DOCS = "docs/networks/telegram.md"
PHOTO_BYTES = 10_000_000  # sendPhoto: "The photo must be at most 10 MB in size"
VIDEO_BYTES = 50_000_000  # bots upload files of up to 50 MB
PHOTO_FORMATS = frozenset({"jpeg", "png", "webp"})
MAX_ALBUM = 10


def html_escape(text: str) -> str:
    """Plain text for parse_mode HTML: "All <, > and & symbols that are not a part of a
    tag or an HTML entity must be replaced with the corresponding HTML entities"."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _retry_after_from_body(response: httpx.Response) -> None:
    """Telegram puts the wait in `parameters.retry_after`, not in a header."""
    if response.status_code != 429 or "retry-after" in response.headers:
        return
    try:
        wait = json.loads(response.read()).get("parameters", {}).get("retry_after")
    except (ValueError, AttributeError):
        return
    if isinstance(wait, int | float):
        response.headers["Retry-After"] = str(int(wait))


class TelegramConnector(BaseConnector):
    name = "telegram"
    limits = LIMITS[Network.TELEGRAM]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._client: HttpClient | None = None
        self._final: HttpClient | None = None

    @property
    def chat(self) -> str:
        chat = (self.account.id or "").strip()
        if not chat:
            raise ConnectorError(
                "telegram: the account has no channel id",
                'set `id: "@yourchannel"` (or the -100… id of a private channel) under '
                f"accounts.telegram in client.yaml; see {DOCS}",
            )
        return chat

    def _clients(self) -> tuple[HttpClient, HttpClient]:
        if self._client is None or self._final is None:
            from . import http

            token = register(self.secret("token"))
            base = f"{(self.account.instance or API_HOST).rstrip('/')}/bot{token}/"
            hooks = {"response": [_retry_after_from_body]}
            self._client, self._final = http.client_pair(
                "telegram", base_url=base, event_hooks=hooks
            )
        return self._client, self._final

    def close(self) -> None:
        for client in (self._client, self._final):
            if client is not None:
                client.close()
        self._client = self._final = None

    def call(self, method: str, *, final: bool = False, **kwargs: Any) -> Any:
        """One Bot API method; its `result`, or a ConnectorError that says what to do."""
        from . import chat

        client = self._clients()[1 if final else 0]
        response = chat.request(client, "POST", method, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.is_success and isinstance(body, dict) and body.get("ok"):
            return body.get("result")
        if final and response.status_code >= 500:
            raise chat.server_error("telegram", response.status_code)
        raise self._error(client, response, body if isinstance(body, dict) else {})

    def _error(
        self, client: HttpClient, response: httpx.Response, body: dict[str, Any]
    ) -> ConnectorError:
        said = " ".join(str(body.get("description") or "").split())
        status = response.status_code
        moved = (body.get("parameters") or {}).get("migrate_to_chat_id")
        if moved:
            return ConnectorError(
                f"telegram: the group became a supergroup with id {moved}",
                f'set `id: "{moved}"` under accounts.telegram in client.yaml',
                status=status,
            )
        if status == 401:
            return ConnectorError(
                "telegram: Telegram refused the bot token (Unauthorized)",
                f"get the token from @BotFather (/mybots → API Token); see {DOCS}",
                status=401,
            )
        lowered = said.lower()
        if status == 403 or "not a member" in lowered or "administrator rights" in lowered:
            return ConnectorError(
                f"telegram: the bot may not post in {self.chat} ({said})",
                "add the bot to the channel as an administrator with 'Post messages'",
                status=403,
            )
        if "chat not found" in lowered:
            return ConnectorError(
                f"telegram: Telegram knows no channel {self.chat}",
                "check accounts.telegram.id (@name, or the -100… id) and that the bot is in it",
                status=status,
            )
        return client.status_error(response)

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .graph_media import first_part_only, is_video
        from .postlink import shown_as

        issues = first_part_only(delivery, "Telegram")
        text = self.text(delivery)
        counted = counting.count(text, Network.TELEGRAM, caption=bool(delivery.media))
        if counted.length > counted.limit:
            what = "a caption" if delivery.media else "a message"
            with_link = delivery.link is not None and shown_as(delivery.text, delivery.link) is None
            issues.append(
                CheckIssue(
                    "telegram/too-long-with-link" if with_link else "text/too-long",
                    f"{counted.length:,} characters{' with the link' if with_link else ''}, "
                    f"{what} takes {counted.limit:,}",
                    "shorten it"
                    + (", or drop the media: a message takes 4,096" if delivery.media else ""),
                )
            )
        if not text and not delivery.media:
            issues.append(CheckIssue("text/empty", "nothing to publish on Telegram"))
        if len(delivery.media) > MAX_ALBUM:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} files, a Telegram album takes {MAX_ALBUM}",
                    "split it into two posts",
                )
            )
        for item in delivery.media:
            size = item.path.stat().st_size if item.path.is_file() else 0
            if is_video(item):
                if size > VIDEO_BYTES:
                    issues.append(
                        CheckIssue(
                            "media/too-large",
                            f"'{item.path.name}' is {size / 1e6:.0f} MB, a bot sends 50 MB at most",
                            "export a smaller video",
                        )
                    )
                continue
            probe_or_report(item, issues)
        return issues

    @staticmethod
    def text(delivery: Delivery) -> str:
        from .postlink import with_link

        return with_link(delivery.text, delivery.link)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        text = html_escape(self.text(delivery))
        if not delivery.media:
            data: dict[str, Any] = {"chat_id": self.chat, "text": text, "parse_mode": "HTML"}
            if delivery.link:
                data["link_preview_options"] = {"url": delivery.link, "prefer_large_media": True}
            message = self.call("sendMessage", final=True, json=data)
            return self._result(message)
        if len(delivery.media) == 1:
            item = self._fitted(delivery.media[0])
            kind = "video" if _is_video(item) else "photo"
            form = {"chat_id": self.chat, "parse_mode": "HTML"}
            if text:
                form["caption"] = text
            files = {kind: (item.path.name, item.path.read_bytes(), item.mime)}
            method = "sendVideo" if kind == "video" else "sendPhoto"
            return self._result(self.call(method, final=True, data=form, files=files))
        album: list[dict[str, Any]] = []
        files = {}
        for index, original in enumerate(delivery.media):
            item = self._fitted(original)
            kind = "video" if _is_video(item) else "photo"
            entry: dict[str, Any] = {"type": kind, "media": f"attach://file{index}"}
            if index == 0 and text:
                entry.update(caption=text, parse_mode="HTML")
            album.append(entry)
            files[f"file{index}"] = (item.path.name, item.path.read_bytes(), item.mime)
        form = {"chat_id": self.chat, "media": json.dumps(album, ensure_ascii=False)}
        messages = self.call("sendMediaGroup", final=True, data=form, files=files)
        return self._result((messages or [{}])[0], extra={"messages": str(len(messages or []))})

    def _fitted(self, item: MediaFile) -> MediaFile:
        from .. import media as probing

        if _is_video(item):
            return item
        # "width and height must not exceed 10000 in total. Width and height ratio must
        # be at most 20"
        rule = probing.FitRule(
            max_bytes=PHOTO_BYTES, formats=PHOTO_FORMATS, max_side=5000, aspect_range=(0.05, 20.0)
        )
        return probing.fit_media(item, rule)

    def _result(self, message: Any, extra: dict[str, str] | None = None) -> PublishResult:
        if not isinstance(message, dict) or "message_id" not in message:
            raise OutcomeUnknown(
                "telegram: the message was accepted without its id",
                "look at the channel; cmkit does not resend it without you",
                retryable=True,
            )
        message_id = str(message["message_id"])
        chat = message.get("chat") or {}
        return PublishResult(message_id, self.permalink(message_id, chat), extra or {})

    def permalink(self, message_id: str, chat: dict[str, Any]) -> str | None:
        username = chat.get("username") or (self.chat[1:] if self.chat.startswith("@") else "")
        if username:
            return f"https://t.me/{username}/{message_id}"
        chat_id = str(chat.get("id") or self.chat)
        if chat_id.startswith("-100"):
            return f"https://t.me/c/{chat_id[4:]}/{message_id}"  # members of the channel only
        return None

    # --- account and metrics ------------------------------------------------------------

    def verify(self) -> AccountStatus:
        bot = self.call("getMe") or {}
        chat = self.call("getChat", json={"chat_id": self.chat}) or {}
        member = self.call("getChatMember", json={"chat_id": self.chat, "user_id": bot.get("id")})
        name = str(chat.get("title") or self.chat)
        handle = f"@{bot.get('username')}"
        status = str((member or {}).get("status") or "")
        can_post = status == "creator" or (
            status == "administrator"
            and (chat.get("type") != "channel" or (member or {}).get("can_post_messages"))
        )
        if not can_post:
            where = {
                "administrator": "an administrator without 'Post messages' in",
                "member": "only a member of",
                "kicked": "banned from",
            }.get(status, "not a member of")
            return AccountStatus(
                False,
                f"bot {handle} is {where} {name}",
                f"in {name}'s settings → Administrators, add {handle} with 'Post messages'",
                state="no-permission",
            )
        count = self.call("getChatMemberCount", json={"chat_id": self.chat})
        members = f", {count:,} subscribers" if isinstance(count, int) else ""
        return AccountStatus(True, f"bot {handle} posts to {name} ({self.chat}){members}")

    def account_metrics(self, day: date) -> AccountMetrics:
        count = self.call("getChatMemberCount", json={"chat_id": self.chat})
        return AccountMetrics(
            Network.TELEGRAM, day, followers=count if isinstance(count, int) else None
        )


def _is_video(item: MediaFile) -> bool:
    from .graph_media import is_video

    return is_video(item)

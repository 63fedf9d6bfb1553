"""Discord: a post to a channel through its webhook, never pinging anyone by accident.

The webhook URL (channel settings → Integrations → Webhooks → Copy Webhook URL) is a
secret: anyone holding it can post in the channel. It comes from `token_env` and is
never printed (its token is redacted from every message).

- `POST /webhooks/{id}/{token}?wait=true`: Discord answers with the message, whose id
  the ledger records; `content` up to 2,000 characters;
- `allowed_mentions: {"parse": []}` always: "@everyone", "@here", roles and users in
  the text stay text, nobody is notified by a scheduled post;
- the post's link becomes an embed (title and description from the page) unless the
  text already shows it, which Discord previews itself;
- images and videos as files (multipart, `payload_json` + `files[n]`), alt text as
  each attachment's description; 10 files and 10 MB per message;
- the account's `handle`, if set, is the name the message shows (the webhook's own
  name otherwise);
- recovery: a webhook cannot list messages, so a send whose answer was lost needs a
  human look before anything is sent again.
Reference: discord.com/developers/docs/resources/webhook#execute-webhook
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..models import Account
from ..networks import LIMITS, Network
from ..redaction import register
from .base import (
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    OutcomeUnknown,
    Progress,
    PublishResult,
)

if TYPE_CHECKING:
    from .http import HttpClient

API = "https://discord.com/api/v10/"
DOCS = "docs/networks/discord.md"
WEBHOOK = re.compile(
    r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/(\d+)/([\w-]+)/?"
)
MAX_FILES = 10
MAX_UPLOAD = 10_000_000  # bytes per message, every file together
EMBED_TITLE, EMBED_TEXT = 256, 4096


class DiscordConnector(BaseConnector):
    name = "discord"
    limits = LIMITS[Network.DISCORD]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._client: HttpClient | None = None
        self._final: HttpClient | None = None
        self._webhook: tuple[str, str] | None = None
        self._guild: str | None = None

    def webhook(self) -> tuple[str, str]:
        """(id, token) from the webhook URL; both kept out of every message."""
        if self._webhook is None:
            url = register(self.secret("token").strip())
            found = WEBHOOK.fullmatch(url)
            if found is None:
                raise ConnectorError(
                    "discord: the secret is not a Discord webhook URL",
                    "copy it from the channel's Integrations → Webhooks → Copy Webhook URL "
                    f"(https://discord.com/api/webhooks/…); see {DOCS}",
                )
            self._webhook = (found.group(1), register(found.group(2)))
        return self._webhook

    @property
    def path(self) -> str:
        webhook_id, token = self.webhook()
        return f"webhooks/{webhook_id}/{token}"

    def _clients(self) -> tuple[HttpClient, HttpClient]:
        if self._client is None or self._final is None:
            from . import http

            base = (self.account.instance or API).rstrip("/") + "/"
            self._client, self._final = http.client_pair("discord", base_url=base)
        return self._client, self._final

    def close(self) -> None:
        for client in (self._client, self._final):
            if client is not None:
                client.close()
        self._client = self._final = None

    def call(self, method: str, path: str, *, final: bool = False, **kwargs: Any) -> Any:
        from . import chat

        client = self._clients()[1 if final else 0]
        response = chat.request(client, method, path, **kwargs)
        if response.is_success:
            return response.json() if response.content else None
        if final and response.status_code >= 500:
            raise chat.server_error("discord", response.status_code)
        if response.status_code in (401, 404):
            raise ConnectorError(
                "discord: Discord knows no such webhook (deleted, or its URL was reset)",
                "make a new webhook in the channel's Integrations and put its URL in "
                f"{self.account.token_env or 'the variable client.yaml names'}; see {DOCS}",
                status=401,
            )
        raise client.status_error(response)

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .graph_media import first_part_only

        issues = first_part_only(delivery, "Discord")
        limit = self.limits.max_chars if self.limits else 2000
        if len(delivery.text.strip()) > limit:
            issues.append(
                CheckIssue(
                    "text/too-long",
                    f"{len(delivery.text.strip()):,} characters, a Discord message takes {limit:,}",
                    "shorten it or add a discord variant",
                )
            )
        if not delivery.text.strip() and not delivery.media and not delivery.link:
            issues.append(CheckIssue("text/empty", "nothing to publish on Discord"))
        if len(delivery.media) > MAX_FILES:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} files, a Discord message takes {MAX_FILES}",
                    "split it into two posts",
                )
            )
        videos = [m for m in delivery.media if not m.mime.startswith("image/")]
        video_bytes = sum(m.path.stat().st_size for m in videos if m.path.is_file())
        if video_bytes > MAX_UPLOAD:
            issues.append(
                CheckIssue(
                    "media/too-large",
                    f"{video_bytes / 1e6:.0f} MB of video, a webhook message takes "
                    f"{MAX_UPLOAD / 1e6:.0f} MB in all",
                    "export a smaller video, or share a link to it",
                )
            )
        if re.search(r"@(everyone|here)\b|<@[&!]?\d+>", delivery.text):
            issues.append(
                CheckIssue(
                    "discord/no-ping",
                    "cmkit never pings from a scheduled post: @everyone, @here and role or "
                    "user mentions show as text and notify nobody",
                    "announce it by hand if the channel must be notified",
                    severity="warning",
                )
            )
        return issues

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        from .postlink import shown_as, tagged_in_text

        content = tagged_in_text(delivery.text, delivery.link)
        payload: dict[str, Any] = {"content": content, "allowed_mentions": {"parse": []}}
        if self.account.handle:
            payload["username"] = self.account.handle.strip()[:80]
        if delivery.link and shown_as(delivery.text, delivery.link) is None:
            # a link the text shows is previewed by Discord itself; else an embed shows it
            payload["embeds"] = [self._embed(delivery)]
        params = {"wait": "true"}
        if not delivery.media:
            message = self.call("POST", self.path, final=True, params=params, json=payload)
            return self._result(message)
        files: dict[str, tuple[str, bytes, str]] = {}
        attachments = []
        share = MAX_UPLOAD // max(1, len(delivery.media))
        for index, original in enumerate(delivery.media):
            item = self._fitted(original, share)
            files[f"files[{index}]"] = (item.path.name, item.path.read_bytes(), item.mime)
            attachment: dict[str, Any] = {"id": str(index), "filename": item.path.name}
            if original.alt:
                attachment["description"] = original.alt[:1024]
            attachments.append(attachment)
        payload["attachments"] = attachments
        data = {"payload_json": json.dumps(payload, ensure_ascii=False)}
        message = self.call("POST", self.path, final=True, params=params, data=data, files=files)
        return self._result(message)

    @staticmethod
    def _fitted(item: MediaFile, max_bytes: int) -> MediaFile:
        from .. import media as probing

        if not item.mime.startswith("image/"):
            return item
        return probing.fit_media(item, probing.FitRule(max_bytes=max_bytes))

    def _embed(self, delivery: Delivery) -> dict[str, Any]:
        from .opengraph import fetch

        assert delivery.link
        page = fetch(delivery.link)
        title = delivery.title or page.title or urlsplit(delivery.link).hostname or delivery.link
        embed: dict[str, Any] = {"url": delivery.link, "title": title[:EMBED_TITLE]}
        if page.description:
            embed["description"] = page.description[:EMBED_TEXT]
        if page.image and page.image.startswith("https://"):
            embed["thumbnail"] = {"url": page.image}
        return embed

    def _result(self, message: Any) -> PublishResult:
        if not isinstance(message, dict) or not message.get("id"):
            raise OutcomeUnknown(
                "discord: the message was accepted without its id",
                "look at the channel; cmkit does not resend it without you",
                retryable=True,
            )
        message_id, channel = str(message["id"]), str(message.get("channel_id") or "")
        guild = self._guild_id()
        url = f"https://discord.com/channels/{guild}/{channel}/{message_id}" if guild else None
        return PublishResult(message_id, url)

    def _guild_id(self) -> str | None:
        if self._guild is None:
            try:
                self._guild = str((self.call("GET", self.path) or {}).get("guild_id") or "")
            except ConnectorError:
                self._guild = ""  # the message is posted: a missing link must not undo that
        return self._guild or None

    # --- account ------------------------------------------------------------------------

    def verify(self) -> AccountStatus:
        hook = self.call("GET", self.path) or {}
        name = str(hook.get("name") or "?")
        channel = str(hook.get("channel_id") or "?")
        self._guild = str(hook.get("guild_id") or "")
        return AccountStatus(True, f"webhook “{name}” posts to channel {channel}")

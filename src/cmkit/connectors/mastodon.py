"""Mastodon: statuses on the account's instance with an access token.

client.yaml: `instance` (https://piaille.fr), `handle` (@boulangerie@piaille.fr),
`token_env` naming the variable that holds the access token (Preferences →
Development, or `cmkit auth mastodon CLIENT`), optional `visibility`, `locale`.

Media go up through `/api/v2/media` (images recompressed to the instance's
limit when needed) with their descriptions; cmkit waits while the instance
processes them. Each status carries an `Idempotency-Key` derived from the
delivery, so a resent request within the hour returns the same status instead
of a second one; after that, recovery looks the status up among the account's
latest. The instance's limits (characters, media) are read from
`/api/v2/instance` and cached for `check` (mastodon_instance.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .. import media
from ..diagnostics import CmkitError
from ..models import Account
from ..networks import LIMITS, Network
from . import mastodon_instance
from .base import (
    AccountMetrics,
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    Mention,
    PostMetrics,
    Progress,
    PublishResult,
    SearchHit,
)
from .mastodon_instance import InstanceLimits
from .mastodon_text import language, reply_text, same_text, status_text

if TYPE_CHECKING:
    import httpx

    from .http import HttpClient

PROCESSING_WAITS = (1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 8.0, 8.0, 10.0, 15.0)  # ≈ 1 minute
SCAN_PAGES = 5


class MastodonConnector(BaseConnector):
    name = "mastodon"
    limits = LIMITS[Network.MASTODON]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self.instance = str(account.instance or "").rstrip("/")
        self._lock = threading.Lock()
        self._http: HttpClient | None = None
        self._me: dict[str, Any] | None = None
        self._limits: InstanceLimits | None = None  # read from the instance in this run
        self._offline_limits: InstanceLimits | None = None  # the cached copy
        self._resume: dict[str, list[str]] = {}  # idempotency key → ids of a partial thread

    # -- plumbing ---------------------------------------------------------------------

    def http(self) -> HttpClient:
        from .http import client

        if not self.instance:
            raise CmkitError(
                "the Mastodon account has no instance in client.yaml",
                "add `instance: https://your.instance` under accounts: mastodon:",
            )
        with self._lock:
            if self._http is None:
                self._http = client("mastodon", base_url=self.instance, token=self.secret("token"))
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.http().call_json(method, path, **kwargs)

    def me(self) -> dict[str, Any]:
        if self._me is None:
            self._me = self.api("GET", "/api/v1/accounts/verify_credentials")
        return self._me

    def instance_limits(self, *, fetch: bool = True) -> InstanceLimits:
        """The instance's limits: read once per run when `fetch`, else the cached copy."""
        if self._limits is not None:
            return self._limits
        if fetch:
            body = self.api("GET", "/api/v2/instance")
            self._limits = InstanceLimits.from_instance(body)
            mastodon_instance.save(self.instance, self._limits)
            return self._limits
        return mastodon_instance.cached(self.instance) or InstanceLimits()

    # -- checking (offline) -----------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .mastodon_checks import check_delivery

        limits = self._limits
        if limits is None:
            if self._offline_limits is None:
                # the cached copy, read once per connector: `check` asks for every post
                self._offline_limits = mastodon_instance.cached(self.instance) or InstanceLimits()
            limits = self._offline_limits
        return check_delivery(delivery, limits, self.account.max_chars)

    # -- publishing -------------------------------------------------------------------

    def _upload(self, item: MediaFile, limits: InstanceLimits) -> str:
        """Upload one file with its description; its id once the instance has processed it."""
        from .http import pause

        if item.mime.startswith("image/") and not item.mime.endswith("gif"):
            rule = media.FitRule(
                max_bytes=limits.image_size_limit, max_pixels=limits.image_matrix_limit
            )
            item = media.fit_media(item, rule)
        data: dict[str, str] = {"description": item.alt} if item.alt else {}
        files = {"file": (item.path.name, item.path.read_bytes(), item.mime)}
        try:
            response = self.http().call("POST", "/api/v2/media", files=files, data=data)
        except ConnectorError as exc:
            # an upload posts nothing: whatever happened, trying again later is safe
            raise ConnectorError(
                exc.message.split("; the post may")[0],
                exc.hint,
                retryable=exc.retryable or exc.status is None,
                status=exc.status,
            ) from None
        attachment = _json(response)
        media_id = str(attachment["id"])
        for wait in PROCESSING_WAITS:
            if response.status_code == 200 and attachment.get("url"):
                return media_id
            pause(wait)
            response = self.http().call("GET", f"/api/v1/media/{media_id}")
            attachment = _json(response) if response.content else {}
        if response.status_code == 200 and attachment.get("url"):
            return media_id
        raise ConnectorError(
            f"mastodon: {self._host()} is still processing {item.path.name} after a minute",
            "cmkit tries again on its next run",
            retryable=True,
        )

    def _post(self, payload: dict[str, Any], key: str) -> dict[str, Any]:
        status: dict[str, Any] = self.api(
            "POST", "/api/v1/statuses", json=payload, headers={"Idempotency-Key": key}
        )
        return status

    def _payload(self, text: str, delivery: Delivery | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "status": text,
            "visibility": self.account.visibility or "public",
        }
        lang = language(delivery.lang if delivery else self.account.locale)
        if lang:
            payload["language"] = lang
        if delivery is not None and delivery.content_warning:
            payload["spoiler_text"] = delivery.content_warning
            payload["sensitive"] = True
        return payload

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        limits = self.instance_limits()
        parts = [status_text(delivery.text, delivery.link), *delivery.thread]
        done = self._resume.pop(delivery.idempotency_key, [])
        ids: list[str] = list(done)
        root_url: str | None = None
        for index, part in enumerate(parts):
            if index < len(done):
                continue  # found online by find_published: a thread is completed, not redone
            payload = self._payload(part, delivery)
            key = delivery.idempotency_key if index == 0 else f"{delivery.idempotency_key}-{index}"
            if index == 0 and delivery.media:
                payload["media_ids"] = [self._upload(m, limits) for m in delivery.media]
            if ids:
                payload["in_reply_to_id"] = ids[-1]
            status = self._post(payload, key)
            ids.append(str(status["id"]))
            root_url = root_url or _url(status)
            progress("status" if index == 0 else f"part{index}", ids[-1])
        if root_url is None:
            root_url = self._status_url(ids[0])
        return PublishResult(ids[0], root_url)

    def _status_url(self, status_id: str) -> str | None:
        try:
            status = self._get_status(status_id)
        except ConnectorError:
            return None
        return _url(status) if status else None

    # -- recovery ---------------------------------------------------------------------

    def _get_status(self, status_id: str) -> dict[str, Any] | None:
        try:
            status: dict[str, Any] = self.api("GET", f"/api/v1/statuses/{status_id}")
        except ConnectorError as exc:
            if exc.status in (404, 410):
                return None
            raise
        return status

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        text = status_text(delivery.text, delivery.link)
        root = self._get_status(state["status"]) if state.get("status") else None
        if root is None:
            root = self._scan(text, since)
        if root is None:
            return None
        ids = [str(root["id"])]
        for index in range(1, len(delivery.thread) + 1):
            part = self._get_status(state[f"part{index}"]) if state.get(f"part{index}") else None
            if part is None:
                # unfinished thread: publishing again continues after the parts online
                self._resume[delivery.idempotency_key] = ids
                return None
            ids.append(str(part["id"]))
        return PublishResult(ids[0], _url(root))

    def _scan(self, text: str, since: datetime) -> dict[str, Any] | None:
        """The account's own status showing `text`, created since `since`, if any."""
        account_id = self.me()["id"]
        params: dict[str, Any] = {"limit": 40, "exclude_reblogs": "true"}
        for _ in range(SCAN_PAGES):
            page = self.api("GET", f"/api/v1/accounts/{account_id}/statuses", params=params)
            for status in page:
                if _time(status["created_at"]) < since:
                    return None
                if not status.get("in_reply_to_id") and same_text(text, status["content"]):
                    found: dict[str, Any] = status
                    return found
            if not page:
                return None
            params["max_id"] = page[-1]["id"]
        return None

    # -- the account ------------------------------------------------------------------

    def _host(self) -> str:
        return urlsplit(self.instance).netloc or self.instance

    def verify(self) -> AccountStatus:
        me = self.me()
        limits = self.instance_limits()  # refreshes the cached copy `check` counts with
        acct = f"@{me['acct']}" if "@" in me["acct"] else f"@{me['acct']}@{self._host()}"
        configured = (self.account.handle or "").strip()
        if configured:
            wanted = configured if configured.count("@") >= 2 else f"{configured}@{self._host()}"
            wanted = wanted if wanted.startswith("@") else f"@{wanted}"
            if wanted.lower() != acct.lower():
                return AccountStatus(
                    False, f"the token belongs to {acct}, but client.yaml says {configured}"
                )
        return AccountStatus(
            True, f"logged in as {acct} ({limits.max_characters} characters per post)"
        )

    def account_metrics(self, day: date) -> AccountMetrics:
        me = self.api("GET", "/api/v1/accounts/verify_credentials")
        return AccountMetrics(
            Network.MASTODON,
            day,
            followers=me.get("followers_count"),
            extra={
                "following": float(me.get("following_count", 0)),
                "posts": float(me.get("statuses_count", 0)),
            },
        )

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        found = []
        for remote_id in remote_ids:
            status = self._get_status(remote_id)
            if status is None:
                continue  # deleted since
            found.append(
                PostMetrics(
                    Network.MASTODON,
                    remote_id,
                    day,
                    likes=status.get("favourites_count"),
                    comments=status.get("replies_count"),
                    shares=status.get("reblogs_count"),
                    extra={"quotes": float(status["quotes_count"])}
                    if "quotes_count" in status
                    else {},
                )
            )
        return found

    def mentions(self, since: datetime | None) -> list[Mention]:
        from .mastodon_text import html_to_text

        own_id = self.me()["id"]
        found: list[Mention] = []
        params: dict[str, Any] = {"types[]": "mention", "limit": 80}
        for _ in range(SCAN_PAGES * 2):
            page = self.api("GET", "/api/v1/notifications", params=params)
            for item in page:
                status = item.get("status")
                if item.get("type") != "mention" or not status:
                    continue
                if since is not None and _time(item["created_at"]) < since:
                    continue
                reply = status.get("in_reply_to_account_id") == own_id
                found.append(
                    Mention(
                        Network.MASTODON,
                        str(status["id"]),
                        "@" + item["account"]["acct"],
                        html_to_text(status.get("content", "")),
                        _time(status["created_at"]),
                        kind="reply" if reply else "mention",
                        url=status.get("url"),
                        in_reply_to=status.get("in_reply_to_id"),
                    )
                )
            # newest first: a page reaching back before `since` is the last one needed
            if not page or (since is not None and _time(page[-1]["created_at"]) < since):
                break
            params["max_id"] = page[-1]["id"]
        return found

    def search(self, query: str, since: datetime | None) -> list[SearchHit]:
        from .mastodon_text import html_to_text

        if query.startswith("#") and " " not in query.strip():
            path = f"/api/v1/timelines/tag/{quote(query.strip()[1:])}"
            statuses = self.api("GET", path, params={"limit": 40})
        else:
            body = self.api(
                "GET", "/api/v2/search", params={"q": query, "type": "statuses", "limit": 40}
            )
            statuses = body.get("statuses", [])
        hits = []
        for status in statuses:
            created = _time(status["created_at"])
            if since is not None and created < since:
                continue
            hits.append(
                SearchHit(
                    Network.MASTODON,
                    str(status["id"]),
                    "@" + status["account"]["acct"],
                    html_to_text(status.get("content", "")),
                    created,
                    url=status.get("url"),
                    counts={
                        "likes": status.get("favourites_count", 0),
                        "reblogs": status.get("reblogs_count", 0),
                        "replies": status.get("replies_count", 0),
                    },
                )
            )
        return hits

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        payload = self._payload(reply_text(mention.author, text), None)
        payload["in_reply_to_id"] = mention.remote_id
        status = self._post(payload, idempotency_key)
        return PublishResult(str(status["id"]), _url(status))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ConnectorError(
            f"mastodon: {response.url.host} answered something that is not a media attachment",
            "is `instance` in client.yaml the Mastodon server's address?",
            retryable=True,
        )
    return body


def _url(status: dict[str, Any]) -> str | None:
    value = status.get("url") or status.get("uri")
    return str(value) if value else None


def _time(value: str) -> datetime:
    from datetime import UTC

    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

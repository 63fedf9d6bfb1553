"""Threads: text, link, image, carousel and video posts, and reply chains, by container.

Like Instagram, Threads fetches media from a public URL and publishes in two steps:
create a container (`POST /{threads-user-id}/threads`), record its id, wait for its
`status` to be FINISHED, then `threads_publish` it. A text post gets the post's link
as a preview card (`link_attachment`); with media the link goes in the text. A post
with `thread:` parts is published as a chain, each part a reply to the one before,
each id recorded so an interrupted chain is completed, never repeated.

Limits: 500 characters (emoji count as their UTF-8 bytes), 5 distinct links,
carousels of 2 to 20 items, 250 API posts per 24 hours.
Reference: developers.facebook.com/docs/threads/posts
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .. import text as counting
from ..clock import now as clock_now
from ..models import Account
from ..networks import LIMITS, Network
from .base import (
    AccountMetrics,
    AccountStatus,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    Mention,
    OutcomeUnknown,
    PostMetrics,
    Progress,
    PublishResult,
)
from .graph import THREADS_HOST, THREADS_VERSION, GraphApi
from .graph import same_text as _same
from .graph_media import (
    IMAGE_TIMEOUT,
    RESUME_TIMEOUT,
    ContainerConnector,
    FetchRules,
    check_fetched_media,
    is_video,
    public_url,
)
from .graph_reads import as_int, created_at, insight_values
from .postlink import card_or_text

MAX_LINKS = 5
RULES = FetchRules(
    label="Threads",
    image_formats=frozenset({"jpeg", "png"}),
    max_image_bytes=LIMITS[Network.THREADS].media.max_image_bytes,
    max_video_bytes=LIMITS[Network.THREADS].media.max_video_bytes,
    aspect=LIMITS[Network.THREADS].media.aspect_range,
    aspect_words="up to 10:1 either way",
)
ACCOUNT_METRICS = ("views", "likes", "replies", "reposts", "quotes", "followers_count")
POST_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
INSIGHTS = "threads_manage_insights"
REPLIES = "threads_manage_replies"


class ThreadsConnector(ContainerConnector):
    name = "threads"
    limits = LIMITS[Network.THREADS]
    label = "Threads"
    publish_edge = "threads_publish"
    status_field = "status"
    error_field = "error_message"
    list_edge = "threads"
    text_field = "text"
    quota_edge = "threads_publishing_limit"
    publish_permission = "threads_content_publish"
    read_permission = "threads_basic"

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._api: GraphApi | None = None
        self._username: str | None = None

    def api(self) -> GraphApi:
        if self._api is None:
            host = (self.account.instance or THREADS_HOST).rstrip("/")
            label = f"Threads account {self.account.handle or self.user}"
            self._api = GraphApi(
                "threads", f"{host}/{THREADS_VERSION}/", self.secret("token"), label
            )
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    def text(self, delivery: Delivery) -> str:
        """With media there is no link card: the link goes at the end of the text. A bare
        copy of the linked page in the text becomes the tagged link, never a second copy."""
        return card_or_text(delivery.text, delivery.link, card=not delivery.media)

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        issues: list[CheckIssue] = []
        text = self.text(delivery)
        if not text and not delivery.media:
            issues.append(
                CheckIssue("text/empty", "nothing to publish on Threads", "write the post's text")
            )
        for index, part in enumerate([text, *delivery.thread]):
            counted = counting.count(part, Network.THREADS, caption=True)
            where = "" if index == 0 else f" (thread part {index + 1})"
            if counted.length > counted.limit:
                issues.append(
                    CheckIssue(
                        "text/too-long",
                        f"{counted.length} {counted.unit}{where}, Threads takes {counted.limit}",
                        "shorten it or add a threads variant",
                    )
                )
            links = set(counted.urls)
            if index == 0 and delivery.link and not delivery.media:
                links.add(delivery.link)  # the link card counts, once
            if len(links) > MAX_LINKS:
                issues.append(
                    CheckIssue(
                        "text/too-many-links",
                        f"{len(links)} distinct links{where}, Threads takes {MAX_LINKS} at most",
                        "keep five links at most",
                    )
                )
            if len(counted.hashtags) > 1:
                issues.append(
                    CheckIssue(
                        "text/one-topic-tag",
                        f"{len(counted.hashtags)} hashtags{where}: Threads makes only the first "
                        f"(#{counted.hashtags[0]}) a topic tag, the others stay plain text",
                        "keep one hashtag",
                        severity="warning",
                    )
                )
        rules = LIMITS[Network.THREADS].media
        if len(delivery.media) > rules.max_count:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} files, a Threads carousel takes {rules.max_count}",
                    "split it into two posts",
                )
            )
        return issues + check_fetched_media(delivery, RULES)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        root = super().publish(delivery, progress)
        if delivery.thread:
            progress("post", root.remote_id)
            try:
                self._chain(delivery, root.remote_id, {}, progress)
            except ConnectorError as exc:
                # the first post is online: a retry must complete the chain, not repost it
                raise OutcomeUnknown(
                    f"{exc.message} (the first post is online: {root.url or root.remote_id})",
                    "the next `cmkit publish` publishes the missing parts",
                    retryable=True,
                ) from None
        return root

    def create(self, api: GraphApi, delivery: Delivery) -> str:
        text = self.text(delivery) or None
        if not delivery.media:
            data = {"media_type": "TEXT", "text": text, "link_attachment": delivery.link}
            return self.container(api, data)
        if len(delivery.media) == 1:
            return self.container(api, {**self.item(delivery.media[0], delivery), "text": text})
        return self.carousel(api, delivery, text)

    def item(self, item: MediaFile, delivery: Delivery) -> dict[str, Any]:
        url = public_url(delivery.account.media_base_url, item)
        if url is None:
            raise ConnectorError(
                f"threads: no public URL for {item.path.name}",
                "set media_base_url in client.yaml and keep media under media/",
            )
        if is_video(item):
            return {"media_type": "VIDEO", "video_url": url, "alt_text": item.alt}
        return {"media_type": "IMAGE", "image_url": url, "alt_text": item.alt}

    def container(self, api: GraphApi, data: dict[str, Any], needs: str = "") -> str:
        body = api.post(f"{self.user}/threads", data, needs=needs or self.publish_permission)
        return str(body["id"])

    def _reply(self, text: str, to: str, timeout: float) -> PublishResult:
        api = self.api()
        container = self.container(
            api, {"media_type": "TEXT", "text": text, "reply_to_id": to}, REPLIES
        )
        return self.finish(
            api, container, Delivery("", "", Network.THREADS, text, "", self.account), timeout
        )

    def _chain(
        self, delivery: Delivery, root: str, state: dict[str, str], progress: Progress | None
    ) -> list[str]:
        """Publish the thread parts still missing, each a reply to the one before."""
        previous, ids = root, []
        for number, part in enumerate(delivery.thread, start=2):
            done = state.get(f"part{number}") or self._find_reply(previous, part)
            if not done:
                done = self._reply(part, previous, IMAGE_TIMEOUT).remote_id
                if progress is not None:
                    progress(f"part{number}", done)
            previous = done
            ids.append(done)
        return ids

    def _find_reply(self, parent: str, text: str) -> str | None:
        for reply in self.api().pages(
            f"{parent}/replies", "threads_read_replies", limit=50, fields="id,text,username"
        ):
            if _same(reply.get("text"), text) and self._own(reply.get("username")):
                return str(reply["id"])
        return None

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        root: PublishResult | None
        if state.get("post"):
            root = PublishResult(state["post"], self.permalink(self.api(), state["post"]))
        else:
            root = super().find_published(delivery, since, state)
        if root is not None and delivery.thread:
            self._chain(delivery, root.remote_id, state, None)
        return root

    # --- account, metrics, replies ------------------------------------------------------

    def _own(self, username: object) -> bool:
        if self._username is None:
            handle = (self.account.handle or "").lstrip("@")
            if not handle:
                handle = str(self.api().get(self.user, fields="username").get("username") or "")
            self._username = handle.lower()
        return bool(self._username) and str(username or "").lower() == self._username

    def verify(self) -> AccountStatus:
        """The account and its 24-hour quota; refused tokens raise."""
        api = self.api()
        # "me": the account the token belongs to, whatever client.yaml says
        me = api.get("me", self.read_permission, fields="id,username")
        quota = api.get(
            f"me/{self.quota_edge}", self.publish_permission, fields="quota_usage,config"
        )
        data = (quota.get("data") or [{}])[0]
        used, total = data.get("quota_usage"), (data.get("config") or {}).get("quota_total")
        username, user_id = str(me.get("username") or "?"), str(me.get("id") or "?")
        message = f"@{username} ({user_id})"
        if used is not None and total:
            message += f", {used}/{total} API posts in the last 24 h"
        handle = (self.account.handle or "").lstrip("@")
        if self.account.id and user_id != self.account.id:
            return AccountStatus(False, f"the token is {message}, not id {self.account.id}")
        if handle and handle.lower() != username.lower():
            return AccountStatus(False, f"the token is {message}, not @{handle}")
        return AccountStatus(True, message)

    def account_metrics(self, day: date) -> AccountMetrics:
        start = datetime.combine(day, time(), UTC)
        values = insight_values(
            self.api(),
            f"{self.user}/threads_insights",
            ACCOUNT_METRICS,
            INSIGHTS,
            since=int(start.timestamp()),
            until=int((start + timedelta(days=1)).timestamp()),
        )
        return AccountMetrics(
            Network.THREADS,
            day,
            followers=as_int(values.get("followers_count")),
            impressions=as_int(values.get("views")),
            extra={
                k: v for k, v in values.items() if k in ("likes", "replies", "reposts", "quotes")
            },
        )

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        out = []
        for media_id in remote_ids:
            values = insight_values(self.api(), f"{media_id}/insights", POST_METRICS, INSIGHTS)
            out.append(
                PostMetrics(
                    Network.THREADS,
                    media_id,
                    day,
                    views=as_int(values.get("views")),
                    likes=as_int(values.get("likes")),
                    comments=as_int(values.get("replies")),
                    shares=as_int(values.get("shares")),
                    extra={k: v for k, v in values.items() if k in ("reposts", "quotes")},
                )
            )
        return out

    def mentions(self, since: datetime | None) -> list[Mention]:
        """Replies from others to the account's 25 latest posts, newest first."""
        api = self.api()
        cutoff = since or clock_now() - timedelta(days=7)
        out: list[Mention] = []
        for post in api.pages(
            f"{self.user}/threads", self.read_permission, limit=25, fields="id,timestamp"
        ):
            for reply in api.pages(
                f"{post['id']}/replies",
                "threads_read_replies",
                limit=100,
                fields="id,text,username,timestamp,permalink",
            ):
                created = created_at(reply)
                if created < cutoff or self._own(reply.get("username")):
                    continue
                out.append(
                    Mention(
                        Network.THREADS,
                        str(reply["id"]),
                        f"@{reply.get('username', '?')}",
                        str(reply.get("text") or ""),
                        created,
                        "reply",
                        reply.get("permalink"),
                        str(post["id"]),
                    )
                )
        return sorted(out, key=lambda m: m.created_at, reverse=True)

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        return self._reply(text, mention.remote_id, RESUME_TIMEOUT)

"""Instagram (professional account): image, carousel and reel posts by media container.

Instagram fetches every file from a public URL (`media_base_url` + its path under
`media/`), so publishing is: read the 24-hour quota (`content_publishing_limit`),
create the container(s) — carousel items first, then the CAROUSEL container —,
record the container id in the ledger, poll its `status_code` until FINISHED,
then `media_publish` it. Captions: 2,200 characters, 30 hashtags, 20 @mentions,
links not clickable ("lien en bio").

Host: graph.facebook.com (Instagram API with Facebook Login, a Page or system-user
token) by default; set `instance: https://graph.instagram.com` on the account for
a token from Business Login for Instagram.
Reference: developers.facebook.com/docs/instagram-platform/content-publishing
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
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
    PostMetrics,
    PublishResult,
)
from .graph import FACEBOOK_HOST, GraphApi, api_version
from .graph_media import (
    ContainerConnector,
    FetchRules,
    check_fetched_media,
    first_part_only,
    is_video,
    public_url,
)
from .graph_reads import as_int, created_at, insight_values

MAX_MENTIONS = 20  # ig-user/media: "Maximum 2200 characters, 30 hashtags, and 20 @ tags"
RULES = FetchRules(
    label="Instagram",
    image_formats=frozenset({"jpeg"}),
    max_image_bytes=8_000_000,
    max_video_bytes=LIMITS[Network.INSTAGRAM].media.max_video_bytes,
    aspect=LIMITS[Network.INSTAGRAM].media.aspect_range,
    aspect_words="4:5 (portrait) to 1.91:1 (landscape)",
)
ACCOUNT_METRICS = ("reach", "views", "profile_views", "accounts_engaged", "total_interactions")
POST_METRICS = ("views", "reach", "likes", "comments", "shares", "saved", "total_interactions")


class InstagramConnector(ContainerConnector):
    name = "instagram"
    limits = LIMITS[Network.INSTAGRAM]
    label = "Instagram"
    publish_edge = "media_publish"
    status_field = "status_code"
    error_field = "status"
    list_edge = "media"
    text_field = "caption"
    quota_edge = "content_publishing_limit"
    publish_permission = "instagram_content_publish"
    read_permission = "instagram_basic"

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._api: GraphApi | None = None

    def api(self) -> GraphApi:
        if self._api is None:
            if not self.account.id:
                raise ConnectorError(
                    "instagram: the account has no id",
                    "add the Instagram professional account id as `id:` under "
                    "accounts.instagram in client.yaml (docs/networks/instagram.md)",
                )
            host = (self.account.instance or FACEBOOK_HOST).rstrip("/")
            label = f"Instagram account {self.account.handle or self.account.id}"
            self._api = GraphApi(
                "instagram", f"{host}/{api_version()}/", self.secret("token"), label
            )
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        issues = first_part_only(delivery, "Instagram")
        caption = counting.count(delivery.text, Network.INSTAGRAM, caption=True)
        if caption.length > caption.limit:
            issues.append(
                CheckIssue(
                    "text/too-long",
                    f"caption of {caption.length:,} characters, the limit is {caption.limit:,}",
                    "shorten it or add an instagram variant",
                )
            )
        if len(caption.hashtags) > 30:
            issues.append(
                CheckIssue(
                    "text/too-many-hashtags",
                    f"{len(caption.hashtags)} hashtags, Instagram takes 30",
                    "keep the 30 most relevant",
                )
            )
        if len(caption.mentions) > MAX_MENTIONS:
            issues.append(
                CheckIssue(
                    "text/too-many-mentions",
                    f"{len(caption.mentions)} @mentions, Instagram takes {MAX_MENTIONS}",
                    "tag fewer accounts",
                )
            )
        if caption.urls:
            issues.append(
                CheckIssue(
                    "text/link-in-caption",
                    f"links are not clickable in an Instagram caption ({caption.urls[0]})",
                    'write "lien en bio" and put the link in the bio',
                    severity="warning",
                )
            )
        # a caption that already sends readers to the bio ("lien en bio", "link in bio")
        # has done what this warning asks
        if (
            delivery.link
            and delivery.link not in caption.urls
            and "bio" not in delivery.text.lower()
        ):
            issues.append(
                CheckIssue(
                    "link/not-sent",
                    "the post's link is not sent to Instagram (no clickable links in captions)",
                    'say "lien en bio" in an instagram variant',
                    severity="warning",
                )
            )
        if not delivery.media:
            issues.append(
                CheckIssue(
                    "media/required",
                    "an Instagram post needs an image or a video",
                    "add `media:` to the post, or drop instagram from it",
                )
            )
            return issues
        rules = LIMITS[Network.INSTAGRAM].media
        if len(delivery.media) > rules.max_count:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} files, an Instagram carousel takes {rules.max_count}",
                    "split it into two posts",
                )
            )
        return issues + check_fetched_media(delivery, RULES)

    # --- publishing ---------------------------------------------------------------------

    def create(self, api: GraphApi, delivery: Delivery) -> str:
        caption = self.text(delivery) or None
        if len(delivery.media) == 1:
            data = self.item(delivery.media[0], delivery)
            if is_video(delivery.media[0]):
                data["media_type"] = "REELS"  # single feed videos are reels since 2023
            return self.container(api, {**data, "caption": caption})
        return self.carousel(api, delivery, caption)

    def item(self, item: MediaFile, delivery: Delivery) -> dict[str, Any]:
        url = public_url(delivery.account.media_base_url, item)
        if url is None:
            raise ConnectorError(
                f"instagram: no public URL for {item.path.name}",
                "set media_base_url in client.yaml and keep media under media/",
            )
        if is_video(item):
            return {"media_type": "VIDEO", "video_url": url}
        return {"image_url": url, "alt_text": item.alt}

    def container(self, api: GraphApi, data: dict[str, Any]) -> str:
        body = api.post(f"{self.user}/media", data, needs=self.publish_permission)
        return str(body["id"])

    # --- account, metrics, comments -----------------------------------------------------

    def verify(self) -> AccountStatus:
        """The account, its followers and its 24-hour quota; refused tokens raise."""
        api = self.api()
        me = api.get(self.user, self.read_permission, fields="id,username,followers_count")
        quota = api.get(
            f"{self.user}/{self.quota_edge}", self.publish_permission, fields="quota_usage,config"
        )
        data = (quota.get("data") or [{}])[0]
        used, total = data.get("quota_usage"), (data.get("config") or {}).get("quota_total")
        username = str(me.get("username") or "?")
        handle = (self.account.handle or "").lstrip("@")
        if handle and handle.lower() != username.lower():
            return AccountStatus(False, f"the id in client.yaml is @{username}, not @{handle}")
        parts = [f"@{username}"]
        followers = me.get("followers_count")
        if isinstance(followers, int):
            parts.append(f"{followers:,} followers")
        if used is not None and total:
            parts.append(f"{used}/{total} API posts in the last 24 h")
        return AccountStatus(True, ", ".join(parts))

    def account_metrics(self, day: date) -> AccountMetrics:
        api = self.api()
        me = api.get(self.user, self.read_permission, fields="followers_count,media_count")
        values = insight_values(
            api,
            f"{self.user}/insights",
            ACCOUNT_METRICS,
            "instagram_manage_insights",
            period="day",
            metric_type="total_value",
            since=day.isoformat(),
            until=(day + timedelta(days=1)).isoformat(),
        )
        return AccountMetrics(
            Network.INSTAGRAM,
            day,
            followers=as_int(me.get("followers_count")),
            impressions=as_int(values.get("views")),
            reach=as_int(values.get("reach")),
            profile_visits=as_int(values.get("profile_views")),
            extra={
                k: v for k, v in values.items() if k in ("accounts_engaged", "total_interactions")
            },
        )

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        api = self.api()
        out = []
        for media_id in remote_ids:
            values = insight_values(
                api, f"{media_id}/insights", POST_METRICS, "instagram_manage_insights"
            )
            out.append(
                PostMetrics(
                    Network.INSTAGRAM,
                    media_id,
                    day,
                    views=as_int(values.get("views")),
                    likes=as_int(values.get("likes")),
                    comments=as_int(values.get("comments")),
                    shares=as_int(values.get("shares")),
                    saves=as_int(values.get("saved")),
                    extra={k: v for k, v in values.items() if k in ("reach", "total_interactions")},
                )
            )
        return out

    def mentions(self, since: datetime | None) -> list[Mention]:
        """Comments from others on the account's 25 latest posts, newest first."""
        api = self.api()
        own = (self.account.handle or "").lstrip("@").lower()
        cutoff = since or clock_now() - timedelta(days=7)
        out: list[Mention] = []
        fields = "id,timestamp,permalink,comments_count"
        for item in api.pages(f"{self.user}/media", self.read_permission, limit=25, fields=fields):
            if not item.get("comments_count"):
                continue
            for comment in api.pages(
                f"{item['id']}/comments",
                "instagram_manage_comments",
                limit=100,
                fields="id,text,username,timestamp",
            ):
                created = created_at(comment)
                username = str(comment.get("username") or "")
                if created < cutoff or username.lower() == own:
                    continue
                out.append(
                    Mention(
                        Network.INSTAGRAM,
                        str(comment["id"]),
                        f"@{username}",
                        str(comment.get("text") or ""),
                        created,
                        "comment",
                        item.get("permalink"),
                        str(item["id"]),
                    )
                )
        return sorted(out, key=lambda m: m.created_at, reverse=True)

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        body = self.api().post(
            f"{mention.remote_id}/replies",
            {"message": text},
            needs="instagram_manage_comments",
            final=True,
        )
        return PublishResult(str(body.get("id") or ""), mention.url)

"""Facebook Page: text, link and photo posts through the Graph API, as the Page.

- text and link posts: `POST /{page-id}/feed` with `message` and `link`;
- photos (one or several): each uploaded unpublished (`POST /{page-id}/photos`,
  `published=false`), their ids recorded in the ledger, then one
  `POST /{page-id}/feed` with `attached_media`;
- recovery: the Page's recent posts (`GET /{page-id}/posts`), matched by text, or
  by the photo ids the ledger holds;
- metrics: Page and post insights (views — Meta's replacement for impressions —,
  unique viewers, engagements, follows), reactions, comments and shares;
- comments on the Page's recent posts are its mentions; replies go under them.

The token may be a Page token, or a user / Business Manager system-user token that
can manage the Page: cmkit then asks Meta for the Page's own token (see
docs/networks/facebook.md). Reference: developers.facebook.com/docs/pages-api/posts
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from ..clock import now as clock_now
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
    Mention,
    PostMetrics,
    Progress,
    PublishResult,
    probe_or_report,
)
from .graph import FACEBOOK_HOST, GraphApi, NotThisAccount, api_version, same_text
from .graph_media import first_part_only, is_video
from .graph_reads import as_int, created_at, insight_values
from .postlink import card_or_text, shown_as

PUBLISH = "pages_manage_posts"
READ = "pages_read_engagement"
# Page photos: JPEG, PNG, GIF, TIFF, WebP; bigger than 4 MB is sent as a recompressed copy
PHOTO_FORMATS = frozenset({"jpeg", "png", "gif", "tiff", "webp", "bmp"})
PHOTO_BYTES = 4_000_000
PAGE_METRICS = ("page_media_view", "page_total_media_view_unique", "page_post_engagements")
POST_METRICS = ("post_media_view", "post_total_media_view_unique", "post_clicks")


class FacebookConnector(BaseConnector):
    name = "facebook"
    limits = LIMITS[Network.FACEBOOK]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._api: GraphApi | None = None
        self._token_kind = ""

    # --- plumbing ---------------------------------------------------------------------

    @property
    def page(self) -> str:
        return self.account.id or "me"

    def api(self) -> GraphApi:
        """The Graph client holding the Page's token (derived from a user token if need be)."""
        if self._api is not None:
            return self._api
        base = f"{(self.account.instance or FACEBOOK_HOST).rstrip('/')}/{api_version()}/"
        label = f"Facebook Page {self.account.handle or self.page}"
        api = GraphApi("facebook", base, self.secret("token"), label)
        self._token_kind = "page"
        if self.account.id:
            me = api.get("me", fields="id")
            if str(me.get("id")) != self.account.id:
                # a user or system-user token: publishing as the Page needs the Page's token
                page = api.get(self.account.id, "pages_show_list", fields="access_token")
                token = str(page.get("access_token") or "")
                if not token:
                    api.close()
                    raise NotThisAccount(
                        f"facebook: this token cannot act for Page {self.account.id}",
                        "give the user (or system user) the Page with 'create content' "
                        "rights, then make a new token; see docs/networks/facebook.md",
                    )
                api.close()
                api = GraphApi("facebook", base, register(token), label)
                self._token_kind = "user"
        self._api = api
        return api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:

        issues = first_part_only(delivery, "Facebook")
        if not delivery.text.strip() and not delivery.media and not delivery.link:
            issues.append(
                CheckIssue("text/empty", "nothing to publish on Facebook", "write the post's text")
            )
        limit = self.limits.max_chars if self.limits else 63206
        if len(self.message(delivery)) > limit:
            issues.append(
                CheckIssue(
                    "text/too-long",
                    f"{len(self.message(delivery)):,} characters, a Facebook post takes {limit:,}",
                    "shorten it or add a facebook variant",
                )
            )
        if any(is_video(m) for m in delivery.media):
            issues.append(
                CheckIssue(
                    "media/format",
                    "cmkit publishes photos to Facebook, not videos",
                    "post the video from Meta Business Suite, or publish a photo",
                )
            )
            return issues
        rules = self.limits.media if self.limits else None
        if rules and len(delivery.media) > rules.max_count:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} photos, cmkit sends {rules.max_count} per post",
                    "split it into two posts",
                )
            )
        for item in delivery.media:
            info = probe_or_report(item, issues)
            if info is None:
                continue
            if info.format not in PHOTO_FORMATS:
                issues.append(
                    CheckIssue(
                        "media/format",
                        f"Facebook does not take {info.format.upper()} photos ('{item.path.name}')",
                        "export it as JPEG or PNG",
                    )
                )
        if delivery.media and delivery.link and shown_as(delivery.text, delivery.link) is None:
            issues.append(
                CheckIssue(
                    "link/no-preview",
                    "a post with photos shows no link preview: the link is added to the text",
                    "drop the photos for a link card, or keep it so",
                    severity="warning",
                )
            )
        return issues

    @staticmethod
    def message(delivery: Delivery) -> str:
        """The text sent: with photos, the link goes in the text (no preview card then);
        a bare copy of the linked page in the text becomes the tagged link, never a second
        copy of it."""
        return card_or_text(delivery.text, delivery.link, card=not delivery.media)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        api = self.api()
        data: dict[str, Any] = {"message": self.message(delivery) or None}
        if delivery.media:
            photos = [self._upload_photo(api, item) for item in delivery.media]
            progress("photos", ",".join(photos))
            for index, photo in enumerate(photos):
                data[f"attached_media[{index}]"] = {"media_fbid": photo}
        elif delivery.link:
            data["link"] = delivery.link
        body = api.post(f"{self.page}/feed", data, needs=PUBLISH, final=True)
        post_id = str(body.get("id") or "")
        if not post_id:
            raise ConnectorError(
                "facebook: the post was accepted without an id",
                "check the Page; cmkit looks it up on its next run",
                retryable=True,
            )
        return PublishResult(post_id, self._permalink(api, post_id))

    def _upload_photo(self, api: GraphApi, item: Any) -> str:
        from .. import media as probing

        fitted = probing.fit_media(
            item, probing.FitRule(max_bytes=PHOTO_BYTES, formats=PHOTO_FORMATS)
        )
        data = {"published": False, "alt_text_custom": item.alt}
        files = {"source": (fitted.path.name, fitted.path.read_bytes(), fitted.mime)}
        body = api.post(f"{self.page}/photos", data, files=files, needs=PUBLISH)
        return str(body["id"])

    def _permalink(self, api: GraphApi, post_id: str) -> str:
        try:
            url = api.get(post_id, fields="permalink_url").get("permalink_url")
        except ConnectorError:
            url = None  # it is online: a missing link must not turn it into a failure
        return str(url) if url else f"https://www.facebook.com/{post_id}"

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        photos = {p for p in state.get("photos", "").split(",") if p}
        message = self.message(delivery)
        fields = "id,message,created_time,permalink_url,attachments{target{id},subattachments}"
        for post in self.api().pages(
            f"{self.page}/posts", READ, limit=100, fields=fields, since=int(since.timestamp())
        ):
            if created_at(post) < since:
                continue
            by_text = bool(message) and same_text(post.get("message"), message)
            if by_text or (photos and photos & _attachment_ids(post)):
                url = post.get("permalink_url") or f"https://www.facebook.com/{post['id']}"
                return PublishResult(str(post["id"]), str(url))
        return None

    # --- account, metrics, comments -----------------------------------------------------

    def verify(self) -> AccountStatus:
        """The Page this token publishes to. Refused tokens raise (accounts check says how
        to get a new one); a token for another Page is a wrong account."""
        try:
            api = self.api()
        except NotThisAccount as exc:
            return AccountStatus(False, exc.message.removeprefix("facebook: "))
        page = api.get(self.page, READ, fields="id,name,followers_count")
        name, page_id = page.get("name", "?"), str(page.get("id", ""))
        followers = page.get("followers_count")
        counted = f", {followers:,} followers" if isinstance(followers, int) else ""
        via = " (Page token derived from a user token)" if self._token_kind == "user" else ""
        if not self.account.id:
            return AccountStatus(
                False,
                f"the token is Page {name} ({page_id}){counted}, and client.yaml has no Page id",
                f'add `id: "{page_id}"` under accounts.facebook in client.yaml',
                state="incomplete",
            )
        return AccountStatus(True, f"Page {name} ({page_id}){counted}{via}")

    def account_metrics(self, day: date) -> AccountMetrics:
        api = self.api()
        page = api.get(self.page, READ, fields="followers_count,fan_count")
        values = insight_values(
            api,
            f"{self.page}/insights",
            PAGE_METRICS,
            READ,
            period="day",
            since=day.isoformat(),
            until=(day + timedelta(days=1)).isoformat(),
        )
        followers = page.get("followers_count", page.get("fan_count"))
        return AccountMetrics(
            Network.FACEBOOK,
            day,
            followers=int(followers) if followers is not None else None,
            impressions=as_int(values.get("page_media_view")),
            reach=as_int(values.get("page_total_media_view_unique")),
            extra=_renamed(values, {"page_post_engagements": "post_engagements"}),
        )

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        api = self.api()
        out: list[PostMetrics] = []
        counts = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
        for post_id in remote_ids:
            try:
                post = api.get(post_id, READ, fields=f"{counts},shares")
            except ConnectorError as exc:
                if exc.status in (400, 404):
                    continue  # deleted since, or never the Page's: nothing to measure
                raise
            values = insight_values(api, f"{post_id}/insights", POST_METRICS, READ)
            out.append(
                PostMetrics(
                    Network.FACEBOOK,
                    post_id,
                    day,
                    impressions=as_int(values.get("post_media_view")),
                    likes=_summary(post, "reactions"),
                    comments=_summary(post, "comments"),
                    shares=as_int((post.get("shares") or {}).get("count", 0)),
                    clicks=as_int(values.get("post_clicks")),
                    extra=_renamed(values, {"post_total_media_view_unique": "reach"}),
                )
            )
        return out

    def mentions(self, since: datetime | None) -> list[Mention]:
        """Comments from others on the Page's 25 latest posts, newest first."""
        api = self.api()
        own = str(api.get(self.page, fields="id").get("id", self.account.id or ""))
        cutoff = since or clock_now() - timedelta(days=7)
        out: list[Mention] = []
        for post in api.pages(f"{self.page}/posts", READ, limit=25, fields="id"):
            fields = "id,message,created_time,permalink_url,from{id,name}"
            for comment in api.pages(
                f"{post['id']}/comments",
                READ,
                limit=100,
                fields=fields,
                filter="stream",
                order="reverse_chronological",
            ):
                created = created_at(comment)
                author = comment.get("from") or {}
                if created < cutoff:
                    break
                if str(author.get("id")) == own:
                    continue  # the Page's own answers
                out.append(
                    Mention(
                        Network.FACEBOOK,
                        str(comment["id"]),
                        str(author.get("name") or "someone"),
                        str(comment.get("message") or ""),
                        created,
                        "comment",
                        comment.get("permalink_url"),
                        str(post["id"]),
                    )
                )
        return sorted(out, key=lambda m: m.created_at, reverse=True)

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        api = self.api()
        body = api.post(
            f"{mention.remote_id}/comments",
            {"message": text},
            needs="pages_manage_engagement",
            final=True,
        )
        comment_id = str(body.get("id") or "")
        try:
            url = api.get(comment_id, fields="permalink_url").get("permalink_url")
        except ConnectorError:
            url = None
        return PublishResult(comment_id, str(url) if url else mention.url)


def _attachment_ids(post: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    for attachment in (post.get("attachments") or {}).get("data") or []:
        target = (attachment.get("target") or {}).get("id")
        if target:
            ids.add(str(target))
        for sub in (attachment.get("subattachments") or {}).get("data") or []:
            sub_id = (sub.get("target") or {}).get("id")
            if sub_id:
                ids.add(str(sub_id))
    return ids


def _summary(post: dict[str, Any], edge: str) -> int | None:
    return as_int(((post.get(edge) or {}).get("summary") or {}).get("total_count"))


def _renamed(values: dict[str, float], names: dict[str, str]) -> dict[str, float]:
    """Meta's metric names as the short names cmkit's metrics files use."""
    return {new: values[old] for old, new in names.items() if old in values}

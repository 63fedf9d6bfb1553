"""X (API v2): text, up to 4 images with alt text, and threads, as the account's user.

- images: `POST /2/media/upload` (multipart, `media_category=tweet_image`), alt text
  with `POST /2/media/metadata`; their ids recorded in the ledger before the post;
- the post: `POST /2/tweets` {text, media.media_ids (1–4)}; the post's link goes at
  the end of the text, where X makes its card from it;
- a post with `thread:` parts is a chain of replies (`reply.in_reply_to_tweet_id`),
  each id recorded as it is made, so an interrupted thread is completed, never
  repeated;
- recovery: the account's recent posts (`GET /2/users/:id/tweets`), matched by text
  (X rewrites links to t.co and escapes `& < >`: links are left out of the match);
- length: X's weighted count (twitter-text, `cmkit.text`), links count 23.

Sign-in (OAuth 1.0a keys or an OAuth 2.0 token) is in `x_auth.py`.
Reference: docs.x.com/x-api/posts/creation-of-a-post, docs.x.com/x-api/media/upload-media
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .. import text as counting
from ..models import Account
from ..networks import LIMITS, Network
from .base import (
    AccountMetrics,
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    NotSupported,
    OutcomeUnknown,
    PostMetrics,
    Progress,
    PublishResult,
    probe_or_report,
)
from .postlink import shown_as, with_link
from .x_api import XApi

MAX_IMAGES = 4
IMAGE_BYTES = 5_000_000  # "Image size <= 5 MB"
IMAGE_FORMATS = frozenset({"jpeg", "png", "webp"})  # media_type enum of the simple upload
ALT_MAX = 1000


class XConnector(BaseConnector):
    name = "x"
    limits = LIMITS[Network.X]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._api: XApi | None = None
        self._me: dict[str, str] | None = None

    def api(self) -> XApi:
        if self._api is None:
            from .x_auth import auth_for

            self._api = XApi(auth_for(self.account, self.secret), self.account.instance)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    def me(self) -> dict[str, str]:
        if self._me is None:
            data = self.api().get("2/users/me", **{"user.fields": "public_metrics"})
            self._me = {k: v for k, v in data.items() if isinstance(v, str)}
        return self._me

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .graph_media import is_video

        issues: list[CheckIssue] = []
        limit = self.account.max_chars or (self.limits.max_chars if self.limits else 280)
        parts = [self.text(delivery), *delivery.thread]
        for index, part in enumerate(parts):
            counted = counting.count(part, Network.X, limit=limit)
            where = "" if index == 0 else f" (thread part {index + 1})"
            if counted.length > limit:
                added = (
                    index == 0
                    and bool(delivery.link)
                    and shown_as(delivery.text, delivery.link or "") is None
                )
                issues.append(
                    CheckIssue(
                        "x/too-long-with-link" if added else "text/too-long",
                        f"{counted.length} weighted characters{where}"
                        + (" with the link (23)" if added else "")
                        + f", X takes {limit}",
                        "shorten it, or add an x variant",
                    )
                )
            if not part.strip() and (index > 0 or not delivery.media):
                issues.append(CheckIssue("text/empty", f"nothing to publish on X{where}"))
        if any(is_video(m) for m in delivery.media):
            issues.append(
                CheckIssue(
                    "media/video-not-supported",
                    "cmkit publishes images to X, not videos",
                    "post the video from X itself, or publish images",
                )
            )
            return issues
        if len(delivery.media) > MAX_IMAGES:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} images, an X post takes {MAX_IMAGES}",
                    "keep four, or split the post",
                )
            )
        for item in delivery.media:
            info = probe_or_report(item, issues)
            if info is None:
                continue
            if info.animated:
                issues.append(
                    CheckIssue(
                        "x/animated-gif",
                        f"'{item.path.name}' is animated: cmkit sends still images to X",
                        "export a still image, or post the GIF from X itself",
                    )
                )
            if item.alt and len(item.alt) > ALT_MAX:
                issues.append(
                    CheckIssue(
                        "x/alt-too-long",
                        f"alt text of '{item.path.name}' is {len(item.alt)} characters, "
                        f"X takes {ALT_MAX}",
                        "shorten it",
                    )
                )
        return issues

    @staticmethod
    def text(delivery: Delivery) -> str:
        """The text with the post's link (X builds its card from the last link)."""
        return with_link(delivery.text, delivery.link)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        body: dict[str, Any] = {"text": self.text(delivery)}
        if delivery.media:
            ids = [self._upload(item) for item in delivery.media]
            progress("media", ",".join(ids))
            body["media"] = {"media_ids": ids}
        root = self._create(body)
        if delivery.thread:
            progress("post", root)
            try:
                self._chain(delivery, root, {}, progress)
            except ConnectorError as exc:
                # the first post is online: a retry must complete the thread, not repost it
                raise OutcomeUnknown(
                    f"{exc.message} (the first post is online: {self.permalink(root)})",
                    "the next `cmkit publish` publishes the missing parts",
                    retryable=True,
                ) from None
        return PublishResult(root, self.permalink(root))

    def _upload(self, item: MediaFile) -> str:
        from .. import media as probing

        fitted = probing.fit_media(
            item, probing.FitRule(max_bytes=IMAGE_BYTES, formats=IMAGE_FORMATS)
        )
        data = self.api().post_form(
            "2/media/upload",
            data={"media_category": "tweet_image", "media_type": fitted.mime},
            files={"media": (fitted.path.name, fitted.path.read_bytes(), fitted.mime)},
        )
        media_id = str(data.get("id") or "")
        if not media_id:
            raise ConnectorError("x: the upload answered without a media id", retryable=True)
        if item.alt:
            self.api().post_json(
                "2/media/metadata",
                {"id": media_id, "metadata": {"alt_text": {"text": item.alt[:ALT_MAX]}}},
            )
        return media_id

    def _create(self, body: dict[str, Any]) -> str:
        data = self.api().post_json("2/tweets", body, final=True)
        post_id = str(data.get("id") or "")
        if not post_id:
            raise OutcomeUnknown(
                "x: the post was accepted without an id",
                "the next `cmkit publish` looks it up",
                retryable=True,
            )
        return post_id

    def _chain(
        self, delivery: Delivery, root: str, state: dict[str, str], progress: Progress | None
    ) -> None:
        """Publish the thread parts still missing, each a reply to the one before."""
        previous = root
        replies: list[dict[str, Any]] | None = None
        for number, part in enumerate(delivery.thread, start=2):
            done = state.get(f"part{number}")
            if not done and progress is None:  # recovering: it may be online already
                if replies is None:
                    replies = self._timeline(None)
                done = _reply_in(replies, previous, part)
            if not done:
                done = self._create({"text": part, "reply": {"in_reply_to_tweet_id": previous}})
                if progress is not None:
                    progress(f"part{number}", done)
            previous = done

    def permalink(self, post_id: str) -> str:
        handle = (self.account.handle or "").lstrip("@")
        return f"https://x.com/{handle or 'i'}/status/{post_id}"

    # --- recovery -----------------------------------------------------------------------

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        root = state.get("post")
        if not root:
            wanted = comparable(self.text(delivery))
            media = set(state.get("media", "").split(",")) - {""}
            for post in self._timeline(since):
                if post.get("referenced_tweets"):
                    continue  # a reply or a quote: not the post itself
                keys = {
                    k.split("_", 1)[-1]
                    for k in (post.get("attachments") or {}).get("media_keys", [])
                }
                if (wanted and comparable(str(post.get("text", ""))) == wanted) or media & keys:
                    root = str(post["id"])
                    break
        if root is None:
            return None
        if delivery.thread:
            self._chain(delivery, root, state, None)
        return PublishResult(root, self.permalink(root))

    def _timeline(self, since: datetime | None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": "created_at,text,attachments,referenced_tweets",
            "exclude": "retweets",
        }
        if since is not None:
            params["start_time"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            body = self.api().get_body(f"2/users/{self.me()['id']}/tweets", **params)
        except ConnectorError as exc:
            if exc.status == 403:
                # reading posts back is not in every X access level (Free has none)
                raise NotSupported(
                    "x: this X app's access level cannot read the account's posts",
                    "look at the account; a paid access level lets cmkit check by itself",
                ) from None
            raise
        data = body.get("data")
        return data if isinstance(data, list) else []

    # --- account and metrics ------------------------------------------------------------

    def verify(self) -> AccountStatus:
        from .x_auth import mode

        data = self.api().get("2/users/me", **{"user.fields": "public_metrics"})
        username = str(data.get("username") or "?")
        followers = (data.get("public_metrics") or {}).get("followers_count")
        counted = f", {followers:,} followers" if isinstance(followers, int) else ""
        handle = (self.account.handle or "").lstrip("@")
        if handle and handle.lower() != username.lower():
            return AccountStatus(False, f"the keys are @{username}'s, not @{handle}")
        how = {
            "oauth1": "OAuth 1.0a",
            "oauth2-refresh": "OAuth 2.0, refreshed",
            "oauth2": "OAuth 2.0",
        }
        return AccountStatus(True, f"@{username}{counted} ({how[mode(self.account)]})")

    def account_metrics(self, day: date) -> AccountMetrics:
        data = self.api().get("2/users/me", **{"user.fields": "public_metrics"})
        metrics = data.get("public_metrics") or {}
        return AccountMetrics(
            Network.X,
            day,
            followers=_int(metrics.get("followers_count")),
            extra={k: float(metrics[k]) for k in ("tweet_count", "listed_count") if k in metrics},
        )

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        out: list[PostMetrics] = []
        for start in range(0, len(remote_ids), 100):
            ids = ",".join(remote_ids[start : start + 100])
            body = self.api().get_body("2/tweets", ids=ids, **{"tweet.fields": "public_metrics"})
            for post in body.get("data") or []:
                metrics = post.get("public_metrics") or {}
                out.append(
                    PostMetrics(
                        Network.X,
                        str(post["id"]),
                        day,
                        impressions=_int(metrics.get("impression_count")),
                        likes=_int(metrics.get("like_count")),
                        comments=_int(metrics.get("reply_count")),
                        shares=_int(metrics.get("retweet_count")),
                        saves=_int(metrics.get("bookmark_count")),
                        extra={"quotes": float(metrics.get("quote_count") or 0)},
                    )
                )
        return out


def comparable(text: str) -> str:
    """A post's words without its links: X stores links as t.co and escapes & < >."""
    unescaped = html.unescape(text)
    for url in sorted(counting.extract_urls(unescaped), key=len, reverse=True):
        unescaped = unescaped.replace(url, " ")
    return " ".join(unescaped.split())


def _reply_in(posts: list[dict[str, Any]], parent: str, text: str) -> str | None:
    wanted = comparable(text)
    for post in posts:
        refs = post.get("referenced_tweets") or []
        answers = any(r.get("type") == "replied_to" and r.get("id") == parent for r in refs)
        if answers and comparable(str(post.get("text", ""))) == wanted:
            return str(post["id"])
    return None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None

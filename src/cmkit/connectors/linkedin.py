"""LinkedIn: text, image, multi-image and article posts, as a member or a Page.

The author is the account's `id`: `urn:li:person:…` (a member, scope
w_member_social) or `urn:li:organization:…` (a Page, scope w_organization_social,
the token's member being its administrator or content admin). One
`POST /rest/posts` publishes; LinkedIn answers 201 with the post's URN in the
`x-restli-id` header.

- text: `commentary` in the little format (`linkedin_text`), so that `( ) _ *`… do
  not silently cut the post; mentions written `@[Name](urn:li:organization:123)`;
- a link: an article (`content.article`: source, title, description, thumbnail),
  read from the page's OpenGraph tags since LinkedIn does not build API cards itself;
- images: each uploaded through the Images API (ids recorded in the ledger before
  the post), then `content.media` (one) or `content.multiImage` (2 to 20);
- recovery: the author's recent posts (`q=author`), matched by text or image URN;
- metrics: a Page's share statistics and followers (members' are not open to apps).
Reference: learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from ..models import Account
from ..networks import LIMITS, Network
from . import linkedin_text as little
from .base import (
    AccountMetrics,
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    NotSupported,
    OutcomeUnknown,
    PostMetrics,
    Progress,
    PublishResult,
    probe_or_report,
)
from .linkedin_api import API_HOST, DOCS, IMAGE_FORMATS, LinkedInApi, encoded

MAX_IMAGES = 20  # multiImage: "2 to 20 images"; one image goes as content.media
POST_ROLES = frozenset(
    {"ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER"}
)
TITLE_MAX, DESCRIPTION_MAX = 400, 4086  # article title / description (Posts API schema)


class LinkedInConnector(BaseConnector):
    name = "linkedin"
    limits = LIMITS[Network.LINKEDIN]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._api: LinkedInApi | None = None

    @property
    def author(self) -> str:
        raw = (self.account.id or "").strip()
        if raw.isdigit():
            return f"urn:li:organization:{raw}"
        if not re.fullmatch(r"urn:li:(person|organization):[\w-]+", raw):
            raise ConnectorError(
                f"linkedin: the account id '{raw}' is not an author URN"
                if raw
                else "linkedin: no author id yet: cmkit cannot post for this account",
                'set `id: "urn:li:organization:123"` (a Page) or `id: "urn:li:person:abc"` '
                f"(a member) under accounts.linkedin in client.yaml; see {DOCS}",
            )
        return raw

    @property
    def is_page(self) -> bool:
        return self.author.startswith("urn:li:organization:")

    @property
    def write_scope(self) -> str:
        return "w_organization_social" if self.is_page else "w_member_social"

    def api(self) -> LinkedInApi:
        if self._api is None:
            self._api = LinkedInApi(self.secret("token"), self.account.instance or API_HOST)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    # --- offline check ------------------------------------------------------------------

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .graph_media import first_part_only, is_video
        from .postlink import shown_as

        issues = first_part_only(delivery, "LinkedIn")
        try:
            self.author  # noqa: B018 - raises when client.yaml's id is no URN
        except ConnectorError as exc:
            issues.append(CheckIssue("account/id", exc.message, exc.hint))
        text = self.text(delivery)
        limit = self.limits.max_chars if self.limits else 3000
        if len(little.reader_text(text)) > limit:
            issues.append(
                CheckIssue(
                    "text/too-long",
                    f"{len(little.reader_text(text)):,} characters, LinkedIn takes {limit:,}",
                    "shorten it or add a linkedin variant",
                )
            )
        if not text.strip() and not delivery.media and not delivery.link:
            issues.append(CheckIssue("text/empty", "nothing to publish on LinkedIn"))
        if any(is_video(m) for m in delivery.media):
            issues.append(
                CheckIssue(
                    "media/video-not-supported",
                    "cmkit publishes images to LinkedIn, not videos",
                    "post the video from LinkedIn itself, or publish images",
                )
            )
            return issues
        if len(delivery.media) > MAX_IMAGES:
            issues.append(
                CheckIssue(
                    "media/too-many",
                    f"{len(delivery.media)} images, a LinkedIn post takes {MAX_IMAGES}",
                    "split it into two posts",
                )
            )
        for item in delivery.media:
            info = probe_or_report(item, issues)
            if info is None:
                continue
            if info.format not in IMAGE_FORMATS | {"webp"}:
                issues.append(
                    CheckIssue(
                        "media/format",
                        f"LinkedIn takes JPEG, PNG or GIF images, not {info.format.upper()} "
                        f"('{item.path.name}')",
                        "export it as JPEG or PNG",
                    )
                )
        if delivery.media and delivery.link and shown_as(delivery.text, delivery.link) is None:
            issues.append(
                CheckIssue(
                    "link/no-preview",
                    "a post with images shows no link card: the link is added to the text",
                    "drop the images for an article card, or keep it so",
                    severity="warning",
                )
            )
        return issues

    @staticmethod
    def text(delivery: Delivery) -> str:
        """The text; with images the link goes in it (no card then), else in the card."""
        from .postlink import card_or_text

        return card_or_text(delivery.text, delivery.link, card=not delivery.media)

    # --- publishing ---------------------------------------------------------------------

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        api = self.api()
        body: dict[str, Any] = {
            "author": self.author,
            "commentary": little.escape(self.text(delivery)),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if delivery.media:
            images = [
                self.api().upload_image(self.author, m, self.write_scope) for m in delivery.media
            ]
            progress("images", ",".join(images))
            alts = [m.alt or "" for m in delivery.media]
            if len(images) == 1:
                body["content"] = {"media": _image(images[0], alts[0])}
            else:
                body["content"] = {
                    "multiImage": {
                        "images": [_image(i, a) for i, a in zip(images, alts, strict=True)]
                    }
                }
        elif delivery.link:
            body["content"] = {"article": self._article(delivery, progress)}
        response = api.request("POST", "rest/posts", final=True, needs=self.write_scope, json=body)
        urn = response.headers.get("x-restli-id", "").strip()
        if not urn:
            raise OutcomeUnknown(
                "linkedin: the post was accepted without its URN",
                "the next `cmkit publish` looks it up",
                retryable=True,
            )
        return PublishResult(urn, permalink(urn))

    def _article(self, delivery: Delivery, progress: Progress) -> dict[str, Any]:
        """The link card: LinkedIn shows what the post says, it reads nothing itself."""
        from .opengraph import fetch, fetch_image

        assert delivery.link
        page = fetch(delivery.link)
        title = (delivery.title or page.title or urlsplit(delivery.link).hostname or "")[:TITLE_MAX]
        article: dict[str, Any] = {"source": delivery.link, "title": title}
        if page.description:
            article["description"] = page.description[:DESCRIPTION_MAX]
        if page.image:
            fetched = fetch_image(page.image)
            if fetched is not None:
                article["thumbnail"] = self._thumbnail(*fetched, progress)
        return article

    def _thumbnail(self, data: bytes, mime: str, progress: Progress) -> str | None:
        import tempfile
        from pathlib import Path

        from .base import MediaFile

        suffix = "." + (mime.split("/")[-1] or "jpg")
        with tempfile.TemporaryDirectory(prefix="cmkit-linkedin-") as folder:
            path = Path(folder) / f"thumbnail{suffix}"
            path.write_bytes(data)
            try:
                urn = self.api().upload_image(
                    self.author, MediaFile(path, None, mime), self.write_scope
                )
            except ConnectorError as exc:
                if exc.status in (401, 403):
                    raise
                return None  # a card without a picture beats no post
        progress("thumbnail", urn)
        return urn

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        images = {i for i in state.get("images", "").split(",") if i}
        wanted = _words(little.reader_text(self.text(delivery)))
        for post in self._recent_posts(since):
            seen = _words(little.plain(str(post.get("commentary") or "")))
            if (wanted and seen == wanted) or (images and images & _image_ids(post)):
                urn = str(post.get("id") or "")
                return PublishResult(urn, permalink(urn))
        return None

    def _recent_posts(self, since: datetime) -> list[dict[str, Any]]:
        read = "r_organization_social" if self.is_page else "r_member_social"
        try:
            body = (
                self.api()
                .request(
                    "GET",
                    "rest/posts",
                    needs=read,
                    params={"q": "author", "author": self.author, "count": 50, "sortBy": "CREATED"},
                    headers={"X-RestLi-Method": "FINDER"},
                )
                .json()
            )
        except ConnectorError as exc:
            if exc.status == 403 and not self.is_page:
                # reading a member's posts needs r_member_social, which LinkedIn grants
                # to few apps: without it, an interrupted send needs a human look
                raise NotSupported(
                    "linkedin: this app cannot read the member's posts (r_member_social)",
                    "look at the profile's activity",
                ) from None
            raise
        cutoff = since.timestamp() * 1000
        return [
            p
            for p in body.get("elements") or []
            if float(p.get("createdAt") or p.get("publishedAt") or 0) >= cutoff
        ]

    # --- account and metrics ------------------------------------------------------------

    def verify(self) -> AccountStatus:
        api = self.api()
        if not self.is_page:
            me = api.get("v2/userinfo")
            urn = f"urn:li:person:{me.get('sub', '')}"
            who = str(me.get("name") or me.get("sub") or "?")
            if urn != self.author:
                return AccountStatus(False, f"the token is {who} ({urn}), not {self.author}")
            return AccountStatus(True, f"{who} ({urn}), posts as a member")
        number = self.author.rsplit(":", 1)[1]
        page = api.get(f"rest/organizations/{number}")
        name = str(page.get("localizedName") or page.get("vanityName") or number)
        acls = api.get(
            "rest/organizationAcls", "rw_organization_admin", q="roleAssignee", state="APPROVED"
        )
        roles = {
            str(a.get("role"))
            for a in acls.get("elements") or []
            if a.get("organization") == self.author
        }
        if not roles & POST_ROLES:
            held = ", ".join(sorted(roles)) or "no role"
            return AccountStatus(
                False,
                f"Page {name}: the token's member has {held} there and cannot post",
                "make them a Super admin or Content admin of the Page (Page → Settings → "
                "Manage admins), or use a token of a member who is",
                state="no-permission",
            )
        followers = self._followers()
        counted = f", {followers:,} followers" if followers is not None else ""
        return AccountStatus(True, f"Page {name} ({self.author}){counted}")

    def _followers(self) -> int | None:
        try:
            body = self.api().get(
                f"rest/networkSizes/{encoded(self.author)}", edgeType="COMPANY_FOLLOWED_BY_MEMBER"
            )
        except ConnectorError:
            return None
        size = body.get("firstDegreeSize")
        return int(size) if isinstance(size, int | float) else None

    def account_metrics(self, day: date) -> AccountMetrics:
        from .linkedin_stats import page_day

        self._page_only("account metrics")
        return page_day(self.api(), self.author, day, self._followers())

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        from .linkedin_stats import page_posts

        self._page_only("post metrics")
        return page_posts(self.api(), self.author, remote_ids, day)

    def _page_only(self, what: str) -> None:
        if not self.is_page:
            raise NotSupported(
                f"linkedin: {what} are only open to apps for Pages, not members' profiles",
                "read them in the profile's analytics, or export them (cmkit metrics import)",
            )


def permalink(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _image(urn: str, alt: str) -> dict[str, str]:
    return {"id": urn, "altText": alt[:4086]} if alt else {"id": urn}


def _image_ids(post: dict[str, Any]) -> set[str]:
    content = post.get("content") or {}
    found = {str((content.get("media") or {}).get("id") or "")}
    found |= {str(i.get("id")) for i in (content.get("multiImage") or {}).get("images") or []}
    return found - {""}


def _words(text: str) -> str:
    return " ".join(text.split())

"""Media that Meta fetches by URL (Instagram, Threads): where from, what it takes, and
the media-container flow that publishes it.

Instagram and Threads do not take uploads: they download each file from a public
URL at publishing time. A client's `media_base_url` (client.yaml, or the account)
is the public address of its `media/` folder, so `media/buches/1.jpg` is fetched
from `<media_base_url>/buches/1.jpg`. `check_fetched_media` finds offline what
would fail: no base URL, a file outside `media/`, an address Meta's servers cannot
reach (localhost, private ranges), a format, size or aspect ratio it refuses.
`ContainerConnector` is the publishing flow both networks share.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .base import (
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
from .graph import GraphApi, StillProcessing, same_text, wait_for_container
from .graph_reads import created_at

VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "m4v"})
# seconds to wait for Meta to fetch and process media: images are quick, videos are not
IMAGE_TIMEOUT = 90.0
VIDEO_TIMEOUT = 600.0
RESUME_TIMEOUT = 60.0  # a recovery lookup waits less: the next run tries again


def media_path(media: MediaFile) -> str | None:
    """The file's path under its client's `media/` folder (posix), or None outside it."""
    path = media.path
    client = _client_folder(path.parent)
    if client is not None:
        # strings, not Path.relative_to: asked for every picture of every post
        folder = os.path.join(client, "media", "")  # noqa: PTH118
        text = str(path)
        if not text.startswith(folder):
            return None
        return text[len(folder) :].replace(os.sep, "/")
    parts = path.parts
    if "media" in parts:  # no client.yaml above (a bare file): the last media/ folder
        index = len(parts) - 1 - parts[::-1].index("media")
        return Path(*parts[index + 1 :]).as_posix() or None
    return None


@lru_cache(maxsize=256)
def _client_folder(folder: Path) -> Path | None:
    """The nearest folder holding a client.yaml: asked for every picture of every post,
    answered once per folder."""
    for parent in (folder, *folder.parents):
        if (parent / "client.yaml").is_file():
            return parent
    return None


def public_url(base: str | None, media: MediaFile) -> str | None:
    """Where Meta fetches `media`: media_base_url + its path under media/, or None."""
    rel = media_path(media)
    if not base or rel is None:
        return None
    return base.rstrip("/") + "/" + quote(rel, safe="/")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@lru_cache(maxsize=1024)  # the same few pictures' addresses, for every post
def url_problem(url: str) -> str | None:
    """Why Meta's servers could not fetch this URL, or None when it looks public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{url} is not an http(s) address"
    host = (parts.hostname or "").lower()
    if not host:
        return f"{url} has no host name"
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return f"{host} is a local name that Meta's servers cannot reach"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None if "." in host else f"{host} is not a public host name"
    if not address.is_global:
        return f"{host} is a private or local address that Meta's servers cannot reach"
    return None


def is_video(media: MediaFile) -> bool:
    return media.mime.startswith("video/") or media.path.suffix.lower().lstrip(".") in (
        VIDEO_EXTENSIONS
    )


@dataclass(frozen=True)
class FetchRules:
    """What a network that fetches media by URL accepts (Instagram, Threads)."""

    label: str  # "Instagram"
    image_formats: frozenset[str]  # Pillow format names, lower case: "jpeg", "png"
    max_image_bytes: int
    max_video_bytes: int
    aspect: tuple[float, float] | None  # width / height, inclusive
    aspect_words: str = ""  # "4:5 (portrait) to 1.91:1 (landscape)"


def check_fetched_media(delivery: Delivery, rules: FetchRules) -> list[CheckIssue]:
    """Offline: can Meta fetch each file from its public URL, and will it accept it?"""

    issues: list[CheckIssue] = []
    base = delivery.account.media_base_url
    if delivery.media and not base:
        issues.append(
            CheckIssue(
                "media/no-public-url",
                f"{rules.label} fetches media from a public URL, and no media_base_url is set",
                "set media_base_url in client.yaml: the public address where the client's "
                "media/ folder is served (the client's site, a bucket)",
            )
        )
    for item in delivery.media:
        name = item.path.name
        url = public_url(base, item)
        if media_path(item) is None:
            issues.append(
                CheckIssue(
                    "media/not-in-media-folder",
                    f"'{name}' is not in the client's media/ folder, which media_base_url serves",
                    "move it under media/",
                )
            )
        elif url and (why := url_problem(url)):
            issues.append(
                CheckIssue(
                    "media/no-public-url",
                    f"{rules.label} cannot fetch {url}: {why}",
                    "media_base_url must be a public http(s) address",
                )
            )
        if is_video(item):
            size = item.size if item.size >= 0 else _size(item.path)
            if item.path.suffix.lower().lstrip(".") not in VIDEO_EXTENSIONS:
                issues.append(
                    CheckIssue(
                        "media/format",
                        f"{rules.label} takes videos as MP4 or MOV, not '{name}'",
                        "export the video as MP4 (H.264, AAC)",
                    )
                )
            if size > rules.max_video_bytes:
                issues.append(
                    CheckIssue(
                        "media/too-large",
                        f"'{name}' is {size / 1e6:.0f} MB, {rules.label} accepts "
                        f"{rules.max_video_bytes / 1e6:.0f} MB",
                        "export a smaller video",
                    )
                )
            continue
        info = probe_or_report(item, issues)
        if info is None:
            continue
        if info.format not in rules.image_formats:
            accepted = " or ".join(sorted(f.upper() for f in rules.image_formats))
            issues.append(
                CheckIssue(
                    "media/format",
                    f"'{name}' is {info.format.upper()}; {rules.label} accepts {accepted} images",
                    f"export it as {accepted}",
                )
            )
        if info.bytes > rules.max_image_bytes:
            issues.append(
                CheckIssue(
                    "media/too-large",
                    f"'{name}' is {info.bytes / 1e6:.1f} MB, {rules.label} accepts "
                    f"{rules.max_image_bytes / 1e6:.0f} MB",
                    "export it smaller (quality 85 is plenty)",
                )
            )
        low, high = rules.aspect or (0.0, float("inf"))
        if not low - 1e-3 <= info.aspect <= high + 1e-3:
            issues.append(
                CheckIssue(
                    "media/aspect-ratio",
                    f"'{name}' is {info.width}×{info.height} (ratio {info.aspect:.2f}); "
                    f"{rules.label} accepts {rules.aspect_words or f'{low:g} to {high:g}'}",
                    "crop it to that range before publishing",
                )
            )
    return issues


def first_part_only(delivery: Delivery, label: str) -> list[CheckIssue]:
    if not delivery.thread:
        return []
    return [
        CheckIssue(
            "thread/not-supported",
            f"{label} has no threads: only the first part is published, "
            f"{len(delivery.thread)} more are left out",
            "write a variant for this network, or accept that only the first part goes out",
            severity="warning",
        )
    ]


class ContainerConnector(BaseConnector):
    """Publishing through media containers (Instagram, Threads): create the container,
    record its id in the ledger, wait until Meta has fetched and processed the media,
    then publish that container — a container is published at most once, so resuming
    it after a crash can never post twice.

    A subclass sets the names below and writes `create(api, delivery)`.
    """

    label = ""  # "Instagram"
    publish_edge = ""  # "media_publish"
    status_field = ""  # "status_code"
    error_field = ""  # "status"
    list_edge = ""  # "media": the account's posts, newest first
    text_field = ""  # "caption"
    quota_edge = ""  # "content_publishing_limit"
    publish_permission = ""
    read_permission = ""

    def api(self) -> GraphApi:
        raise NotImplementedError

    @property
    def user(self) -> str:
        return self.account.id or "me"

    def create(self, api: GraphApi, delivery: Delivery) -> str:
        raise NotImplementedError

    def text(self, delivery: Delivery) -> str:
        return delivery.text.strip()

    def item(self, item: MediaFile, delivery: Delivery) -> dict[str, Any]:
        """The container fields of one picture or video."""
        raise NotImplementedError

    def container(self, api: GraphApi, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def carousel(self, api: GraphApi, delivery: Delivery, text: str | None) -> str:
        """One container per item, each waited for, then the CAROUSEL holding them."""
        children = []
        for media in delivery.media:
            child = self.container(api, {**self.item(media, delivery), "is_carousel_item": True})
            # a carousel can only be made of items Meta has fetched and processed
            self.ready(api, child, VIDEO_TIMEOUT if is_video(media) else IMAGE_TIMEOUT)
            children.append(child)
        data = {"media_type": "CAROUSEL", "children": ",".join(children), self.text_field: text}
        return self.container(api, data)

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        api = self.api()
        self.check_quota(api)
        container = self.create(api, delivery)
        progress("container", container)
        return self.finish(api, container, delivery, self._timeout(delivery))

    def check_quota(self, api: GraphApi) -> None:
        """Refuse before anything is created when the 24-hour publishing quota is spent."""
        body = api.get(
            f"{self.user}/{self.quota_edge}", self.publish_permission, fields="quota_usage,config"
        )
        data = (body.get("data") or [{}])[0]
        used, total = data.get("quota_usage"), (data.get("config") or {}).get("quota_total")
        if isinstance(used, int) and isinstance(total, int) and used >= total:
            raise ConnectorError(
                f"{self.name}: the 24-hour publishing limit is used up ({used} of {total} "
                f"posts published through the API)",
                "posts published more than 24 hours ago free the quota; cmkit retries "
                "on its next run",
                retryable=True,
            )

    def finish(
        self, api: GraphApi, container: str, delivery: Delivery, timeout: float
    ) -> PublishResult:
        try:
            status = wait_for_container(
                api,
                container,
                status_field=self.status_field,
                error_field=self.error_field,
                timeout=timeout,
                needs=self.publish_permission,
            )
        except StillProcessing as exc:
            # the container stays valid for 24 hours: resume it, never make a second one
            raise OutcomeUnknown(
                exc.message, "the next `cmkit publish` resumes it", retryable=True
            ) from None
        if status == "PUBLISHED":
            found = self.scan(delivery, None)
            if found is None:
                raise ConnectorError(
                    f"{self.name}: container {container} is published but {self.label} "
                    "does not list the post yet",
                    "the next `cmkit publish` looks again",
                    retryable=True,
                )
            return found
        body = api.post(
            f"{self.user}/{self.publish_edge}",
            {"creation_id": container},
            needs=self.publish_permission,
            final=True,
        )
        media_id = str(body.get("id") or "")
        if not media_id:
            raise OutcomeUnknown(
                f"{self.name}: publishing answered without an id",
                "the next `cmkit publish` looks it up",
                retryable=True,
            )
        return PublishResult(media_id, self.permalink(api, media_id))

    def ready(self, api: GraphApi, container: str, timeout: float) -> None:
        """Wait for a carousel item: Meta builds a carousel from processed items only."""
        try:
            wait_for_container(
                api,
                container,
                status_field=self.status_field,
                error_field=self.error_field,
                timeout=timeout,
                needs=self.publish_permission,
            )
        except StillProcessing as exc:
            raise ConnectorError(
                exc.message, "cmkit tries again on its next run", retryable=True
            ) from None

    def permalink(self, api: GraphApi, media_id: str) -> str | None:
        try:
            url = api.get(media_id, self.read_permission, fields="permalink").get("permalink")
        except ConnectorError:
            return None  # it is online: a missing link must not turn it into a failure
        return str(url) if url else None

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        api = self.api()
        container = state.get("container")
        if container:
            try:
                body = api.get(container, self.publish_permission, fields=f"id,{self.status_field}")
            except ConnectorError as exc:
                if exc.status != 400:
                    raise
                body = {}  # unknown to Meta (expired and purged): it never went out
            status = str(body.get(self.status_field) or "").upper()
            if status in ("FINISHED", "IN_PROGRESS", "PUBLISHED"):
                # recorded before publishing: resume that very container
                return self.finish(api, container, delivery, RESUME_TIMEOUT)
            if status in ("ERROR", "EXPIRED"):
                return None
        return self.scan(delivery, since)

    def scan(self, delivery: Delivery, since: datetime | None) -> PublishResult | None:
        """The account's recent post with this text, published after `since`."""
        text = self.text(delivery)
        if not text:
            return None  # nothing to recognise it by; the container state decides
        fields = f"id,{self.text_field},timestamp,permalink"
        for item in self.api().pages(
            f"{self.user}/{self.list_edge}", self.read_permission, limit=50, fields=fields
        ):
            if since is not None and created_at(item) < since:
                break  # newest first: the rest is older
            if same_text(item.get(self.text_field), text):
                return PublishResult(str(item["id"]), item.get("permalink"))
        return None

    @staticmethod
    def _timeout(delivery: Delivery) -> float:
        return VIDEO_TIMEOUT if any(is_video(m) for m in delivery.media) else IMAGE_TIMEOUT

"""Media that Meta fetches by URL (Instagram, Threads): where from, and whether it will take it.

Instagram and Threads do not take uploads: they download each file from a public
URL at publishing time. A client's `media_base_url` (client.yaml, or the account)
is the public address of its `media/` folder, so `media/buches/1.jpg` is fetched
from `<media_base_url>/buches/1.jpg`. `check_fetched_media` finds offline what
would fail: no base URL, a file outside `media/`, an address Meta's servers cannot
reach (localhost, private ranges), a format, size or aspect ratio it refuses.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .base import CheckIssue, Delivery, MediaFile

VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "m4v"})


def media_path(media: MediaFile) -> str | None:
    """The file's path under its client's `media/` folder (posix), or None outside it."""
    path = media.path
    for parent in path.parents:
        if (parent / "client.yaml").is_file():
            try:
                return path.relative_to(parent / "media").as_posix()
            except ValueError:
                return None
    parts = path.parts
    if "media" in parts:  # no client.yaml above (a bare file): the last media/ folder
        index = len(parts) - 1 - parts[::-1].index("media")
        return Path(*parts[index + 1 :]).as_posix() or None
    return None


def public_url(base: str | None, media: MediaFile) -> str | None:
    """Where Meta fetches `media`: media_base_url + its path under media/, or None."""
    rel = media_path(media)
    if not base or rel is None:
        return None
    return base.rstrip("/") + "/" + quote(rel, safe="/")


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
    from .. import media as probing
    from ..diagnostics import CmkitError

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
        size = item.path.stat().st_size if item.path.is_file() else 0
        if is_video(item):
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
        try:
            info = probing.probe(item.path)
        except CmkitError as exc:
            issues.append(CheckIssue("media/unreadable", exc.message, exc.hint))
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

"""What a Mastodon instance would refuse, found before sending (no network needed).

Counted as Mastodon counts (cmkit.text.mastodon): graphemes, every URL as the
instance's reserved length, remote mentions by their username, and the content
warning together with the text. The figures are the instance's own when cmkit
has read them (mastodon_instance.py), else the stock defaults; `max_chars` in
client.yaml overrides both.
"""

from __future__ import annotations

from .base import CheckIssue, Delivery
from .mastodon_instance import InstanceLimits
from .mastodon_text import status_text

VIDEO = ("video/", "audio/")


def _length(text: str, limits: InstanceLimits) -> int:
    from ..text import mastodon

    return mastodon.length(text, limits.characters_reserved_per_url)


def check_delivery(
    delivery: Delivery, limits: InstanceLimits, max_chars: int | None = None
) -> list[CheckIssue]:
    from ..text import grapheme_count

    limit = max_chars or limits.max_characters
    where = f"(limit from {limits.source})" if not max_chars else "(max_chars in client.yaml)"
    warning = grapheme_count(delivery.content_warning or "")
    issues = []
    parts = [status_text(delivery.text, delivery.link), *delivery.thread]
    for index, part in enumerate(parts):
        length = _length(part, limits) + warning
        if length > limit:
            label = f" in thread part {index + 1}" if index else ""
            cw = ", content warning included" if warning else ""
            issues.append(
                CheckIssue(
                    "mastodon/too-long",
                    f"{length} characters{label}{cw}; the instance allows {limit} {where}",
                    'shorten it or add `variants: {mastodon: "…"}` to the post',
                )
            )
    issues += _media_issues(delivery, limits)
    return issues


def _media_issues(delivery: Delivery, limits: InstanceLimits) -> list[CheckIssue]:
    items = delivery.media
    issues = []
    if len(items) > limits.max_media_attachments:
        issues.append(
            CheckIssue(
                "mastodon/too-many-media",
                f"{len(items)} files, the instance takes {limits.max_media_attachments} per status",
                "keep the best ones, or split the post",
            )
        )
    videos = [m for m in items if m.mime.startswith(VIDEO)]
    if videos and len(items) > 1:
        issues.append(
            CheckIssue(
                "mastodon/video-with-others",
                "Mastodon attaches a video alone, not with other files",
                "post the video on its own",
            )
        )
    for item in items:
        if limits.supported_mime_types and item.mime not in limits.supported_mime_types:
            issues.append(
                CheckIssue(
                    "mastodon/media-type",
                    f"{item.path.name}: the instance does not accept {item.mime}",
                    "convert it to JPEG, PNG or MP4",
                )
            )
        if item.mime.startswith(VIDEO):
            size = item.path.stat().st_size if item.path.is_file() else 0
            if size > limits.video_size_limit:
                issues.append(
                    CheckIssue(
                        "mastodon/media-too-large",
                        f"{item.path.name} is {size / 1e6:.1f} MB, the instance accepts "
                        f"{limits.video_size_limit / 1e6:.0f} MB",
                        "export a shorter or lighter video",
                    )
                )
        if item.alt and len(item.alt) > limits.description_limit:
            issues.append(
                CheckIssue(
                    "mastodon/alt-too-long",
                    f"the description of {item.path.name} has {len(item.alt)} characters, "
                    f"the instance allows {limits.description_limit}",
                    "shorten the alt text",
                )
            )
    return issues

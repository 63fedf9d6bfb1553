"""What the Bluesky server would refuse, found before sending (no network needed).

The limits are the lexicon's (app.bsky.feed.post: 300 graphemes, 3000 bytes;
four images; hashtags of 64 graphemes), counted on the text exactly as it will
be sent — with a link cmkit appends when the post has images.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import media
from ..diagnostics import CmkitError
from .atproto_facets import TAG_MAX_GRAPHEMES
from .base import CheckIssue, Delivery

if TYPE_CHECKING:
    from .bluesky import BlueskyConnector

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_IMAGES = 4
# "@name" not inside a word or an e-mail address; a Mastodon "@user@server" too
_AT_WORD = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9_.-]*(?:@[A-Za-z0-9.-]+)?)")
_HASHTAG = re.compile(r"(?<![\w#＃])[#＃](\w[\w\u200d\ufe0f]*)")
VARIANT_HINT = 'shorten it or add `variants: {bluesky: "…"}` to the post'


def check_delivery(connector: BlueskyConnector, delivery: Delivery) -> list[CheckIssue]:
    text, _ = connector.compose(delivery)
    issues = _text_issues(text, "")
    for index, part in enumerate(delivery.thread, start=2):
        issues += _text_issues(part, f" (thread part {index})")
    issues += _media_issues(connector, delivery)
    if delivery.content_warning:
        issues.append(
            CheckIssue(
                "bluesky/content-warning",
                "Bluesky has no written content warning: the post goes out without "
                f'"{delivery.content_warning}"',
                "put the warning at the start of a bluesky variant of the text",
                "warning",
            )
        )
    return issues


def _text_issues(text: str, label: str) -> list[CheckIssue]:
    from ..text import facet_spans
    from ..text.unicode import grapheme_count, utf8_length

    issues = []
    graphemes, size = grapheme_count(text), utf8_length(text)
    if graphemes > MAX_GRAPHEMES:
        issues.append(
            CheckIssue(
                "bluesky/too-long",
                f"{graphemes} characters{label}, Bluesky allows {MAX_GRAPHEMES}",
                VARIANT_HINT,
            )
        )
    elif size > MAX_BYTES:
        issues.append(
            CheckIssue(
                "bluesky/too-long", f"{size} bytes{label}, Bluesky allows {MAX_BYTES}", VARIANT_HINT
            )
        )
    spans = facet_spans(text)
    linked = {s.value.lower() for s in spans if s.kind == "mention"}
    for found in _AT_WORD.finditer(text) if "@" in text else ():
        handle = found.group(1).rstrip(".-")
        if handle.lower() not in linked:
            issues.append(
                CheckIssue(
                    "bluesky/mention-not-a-handle",
                    f"@{handle} is not a Bluesky handle: it will not link to anyone{label}",
                    "write the full handle, e.g. @name.bsky.social",
                    "warning",
                )
            )
    for found in _HASHTAG.finditer(text) if "#" in text or "＃" in text else ():
        # Bluesky's app (and cmkit's facets) leave a longer tag as plain text
        if grapheme_count(found.group(1)) > TAG_MAX_GRAPHEMES:
            issues.append(
                CheckIssue(
                    "bluesky/hashtag-too-long",
                    f"#{found.group(1)[:20]}… is longer than {TAG_MAX_GRAPHEMES} characters: "
                    f"it will not be a hashtag{label}",
                    "shorten the hashtag",
                    "warning",
                )
            )
    return issues


def _media_issues(connector: BlueskyConnector, delivery: Delivery) -> list[CheckIssue]:
    from .bluesky_embeds import image_rule

    images = [m for m in delivery.media if m.mime.startswith("image/")]
    others = [m for m in delivery.media if not m.mime.startswith("image/")]
    issues = [
        CheckIssue(
            "bluesky/media-type",
            f"{m.path.name}: cmkit sends only images to Bluesky ({m.mime})",
            "post the video by hand, or use an image",
        )
        for m in others
    ]
    if len(images) > MAX_IMAGES:
        issues.append(
            CheckIssue(
                "bluesky/too-many-images",
                f"{len(images)} images, Bluesky shows {MAX_IMAGES} at most",
                "keep four, or split into two posts",
            )
        )
    rule = image_rule(connector)
    for item in images:
        try:
            info = media.probe(item.path, item.size, item.mtime_ns)
        except CmkitError as exc:
            issues.append(CheckIssue("bluesky/media-unreadable", exc.message, exc.hint))
            continue
        if info.animated and media.problems(info, rule):
            issues.append(
                CheckIssue(
                    "bluesky/media-too-large",
                    f"{item.path.name} is animated and {'; '.join(media.problems(info, rule))}",
                    "export a smaller animation or a still image",
                )
            )
    return issues

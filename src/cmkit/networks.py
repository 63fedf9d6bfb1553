"""The networks cmkit knows, and their limits: one table, each figure with its source.

`cmkit check`, `cmkit count` and the connectors all read limits from here, so a
platform change is a one-line edit. Mastodon's figures are the defaults of a stock
instance; an account can override them (`max_chars` in client.yaml) and the
connector reads the real ones from `/api/v2/instance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Network(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    X = "x"
    THREADS = "threads"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    TELEGRAM = "telegram"
    DISCORD = "discord"


@dataclass(frozen=True)
class MediaRules:
    max_count: int
    formats: frozenset[str]  # lower-case file extensions
    max_image_bytes: int
    max_video_bytes: int = 0  # 0: video not supported by cmkit on this network
    # accepted width/height range for images, None where the network crops freely
    aspect_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Limits:
    network: Network
    max_chars: int
    counting: str  # "twitter" (weighted), "graphemes", "codepoints", "utf16"
    url_length: int | None  # every URL counts as this many characters, if the network says so
    max_bytes: int | None = None
    max_hashtags: int | None = None
    caption_chars: int | None = None  # limit for text sent along with media
    links_clickable: bool = True
    media: MediaRules = field(
        default_factory=lambda: MediaRules(4, frozenset({"jpg", "jpeg", "png"}), 5_000_000)
    )
    source: str = ""


_IMG = frozenset({"jpg", "jpeg", "png", "gif", "webp"})
_IMG_VID = _IMG | {"mp4", "mov"}

LIMITS: dict[Network, Limits] = {
    Network.X: Limits(
        Network.X,
        280,
        "twitter",
        23,
        media=MediaRules(4, _IMG_VID, 5_000_000, 512_000_000),
        source="https://github.com/twitter/twitter-text/blob/master/config/v3.json ; "
        "https://docs.x.com/x-api/posts/manage-tweets/introduction",
    ),
    Network.BLUESKY: Limits(
        Network.BLUESKY,
        300,
        "graphemes",
        None,
        max_bytes=3000,
        media=MediaRules(
            4, frozenset({"jpg", "jpeg", "png", "gif", "webp"}), 1_000_000, 100_000_000
        ),
        source="lexicon app.bsky.feed.post (maxGraphemes 300, maxLength 3000); "
        "app.bsky.embed.images (4 images, blob ≤ 1,000,000 bytes)",
    ),
    Network.MASTODON: Limits(
        Network.MASTODON,
        500,
        "graphemes",
        23,
        media=MediaRules(4, _IMG_VID, 16_000_000, 99_000_000),
        source="https://docs.joinmastodon.org/user/posting/#text (500, URLs count 23, only the "
        "username of a mention counts); mastodon app/validators/status_length_validator.rb "
        "(counts grapheme clusters); /api/v2/instance configuration.statuses",
    ),
    Network.THREADS: Limits(
        Network.THREADS,
        500,
        "utf8-emoji",
        None,
        media=MediaRules(20, _IMG_VID, 8_000_000, 1_000_000_000, (0.01, 10.0)),
        source="https://developers.facebook.com/documentation/threads/posts (Limitations: "
        "500 characters, emojis are counted as the number of UTF-8 bytes; carousel of up "
        "to 20 items); .../threads/create-posts/text-attachments (at most 5 links)",
    ),
    Network.LINKEDIN: Limits(
        Network.LINKEDIN,
        3000,
        "codepoints",
        None,
        media=MediaRules(20, _IMG_VID, 36_000_000, 500_000_000),
        source="https://learn.microsoft.com/linkedin/marketing/community-management/shares/"
        "posts-api (commentary max 3000 characters; multiImage 2–20 images)",
    ),
    Network.INSTAGRAM: Limits(
        Network.INSTAGRAM,
        2200,
        "codepoints",
        None,
        max_hashtags=30,
        links_clickable=False,
        media=MediaRules(
            10, frozenset({"jpg", "jpeg", "mp4", "mov"}), 8_000_000, 1_000_000_000, (0.8, 1.91)
        ),
        source="https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/"
        "reference/ig-user/media (caption 2200 chars, JPEG ≤ 8 MB, aspect 4:5 to 1.91:1, "
        "carousel ≤ 10); hashtags: 5 per post or reel since Instagram's December 2025 "
        "announcement (was 30)",
    ),
    Network.FACEBOOK: Limits(
        Network.FACEBOOK,
        63206,
        "codepoints",
        None,
        media=MediaRules(10, _IMG_VID, 4_000_000, 1_000_000_000),
        source="https://developers.facebook.com/docs/graph-api/reference/page/feed "
        "(message up to 63,206 characters; photos ≤ 4 MB)",
    ),
    Network.TELEGRAM: Limits(
        Network.TELEGRAM,
        4096,
        "utf16",
        None,
        caption_chars=1024,
        media=MediaRules(10, _IMG_VID, 10_000_000, 50_000_000),
        source="https://core.telegram.org/bots/api#sendmessage (text 1-4096, caption 0-1024 "
        "characters after entities parsing; sendMediaGroup 2-10 items; photo ≤ 10 MB)",
    ),
    Network.DISCORD: Limits(
        Network.DISCORD,
        2000,
        "codepoints",
        None,
        media=MediaRules(10, _IMG_VID, 10_000_000, 10_000_000),
        source="https://discord.com/developers/docs/resources/webhook#execute-webhook "
        "(content up to 2000 characters, 10 embeds/files, 10 MiB upload)",
    ),
}


def parse_network(value: str) -> Network | None:
    try:
        return Network(value.strip().lower())
    except ValueError:
        return {
            "twitter": Network.X,
            "bsky": Network.BLUESKY,
            "fb": Network.FACEBOOK,
            "ig": Network.INSTAGRAM,
        }.get(value.strip().lower())

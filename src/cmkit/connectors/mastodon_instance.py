"""A Mastodon instance's own limits, read from `/api/v2/instance` and kept on disk.

Instances differ: 500 characters on most, 5,000 or more on some, other media
limits. cmkit reads them whenever it talks to the instance (`cmkit accounts
check`, `cmkit publish`) and keeps them in `$XDG_CACHE_HOME/cmkit/mastodon/`, so
`cmkit check` — which never touches the network — counts with the real figures.
Without a cached copy, the stock defaults from cmkit.networks apply.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..networks import LIMITS, Network

MAX_AGE = 7 * 86400.0  # instances rarely change their limits; a week-old copy is fine
_STOCK = LIMITS[Network.MASTODON]


@dataclass(frozen=True)
class InstanceLimits:
    max_characters: int = _STOCK.max_chars
    characters_reserved_per_url: int = _STOCK.url_length or 23
    max_media_attachments: int = _STOCK.media.max_count
    image_size_limit: int = _STOCK.media.max_image_bytes
    image_matrix_limit: int | None = None  # width × height
    video_size_limit: int = _STOCK.media.max_video_bytes
    description_limit: int = 1500
    supported_mime_types: tuple[str, ...] = field(default_factory=tuple)  # empty: unknown
    version: str = ""
    source: str = "stock defaults"  # "instance (fetched …)" once read from the server

    @classmethod
    def from_instance(cls, body: dict[str, Any]) -> InstanceLimits:
        config = body.get("configuration") or {}
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        stock = cls()

        def number(section: dict[str, Any], key: str, default: int) -> int:
            value = section.get(key)
            return value if isinstance(value, int) and value > 0 else default

        matrix = media.get("image_matrix_limit")
        return cls(
            max_characters=number(statuses, "max_characters", stock.max_characters),
            characters_reserved_per_url=number(
                statuses, "characters_reserved_per_url", stock.characters_reserved_per_url
            ),
            max_media_attachments=number(
                statuses, "max_media_attachments", stock.max_media_attachments
            ),
            image_size_limit=number(media, "image_size_limit", stock.image_size_limit),
            image_matrix_limit=matrix if isinstance(matrix, int) and matrix > 0 else None,
            video_size_limit=number(media, "video_size_limit", stock.video_size_limit),
            description_limit=number(media, "description_limit", stock.description_limit),
            supported_mime_types=tuple(
                str(m) for m in media.get("supported_mime_types") or () if isinstance(m, str)
            ),
            version=str(body.get("version", "")),
            source=f"{body.get('domain', 'instance')} (read {time.strftime('%Y-%m-%d')})",
        )


def cache_path(instance: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    host = urlsplit(instance).netloc or instance
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in host.lower())
    return Path(base) / "cmkit" / "mastodon" / f"{safe}.json"


def cached(instance: str) -> InstanceLimits | None:
    """The limits last read from this instance, if recent enough; never touches the network."""
    path = cache_path(instance)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if time.time() - float(data["saved"]) > MAX_AGE:
            return None
        limits = data["limits"]
        limits["supported_mime_types"] = tuple(limits.get("supported_mime_types", ()))
        return InstanceLimits(**limits)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(instance: str, limits: InstanceLimits) -> None:
    path = cache_path(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"saved": time.time(), "instance": instance, "limits": asdict(limits)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".instance-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        Path(tmp).replace(path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)

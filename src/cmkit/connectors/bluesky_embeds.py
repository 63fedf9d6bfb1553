"""What a Bluesky post carries besides text: images with alt text, or a link card.

Images over the blob limit are replaced by a variant that fits (cmkit.media),
never refused. A link card (`app.bsky.embed.external`) is built from the page's
OpenGraph tags, read without the UTM parameters so cmkit's own visit does not
count as campaign traffic; if the page cannot be read, the card still goes out
with the post's title or the link's address.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import TYPE_CHECKING, Any

from .. import media
from ..diagnostics import CmkitError
from .atproto_facets import short_display, strip_tracking

if TYPE_CHECKING:
    from .base import MediaFile
    from .bluesky import BlueskyConnector

BLOB_LIMIT = 1_000_000  # app.bsky.embed.images#image and external thumb: maxSize
THUMB_SIDE = 2000


def image_rule(connector: BlueskyConnector) -> media.FitRule:
    formats = connector.limits.media.formats if connector.limits else None
    return media.FitRule(max_bytes=BLOB_LIMIT, formats=formats)


def images_embed(connector: BlueskyConnector, images: list[MediaFile]) -> dict[str, Any]:
    items = []
    for item in images[:4]:
        fitted = media.fit_media(item, image_rule(connector))
        info = media.probe(fitted.path)
        blob = connector.agent.upload(fitted.path.read_bytes(), info.mime)
        items.append(
            {
                "image": blob,
                "alt": item.alt or "",
                "aspectRatio": {"width": info.width, "height": info.height},
            }
        )
    return {"$type": "app.bsky.embed.images", "images": items}


def link_card(connector: BlueskyConnector, link: str, title: str | None) -> dict[str, Any]:
    from . import opengraph

    page = strip_tracking(link)
    preview = opengraph.fetch(page)
    external: dict[str, Any] = {
        "uri": link,
        "title": preview.title or title or short_display(link),
        "description": preview.description,
    }
    if preview.image:
        thumb = _thumb(connector, preview.image)
        if thumb is not None:
            external["thumb"] = thumb
    return {"$type": "app.bsky.embed.external", "external": external}


def _thumb(connector: BlueskyConnector, url: str) -> dict[str, Any] | None:
    """The card's image, uploaded; None when it cannot be had (the card goes out without)."""
    from . import opengraph

    fetched = opengraph.fetch_image(url)
    if fetched is None:
        return None
    data, mime = fetched
    ext = mimetypes.guess_extension(mime) or ".img"
    folder = media.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"card-{hashlib.sha256(data).hexdigest()[:20]}{ext}"
    if not source.is_file():
        source.write_bytes(data)
    try:
        info = media.fit(
            source,
            media.FitRule(
                max_bytes=BLOB_LIMIT,
                max_side=THUMB_SIDE,
                formats=frozenset({"jpeg", "png", "webp"}),
            ),
        )
    except CmkitError:
        return None  # not an image we can read: a card without a picture is still a card
    return connector.agent.upload(info.path.read_bytes(), info.mime)

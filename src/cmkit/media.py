"""Images as each network wants them: probe a file, then make a variant that fits.

A network refuses an image over its byte limit (Bluesky: 1,000,000 bytes) or
outside its aspect range (Instagram: 4:5 to 1.91:1). `fit(path, rule)` returns
the file itself when it already fits, otherwise a variant — cropped or padded to
the aspect range, scaled down, recompressed — made once into
`$XDG_CACHE_HOME/cmkit/media/`, keyed by the source's content hash and the rule,
so later runs reuse it and the user's files are never touched. Variants carry no
EXIF metadata (a phone photo's GPS position does not go out with them).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .diagnostics import CmkitError

if TYPE_CHECKING:
    from PIL.Image import Image

    from .connectors.base import MediaFile

MIME = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
_EXT = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}
_QUALITIES = (90, 84, 78, 70, 62)
_MIN_SIDE = 320  # below this a variant is useless: better to ask for another file


@dataclass(frozen=True)
class ImageInfo:
    path: Path
    format: str  # "jpeg", "png", "gif", "webp"…, lower case
    bytes: int
    width: int
    height: int
    animated: bool = False
    has_alpha: bool = False

    @property
    def mime(self) -> str:
        return MIME.get(self.format, f"image/{self.format}")

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0


@dataclass(frozen=True)
class FitRule:
    """What a network accepts. None: no constraint of that kind."""

    max_bytes: int | None = None
    aspect_range: tuple[float, float] | None = None  # width / height, inclusive
    max_side: int | None = None  # longest side in pixels
    max_pixels: int | None = None  # width × height (Mastodon's image_matrix_limit)
    formats: frozenset[str] | None = None  # accepted formats ("jpeg", "png"…)
    aspect_mode: Literal["crop", "pad"] = "crop"

    def key(self) -> str:
        """A readable, stable name for the rule, part of the variant's file name."""
        parts = []
        if self.max_bytes:
            parts.append(f"b{self.max_bytes}")
        if self.aspect_range:
            parts.append(f"a{self.aspect_range[0]:g}-{self.aspect_range[1]:g}{self.aspect_mode}")
        if self.max_side:
            parts.append(f"s{self.max_side}")
        if self.max_pixels:
            parts.append(f"p{self.max_pixels}")
        if self.formats:
            parts.append("f" + "+".join(sorted(self.formats)))
        return "_".join(parts) or "as-is"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmkit" / "media"


def _normal_format(name: str) -> str:
    name = name.lower()
    return "jpeg" if name in ("jpg", "jpeg", "mpo") else name


def probe(path: Path, size: int = -1, mtime_ns: int = 0) -> ImageInfo:
    """Format, size and dimensions of an image (EXIF rotation applied to the dimensions).

    `size` and `mtime_ns`, when the caller has just read them, save a `stat`."""
    if size < 0:
        try:
            stat = path.stat()
        except OSError as exc:
            raise CmkitError(
                f"cannot read image {path}: {exc.strerror}", "check the path"
            ) from None
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
    # the same picture is probed once per network and per post using it: remember it
    # for as long as the file is unchanged
    return _probe(path, size, mtime_ns)


@lru_cache(maxsize=1024)
def _probe(path: Path, size: int, mtime_ns: int) -> ImageInfo:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
            if orientation in (5, 6, 7, 8):  # rotated a quarter turn: shown sideways
                width, height = height, width
            return ImageInfo(
                path=path,
                format=_normal_format(image.format or path.suffix.lstrip(".")),
                bytes=size,
                width=width,
                height=height,
                animated=bool(getattr(image, "is_animated", False)),
                has_alpha=image.mode in ("RGBA", "LA", "PA")
                or (image.mode == "P" and "transparency" in image.info),
            )
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise CmkitError(
            f"cannot read image {path}: {exc}", "export it again as JPEG or PNG"
        ) from None


def problems(info: ImageInfo, rule: FitRule) -> list[str]:
    """What keeps the image from being sent as is, in words; empty when it fits."""
    found = []
    if rule.formats and info.format not in {_normal_format(f) for f in rule.formats}:
        found.append(f"format {info.format} is not accepted")
    if rule.max_bytes and info.bytes > rule.max_bytes:
        found.append(f"{info.bytes:,} bytes, over {rule.max_bytes:,}")
    if rule.aspect_range and not _aspect_ok(info.aspect, rule.aspect_range):
        lo, hi = rule.aspect_range
        found.append(f"aspect {info.aspect:.2f} outside {lo:g}–{hi:g}")
    if rule.max_side and max(info.width, info.height) > rule.max_side:
        found.append(f"{info.width}×{info.height} px, over {rule.max_side} px")
    if rule.max_pixels and info.width * info.height > rule.max_pixels:
        found.append(f"{info.width}×{info.height} px, over {rule.max_pixels:,} pixels")
    return found


def _aspect_ok(aspect: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] - 1e-3 <= aspect <= bounds[1] + 1e-3


def fit(path: Path, rule: FitRule) -> ImageInfo:
    """The image itself if it fits `rule`, else a cached variant that does."""
    info = probe(path)
    if not problems(info, rule):
        return info
    if info.animated:
        raise CmkitError(
            f"{path.name} is animated and {'; '.join(problems(info, rule))}",
            "export a smaller animation, or a still image",
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    stem = f"{digest}-{rule.key()}"
    folder = cache_dir()
    for ext in ("jpg", "png", "webp"):
        cached = folder / f"{stem}.{ext}"
        if cached.is_file():
            return probe(cached)
    return _make_variant(info, rule, folder, stem)


def fit_media(media: MediaFile, rule: FitRule) -> MediaFile:
    """`fit` for a connector's MediaFile: same alt text, the variant's path and type."""
    from .connectors.base import MediaFile

    info = fit(media.path, rule)
    if info.path == media.path:
        return media
    return MediaFile(info.path, media.alt, info.mime)


def _target_format(info: ImageInfo, rule: FitRule) -> str:
    accepted = {_normal_format(f) for f in rule.formats} if rule.formats else None

    def ok(fmt: str) -> bool:
        return accepted is None or fmt in accepted

    if info.format in ("jpeg", "png", "webp") and ok(info.format):
        too_big = bool(rule.max_bytes) and info.bytes > (rule.max_bytes or 0)
        # an opaque PNG over the limit (a photo saved as PNG) is far smaller as JPEG
        if info.format == "png" and too_big and not info.has_alpha and ok("jpeg"):
            return "jpeg"
        return info.format
    if info.has_alpha and ok("png"):
        return "png"  # JPEG would turn transparent areas black
    return "jpeg" if ok("jpeg") else sorted(accepted or {"jpeg"})[0]


def _make_variant(info: ImageInfo, rule: FitRule, folder: Path, stem: str) -> ImageInfo:
    from PIL import Image, ImageOps

    target = _target_format(info, rule)
    with Image.open(info.path) as opened:
        icc = opened.info.get("icc_profile")
        image: Image.Image = ImageOps.exif_transpose(opened)
        image.load()
    image = _to_mode(image, target)
    if rule.aspect_range and not _aspect_ok(image.width / image.height, rule.aspect_range):
        image = _reshape(image, rule.aspect_range, rule.aspect_mode)
    if rule.max_side and max(image.size) > rule.max_side:
        image.thumbnail((rule.max_side, rule.max_side), Image.Resampling.LANCZOS)
    if rule.max_pixels and image.width * image.height > rule.max_pixels:
        scale = (rule.max_pixels / (image.width * image.height)) ** 0.5
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    data = _encode_within(image, target, rule.max_bytes, icc)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{stem}.{_EXT[target]}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".variant-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(dest)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise
    return probe(dest)


def _to_mode(image: Image, target: str) -> Image:
    from PIL import Image as PILImage

    if target == "png":
        return image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _reshape(image: Image, bounds: tuple[float, float], mode: str) -> Image:
    from PIL import Image as PILImage

    width, height = image.size
    aspect = min(max(width / height, bounds[0]), bounds[1])
    if mode == "pad":
        new_w, new_h = max(width, round(height * aspect)), max(height, round(width / aspect))
        fill = (255, 255, 255, 0) if image.mode == "RGBA" else "white"
        canvas = PILImage.new(image.mode, (new_w, new_h), fill)
        canvas.paste(image, ((new_w - width) // 2, (new_h - height) // 2))
        return canvas
    new_w, new_h = min(width, round(height * aspect)), min(height, round(width / aspect))
    left, top = (width - new_w) // 2, (height - new_h) // 2
    return image.crop((left, top, left + new_w, top + new_h))


def _encode(image: Image, target: str, quality: int, icc: bytes | None) -> bytes:
    import io

    buffer = io.BytesIO()
    options: dict[str, object] = {"optimize": True}
    if icc:
        options["icc_profile"] = icc
    if target in ("jpeg", "webp"):
        options["quality"] = quality
    if target == "jpeg":
        options["progressive"] = True
    image.save(buffer, format=target.upper(), **options)
    return buffer.getvalue()


def _encode_within(image: Image, target: str, max_bytes: int | None, icc: bytes | None) -> bytes:
    """Lower the quality first, then the size, until the file fits in max_bytes."""
    from PIL import Image as PILImage

    qualities = _QUALITIES if target in ("jpeg", "webp") else (0,)
    while True:
        for quality in qualities:
            data = _encode(image, target, quality, icc)
            if not max_bytes or len(data) <= max_bytes:
                return data
        assert max_bytes  # without a byte limit the first encoding is returned
        if min(image.size) <= _MIN_SIDE:
            raise CmkitError(
                f"cannot bring the image under {max_bytes:,} bytes without making it tiny",
                "export a simpler or smaller image",
            )
        # bytes grow with the area: scale each side by the square root of the excess
        scale = min(0.9, max(0.5, (max_bytes / len(data)) ** 0.5))
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, PILImage.Resampling.LANCZOS)

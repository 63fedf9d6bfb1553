"""Image variants: what a network would refuse becomes a file it accepts, cached, EXIF-free."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from cmkit import media
from cmkit.connectors.base import MediaFile
from cmkit.diagnostics import CmkitError


def noisy_jpeg(path: Path, size: tuple[int, int], *, gps: bool = False) -> Path:
    """A photo-like JPEG: random noise compresses badly, as real photos do."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 7.0)}  # GPSInfo: Paris
        exif[0x010F] = "PhoneMaker"
    image.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def test_probe_reads_format_size_and_dimensions(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "a.jpg", (640, 480))
    info = media.probe(path)
    assert (info.format, info.mime, info.width, info.height) == ("jpeg", "image/jpeg", 640, 480)
    assert info.bytes == path.stat().st_size
    assert not info.animated and not info.has_alpha


def test_probe_swaps_dimensions_of_a_rotated_phone_photo(tmp_path: Path) -> None:
    path = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    Image.new("RGB", (400, 300), "red").save(path, "JPEG", exif=exif.tobytes())
    info = media.probe(path)
    assert (info.width, info.height) == (300, 400)


def test_unreadable_image_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"not an image at all")
    with pytest.raises(CmkitError, match=r"cannot read image .*broken\.jpg"):
        media.probe(path)


def test_an_image_that_fits_is_returned_as_is(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "small.jpg", (200, 200))
    info = media.fit(path, media.FitRule(max_bytes=1_000_000))
    assert info.path == path
    assert not media.cache_dir().exists() or not any(media.cache_dir().iterdir())


def test_over_the_byte_limit_gives_a_cached_variant_under_it(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "big.jpg", (1600, 1200), gps=True)
    assert path.stat().st_size > 1_000_000
    rule = media.FitRule(max_bytes=1_000_000)
    info = media.fit(path, rule)
    assert info.path != path
    assert info.path.parent == media.cache_dir()
    assert info.bytes <= 1_000_000
    assert info.format == "jpeg"
    assert info.width / info.height == pytest.approx(1600 / 1200, rel=0.01)
    with Image.open(info.path) as variant:
        assert 0x8825 not in variant.getexif(), "GPS position must not leave with the variant"
    # the second run reuses the variant instead of recompressing again
    stamp = info.path.stat().st_mtime_ns
    again = media.fit(path, rule)
    assert again.path == info.path and again.path.stat().st_mtime_ns == stamp
    assert path.read_bytes()[:2] == b"\xff\xd8", "the original is untouched"


def test_transparent_png_stays_png_and_keeps_its_alpha(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    noise = Image.frombytes("RGBA", (900, 900), os.urandom(900 * 900 * 4))
    noise.save(path, "PNG")
    info = media.fit(path, media.FitRule(max_bytes=600_000))
    assert info.format == "png" and info.has_alpha
    assert info.bytes <= 600_000


def test_opaque_png_over_the_limit_becomes_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "screenshot.png"
    Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(path, "PNG")
    info = media.fit(path, media.FitRule(max_bytes=900_000))
    assert info.format == "jpeg" and info.bytes <= 900_000


def test_aspect_range_crops_to_the_nearest_accepted_shape(tmp_path: Path) -> None:
    path = tmp_path / "pano.jpg"
    Image.new("RGB", (3000, 1000), "blue").save(path, "JPEG")
    info = media.fit(path, media.FitRule(aspect_range=(0.8, 1.91)))
    assert info.aspect == pytest.approx(1.91, abs=0.01)
    assert info.height == 1000


def test_aspect_range_pads_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "tall.png"
    Image.new("RGB", (500, 1000), "green").save(path, "PNG")
    info = media.fit(path, media.FitRule(aspect_range=(0.8, 1.91), aspect_mode="pad"))
    assert (info.width, info.height) == (800, 1000)
    with Image.open(info.path) as img:
        assert img.convert("RGB").getpixel((5, 500)) == (255, 255, 255)
        assert img.convert("RGB").getpixel((400, 500)) == (0, 128, 0)


def test_format_not_accepted_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "pic.webp"
    Image.new("RGB", (300, 300), "red").save(path, "WEBP")
    info = media.fit(path, media.FitRule(formats=frozenset({"jpg", "png"})))
    assert info.format == "jpeg"


def test_max_side_scales_down(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "huge.jpg", (4000, 1000))
    info = media.fit(path, media.FitRule(max_side=2000))
    assert (info.width, info.height) == (2000, 500)


def test_animated_gif_over_the_limit_asks_for_another_file(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    frames = [Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3)) for _ in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(CmkitError, match="animated") as caught:
        media.fit(path, media.FitRule(max_bytes=10_000))
    assert "smaller" in caught.value.hint


def test_fit_media_keeps_alt_text(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "big.jpg", (1400, 1000))
    item = MediaFile(path, "Une bûche de Noël", "image/jpeg")
    fitted = media.fit_media(item, media.FitRule(max_bytes=500_000))
    assert fitted.alt == "Une bûche de Noël"
    assert fitted.path.stat().st_size <= 500_000 and fitted.mime == "image/jpeg"
    assert media.fit_media(item, media.FitRule()) is item


def test_problems_say_what_is_wrong(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "big.jpg", (1600, 400))
    info = media.probe(path)
    found = media.problems(info, media.FitRule(max_bytes=1000, aspect_range=(0.8, 1.91)))
    assert any("over 1,000" in p for p in found)
    assert any("aspect 4.00" in p for p in found)


def test_max_pixels_scales_the_area_down(tmp_path: Path) -> None:
    path = noisy_jpeg(tmp_path / "wide.jpg", (3000, 1000))
    info = media.fit(path, media.FitRule(max_pixels=750_000))
    assert info.width * info.height <= 750_000
    assert info.width / info.height == pytest.approx(3.0, rel=0.01)
    assert media.fit(path, media.FitRule(max_pixels=3_000_000)).path == path

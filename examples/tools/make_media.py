"""Draw the example workspace's pictures: small, real JPEGs a post can point at.

Run from the repository root: `.venv/bin/python examples/tools/make_media.py`.
Each picture is a warm gradient, a simple drawn motif and one French word, at the
sizes Instagram accepts (1080×1350 portrait, 1080×1080 square), under 150 KB.
The caption font is DejaVu Serif (fonts-dejavu), for its French accents.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

AGENCY = Path(__file__).resolve().parents[1] / "agency" / "clients"
PORTRAIT = (1080, 1350)
SQUARE = (1080, 1080)

Colour = tuple[int, int, int]
CREAM: Colour = (250, 240, 222)
CRUST: Colour = (176, 104, 48)
DARK: Colour = (92, 52, 28)
GOLD: Colour = (232, 170, 60)
RED: Colour = (178, 48, 42)
GREEN: Colour = (60, 110, 70)

# (client, file, size, top colour, bottom colour, motif, word)
PICTURES = [
    (
        "boulangerie-martin",
        "levain.jpg",
        PORTRAIT,
        (240, 200, 140),
        (196, 128, 70),
        "epi",
        "Levain",
    ),
    (
        "boulangerie-martin",
        "fournil-5h.jpg",
        SQUARE,
        (70, 40, 30),
        (200, 110, 50),
        "pain",
        "Fournil",
    ),
    (
        "boulangerie-martin",
        "pain-aux-noix.jpg",
        PORTRAIT,
        (226, 190, 150),
        (140, 80, 50),
        "pain",
        "Noix",
    ),
    (
        "boulangerie-martin",
        "buches-1.jpg",
        PORTRAIT,
        (245, 222, 200),
        (150, 90, 60),
        "buche",
        "Praliné",
    ),
    (
        "boulangerie-martin",
        "buches-2.jpg",
        PORTRAIT,
        (240, 215, 190),
        (120, 70, 50),
        "buche",
        "Marrons",
    ),
    (
        "boulangerie-martin",
        "buches-3.jpg",
        PORTRAIT,
        (250, 220, 215),
        (180, 60, 70),
        "buche",
        "Framboise",
    ),
    (
        "boulangerie-martin",
        "equipe-lea.jpg",
        PORTRAIT,
        (250, 225, 190),
        (210, 140, 90),
        "portrait",
        "Léa",
    ),
    (
        "boulangerie-martin",
        "avent-j1.jpg",
        SQUARE,
        (150, 40, 40),
        (230, 150, 60),
        "etoile",
        "Avent",
    ),
    (
        "boulangerie-martin",
        "concours-noel.jpg",
        PORTRAIT,
        (170, 40, 40),
        (240, 170, 80),
        "cadeau",
        "Concours",
    ),
    (
        "boulangerie-martin",
        "horaires-fetes.jpg",
        PORTRAIT,
        (60, 90, 70),
        (230, 200, 150),
        "horloge",
        "Horaires",
    ),
    (
        "boulangerie-martin",
        "lumignons.jpg",
        PORTRAIT,
        (30, 30, 60),
        (200, 120, 50),
        "bougie",
        "Lumières",
    ),
    (
        "boulangerie-martin",
        "buche-du-chef.jpg",
        PORTRAIT,
        (245, 230, 210),
        (110, 60, 40),
        "buche",
        "Bûche",
    ),
    (
        "boulangerie-martin",
        "pain-epices.jpg",
        SQUARE,
        (220, 160, 90),
        (150, 70, 40),
        "etoile",
        "Épices",
    ),
    (
        "boulangerie-martin",
        "praline-1.jpg",
        PORTRAIT,
        (235, 205, 170),
        (160, 100, 60),
        "epi",
        "Pralin",
    ),
    (
        "boulangerie-martin",
        "praline-2.jpg",
        PORTRAIT,
        (235, 205, 170),
        (120, 70, 45),
        "buche",
        "Montage",
    ),
    (
        "cafe-erable",
        "latte-erable.jpg",
        PORTRAIT,
        (245, 220, 190),
        (180, 90, 40),
        "tasse",
        "Érable",
    ),
    (
        "cafe-erable",
        "grains-ethiopie.jpg",
        SQUARE,
        (230, 200, 160),
        (90, 50, 30),
        "grain",
        "Éthiopie",
    ),
    ("cafe-erable", "menu-fetes.jpg", PORTRAIT, (40, 70, 90), (220, 190, 160), "flocon", "Fêtes"),
    (
        "cafe-erable",
        "guignolee.jpg",
        PORTRAIT,
        (170, 40, 40),
        (240, 200, 150),
        "cadeau",
        "Guignolée",
    ),
]


def gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def star(
    cx: float, cy: float, outer: float, inner: float, points: int = 5
) -> list[tuple[float, float]]:
    out = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / points * i - math.pi / 2
        out.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return out


def draw_motif(draw: ImageDraw.ImageDraw, motif: str, cx: int, cy: int) -> None:
    if motif == "pain":
        draw.ellipse([cx - 380, cy - 110, cx + 380, cy + 110], fill=CRUST, outline=DARK, width=8)
        for dx in (-220, -80, 60, 200):
            draw.line([(cx + dx - 50, cy + 55), (cx + dx + 50, cy - 55)], fill=GOLD, width=16)
    elif motif == "epi":
        draw.line([(cx, cy + 300), (cx, cy - 260)], fill=DARK, width=14)
        for i in range(6):
            y = cy - 220 + i * 80
            for side in (-1, 1):
                draw.ellipse(
                    [cx + side * 70 - 45, y - 30, cx + side * 70 + 45, y + 30],
                    fill=GOLD,
                    outline=DARK,
                    width=5,
                )
    elif motif == "buche":
        draw.rounded_rectangle([cx - 360, cy - 130, cx + 300, cy + 130], radius=60, fill=DARK)
        for x in range(cx - 320, cx + 280, 70):
            draw.arc([x - 40, cy - 120, x + 40, cy + 120], 250, 290, fill=CRUST, width=8)
        draw.ellipse([cx + 220, cy - 130, cx + 400, cy + 130], fill=CRUST, outline=DARK, width=8)
        for r in (100, 70, 40):
            draw.ellipse(
                [cx + 310 - r * 0.7, cy - r, cx + 310 + r * 0.7, cy + r], outline=DARK, width=6
            )
        draw.polygon(star(cx - 150, cy - 170, 50, 20), fill=GOLD)
    elif motif == "etoile":
        draw.polygon(star(cx, cy, 320, 130), fill=GOLD, outline=DARK)
        draw.ellipse([cx - 60, cy - 60, cx + 60, cy + 60], fill=CREAM)
    elif motif == "cadeau":
        draw.rectangle([cx - 260, cy - 180, cx + 260, cy + 240], fill=RED, outline=DARK, width=8)
        draw.rectangle([cx - 30, cy - 180, cx + 30, cy + 240], fill=GOLD)
        draw.rectangle([cx - 290, cy - 260, cx + 290, cy - 180], fill=RED, outline=DARK, width=8)
        draw.ellipse([cx - 150, cy - 360, cx - 10, cy - 260], outline=GOLD, width=22)
        draw.ellipse([cx + 10, cy - 360, cx + 150, cy - 260], outline=GOLD, width=22)
    elif motif == "horloge":
        draw.ellipse([cx - 300, cy - 300, cx + 300, cy + 300], fill=CREAM, outline=DARK, width=14)
        for hour in range(12):
            angle = math.pi / 6 * hour
            x1, y1 = cx + 250 * math.sin(angle), cy - 250 * math.cos(angle)
            x2, y2 = cx + 280 * math.sin(angle), cy - 280 * math.cos(angle)
            draw.line([(x1, y1), (x2, y2)], fill=DARK, width=10)
        draw.line([(cx, cy), (cx, cy - 200)], fill=DARK, width=16)
        draw.line([(cx, cy), (cx + 150, cy + 40)], fill=RED, width=12)
    elif motif == "bougie":
        for dx in (-260, 0, 260):
            draw.rounded_rectangle(
                [cx + dx - 70, cy - 60, cx + dx + 70, cy + 200],
                radius=16,
                fill=CREAM,
                outline=GOLD,
                width=6,
            )
            draw.ellipse([cx + dx - 30, cy - 170, cx + dx + 30, cy - 70], fill=GOLD)
            draw.ellipse([cx + dx - 14, cy - 130, cx + dx + 14, cy - 80], fill=(255, 245, 200))
    elif motif == "portrait":
        draw.ellipse([cx - 150, cy - 330, cx + 150, cy - 30], fill=CRUST)
        draw.pieslice([cx - 300, cy - 20, cx + 300, cy + 560], 180, 360, fill=DARK)
        draw.rectangle([cx - 170, cy - 380, cx + 170, cy - 300], fill=CREAM)  # baker's cap
    elif motif == "tasse":
        draw.rounded_rectangle(
            [cx - 240, cy - 160, cx + 200, cy + 220], radius=50, fill=CREAM, outline=DARK, width=10
        )
        draw.ellipse([cx + 150, cy - 90, cx + 330, cy + 110], outline=CREAM, width=40)
        draw.ellipse([cx - 220, cy - 190, cx + 180, cy - 120], fill=CRUST)
        draw_maple(draw, cx - 20, cy + 40, 110)
    elif motif == "grain":
        for dx, dy in ((-180, -170), (150, -210), (-40, 50), (220, 90), (-250, 150)):
            draw.ellipse([cx + dx - 110, cy + dy - 75, cx + dx + 110, cy + dy + 75], fill=DARK)
            draw.arc(
                [cx + dx - 60, cy + dy - 75, cx + dx + 60, cy + dy + 75],
                100,
                260,
                fill=CRUST,
                width=10,
            )
    elif motif == "flocon":
        for k in range(6):
            angle = math.pi / 3 * k
            x, y = cx + 300 * math.cos(angle), cy + 300 * math.sin(angle)
            draw.line([(cx, cy), (x, y)], fill=CREAM, width=18)
            for t in (0.5, 0.75):
                bx, by = cx + 300 * t * math.cos(angle), cy + 300 * t * math.sin(angle)
                for turn in (-0.6, 0.6):
                    draw.line(
                        [
                            (bx, by),
                            (bx + 80 * math.cos(angle + turn), by + 80 * math.sin(angle + turn)),
                        ],
                        fill=CREAM,
                        width=12,
                    )
    else:
        raise ValueError(f"unknown motif {motif}")


def draw_maple(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float) -> None:
    # a stylised eleven-point maple leaf, good enough at thumbnail size
    shape = [
        (0, -1),
        (0.18, -0.62),
        (0.42, -0.75),
        (0.35, -0.35),
        (0.85, -0.45),
        (0.7, -0.1),
        (0.95, 0.05),
        (0.45, 0.35),
        (0.5, 0.55),
        (0.05, 0.45),
        (0.05, 0.9),
        (-0.05, 0.9),
        (-0.05, 0.45),
        (-0.5, 0.55),
        (-0.45, 0.35),
        (-0.95, 0.05),
        (-0.7, -0.1),
        (-0.85, -0.45),
        (-0.35, -0.35),
        (-0.42, -0.75),
        (-0.18, -0.62),
    ]
    draw.polygon([(cx + x * size, cy + y * size) for x, y in shape], fill=RED)


def caption_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu has the accents French needs (É, è, û); Pillow's bundled font does not
    for name in ("DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def picture(
    size: tuple[int, int], top: Colour, bottom: Colour, motif: str, word: str
) -> Image.Image:
    image = gradient(size, top, bottom)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw_motif(draw, motif, width // 2, int(height * 0.42))
    font = caption_font(120)
    box = draw.textbbox((0, 0), word, font=font)
    x = (width - (box[2] - box[0])) // 2
    y = int(height * 0.8) - (box[3] - box[1]) // 2
    draw.rounded_rectangle(
        [x - 40, y - 20, x + box[2] - box[0] + 40, y + box[3] + 30], radius=30, fill=CREAM
    )
    draw.text((x - box[0], y), word, font=font, fill=DARK)
    return image


def main() -> None:
    total = 0
    for client, name, size, top, bottom, motif, word in PICTURES:
        path = AGENCY / client / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        picture(size, top, bottom, motif, word).save(
            path, "JPEG", quality=82, optimize=True, progressive=True
        )
        kb = path.stat().st_size / 1024
        total += path.stat().st_size
        assert kb <= 150, f"{path} is {kb:.0f} KB"
        print(f"{path.relative_to(AGENCY.parent)}  {size[0]}×{size[1]}  {kb:.0f} KB")
    print(f"{len(PICTURES)} pictures, {total / 1024:.0f} KB")


if __name__ == "__main__":
    main()

"""Generate a large, realistic workspace for benchmarks: N clients × M posts.

    python benchmarks/generate.py OUT [--clients 50] [--posts 200]

Deterministic (seeded), valid (`cmkit check` finds only a few deliberate warnings),
and shaped like a real agency: four networks per client, slots, a charter, images.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

NETWORKS = ["instagram", "facebook", "linkedin", "bluesky", "mastodon"]
PILLARS = ["produits", "coulisses", "communaute", "conseils"]
WORDS = [
    "pain",
    "levain",
    "croissant",
    "fournée",
    "farine",
    "artisan",
    "matin",
    "quartier",
    "équipe",
    "recette",
    "saison",
    "Noël",
    "chocolat",
    "beurre",
    "four",
    "tradition",
    "partage",
    "goût",
    "dimanche",
    "marché",
]


def jpeg() -> bytes:
    """A real square JPEG, small on disk: the media rules see a picture every network takes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (214, 140, 69)).save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def client_files(slug: str, rng: random.Random) -> dict[str, str]:
    networks = rng.sample(NETWORKS, 4)
    accounts = "".join(
        f'  {n}:\n    handle: "@{slug}"\n    token_env: {slug.upper().replace("-", "_")}_'
        f"{n.upper()}\n"
        + ("    instance: https://mastodon.example\n" if n == "mastodon" else "")
        + ('    id: "urn:li:organization:1"\n' if n == "linkedin" else "")
        for n in networks
    )
    return {
        "client.yaml": f"name: Client {slug}\ntimezone: Europe/Paris\ncountry: FR\n"
        f"locales: [fr-FR]\nmedia_base_url: https://{slug}.example/media/\n"
        f"accounts:\n{accounts}",
        "strategy.yaml": "period: {start: 2026-01-01, end: 2026-12-31}\nobjectives:\n"
        "  - {metric: followers, network: " + networks[0] + ", baseline: 1000, "
        "target: 1300, deadline: 2026-12-31}\npillars:\n"
        + "".join(f"  - {{id: {p}, share: 25}}\n" for p in PILLARS),
        "charter.yaml": "tone: chaleureux\nwords: {use: [artisanal], avoid: [industriel]}\n"
        "hashtags: {required: [Boulangerie], forbidden: [followforfollow], "
        "max: 6}\nemoji: {max: 4}\n",
        "calendar.yaml": "slots:\n"
        + "".join(
            f'  - {{network: {n}, days: [mon, wed, fri], time: "09:30"}}\n' for n in networks
        ),
        "_networks": ",".join(networks),
    }


def post_text(rng: random.Random, slug: str, link: bool) -> str:
    """Two or three sentences, an emoji, hashtags; now and then a link (never where
    Instagram would show it unclickable) or a mention."""
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        + rng.choice([".", ".", ",", " !", " ?"]).replace(",", ".")
        for _ in range(rng.randint(2, 3))
    ]
    text = " ".join(sentences)
    if link and rng.random() < 0.25:
        text += f"\n\nTous les détails : https://{slug}.fr/{rng.choice(WORDS)}"
    if rng.random() < 0.1:
        text += " Merci @moulin.bsky.social !"
    return f"{text} 🥖\n\n#Boulangerie #{rng.choice(WORDS).capitalize()}\n"


def generate(out: Path, clients: int, posts: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(42)
    out.mkdir(parents=True)
    (out / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    start = datetime(2026, 12, 1, 8, 0)
    picture = jpeg()
    for c in range(clients):
        slug = f"client-{c:03d}"
        folder = out / "clients" / slug
        (folder / "posts").mkdir(parents=True)
        (folder / "media").mkdir()
        files = client_files(slug, rng)
        networks = files.pop("_networks").split(",")
        for name, content in files.items():
            (folder / name).write_text(content, encoding="utf-8")
        for i in range(5):
            (folder / "media" / f"photo-{i}.jpg").write_bytes(picture)
        for p in range(posts):
            at = start + timedelta(hours=7 * p, minutes=rng.choice([0, 15, 30, 45]))
            chosen = rng.sample(networks, rng.randint(1, 3))
            # Instagram takes no post without a picture
            media = (
                ""
                if p % 3 and "instagram" not in chosen
                else (f'media:\n  - path: media/photo-{p % 5}.jpg\n    alt: "Photo {p}"\n')
            )
            variant = (
                ""
                if p % 4
                else (
                    'variants:\n  linkedin: "Une version plus longue pour '
                    'LinkedIn, avec #Boulangerie."\n'
                )
            )
            if "linkedin" not in chosen:
                variant = ""
            fmt = "image" if media else "text"
            (folder / "posts" / f"{at:%Y-%m-%d}-{p:03d}.md").write_text(
                f"---\nat: {at:%Y-%m-%d %H:%M}\nnetworks: [{', '.join(chosen)}]\n"
                f"status: {rng.choice(['approved', 'approved', 'review', 'draft'])}\n"
                f"pillar: {rng.choice(PILLARS)}\nformat: {fmt}\n{media}{variant}---\n"
                + post_text(rng, slug, "instagram" not in chosen),
                encoding="utf-8",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    generate(args.out, args.clients, args.posts)
    print(f"{args.clients * args.posts} posts in {args.out}")


if __name__ == "__main__":
    main()

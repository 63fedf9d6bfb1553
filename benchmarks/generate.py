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
# a real 1×1 JPEG: media files exist and are images, without bloating the benchmark
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e3334"
    "32ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999a"
    "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)


def client_files(slug: str, rng: random.Random) -> dict[str, str]:
    networks = rng.sample(NETWORKS, 4)
    accounts = "".join(
        f'  {n}:\n    handle: "@{slug}"\n    token_env: {slug.upper().replace("-", "_")}_'
        f"{n.upper()}\n" + ("    instance: https://mastodon.example\n" if n == "mastodon" else "")
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


def post_text(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
    return f"{words.capitalize()} 🥖 #Boulangerie #{rng.choice(WORDS).capitalize()}\n"


def generate(out: Path, clients: int, posts: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(42)
    out.mkdir(parents=True)
    (out / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    start = datetime(2026, 12, 1, 8, 0)
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
            (folder / "media" / f"photo-{i}.jpg").write_bytes(JPEG)
        for p in range(posts):
            at = start + timedelta(hours=7 * p, minutes=rng.choice([0, 15, 30, 45]))
            chosen = rng.sample(networks, rng.randint(1, 3))
            media = (
                ""
                if p % 3
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
                + post_text(rng),
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

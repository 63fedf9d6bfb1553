"""A small workspace builder for the plan's tests: one call per file, real YAML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# a real 1×1 JPEG, so media checks see an actual file
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


@dataclass
class Builder:
    root: Path

    def file(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def config(self, text: str = "timezone: Europe/Paris\nlocale: fr-FR\n") -> Builder:
        self.file("cmkit.yaml", text)
        return self

    def client(
        self,
        slug: str,
        *,
        name: str = "Boulangerie Martin",
        tz: str = "Europe/Paris",
        country: str = "FR",
        region: str | None = None,
        locale: str = "fr-FR",
        networks: tuple[str, ...] = ("instagram", "facebook", "linkedin"),
        calendar: str | None = None,
        strategy: str | None = None,
    ) -> Builder:
        accounts = "".join(f'  {n}:\n    handle: "@{slug}"\n' for n in networks)
        region_line = f'region: "{region}"\n' if region else ""
        self.file(
            f"clients/{slug}/client.yaml",
            f"name: {name}\ntimezone: {tz}\ncountry: {country}\n{region_line}"
            f"locales: [{locale}]\nmedia_base_url: https://example.org/media/\n"
            f"accounts:\n{accounts}",
        )
        if calendar is not None:
            self.file(f"clients/{slug}/calendar.yaml", calendar)
        if strategy is not None:
            self.file(f"clients/{slug}/strategy.yaml", strategy)
        return self

    def post(
        self,
        slug: str,
        post_id: str,
        at: str | None,
        *,
        status: str = "approved",
        networks: str = "[instagram]",
        body: str = "Du pain chaud ce matin #Boulangerie",
        extra: str = "",
        media: str | None = None,
    ) -> Path:
        lines = ["---"]
        if at:
            lines.append(f"at: {at}")
        lines += [f"networks: {networks}", f"status: {status}"]
        if media:
            lines += ["format: image", "media:", f"  - path: {media}", "    alt: Une photo"]
            self.file(f"clients/{slug}/{media}", JPEG)
        if extra:
            lines.append(extra.rstrip("\n"))
        lines += ["---", body, ""]
        return self.file(f"clients/{slug}/posts/{post_id}.md", "\n".join(lines))

    def published(
        self, slug: str, post_id: str, network: str, ts: str = "2026-11-20T08:00:00Z"
    ) -> None:
        path = self.root / "clients" / slug / "data" / "ledger.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "v": 1,
            "ts": ts,
            "event": "done",
            "post": post_id,
            "network": network,
            "key": "k" * 32,
            "hash": "h" * 16,
            "remote_id": "1",
            "url": None,
        }
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")

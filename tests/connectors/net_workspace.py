"""A one-client workspace for the LinkedIn, X, Telegram and Discord tests: posts written
as a community manager writes them, published through the real engine against a fake
network (an httpx MockTransport handler), and the ledger read back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

Handler = Callable[[httpx.Request], httpx.Response]


class Killed(BaseException):
    """The process dying mid-request (SIGKILL): no `except Exception` catches it."""


@dataclass
class Fault:
    """What a fake does instead of answering, the next `times` matching requests."""

    method: str
    path: re.Pattern[str]
    action: str  # respond | timeout-after | kill-before | kill-after
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


def take_fault(faults: list[Fault], request: httpx.Request) -> Fault | None:
    """The first fault matching the request, counted as used; None when there is none."""
    for fault in faults:
        if fault.times and fault.method == request.method and fault.path.search(request.url.path):
            fault.times -= 1
            return fault
    return None


@dataclass
class ClientFiles:
    """One client, `martin`, in a workspace at `root`: posts written as a community manager
    writes them, pictures made on the fly, and the ledger read back. The network tests'
    workspaces (this module's and meta_fakes') add their fake and how to publish."""

    root: Path
    image_size = (1200, 900)  # the default picture's size

    @property
    def client(self) -> Path:
        return self.root / "clients" / "martin"

    def image(self, name: str, size: tuple[int, int] | None = None, fmt: str = "JPEG") -> str:
        path = self.client / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size or self.image_size, (200, 120, 40)).save(path, fmt)
        return f"media/{name}"

    def video(self, name: str) -> str:
        path = self.client / "media" / name
        path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2048))
        return f"media/{name}"

    def post(
        self,
        post_id: str,
        networks: list[str],
        text: str,
        *,
        at: str = "2026-11-25 09:00",
        media: list[str] | tuple[str, ...] = (),
        link: str | None = None,
        thread: list[str] | tuple[str, ...] = (),
        title: str | None = None,
        campaign: str | None = None,
    ) -> None:
        front = [f"at: {at}", f"networks: [{', '.join(networks)}]", "status: approved"]
        if media:
            front.append("media:")
            front += [f"  - path: {m}\n    alt: Photo {n}" for n, m in enumerate(media, 1)]
        if link:
            front.append(f"link: {link}")
        if title:
            front.append(f"title: {json.dumps(title, ensure_ascii=False)}")
        if campaign:
            front.append(f"campaign: {campaign}")
        if thread:
            front.append("thread:")
            front += [f"  - {json.dumps(part, ensure_ascii=False)}" for part in thread]
        (self.client / "posts" / f"{post_id}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + text + "\n", encoding="utf-8"
        )

    def ledger(self) -> list[dict[str, Any]]:
        path = self.client / "data" / "ledger.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.ledger() if e["event"] == event]


@dataclass
class NetWorkspace(ClientFiles):
    handler: Handler
    waits: list[float] = field(default_factory=list)  # what the last run slept, in seconds

    @classmethod
    def create(cls, tmp: Path, handler: Handler, accounts: str, links: str = "") -> NetWorkspace:
        """`accounts` is the YAML under `accounts:` (indented two spaces)."""
        root = tmp / "agency"
        client = root / "clients" / "martin"
        (client / "posts").mkdir(parents=True)
        (client / "media").mkdir()
        (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
        (client / "client.yaml").write_text(
            "name: Boulangerie Martin\nlocales: [fr-FR]\naccounts:\n" + accounts + links,
            encoding="utf-8",
        )
        return cls(root, handler)

    def publish(self, now: str = "2026-11-25T09:05:00+01:00", **options: Any) -> Any:
        """One `cmkit publish --due` run through the engine, against the fake."""
        from cmkit import publish, workspace
        from cmkit.connectors import http

        with (
            http.override(transport=httpx.MockTransport(self.handler)),
            http.instant_sleep() as self.waits,
        ):
            ws = workspace.load(self.root)
            return publish.run(
                ws, [], publish.Options(now=datetime.fromisoformat(now), lock_wait=0, **options)
            )

    def check(self) -> list[Any]:
        """What `cmkit check` says about the posts (offline: no transport)."""
        from cmkit.lint import check_workspace

        return list(check_workspace(self.root, ["martin"], use_cache=False))

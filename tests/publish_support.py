"""Shared by the publishing tests and the benchmark: a workspace whose posts go to the
fault peer, the peer's connector registered as a plugin, and cmkit run as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
if str(PEERS) not in sys.path:
    sys.path.insert(0, str(PEERS))

from fault_peer import Fault, FaultPeer, FaultPeerConnector, install_plugin  # noqa: E402

__all__ = ["Fault", "FaultPeer", "FaultPeerConnector", "PublishWs", "install_plugin"]

TOKEN = "tok-faultpeer-Zq8mV3xLr2Pw9sKd"
TOKEN_ENV = "ACME_PEER_TOKEN"
CLIENT = "acme"


@dataclass
class PublishWs:
    """A one-client workspace (UTC) whose `network` account points at the fault peer."""

    root: Path
    plugins: Path
    network: str = "mastodon"

    @classmethod
    def create(
        cls,
        tmp: Path,
        peer_url: str,
        *,
        network: str = "mastodon",
        also: tuple[str, ...] = (),
        no_lookup: tuple[str, ...] = (),
        grace: int = 120,
        concurrency: int | None = None,
    ) -> PublishWs:
        """`network` (and `also`) go to the fault peer's connector; `no_lookup` networks to
        a variant that cannot look posts up after a crash."""
        root = tmp / "ws"
        (root / "clients" / CLIENT / "posts").mkdir(parents=True)
        publish = f"publish:\n  grace_minutes: {grace}\n"
        if concurrency:
            publish += f"  concurrency: {concurrency}\n"
        (root / "cmkit.yaml").write_text(f"timezone: UTC\nlocale: fr-FR\n{publish}")
        accounts = "".join(
            f"  {name}:\n    handle: '@acme'\n    instance: {peer_url}\n"
            f"    token_env: {TOKEN_ENV}\n"
            for name in (network, *also, *no_lookup)
        )
        (root / "clients" / CLIENT / "client.yaml").write_text(
            f"name: Acme\nlocales: [fr-FR]\naccounts:\n{accounts}"
        )
        plugins = install_plugin(tmp / "plugins", (network, *also), no_lookup)
        return cls(root, plugins, network)

    @property
    def client_dir(self) -> Path:
        return self.root / "clients" / CLIENT

    @property
    def ledger(self) -> Path:
        return self.client_dir / "data" / "ledger.jsonl"

    def add_post(
        self,
        post_id: str,
        at: str,
        text: str | None = None,
        *,
        status: str = "approved",
        networks: Iterable[str] | None = None,
        link: str | None = None,
        campaign: str | None = None,
    ) -> Path:
        nets = ", ".join(networks or [self.network])
        front = [f"at: {at}", f"networks: [{nets}]", f"status: {status}"]
        if link:
            front.append(f"link: {link}")
        if campaign:
            front.append(f"campaign: {campaign}")
        body = text if text is not None else f"Post {post_id} #acme"
        path = self.client_dir / "posts" / f"{post_id}.md"
        path.write_text("---\n" + "\n".join(front) + "\n---\n" + body + "\n", encoding="utf-8")
        return path

    def events(self) -> list[dict[str, object]]:
        if not self.ledger.exists():
            return []
        return [json.loads(line) for line in self.ledger.read_text().splitlines() if line]

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.plugins), str(PEERS)])
        env[TOKEN_ENV] = TOKEN
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "cmkit", "-w", str(self.root), *args]

    def run(self, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
        """cmkit as its own process, like cron runs it."""
        return subprocess.run(
            self.command(*args),
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

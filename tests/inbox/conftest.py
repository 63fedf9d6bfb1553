"""The inbox's peers: the Mastodon fake held to Mastodon's OpenAPI spec (shared with the
connector's tests), served in-process or over loopback HTTP for multi-process runs."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from inboxdata import write_ws
from mastodon_fake import BASE, FakeMastodon

from cmkit.connectors import http

NOW = "2026-11-25T10:00:00+01:00"  # 09:00 UTC


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMKIT_NOW", NOW)
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", FakeMastodon.token)


@pytest.fixture
def masto() -> Iterator[FakeMastodon]:
    peer = FakeMastodon()
    with http.override(transport=peer.transport()), http.instant_sleep():
        yield peer


@pytest.fixture
def inbox_ws(tmp_path: Path) -> Path:
    return write_ws(tmp_path / "ws")


class _Bridge(BaseHTTPRequestHandler):
    """Hands each HTTP request to the fake, as httpx would have, and writes its answer."""

    fake: FakeMastodon
    lock = threading.Lock()
    delay: float = 0.0

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = httpx.Request(
            self.command, f"{BASE}{self.path}", headers=list(self.headers.items()), content=body
        )
        if self.delay:
            threading.Event().wait(self.delay)
        with self.lock:  # the fake is not written for threads
            response = self.fake.handle(request)
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _relay


@pytest.fixture
def served(masto: FakeMastodon) -> Iterator[Callable[[float], str]]:
    """`start(delay)` serves the fake on loopback (each answer after `delay` seconds) and
    returns its base URL, for runs of cmkit in separate processes."""
    servers: list[ThreadingHTTPServer] = []

    def start(delay: float = 0.0) -> str:
        handler = type("Bridge", (_Bridge,), {"fake": masto, "delay": delay})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()

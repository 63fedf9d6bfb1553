"""A small social network on 127.0.0.1 that misbehaves on request, and its cmkit connector.

The peer stores posts (`POST /posts`), lists them (`GET /posts?key=K`, for recovery)
and counts them, so a test can assert each delivery exists exactly once. Faults are
queued and applied, in order, to the next `POST /posts` requests:

- `Fault("status", status=429, headers={"Retry-After": "1"})`: refuse, store nothing;
- `Fault("slow", seconds=3)`: store the post, then answer only after `seconds`
  (the client times out after the server accepted it);
- `Fault("block", accept=True)`: store the post (or not, with accept=False) and hold the
  request until `release()` — a test kills the publishing process meanwhile;
- `Fault("garbage")`: store the post, answer 200 with the request's Authorization header;
- `Fault("none")`: behave normally (to aim a later fault at a later request).

`delay` makes every answer take that long (the benchmark's slow peer). The peer
checks the bearer token and echoes it in its 401 error body, so the tests prove that
cmkit redacts what a server sends back.

`FaultPeerConnector` is the test connector: the test set-up registers it through the
`cmkit.connectors.v1` entry-point group (a dist-info folder on PYTHONPATH), exactly as
a third-party plugin would. It reads the peer's URL from the account's `instance`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cmkit.connectors.base import BaseConnector, CheckIssue, Delivery, Progress, PublishResult
from cmkit.models import Account

ENTRY_POINT = "fault_peer:FaultPeerConnector"


@dataclass
class Fault:
    kind: str  # "status", "slow", "block"
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    accept: bool = True


@dataclass
class Hit:
    at: float  # time.monotonic()
    method: str
    path: str
    status: int


class FaultPeer:
    def __init__(self, token: str | None = None, delay: float = 0.0) -> None:
        self.token = token
        self.delay = delay
        self.posts: list[dict[str, Any]] = []
        self.hits: list[Hit] = []
        self.faults: deque[Fault] = deque()
        self.blocked = 0
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- test controls ------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def release(self) -> None:
        self._release.set()

    def count_by_key(self) -> Counter[str]:
        with self._lock:
            return Counter(p["key"] for p in self.posts)

    def wait_blocked(self, count: int = 1, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while self.blocked < count:
            if time.monotonic() > deadline:
                raise TimeoutError("no request reached the blocking fault")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FaultPeer:
        peer = self

        class Handler(_Handler):
            owner = peer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FaultPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- behaviour ------------------------------------------------------------------

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _store(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            number = len(self.posts) + 1
            post = {
                "id": f"p{number}",
                "url": f"{self.url}/@test/p{number}",
                "text": body.get("text", ""),
                "key": body.get("key", ""),
                "media": body.get("media", []),
                "link": body.get("link"),
            }
            self.posts.append(post)
            return post


class _Handler(BaseHTTPRequestHandler):
    owner: FaultPeer
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        with contextlib.suppress(OSError):  # the client went away (killed, timed out)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        with self.owner._lock:
            self.owner.hits.append(Hit(time.monotonic(), self.command, self.path, status))

    def _authorized(self) -> bool:
        token = self.owner.token
        sent = self.headers.get("Authorization", "")
        if token is None or sent == f"Bearer {token}":
            return True
        self._send(401, {"error": f"invalid token in header '{sent}'"})
        return False

    def do_GET(self) -> None:
        if self.owner.delay:
            time.sleep(self.owner.delay)
        if not self._authorized():
            return
        url = urlsplit(self.path)
        if url.path != "/posts":
            self._send(404, {"error": "not found"})
            return
        keys = parse_qs(url.query).get("key")
        with self.owner._lock:
            posts = [p for p in self.owner.posts if not keys or p["key"] in keys]
        self._send(200, posts)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.owner.delay:
            time.sleep(self.owner.delay)
        if not self._authorized():
            return
        if urlsplit(self.path).path != "/posts":
            self._send(404, {"error": "not found"})
            return
        if "[refuse]" in str(body.get("text", "")):  # a permanent, content-related refusal
            self._send(422, {"error": "Validation failed: text refused by the test peer"})
            return
        fault = self.owner._next_fault()
        if fault is not None and fault.kind == "status":
            self._send(fault.status, {"error": f"injected {fault.status}"}, fault.headers)
            return
        if fault is not None and fault.kind == "block":
            post = self.owner._store(body) if fault.accept else None
            with self.owner._lock:
                self.owner.blocked += 1
            self.owner._release.wait()
            if post is not None:
                self._send(200, post)
            return
        post = self.owner._store(body)
        if fault is not None and fault.kind == "garbage":  # accepted, then an odd answer
            self._send(200, {"echo": self.headers.get("Authorization", "")})
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        self._send(200, post)


class FaultPeerConnector(BaseConnector):
    """cmkit's side of the fault peer: plain JSON over the shared HTTP client."""

    name = "faultpeer"

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        self._client: Any = None
        self._lock = threading.Lock()

    def _http(self) -> Any:
        from cmkit.connectors import http

        with self._lock:
            if self._client is None:
                self._client = http.client(
                    "faultpeer", base_url=str(self.account.instance), token=self.secret("token")
                )
            return self._client

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        issues = []
        if len(delivery.text) > 500:
            issues.append(CheckIssue("faultpeer/too-long", f"{len(delivery.text)} chars, max 500"))
        if "[check-fails]" in delivery.text:
            issues.append(CheckIssue("faultpeer/refused-offline", "the peer would refuse this"))
        return issues

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        body = {
            "text": delivery.text,
            "key": delivery.idempotency_key,
            "media": [Path(m.path).name for m in delivery.media],
            "link": delivery.link,
        }
        data = self._http().call_json("POST", "/posts", json=body)
        if "id" not in data:  # careless on purpose: the answer may echo the token
            raise ValueError(f"unexpected answer: {data}")
        return PublishResult(data["id"], data["url"])

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        data = self._http().call_json("GET", "/posts", params={"key": delivery.idempotency_key})
        return PublishResult(data[0]["id"], data[0]["url"]) if data else None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class NoLookupConnector(FaultPeerConnector):
    """The same, for a network where cmkit cannot look a post up after a crash."""

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        return BaseConnector.find_published(self, delivery, since, state)


def install_plugin(
    folder: Path, networks: tuple[str, ...] = ("mastodon",), no_lookup: tuple[str, ...] = ()
) -> Path:
    """A dist-info registering `FaultPeerConnector` under each of `networks` (and
    `NoLookupConnector` under each of `no_lookup`); put `folder` and this file's folder on
    PYTHONPATH (or sys.path) and cmkit finds them like any installed plugin."""
    info = folder / "cmkit_faultpeer-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cmkit-faultpeer\nVersion: 0.1\n", encoding="utf-8"
    )
    lines = [f"{name} = {ENTRY_POINT}" for name in networks]
    lines += [f"{name} = fault_peer:NoLookupConnector" for name in no_lookup]
    (info / "entry_points.txt").write_text(
        "[cmkit.connectors.v1]\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return folder


if __name__ == "__main__":  # run a peer by hand: python tests/peers/fault_peer.py [delay]
    import sys

    with FaultPeer(delay=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0) as running:
        print(running.url, flush=True)
        threading.Event().wait()

"""A local web server with real-world-shaped feeds and the ways feeds go wrong.

Routes (all on 127.0.0.1, a free port):

- /fixtures/<name>             a file of tests/fixtures/feeds, with a content type from its
                               suffix; ETag and Last-Modified, and 304 to a conditional
                               request that matches (`etag=0` in the query: Last-Modified
                               only, as many servers do)
- /hang                        accepts the connection and never answers
- /drip                        answers, then sends a byte every 0.2 s, for ever
- /huge?declared=1             a 10 MB RSS feed, streamed; with declared=1 it announces
                               Content-Length, otherwise it is chunked
- /status/<code>               an empty answer with that status
- /redirect-permanent/<name>   301 to /fixtures/<name>
- /latency/<n>.rss             a small feed, answered after `latency` seconds (benchmark)

Every request is recorded (path and headers) in `server.requests`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".json": "application/feed+json",
    ".xml": "text/xml",
}
LAST_MODIFIED = formatdate(1795000000, usegmt=True)  # a fixed moment in November 2026


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    port: int = 0
    latency: float = 0.0
    requests: list[Request] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    overrides: dict[str, bytes] = field(default_factory=dict)  # path → body, for changes

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0] == path]


def _rss(n: int, items: int = 5) -> bytes:
    entries = "".join(
        f"<item><title>Article {n}-{i}</title><link>https://site{n}.example/a/{i}?utm_source="
        f"rss</link><guid>https://site{n}.example/a/{i}</guid>"
        f"<pubDate>Tue, 24 Nov 2026 {8 + i:02d}:00:00 +0000</pubDate>"
        f"<description>Texte {i} du site {n}.</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Site {n}</title><link>https://site{n}.example/</link>"
        f"<description>d</description>{entries}</channel></rss>"
    ).encode()


def make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            server.requests.append(
                Request(self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            path = parts.path
            try:
                if path.startswith("/fixtures/"):
                    self._fixture(path, path.removeprefix("/fixtures/"), query)
                elif path == "/hang":
                    server.stop.wait(30)
                elif path == "/drip":
                    self._drip()
                elif path == "/huge":
                    self._huge("declared" in query)
                elif path.startswith("/status/"):
                    self._send(int(path.rsplit("/", 1)[1]), b"", "text/plain")
                elif path.startswith("/redirect-permanent/"):
                    self.send_response(301)
                    self.send_header("Location", "/fixtures/" + path.rsplit("/", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path.startswith("/latency/"):
                    time.sleep(server.latency)
                    n = int(path.rsplit("/", 1)[1].split(".")[0])
                    self._send(200, _rss(n), TYPES[".rss"])
                else:
                    self._send(404, b"not found", "text/plain")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (size or time limit): what the test wants

        def _send(
            self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _fixture(self, path: str, name: str, query: dict[str, list[str]]) -> None:
            body = server.overrides.get(path)
            if body is None:
                file = FIXTURES / name
                if not file.is_file():
                    self._send(404, b"not found", "text/plain")
                    return
                body = file.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            use_etag = query.get("etag") != ["0"]
            validators = {"Last-Modified": LAST_MODIFIED}
            if use_etag:
                validators["ETag"] = etag
            match = (use_etag and self.headers.get("If-None-Match") == etag) or (
                not use_etag and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
            if match:
                self.send_response(304)
                for key, value in validators.items():
                    self.send_header(key, value)
                self.end_headers()
                return
            ctype = TYPES.get(Path(name).suffix, "application/octet-stream")
            self._send(200, body, ctype, validators)

        def _drip(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", TYPES[".rss"])
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            self.wfile.flush()
            while not server.stop.wait(0.2):
                self.wfile.write(b" ")
                self.wfile.flush()

        def _huge(self, declared: bool) -> None:
            item = (
                b"<item><title>Un article parmi beaucoup</title><link>https://huge.example"
                b"/a</link><description>" + b"x" * 900 + b"</description></item>\n"
            )
            count = 10 * 1024 * 1024 // len(item)
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
            tail = b"</channel></rss>"
            self.send_response(200)
            self.send_header("Content-Type", TYPES[".rss"])
            if declared:
                self.send_header("Content-Length", str(len(head) + count * len(item) + len(tail)))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunks = [head, *([item * 64] * (count // 64)), tail]
            for chunk in chunks:
                if declared:
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            if not declared:
                self.wfile.write(b"0\r\n\r\n")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        return None  # a client that hangs up early is a case under test, not a failure


class Running:
    """Start with `with Running() as server:`; stops and joins on exit."""

    def __init__(self, latency: float = 0.0) -> None:
        self.state = FeedServer(latency=latency)
        self.httpd = _Server(("127.0.0.1", 0), make_handler(self.state))
        self.state.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        self.state.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

"""A minimal Bluesky AppView for tests: notifications, search and profiles, computed from the
records the reference PDS really holds.

Notifications and search are AppView features (`app.bsky.*`): a PDS forwards them, with a
service-auth token naming the user, to the AppView it is configured with. The real AppView
needs Postgres and the whole network's firehose; this one reads the PDS's repositories
directly (`com.atproto.sync.listRepos`, `com.atproto.repo.listRecords`), so every post it
reports was created through the PDS and validated there against the lexicons. Answers
follow the lexicons' output shapes (app.bsky.notification.listNotifications,
app.bsky.feed.searchPosts, app.bsky.actor.getProfile).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

DID = "did:web:appview.test"


class Index:
    """What the AppView knows: read from the PDS on each request, so always current."""

    def __init__(self) -> None:
        self._pds: httpx.Client | None = None
        self.requests: list[tuple[str, str | None]] = []  # (method, requesting DID)

    def attach(self, pds_url: str) -> None:
        """Read from this PDS (known only once it runs, after the AppView)."""
        self._pds = httpx.Client(base_url=f"{pds_url}/xrpc/", timeout=20)

    @property
    def pds(self) -> httpx.Client:
        assert self._pds is not None, "attach() the PDS first"
        return self._pds

    def _repos(self) -> list[dict[str, str]]:
        body = self.pds.get("com.atproto.sync.listRepos", params={"limit": 1000}).json()
        out = []
        for repo in body.get("repos", []):
            described = self.pds.get(
                "com.atproto.repo.describeRepo", params={"repo": repo["did"]}
            ).json()
            out.append({"did": repo["did"], "handle": described["handle"]})
        return out

    def _posts(self) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
        for repo in self._repos():
            cursor = None
            while True:
                params: dict[str, Any] = {
                    "repo": repo["did"],
                    "collection": "app.bsky.feed.post",
                    "limit": 100,
                }
                if cursor:
                    params["cursor"] = cursor
                body = self.pds.get("com.atproto.repo.listRecords", params=params).json()
                for record in body.get("records", []):
                    yield repo, record
                cursor = body.get("cursor")
                if not cursor or not body.get("records"):
                    break

    @staticmethod
    def _view(repo: dict[str, str], record: dict[str, Any]) -> dict[str, Any]:
        return {
            "uri": record["uri"],
            "cid": record["cid"],
            "author": {"did": repo["did"], "handle": repo["handle"]},
            "record": record["value"],
            "indexedAt": record["value"]["createdAt"],
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": 0,
            "quoteCount": 0,
        }

    def notifications(self, viewer: str, reasons: list[str]) -> dict[str, Any]:
        found = []
        for repo, record in self._posts():
            if repo["did"] == viewer:
                continue
            value = record["value"]
            parent = ((value.get("reply") or {}).get("parent") or {}).get("uri", "")
            quoted = ((value.get("embed") or {}).get("record") or {}).get("uri", "")
            mentions = [
                f["did"]
                for facet in value.get("facets", [])
                for f in facet.get("features", [])
                if f.get("$type") == "app.bsky.richtext.facet#mention"
            ]
            if parent.startswith(f"at://{viewer}/"):
                reason, subject = "reply", parent
            elif quoted.startswith(f"at://{viewer}/"):
                reason, subject = "quote", quoted
            elif viewer in mentions:
                reason, subject = "mention", None
            else:
                continue
            if reasons and reason not in reasons:
                continue
            view = self._view(repo, record)
            found.append(
                {
                    "uri": view["uri"],
                    "cid": view["cid"],
                    "author": view["author"],
                    "reason": reason,
                    "record": view["record"],
                    "isRead": False,
                    "indexedAt": view["indexedAt"],
                }
                | ({"reasonSubject": subject} if subject else {})
            )
        found.sort(key=lambda n: n["indexedAt"], reverse=True)
        return {"notifications": found}

    def search(self, query: str, since: str | None) -> dict[str, Any]:
        words = query.casefold().split()
        posts = [
            self._view(repo, record)
            for repo, record in self._posts()
            if all(w in record["value"].get("text", "").casefold() for w in words)
            and (since is None or record["value"]["createdAt"] >= since)
        ]
        posts.sort(key=lambda p: p["indexedAt"], reverse=True)
        return {"posts": posts, "hitsTotal": len(posts)}

    def profile(self, actor: str) -> dict[str, Any] | None:
        for repo in self._repos():
            if actor in (repo["did"], repo["handle"]):
                count = sum(1 for r, _ in self._posts() if r["did"] == repo["did"])
                return {
                    "did": repo["did"],
                    "handle": repo["handle"],
                    "followersCount": 0,
                    "followsCount": 0,
                    "postsCount": count,
                }
        return None


def _viewer(authorization: str) -> str | None:
    """The user a PDS's service-auth token speaks for (its `iss`)."""
    token = authorization.removeprefix("Bearer ").strip()
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    return str(claims.get("iss", "")).split("#")[0] or None


@contextmanager
def running(index: Index) -> Iterator[str]:
    """Serve the AppView on loopback; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            method = parts.path.removeprefix("/xrpc/")
            query = parse_qs(parts.query)
            viewer = _viewer(self.headers.get("Authorization", ""))
            index.requests.append((method, viewer))
            body: dict[str, Any] | None
            if method == "app.bsky.notification.listNotifications" and viewer:
                body = index.notifications(viewer, query.get("reasons", []))
            elif method == "app.bsky.feed.searchPosts":
                body = index.search(query.get("q", [""])[0], query.get("since", [None])[0])
            elif method == "app.bsky.actor.getProfile":
                body = index.profile(query.get("actor", [""])[0])
            else:
                body = None
            payload = json.dumps(
                body if body is not None else {"error": "InvalidRequest", "message": "not found"}
            ).encode()
            self.send_response(200 if body is not None else 400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Peer:
    pds: Any  # tests/connectors/conftest.py's Pds: url, create_account(), records()
    index: Index
    url: str  # the AppView's own base URL

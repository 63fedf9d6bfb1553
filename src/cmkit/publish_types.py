"""What the engine works on and what it reports: a `Job` per (post, network), a `Result`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from . import ledger
from .networks import Network
from .workspace import ClientSpace, Post

Outcome = Literal[
    "published",
    "recovered",
    "already",
    "would-publish",
    "failed",
    "unknown",
    "skipped",
    "blocked",
]


@dataclass
class Job:
    space: ClientSpace
    post: Post
    network: Network
    track: ledger.Track
    explicit: bool  # named with --post: published whatever its time
    late: timedelta | None  # how far past its time, when beyond the grace
    grace: timedelta


@dataclass
class Result:
    client: str
    post: str
    network: str
    status: Outcome
    message: str = ""
    url: str | None = None
    remote_id: str | None = None
    key: str = ""
    hint: str = ""
    at: datetime | None = None
    record: dict[str, Any] | None = field(default=None, repr=False)  # dry run: what would go

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "client": self.client,
            "post": self.post,
            "network": self.network,
            "status": self.status,
            "message": self.message,
            "url": self.url,
            "remote_id": self.remote_id,
            "key": self.key,
            "hint": self.hint,
            "at": self.at.isoformat() if self.at else None,
        }
        if self.record is not None:
            data["delivery"] = self.record
        return data


def resolve_hint(job: Job) -> str:
    base = f"cmkit publish {job.space.slug} --post {job.post.id} --network {job.network}"
    return (
        f"look at the {job.network} account: if the post is there, run `{base} "
        f"--mark-done --url URL`; if not, `{base} --resend`"
    )

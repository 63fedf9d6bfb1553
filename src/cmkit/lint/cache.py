"""Check results per client in the shared cache (cmkit.cache): problems, and the small
summaries the clock-dependent rules need, so an unchanged client is never re-read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..cache import fingerprint as fingerprint
from ..cache import load_entry as load_entry
from ..cache import save_entry as save_entry
from ..diagnostics import Problem, Severity


class PostSummary(NamedTuple):
    """What the time-dependent rules need to know of a post, without reloading it."""

    rel: str
    line: int
    col: int
    id: str
    at: str | None  # ISO, aware
    status: str
    networks: tuple[str, ...]
    published: tuple[str, ...]  # networks the ledger records as done
    timed: bool  # has a time of day, not just a date


class PendingCampaign(NamedTuple):
    """A campaign with no result entered yet: the clock decides when that is a problem."""

    rel: str
    line: int
    col: int
    end: str  # ISO date


@dataclass
class ClientResult:
    problems: list[Problem]
    posts: list[PostSummary]
    campaigns: list[PendingCampaign] = field(default_factory=list)


def _problems(rows: list[dict[str, object]]) -> list[Problem]:
    return [Problem(**{**p, "severity": Severity(p["severity"])}) for p in rows]  # type: ignore[arg-type]


def load_cached(root: Path, slug: str, fp: str) -> ClientResult | None:
    data = load_entry(root, f"client-{slug}", fp)
    if data is None:
        return None
    try:
        posts = [PostSummary._make([*p[:6], tuple(p[6]), tuple(p[7]), p[8]]) for p in data["posts"]]
        campaigns = [PendingCampaign._make(c) for c in data.get("campaigns", [])]
        return ClientResult(_problems(data["problems"]), posts, campaigns)
    except (KeyError, TypeError, IndexError, ValueError):
        return None


def save_cached(root: Path, slug: str, fp: str, result: ClientResult) -> None:
    payload: dict[str, object] = {
        "problems": [p.to_dict() for p in result.problems],
        "posts": [list(p) for p in result.posts],
        "campaigns": [list(c) for c in result.campaigns],
    }
    save_entry(root, f"client-{slug}", fp, payload)


def load_problems(root: Path, name: str, fp: str) -> tuple[list[Problem], dict[str, object]] | None:
    """Problems and extra facts cached under `name`, e.g. the workspace's own file."""
    data = load_entry(root, name, fp)
    try:
        return (_problems(data["problems"]), data) if data else None
    except (KeyError, TypeError, ValueError):
        return None

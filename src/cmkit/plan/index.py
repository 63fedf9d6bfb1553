"""The plan's view of a workspace: per client, its settings and a compact record per post,
cached outside the workspace so `calendar`, `stock` and `today` stay about as fast as a
warm `cmkit check` on 10,000 posts.

A client's entry is keyed like the checker's cache (path, size and mtime of every file in
the client folder, cmkit.yaml and cmkit's own code), so any edit reloads it. The cache
holds plain JSON (the raw YAML of the client's settings, validated again on the way in,
and one row per post), never pickles: it only ever saves time, and a stale or corrupt
entry is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from ..diagnostics import Problem, Severity
from ..models import Calendar, Client, Format, Status, Strategy, WorkspaceConfig
from ..networks import Network

if TYPE_CHECKING:
    from ..workspace import ClientSpace, Post

FORMAT_VERSION = 1
# enum members by value: a dict lookup is several times cheaper than Enum(value), and a
# cache holds 10,000 rows
_NETWORK = {n.value: n for n in Network}
_STATUS = {s.value: s for s in Status}
_FORMAT = {f.value: f for f in Format}
_SETTINGS: dict[str, tuple[str, type[BaseModel]]] = {
    "client": ("client.yaml", Client),
    "calendar": ("calendar.yaml", Calendar),
    "strategy": ("strategy.yaml", Strategy),
}


@dataclass(slots=True)
class PlanPost:
    """What the plan needs to know of a post."""

    id: str
    rel: str
    client: str
    at: datetime | None  # aware, in the client's time zone
    status: Status
    networks: tuple[Network, ...]
    pillar: str | None = None
    format: Format | None = None
    media: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "" and per network
    title: str | None = None
    body: str = ""
    highlight: str | None = None
    campaign: str | None = None
    link: str | None = None

    @property
    def day(self) -> date | None:
        return self.at.date() if self.at else None

    def media_for(self, network: Network | str) -> tuple[str, ...]:
        return self.media.get(str(network), self.media.get("", ()))

    @classmethod
    def from_post(cls, post: Post) -> PlanPost:
        meta = post.meta
        media = {"": tuple(m.path for m in meta.media)}
        for key, variant in meta.variants.items():
            if not isinstance(variant, str) and variant.media is not None:
                media[key] = tuple(m.path for m in variant.media)
        return cls(
            post.id,
            post.rel,
            post.client,
            post.at,
            meta.status,
            tuple(meta.networks),
            meta.pillar,
            meta.format,
            media,
            meta.title,
            post.body,
            meta.highlight,
            meta.campaign,
            meta.link,
        )

    def to_row(self) -> list[Any]:
        return [
            self.id,
            self.rel,
            self.at.isoformat() if self.at else None,
            str(self.status),
            [str(n) for n in self.networks],
            self.pillar,
            str(self.format) if self.format else None,
            {k: list(v) for k, v in self.media.items()},
            self.title,
            self.body,
            self.highlight,
            self.campaign,
            self.link,
        ]

    @classmethod
    def from_row(cls, client: str, row: list[Any]) -> PlanPost:
        (
            pid,
            rel,
            at,
            status,
            networks,
            pillar,
            fmt,
            media,
            title,
            body,
            highlight,
            campaign,
            link,
        ) = row
        return cls(
            pid,
            rel,
            client,
            datetime.fromisoformat(at) if at else None,
            _STATUS[status],
            tuple(_NETWORK[n] for n in networks),
            pillar,
            _FORMAT[fmt] if fmt else None,
            {k: tuple(v) for k, v in media.items()},
            title,
            body,
            highlight,
            campaign,
            link,
        )


@dataclass
class PlanClient:
    slug: str
    root: Path
    tz: ZoneInfo
    locale: str
    client: Client | None
    calendar: Calendar | None
    strategy: Strategy | None
    posts: list[PlanPost]
    unreadable: list[str] = field(default_factory=list)  # files `cmkit check` rejects

    @property
    def name(self) -> str:
        return self.client.name if self.client else self.slug

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @classmethod
    def from_space(cls, space: ClientSpace, problems: Iterable[Problem] = ()) -> PlanClient:
        """From a loaded client; `problems` are those its loading found."""
        unreadable = sorted({p.path for p in problems if p.severity is Severity.ERROR})
        return cls(
            space.slug,
            space.root,
            space.tz,
            space.locale,
            space.client,
            space.calendar,
            space.strategy,
            [PlanPost.from_post(p) for p in space.posts],
            unreadable,
        )


@dataclass
class PlanWorkspace:
    root: Path
    config: WorkspaceConfig
    clients: list[PlanClient]


def load_config(root: Path) -> WorkspaceConfig:
    from ..layout import CONFIG_FILE
    from ..workspace import load_model

    path = root / CONFIG_FILE
    if not path.is_file():
        return WorkspaceConfig()
    config, _ = load_model(path, root, WorkspaceConfig, [])
    return config or WorkspaceConfig()


def load_plan(root: Path, slugs: Iterable[str] = (), *, use_cache: bool = True) -> PlanWorkspace:
    """The plan of the named clients (all when none)."""
    from ..layout import CLIENTS_DIR, CONFIG_FILE, unknown_client
    from ..lint.cache import fingerprint
    from ..workspace import Workspace, load_client

    base = root / CLIENTS_DIR
    known = (
        sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
        if base.is_dir()
        else []
    )
    wanted = list(slugs)
    for slug in wanted:
        if slug not in known:
            raise unknown_client(slug, known)
    config = load_config(root)
    config_path = root / CONFIG_FILE
    config_fp = (
        f"{config_path.stat().st_mtime_ns}:{config_path.stat().st_size}"
        if config_path.is_file()
        else "no-config"
    )
    ws = Workspace(root, config)
    clients = []
    for slug in wanted or known:
        folder = base / slug
        fp, _ = fingerprint(folder, config_fp)
        cached = _load_cached(root, slug, fp, config) if use_cache else None
        if cached is not None:
            clients.append(cached)
            continue
        problems: list[Problem] = []
        space = load_client(ws, folder, problems)
        plan = PlanClient.from_space(space, problems)
        clients.append(plan)
        if use_cache:
            _save_cached(root, slug, fp, plan)
    return PlanWorkspace(root, config, clients)


def _cache_file(root: Path, slug: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "cmkit" / "plan" / key / f"{slug}.json"


def _raw_settings(folder: Path) -> dict[str, Any]:
    from ..yamlio import parse_yaml, read_text

    raw: dict[str, Any] = {}
    for key, (name, _) in _SETTINGS.items():
        path = folder / name
        if path.is_file():
            text, _problems = read_text(path, name)
            raw[key] = parse_yaml(text, name).data if text is not None else None
    return raw


def _save_cached(root: Path, slug: str, fp: str, plan: PlanClient) -> None:
    target = _cache_file(root, slug)
    settings = {
        k: v for k, v in _raw_settings(plan.root).items() if getattr(plan, k) is not None
    }  # only what validated when loaded
    payload = {
        "v": FORMAT_VERSION,
        "fp": fp,
        "tz": plan.tz.key,
        "locale": plan.locale,
        "settings": settings,
        "unreadable": plan.unreadable,
        "posts": [p.to_row() for p in plan.posts],
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            # dumps, not dump: the C encoder, not the streaming Python one
            handle.write(json.dumps(payload, ensure_ascii=False, default=str))
        Path(handle.name).replace(target)
    except (OSError, TypeError, ValueError):
        pass  # a read-only or odd cache only costs time


def _load_cached(root: Path, slug: str, fp: str, config: WorkspaceConfig) -> PlanClient | None:
    try:
        data = json.loads(_cache_file(root, slug).read_text("utf-8"))
        if data.get("v") != FORMAT_VERSION or data.get("fp") != fp:
            return None
        models: dict[str, Any] = {}
        for key, (_, model) in _SETTINGS.items():
            raw = data["settings"].get(key)
            models[key] = model.model_validate(raw) if raw is not None else None
        posts = [PlanPost.from_row(slug, row) for row in data["posts"]]
        folder = root / "clients" / slug
        return PlanClient(
            slug,
            folder,
            ZoneInfo(data["tz"]),
            data["locale"],
            models["client"],
            models["calendar"],
            models["strategy"],
            posts,
            data["unreadable"],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None

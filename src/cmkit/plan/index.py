"""The plan's view of a workspace: per client, its settings and a compact record per post,
cached outside the workspace so `calendar`, `stock` and `today` stay about as fast as a
warm `cmkit check` on 10,000 posts.

A client's entry is keyed like the checker's cache (path, size and mtime of every file in
the client folder, cmkit.yaml and cmkit's own code), so any edit reloads it. The cache is
plain JSON (settings.py's data and one row per post), never pickles: it only ever saves
time, and a stale or corrupt entry is simply rebuilt. A cache hit imports neither the
YAML loader nor the file models: only a changed client is loaded and validated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..networks import Network
from .settings import CalendarSettings, ClientSettings, WorkspaceSettings

if TYPE_CHECKING:
    from ..diagnostics import Problem
    from ..workspace import ClientSpace, Post

FORMAT_VERSION = 4
# a dict lookup is several times cheaper than Network(value), and a cache holds 10,000 rows
_NETWORK = {n.value: n for n in Network}


@dataclass(slots=True)
class PlanPost:
    """What the plan needs to know of a post."""

    id: str
    rel: str
    client: str
    at: datetime | None  # aware, in the client's time zone
    status: str  # idea | draft | review | approved | cancelled
    networks: tuple[Network, ...]
    pillar: str | None = None
    format: str | None = None
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
            str(meta.status),
            tuple(_NETWORK[str(n)] for n in meta.networks),
            meta.pillar,
            str(meta.format) if meta.format else None,
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
            self.status,
            [str(n) for n in self.networks],
            self.pillar,
            self.format,
            {k: list(v) for k, v in self.media.items()},
            self.title,
            self.body,
            self.highlight,
            self.campaign,
            self.link,
        ]

    @classmethod
    def from_row(cls, client: str, row: list[Any]) -> PlanPost:
        pid, rel, at, status, networks, pillar, fmt, media, title, body, hl, campaign, link = row
        return cls(
            pid,
            rel,
            client,
            datetime.fromisoformat(at) if at else None,
            status,
            tuple(_NETWORK[n] for n in networks),
            pillar,
            fmt,
            {k: tuple(v) for k, v in media.items()},
            title,
            body,
            hl,
            campaign,
            link,
        )


@dataclass
class PlanClient:
    slug: str
    root: Path
    tz: ZoneInfo
    locale: str
    client: ClientSettings
    calendar: CalendarSettings | None
    posts: list[PlanPost]
    unreadable: list[str] = field(default_factory=list)  # files `cmkit check` rejects

    @property
    def name(self) -> str:
        return self.client.name

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @classmethod
    def from_space(cls, space: ClientSpace, problems: Iterable[Problem] = ()) -> PlanClient:
        """From a loaded client; `problems` are those its loading found."""
        from ..diagnostics import Severity

        unreadable = sorted({p.path for p in problems if p.severity is Severity.ERROR})
        return cls(
            space.slug,
            space.root,
            space.tz,
            space.locale,
            ClientSettings.from_models(space.client, space.strategy, space.slug),
            CalendarSettings.from_model(space.calendar) if space.calendar else None,
            [PlanPost.from_post(p) for p in space.posts],
            unreadable,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "tz": self.tz.key,
            "locale": self.locale,
            "client": self.client.to_json(),
            "calendar": self.calendar.to_json() if self.calendar else None,
            "unreadable": self.unreadable,
            "posts": [p.to_row() for p in self.posts],
        }

    @classmethod
    def from_json(cls, slug: str, root: Path, data: dict[str, Any]) -> PlanClient:
        calendar = data["calendar"]
        return cls(
            slug,
            root,
            ZoneInfo(data["tz"]),
            data["locale"],
            ClientSettings.from_json(data["client"]),
            CalendarSettings.from_json(calendar) if calendar is not None else None,
            [PlanPost.from_row(slug, row) for row in data["posts"]],
            data["unreadable"],
        )


@dataclass
class PlanWorkspace:
    root: Path
    config: WorkspaceSettings
    clients: list[PlanClient]


def load_plan(root: Path, slugs: Iterable[str] = (), *, use_cache: bool = True) -> PlanWorkspace:
    """The plan of the named clients (all when none)."""
    from ..cache import fingerprint, load_entry, save_entry
    from ..layout import CLIENTS_DIR, CONFIG_FILE, client_slugs, unknown_client

    base = root / CLIENTS_DIR
    known = client_slugs(root)
    wanted = list(slugs)
    for slug in wanted:
        if slug not in known:
            raise unknown_client(slug, known)
    config_path = root / CONFIG_FILE
    try:
        stat = config_path.stat()
        config_fp = f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        config_fp = "no-config"
    config = _load_config(root, config_fp, use_cache)
    clients = []
    for slug in wanted or known:
        folder = base / slug
        fp, _ = fingerprint(folder, config_fp)
        data = load_entry(root, slug, fp, kind="plan") if use_cache else None
        if data is not None and data.get("v") == FORMAT_VERSION:
            try:
                clients.append(PlanClient.from_json(slug, folder, data))
                continue
            except (KeyError, TypeError, ValueError, IndexError):
                pass  # an entry from another version: rebuilt below
        plan = _load_client(root, folder)
        clients.append(plan)
        if use_cache:
            save_entry(root, slug, fp, plan.to_json(), kind="plan")
    return PlanWorkspace(root, config, clients)


def _load_client(root: Path, folder: Path) -> PlanClient:
    from ..models import WorkspaceConfig
    from ..workspace import Workspace, load_client

    problems: list[Problem] = []
    config = _config_model(root, []) or WorkspaceConfig()
    space = load_client(Workspace(root, config), folder, problems)
    return PlanClient.from_space(space, problems)


def _config_model(root: Path, problems: list[Problem]) -> Any:
    from ..layout import CONFIG_FILE
    from ..models import WorkspaceConfig
    from ..workspace import load_model

    path = root / CONFIG_FILE
    if not path.is_file():
        return None
    config, _ = load_model(path, root, WorkspaceConfig, problems)
    return config


def _load_config(root: Path, config_fp: str, use_cache: bool) -> WorkspaceSettings:
    from ..cache import load_entry, save_entry

    data = load_entry(root, ".cmkit.yaml", config_fp, kind="plan") if use_cache else None
    if data is not None and data.get("v") == FORMAT_VERSION:
        try:
            return WorkspaceSettings.from_json(data["config"])
        except (KeyError, TypeError, ValueError):
            pass
    from ..models import WorkspaceConfig

    problems: list[Problem] = []
    config = _config_model(root, problems)
    settings = WorkspaceSettings.from_model(
        config or WorkspaceConfig(), invalid=config is None and bool(problems)
    )
    if use_cache:
        payload = {"v": FORMAT_VERSION, "config": settings.to_json()}
        save_entry(root, ".cmkit.yaml", config_fp, payload, kind="plan")
    return settings

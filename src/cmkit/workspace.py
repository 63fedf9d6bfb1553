"""Find and load a workspace: `cmkit.yaml`, then one folder per client under `clients/`.

Loading never raises on bad files: each problem becomes a located `Problem`, and
loading goes on so that `cmkit check` can report everything at once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from .diagnostics import Problem, Severity, relpath, suggest

# re-exported: the workspace's layout is part of this module's public face
from .layout import CLIENTS_DIR as CLIENTS_DIR
from .layout import CONFIG_FILE as CONFIG_FILE
from .layout import client_slugs
from .layout import find_root as find_root
from .layout import unknown_client as unknown_client
from .models import (
    Calendar,
    Campaign,
    Charter,
    Client,
    Media,
    PostMeta,
    Strategy,
    Watch,
    WorkspaceConfig,
)
from .networks import Network
from .validation import validate
from .yamlio import Parsed, parse_yaml, read_text, split_front_matter

CLIENT_FILES: dict[str, type[BaseModel]] = {
    "strategy.yaml": Strategy,
    "charter.yaml": Charter,
    "calendar.yaml": Calendar,
    "watch.yaml": Watch,
}
# folders inside a client that hold no YAML to validate at the top level
CLIENT_DIRS = {"posts", "media", "campaigns", "data", "reports"}

M = TypeVar("M", bound=BaseModel)


@dataclass
class Post:
    id: str
    meta: PostMeta
    body: str
    path: Path
    rel: str
    client: str
    at: datetime | None  # aware, in the client's timezone; None for an undated idea
    body_line: int  # line of the file where the body starts
    doc: Parsed = field(repr=False)
    raw: str = field(default="", repr=False)  # the whole file, for the secrets scan

    def line_of(self, *loc: int | str, key: bool = False) -> tuple[int, int]:
        return self.doc.at(tuple(loc), key=key)

    @property
    def day(self) -> date | None:
        return self.at.date() if self.at else None

    def text_for(self, network: Network, locale: str | None = None) -> str:
        """The text to publish on a network: its variant, a locale's variant, or the body."""
        variant = self.meta.variants.get(str(network))
        if variant is None and locale and locale != self.meta.lang:
            variant = self.meta.variants.get(locale)
        if isinstance(variant, str):
            return variant.strip()
        if variant is not None and variant.text is not None:
            return variant.text.strip()
        return self.body.strip()

    def link_for(self, network: Network) -> str | None:
        variant = self.meta.variants.get(str(network))
        if variant is not None and not isinstance(variant, str) and variant.link:
            return variant.link
        return self.meta.link

    def media_for(self, network: Network) -> list[Media]:
        variant = self.meta.variants.get(str(network))
        if variant is not None and not isinstance(variant, str) and variant.media is not None:
            return list(variant.media)
        return list(self.meta.media)


@dataclass
class ClientSpace:
    slug: str
    root: Path
    client: Client | None
    tz: ZoneInfo
    locale: str
    strategy: Strategy | None = None
    charter: Charter | None = None
    calendar: Calendar | None = None
    watch: Watch | None = None
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    docs: dict[str, Parsed] = field(default_factory=dict, repr=False)  # rel → parsed YAML
    # files present but not loaded (their problems say why), relative to the client
    # folder: what they define is unknown, not missing
    unloaded: set[str] = field(default_factory=set)
    # facts derived from the loaded files, computed once: the stat of each picture,
    # accounts as connectors see them…; keyed by (what, which)
    derived: dict[tuple[str, object], object] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.client.name if self.client else self.slug

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def file_stat(self, path: str | Path) -> os.stat_result | None:
        """`os.stat` of a file (None when there is none), asked once per loaded client:
        rendering and checking ask about the same few pictures for every post."""
        key = ("stat", str(path))
        if key not in self.derived:
            try:
                info: os.stat_result | None = os.stat(key[1])  # noqa: PTH116 - str keys
            except OSError:
                info = None
            self.derived[key] = info if info is not None and stat.S_ISREG(info.st_mode) else None
        return cast("os.stat_result | None", self.derived[key])

    def post(self, post_id: str) -> Post | None:
        return next((p for p in self.posts if p.id == post_id), None)


@dataclass
class Workspace:
    root: Path
    config: WorkspaceConfig
    clients: dict[str, ClientSpace] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        return relpath(path, self.root)

    def select(self, slugs: Iterable[str]) -> list[ClientSpace]:
        """The named clients (all when none), or a usage error naming the unknown one."""
        wanted = list(slugs)
        if not wanted:
            return list(self.clients.values())
        out = []
        for slug in wanted:
            if slug not in self.clients:
                raise unknown_client(slug, list(self.clients))
            out.append(self.clients[slug])
        return out


def load_model(
    path: Path, root: Path, model: type[M], problems: list[Problem]
) -> tuple[M | None, Parsed | None]:
    rel = relpath(path, root)
    text, read_problems = read_text(path, rel)
    problems += read_problems
    if text is None:
        return None, None
    parsed = parse_yaml(text, rel)
    problems += parsed.problems
    obj, schema_problems = validate(model, parsed, rel)
    problems += schema_problems
    return obj, parsed


def load(root: Path, clients: Iterable[str] = ()) -> Workspace:
    """Load the workspace at root (all clients, or only those named)."""
    problems: list[Problem] = []
    config: WorkspaceConfig | None = None
    if (root / CONFIG_FILE).is_file():
        config, _ = load_model(root / CONFIG_FILE, root, WorkspaceConfig, problems)
    ws = Workspace(root, config or WorkspaceConfig(), problems=problems)
    base = root / CLIENTS_DIR
    slugs = client_slugs(root)
    wanted = list(clients)
    for slug in wanted:
        if slug not in slugs:
            raise unknown_client(slug, slugs)
    for slug in wanted or slugs:
        ws.clients[slug] = load_client(ws, base / slug, problems)
    return ws


def load_client(ws: Workspace, folder: Path, problems: list[Problem]) -> ClientSpace:
    root = ws.root
    client: Client | None = None
    client_file = folder / "client.yaml"
    if client_file.is_file():
        client, _ = load_model(client_file, root, Client, problems)
    else:
        problems.append(
            Problem(
                relpath(folder, root),
                0,
                0,
                "file/missing",
                "this client folder has no client.yaml",
                f"run `cmkit init {folder.name}` or create client.yaml",
            )
        )
    tz_name = (client.timezone if client else None) or ws.config.timezone
    locale = client.locales[0] if client and client.locales else ws.config.locale
    space = ClientSpace(folder.name, folder, client, ZoneInfo(tz_name), locale)
    for name, model in CLIENT_FILES.items():
        path = folder / name
        if path.is_file():
            obj, parsed = load_model(path, root, model, problems)
            setattr(space, name.removesuffix(".yaml"), obj)
            if parsed is not None:
                space.docs[relpath(path, root)] = parsed
            if obj is None:
                space.unloaded.add(name)
    _check_stray_files(folder, root, problems)
    campaigns = folder / "campaigns"
    if campaigns.is_dir():
        for path in sorted(campaigns.glob("*.y*ml")):
            campaign, _ = load_model(path, root, Campaign, problems)
            if campaign is not None:
                space.campaigns[path.stem] = campaign
            else:
                space.unloaded.add(f"campaigns/{path.name}")
    posts = folder / "posts"
    if posts.is_dir():
        for path in sorted(posts.rglob("*.md")):
            post = load_post(path, space, root, problems)
            if post is not None:
                space.posts.append(post)
    return space


def _check_stray_files(folder: Path, root: Path, problems: list[Problem]) -> None:
    known = [*CLIENT_FILES, "client.yaml"]
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name in CLIENT_DIRS or path.name in known:
            continue
        if path.suffix in (".yaml", ".yml"):
            guess = suggest(path.name, known) or suggest(path.stem + ".yaml", known)
            problems.append(
                Problem(
                    relpath(path, root),
                    0,
                    0,
                    "file/unknown",
                    "cmkit does not read this file",
                    f"did you mean '{guess}'?" if guess else f"client files are {', '.join(known)}",
                    Severity.WARNING,
                )
            )


def load_post(path: Path, space: ClientSpace, root: Path, problems: list[Problem]) -> Post | None:
    rel = relpath(path, root)
    text, read_problems = read_text(path, rel)
    problems += read_problems
    if text is None:
        return None
    return post_from_text(text, path, rel, space, problems)


def post_from_text(
    text: str, path: Path, rel: str, space: ClientSpace, problems: list[Problem]
) -> Post | None:
    """A post from its file's text (e.g. an older version read from git)."""
    split = split_front_matter(text)
    if split is None:
        problems.append(
            Problem(
                rel,
                1,
                1,
                "post/front-matter",
                "a post starts with YAML front matter between two '---' lines",
                "begin the file with ---, the post's keys (at:, networks:, status:), then ---",
            )
        )
        return None
    front, body, body_line = split
    parsed = parse_yaml(front, rel, line_offset=1)
    problems += parsed.problems
    meta, schema_problems = validate(PostMeta, parsed, rel)
    problems += schema_problems
    if meta is None:
        return None
    post_id = meta.id or path.stem
    at = _localize(meta.at, space.tz, rel, parsed, problems)
    if meta.lang is None:
        meta.lang = space.locale
    return Post(post_id, meta, body, path, rel, space.slug, at, body_line, parsed, text)


def _localize(
    value: datetime | date | None,
    tz: ZoneInfo,
    rel: str,
    parsed: Parsed,
    problems: list[Problem],
) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if value.tzinfo is not None:
        return value.astimezone(tz)
    local = value.replace(tzinfo=tz)
    line, col = parsed.at(("at",))
    # zoneinfo accepts times that do not exist (spring forward) and picks the first of two
    # that exist twice (fall back): say so rather than publish at a surprising moment
    roundtrip = local.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != value:
        problems.append(
            Problem(
                rel,
                line,
                col,
                "post/time-does-not-exist",
                f"{value:%H:%M} does not exist on {value:%Y-%m-%d} in {tz.key} (clocks go forward)",
                f"pick another time, e.g. {(value + timedelta(hours=1)):%H:%M}",
            )
        )
    elif local.replace(fold=1).utcoffset() != local.utcoffset():
        problems.append(
            Problem(
                rel,
                line,
                col,
                "post/time-ambiguous",
                f"{value:%H:%M} happens twice on {value:%Y-%m-%d} in {tz.key} (clocks go back); "
                "the first one is used",
                "add an offset (e.g. +02:00) to choose",
                Severity.WARNING,
            )
        )
    return local


def iter_posts(ws: Workspace) -> Iterator[tuple[ClientSpace, Post]]:
    for space in ws.clients.values():
        for post in space.posts:
            yield space, post

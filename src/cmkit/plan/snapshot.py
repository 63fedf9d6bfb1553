"""The plan as it stands in a set of files: at a git revision, or in the working tree.

Both sides of `cmkit diff` go through the same loaders as the rest of cmkit
(`workspace.post_from_text`, the same models), so a post reads the same either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from ..diagnostics import Problem
from ..models import Calendar, Client, WorkspaceConfig
from ..networks import Network

CLIENTS = "clients"


def wanted(rel: str) -> bool:
    """The files the plan is made of (never media, data or reports)."""
    parts = PurePosixPath(rel).parts
    if rel == "cmkit.yaml":
        return True
    if len(parts) < 3 or parts[0] != CLIENTS:
        return False
    if len(parts) == 3:
        return parts[2] in ("client.yaml", "calendar.yaml")
    return parts[2] == "posts" and rel.endswith(".md")


@dataclass
class PostView:
    id: str
    rel: str
    at: datetime | None
    status: str
    networks: list[str]
    texts: dict[str, str]  # "" for the body, then one per variant (network or locale)
    fields: dict[str, Any]  # format, pillar, media, link, campaign, highlight, title, thread


@dataclass
class ClientSnapshot:
    slug: str
    name: str
    tz: ZoneInfo
    posts: dict[str, PostView] = field(default_factory=dict)
    calendar: Calendar | None = None
    unreadable: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def working_tree(root: Path) -> dict[str, bytes]:
    """The plan's files on disk, by path relative to the workspace."""
    out: dict[str, bytes] = {}
    candidates = [root / "cmkit.yaml"]
    base = root / CLIENTS
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            candidates += [folder / "client.yaml", folder / "calendar.yaml"]
            posts = folder / "posts"
            if posts.is_dir():
                for dirpath, dirnames, filenames in os.walk(posts):
                    dirnames.sort()
                    candidates += [
                        Path(dirpath) / n for n in sorted(filenames) if n.endswith(".md")
                    ]
    for path in candidates:
        try:
            out[path.relative_to(root).as_posix()] = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue
        except OSError:
            out[path.relative_to(root).as_posix()] = b"\0"  # unreadable: reported as such
    return out


def _model(raw: bytes | None, rel: str, model: type[Any]) -> Any:
    from ..validation import validate
    from ..yamlio import parse_yaml

    if raw is None:
        return None
    text = decode(raw)
    if text is None:
        return None
    obj, _ = validate(model, parse_yaml(text, rel), rel)
    return obj


def snapshot(files: dict[str, bytes], root: Path) -> dict[str, ClientSnapshot]:
    """Every client's posts and calendar in these files."""
    from ..workspace import ClientSpace, post_from_text

    config = _model(files.get("cmkit.yaml"), "cmkit.yaml", WorkspaceConfig) or WorkspaceConfig()
    slugs = sorted({PurePosixPath(rel).parts[1] for rel in files if rel.startswith("clients/")})
    out: dict[str, ClientSnapshot] = {}
    for slug in slugs:
        prefix = f"{CLIENTS}/{slug}/"
        client: Client | None = _model(
            files.get(prefix + "client.yaml"), prefix + "client.yaml", Client
        )
        tz = ZoneInfo((client.timezone if client else None) or config.timezone)
        locale = client.locales[0] if client and client.locales else config.locale
        space = ClientSpace(slug, root / CLIENTS / slug, client, tz, locale)
        snap = ClientSnapshot(
            slug,
            space.name,
            tz,
            calendar=_model(
                files.get(prefix + "calendar.yaml"), prefix + "calendar.yaml", Calendar
            ),
        )
        for rel in sorted(r for r in files if r.startswith(prefix + "posts/")):
            text = decode(files[rel])
            problems: list[Problem] = []
            post = post_from_text(text, root / rel, rel, space, problems) if text else None
            if post is None:
                snap.unreadable.append(rel)
                continue
            snap.posts[post.id] = _view(post)
        out[slug] = snap
    return out


def _view(post: Any) -> PostView:
    meta = post.meta
    texts = {"": post.body.strip()}
    for key, variant in meta.variants.items():
        text = variant if isinstance(variant, str) else variant.text
        if text is not None:
            texts[key] = text.strip()
    for index, part in enumerate(meta.thread, start=2):
        texts[f"thread {index}"] = part.strip()
    media = [m.path for m in meta.media]
    fields = {
        "format": str(meta.format) if meta.format else None,
        "pillar": meta.pillar,
        "media": media,
        "link": meta.link,
        "campaign": meta.campaign,
        "highlight": meta.highlight,
        "title": meta.title,
    }
    networks = [str(Network(n)) for n in meta.networks]
    return PostView(post.id, post.rel, post.at, str(meta.status), networks, texts, fields)

"""Where things are in a workspace: names cheap to import (no models, no pydantic)."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import CmkitError, suggest

CONFIG_FILE = "cmkit.yaml"
CLIENTS_DIR = "clients"
DEFAULT_GRACE_MINUTES = 120  # a due post later than this is reported, not published late


def client_slugs(root: Path) -> list[str]:
    """The client folders of a workspace, sorted."""
    base = root / CLIENTS_DIR
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def unknown_client(slug: str, known: list[str]) -> CmkitError:
    guess = suggest(slug, known)
    return CmkitError(
        f"no client '{slug}' in {CLIENTS_DIR}/",
        f"did you mean '{guess}'?"
        if guess
        else f"known clients: {', '.join(known) or 'none yet (cmkit init CLIENT)'}",
    )


def find_root(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """--workspace, then $CMKIT_WORKSPACE, then the nearest parent holding cmkit.yaml."""
    if explicit is None and os.environ.get("CMKIT_WORKSPACE"):
        explicit = Path(os.environ["CMKIT_WORKSPACE"])
    if explicit is not None:
        root = explicit.expanduser()
        if not root.is_dir():
            raise CmkitError(
                f"workspace folder {root} does not exist",
                "pass an existing folder to --workspace or CMKIT_WORKSPACE",
            )
        if not (root / CONFIG_FILE).is_file() and not (root / CLIENTS_DIR).is_dir():
            raise CmkitError(
                f"{root} is not a cmkit workspace (no {CONFIG_FILE})",
                f"create {CONFIG_FILE} there, or run `cmkit init CLIENT` in it",
            )
        return root.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CmkitError(
        f"no {CONFIG_FILE} in {start} or any parent folder",
        "run cmkit inside a workspace, pass --workspace DIR, or set CMKIT_WORKSPACE",
    )

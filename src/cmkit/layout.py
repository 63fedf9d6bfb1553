"""Where things are in a workspace: names cheap to import (no models, no pydantic)."""

from __future__ import annotations

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

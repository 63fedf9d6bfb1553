"""What every command shares: the workspace option, output streams, JSON."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import typer.core

if TYPE_CHECKING:
    from rich.console import Console

    from ..workspace import Workspace


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def workspace_root(ctx: typer.Context) -> Path:
    from ..layout import find_root

    explicit = ctx.obj.get("workspace") if ctx.obj else None
    return find_root(explicit)


def open_workspace(ctx: typer.Context, clients: list[str] | None = None) -> Workspace:
    """Find and load the workspace named by --workspace / CMKIT_WORKSPACE / the cwd."""
    from ..workspace import load

    return load(workspace_root(ctx), clients or [])


def _console(stderr: bool) -> Console:
    from rich.console import Console

    # no colour when piped or NO_COLOR is set: rich honours both
    return Console(
        stderr=stderr,
        highlight=False,
        soft_wrap=False,
        width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", 100)),
    )


_consoles: dict[bool, Console] = {}


def out() -> Console:
    """Data goes to stdout."""
    if False not in _consoles:
        _consoles[False] = _console(False)
    return _consoles[False]


def err() -> Console:
    """Messages go to stderr."""
    if True not in _consoles:
        _consoles[True] = _console(True)
    return _consoles[True]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def note(message: str) -> None:
    """A plain message on stderr, without rich markup interpretation."""
    sys.stderr.write(message + "\n")


def connector_factory(root: Path) -> Any:
    """`open(slug, network, account)` → a ready connector, its secrets looked up for that
    client (environment, .env, keyring). Shared by the commands that talk to networks."""
    from ..connectors import get_connector
    from ..secrets import Secrets

    secrets = Secrets(root)

    def open_connector(slug: str, network: Any, account: Any) -> Any:
        return get_connector(network, account, secrets.lookup_for(slug, str(network), account))

    return open_connector


class DefaultCommandGroup(typer.core.TyperGroup):
    """A command group whose bare form runs its `list` command: `cmkit inbox martin` is
    `cmkit inbox list martin`, while `cmkit inbox pull` still runs `pull`."""

    default_command = "list"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

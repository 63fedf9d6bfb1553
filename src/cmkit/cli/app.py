"""The `cmkit` command: global options, the command list and the error handler.

Command modules import only typer at import time so `cmkit --help` stays fast;
each command imports the core it needs when it runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__

app = typer.Typer(
    name="cmkit",
    help="The community manager's toolkit: plan, check, publish and report from plain files.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: importing rich would double start-up time
    pretty_exceptions_enable=False,  # never show locals (tokens) in a traceback
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"cmkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Workspace folder (default: $CMKIT_WORKSPACE, "
                     "else the nearest parent holding cmkit.yaml).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Show the version and exit.")
    ] = False,
) -> None:
    """The community manager's toolkit: plan, check, publish and report from plain files."""
    ctx.obj = {"workspace": workspace}


# One module per command (or command group), each with `register(app)`, in --help order.
COMMANDS = (
    "init", "check", "count", "schema",
    "calendar", "stock", "today", "diff",
    "publish", "connectors", "accounts", "secrets", "auth",
    "metrics", "report",
    "watch", "inbox", "campaigns",
)

for _name in COMMANDS:
    # a command module still being written is skipped rather than breaking every command
    if importlib.util.find_spec(f"{__package__}.{_name}") is not None:
        importlib.import_module(f"{__package__}.{_name}").register(app)


def log_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cmkit" / "cmkit.log"


def main() -> None:
    """Entry point: maps every error to one line and an exit code, never a traceback."""
    from ..diagnostics import CmkitError

    try:
        app()  # click's standalone mode: usage errors exit 2 with their own message
    except CmkitError as exc:
        sys.stderr.write(f"cmkit: error: {exc}\n")
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into a log line
        from .errors import report_crash

        sys.exit(report_crash(exc, log_path()))

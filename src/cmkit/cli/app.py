"""The `cmkit` command: global options, the command list and the error handler.

Command modules import only typer at import time so `cmkit --help` stays fast;
each command imports the core it needs when it runs.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from .lazy import COMMANDS, LazyGroup

app = typer.Typer(
    name="cmkit",
    cls=LazyGroup,
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
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $CMKIT_WORKSPACE, "
            "else the nearest parent holding cmkit.yaml).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """The community manager's toolkit: plan, check, publish and report from plain files."""
    ctx.obj = {"workspace": workspace}


COMMANDS.update(
    {
        "init": "Create clients/CLIENT/ with its files, ready to fill in.",
        "check": "Validate every file; lint posts against charter and networks.",
        "count": "Count TEXT the way NETWORK does and say whether it fits.",
        "schema": "Write JSON Schemas of the workspace files, for editors.",
        "calendar": "Show the plan: each day's posts, key dates and empty slots.",
        "stock": "Content stock: counts, runway, what will soon be missing.",
        "today": "The day's checklist across clients: due posts, alerts, routine.",
        "diff": "What changed in the plan since a git revision, in plain words.",
        "publish": "Publish what is due, exactly once, and record it in the ledger.",
        "connectors": "List the connectors: built-in and plugin, with their limits.",
        "accounts": "Check each configured account against its network.",
        "secrets": "Store an account's token in the OS keyring.",
        "auth": "Get an access token by signing in to a network (Mastodon).",
        "metrics": "Pull metrics from the networks or import their CSV exports.",
        "report": "Render a client's monthly (or weekly) report.",
        "watch": "Fetch feeds and keyword searches; print the watch digest.",
        "inbox": "Mentions, replies and comments to answer, oldest first.",
        "campaigns": "Paid campaigns: spend, results, CPC/CPM/CPA/ROAS, pacing.",
    }
)


def log_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cmkit" / "cmkit.log"


def main() -> None:
    """Entry point: maps every error to one line and an exit code, never a traceback."""
    from ..diagnostics import CmkitError

    # A run is short and builds many small objects that are never cyclic (parsed YAML,
    # models, problems): the default thresholds would walk them again and again.
    gc.set_threshold(100_000, 50, 1000)
    try:
        app()  # click's standalone mode: usage errors exit 2 with their own message
    except CmkitError as exc:
        sys.stderr.write(f"cmkit: error: {exc}\n")
        sys.exit(exc.exit_code)
    except Exception as exc:
        from .errors import report_crash

        sys.exit(report_crash(exc, log_path()))

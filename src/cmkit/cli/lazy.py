"""Load a command's module only when that command runs.

`cmkit --help` lists every command from a table of one-line summaries instead of
importing eighteen modules and building their options: start-up stays close to
`import typer`. A test keeps the table equal to each command's real help.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

# name → the first line of its help, in --help order (tests/cli/test_app.py checks them)
COMMANDS: dict[str, str] = {}


class LazyGroup(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        return load_command(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _clip(summary, width)) for name, summary in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 10)].rstrip() + "…"


def load_command(name: str) -> Any:
    """The click command for `name`, built from its module's register()."""
    module = importlib.import_module(f"{__package__}.{name}")
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    module.register(holder)
    group = typer.main.get_command(holder)
    if isinstance(group, TyperGroup) and name in group.commands:
        return group.commands[name]
    return group  # a module that registered a single command directly

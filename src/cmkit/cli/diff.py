"""`cmkit diff`: what changed in the plan since a git revision, in a CM's words."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class DiffFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    GITHUB = "github"
    JSON = "json"


def diff(
    ctx: typer.Context,
    rev: Annotated[
        str | None,
        typer.Argument(
            help="Git revision to compare with (default: the merge base with main/master, "
            "else HEAD).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown (a pull request comment), github (workflow "
            "annotations on the changed files) or json.",
        ),
    ] = DiffFormat.TEXT,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    clients: Annotated[
        list[str] | None,
        typer.Option("--client", "-c", help="Only this client (repeatable).", show_default=False),
    ] = None,
) -> None:
    """Compare the plan at a git revision with the working tree, per client: posts added,
    removed, moved to another day or time, status changed (e.g. approved), text edited
    (a short word diff), networks added or removed, and calendar.yaml changes.

    With --format github inside GitHub Actions, the Markdown version is also appended to
    the job summary ($GITHUB_STEP_SUMMARY).
    """
    import os
    from pathlib import Path

    from ..layout import unknown_client
    from ..plan.diff import plan_diff
    from ..plan.diff_render import to_github, to_markdown, to_text
    from .common import print_json, workspace_root

    result = plan_diff(workspace_root(ctx), rev)
    if clients:
        known = {c.slug for c in result.clients}
        for slug in clients:
            if slug not in known and not (workspace_root(ctx) / "clients" / slug).is_dir():
                raise unknown_client(slug, sorted(known))
        result.clients = [c for c in result.clients if c.slug in clients]
    chosen = DiffFormat.JSON if as_json else fmt
    if chosen is DiffFormat.JSON:
        print_json(result.to_dict())
    elif chosen is DiffFormat.MARKDOWN:
        print(to_markdown(result), end="")
    elif chosen is DiffFormat.GITHUB:
        output = to_github(result)
        if output:
            print(output)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with Path(summary).open("a", encoding="utf-8") as handle:
                handle.write(to_markdown(result))
    else:
        print(to_text(result))


def register(app: typer.Typer) -> None:
    app.command()(diff)

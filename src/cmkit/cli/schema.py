"""`cmkit schema`: JSON Schemas of the workspace files, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

KINDS = "workspace, client, strategy, charter, calendar, post, campaign, watch"


def schema(
    ctx: typer.Context,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the schemas into this folder instead of the workspace's .cmkit/schemas/.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help=f"Only this file kind ({KINDS}); printed to stdout unless --out is given.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a JSON Schema for every workspace file kind, for editors.

    By default the schemas go to .cmkit/schemas/<kind>.schema.json in the workspace,
    where the `# yaml-language-server: $schema=…` first line of files made by
    `cmkit init` points: editors then complete keys, explain them on hover and
    underline mistakes as you type. Run it again after upgrading cmkit.
    """
    from ..schema import SCHEMA_DIR, check_kind, render, write_schemas
    from .common import note, workspace_root

    if kind is not None and out_dir is None:
        print(render(check_kind(kind)), end="")
        return
    if out_dir is None:
        root = workspace_root(ctx)
        folder = root / SCHEMA_DIR
        shown = SCHEMA_DIR.as_posix()
    else:
        folder = out_dir
        shown = str(out_dir)
    written = write_schemas(folder, [kind] if kind else [])
    changed = [path for path, is_new in written if is_new]
    if not changed:
        note(f"{shown}/: {len(written)} schema(s) already up to date")
        return
    for path in changed:
        note(f"wrote {shown}/{path.name}")
    if out_dir is None:
        note(
            "Editors with the YAML language server (VS Code: the YAML extension) use them\n"
            "through a file's first line; in clients/<slug>/client.yaml:\n"
            f"  # yaml-language-server: $schema=../../{shown}/client.schema.json"
        )


def register(app: typer.Typer) -> None:
    app.command()(schema)

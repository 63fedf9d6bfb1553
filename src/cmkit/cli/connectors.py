"""`cmkit connectors`: which networks this installation can publish to, and their limits."""

from __future__ import annotations

from typing import Annotated

import typer

CAPABILITY_WORDS = {
    "publish": "publish",
    "find_published": "recovery",
    "verify": "verify",
    "account_metrics": "metrics",
    "post_metrics": "metrics",
    "mentions": "mentions",
    "search": "search",
    "reply": "replies",
}


def connectors(
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the connectors: built-in and plugin (entry-point group cmkit.connectors.v1),
    each network's text and media limits, and what each connector can do.

    "recovery": cmkit can look a post up on the network after an interrupted run
    (without it, such a post is reported for a human to check, never resent);
    "verify": `cmkit accounts check` can test the account.
    """
    from ..connectors import describe
    from .common import out, print_json

    rows = describe()
    if json_out:
        print_json(rows)
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("Connector", no_wrap=True)
    table.add_column("From", no_wrap=True)
    table.add_column("Limits", no_wrap=True)
    table.add_column("Can do", overflow="fold")
    for row in rows:
        origin = row["origin"]
        source = "—" if origin is None else "built-in" if origin == "built-in" else "plugin"
        table.add_row(str(row["name"]), source, _limits_text(row), _can_text(row))
    out().print(table)
    plugins = [r for r in rows if r["origin"] not in (None, "built-in")]
    for row in plugins:
        replaced = " (replaces the built-in)" if row["replaces_builtin"] else ""
        out().print(
            f"{row['name']}: plugin from {row['origin']}{replaced}", markup=False, highlight=False
        )


def _limits_text(row: dict[str, object]) -> str:
    limits = row["limits"]
    if not isinstance(limits, dict):
        return "—"
    text = f"{limits['max_chars']} {limits['counting']}"
    media = limits.get("media")
    if isinstance(media, dict):
        text += f", {media['max_count']} media"
    return text


def _can_text(row: dict[str, object]) -> str:
    if row["origin"] is None:
        return "not installed"
    if row["error"]:
        return f"broken: {row['error']}"
    caps = row["capabilities"]
    assert isinstance(caps, list)
    words = [CAPABILITY_WORDS.get(str(c), str(c)) for c in caps]
    return ", ".join(dict.fromkeys(words))  # account and post metrics read as one word


def register(app: typer.Typer) -> None:
    app.command()(connectors)

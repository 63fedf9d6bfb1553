"""`cmkit accounts check`: ask each network whether the configured accounts work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..accounts import AccountCheck

accounts_app = typer.Typer(
    name="accounts",
    help="The accounts in each client.yaml: are their tokens there and accepted?",
    no_args_is_help=True,
    rich_markup_mode=None,
)

WIDTH = 80
MARKS = {True: "✓", False: "✗"}


@accounts_app.command("check")
def check(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(help="Clients (default: all).", show_default=False, metavar="CLIENT..."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Check every configured account against its network and say what to fix.

    For each account: is its token in the environment, .env or keyring; does the
    network accept it; is it the account client.yaml names? Tokens are never
    shown. Exit 0 when every account works, 1 when one needs fixing.
    With --json: a list of {client, network, handle, ok, state, message, hint,
    source}; state is ok, wrong-account, no-permission, incomplete, missing-secret,
    refused, unreachable, no-connector, not-verifiable or error.
    """
    from ..accounts import check_accounts, warnings
    from .common import note, open_workspace, print_json

    ws = open_workspace(ctx, clients)
    for warning in warnings(ws):
        note(f"warning: {warning}")
    results = check_accounts(ws, clients)
    if json_out:
        print_json([r.to_dict() for r in results])
    elif not results:
        note("no accounts configured: add them under `accounts:` in clients/<client>/client.yaml")
    else:
        _print(results)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width`, never breaking inside a `command`."""
    import re
    import textwrap

    glued = re.sub(r"`[^`]+`", lambda m: m.group(0).replace(" ", "\0"), text)
    lines = textwrap.wrap(glued, width, break_on_hyphens=False, break_long_words=False)
    return [line.replace("\0", " ") for line in lines] or [""]


def _print(results: list[AccountCheck]) -> None:
    from rich.text import Text

    from .common import note, out

    console = out()
    width = max(len(r.network) for r in results) + 2
    indent = " " * (4 + width)
    client = None
    for r in results:
        if r.client != client:
            client = r.client
            console.print(Text(client, style="bold"))
        line = Text("  ")
        line.append(MARKS[r.ok], style="green" if r.ok else "red")
        line.append(f" {r.network:<{width}}")
        message = _wrap(r.message, WIDTH - len(indent))
        line.append(message[0])
        console.print(line, soft_wrap=True)
        for rest in message[1:]:
            console.print(Text(indent + rest), soft_wrap=True)
        if r.hint:
            hint = _wrap(r.hint, WIDTH - len(indent) - 2)
            console.print(Text(f"{indent}→ {hint[0]}", style="yellow"), soft_wrap=True)
            for rest in hint[1:]:
                console.print(Text(f"{indent}  {rest}", style="yellow"), soft_wrap=True)
    bad = sum(not r.ok for r in results)
    summary = f"{len(results)} account(s): {len(results) - bad} ok"
    note(summary + (f", {bad} to fix" if bad else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app)

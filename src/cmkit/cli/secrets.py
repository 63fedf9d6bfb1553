"""`cmkit secrets`: store tokens in the OS keyring and see where each one comes from."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..models import Account
    from ..workspace import Workspace

secrets_app = typer.Typer(
    name="secrets",
    help="Tokens for each account: environment, git-ignored .env, or the OS keyring.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Role = Annotated[
    str,
    typer.Option(
        "--role", help="Which secret of the account (X needs several: api_key, api_secret…)."
    ),
]


def _target(ws: Workspace, target: str) -> tuple[str, str]:
    """(client, network) — or (client, "shortener") for the key of links.shortener."""
    from ..diagnostics import CmkitError
    from ..networks import Network, parse_network
    from ..shorten import SECRET_NETWORK

    client, _, name = target.partition("/")
    network = parse_network(name) if name and name != SECRET_NETWORK else None
    if not client or (network is None and name != SECRET_NETWORK):
        raise CmkitError(
            f"'{target}' is not CLIENT/NETWORK",
            f"e.g. boulangerie-martin/mastodon; networks: {', '.join(n.value for n in Network)}"
            f"; or CLIENT/{SECRET_NETWORK} for the link shortener's key",
        )
    ws.select([client])  # a clear error for an unknown client
    return client, network.value if network else name


def _holders(ws: Workspace, client: str) -> dict[str, Account]:
    """What holds a secret in a client's client.yaml: each account, and the shortener."""
    from ..shorten import SECRET_NETWORK, key_holder

    found = ws.clients[client].client
    if found is None:
        return {}
    holders = {str(network): account for network, account in found.accounts.items()}
    if found.links.shortener is not None:
        holders[SECRET_NETWORK] = key_holder(found.links.shortener)
    return holders


def _read_value(prompt: str) -> str:
    from ..diagnostics import CmkitError

    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{prompt} (hidden): ")
    else:
        value = sys.stdin.readline()
    value = value.strip()
    if not value:
        raise CmkitError("no value given", "type or pipe the token; it is never an argument")
    return value


@secrets_app.command("set")
def set_secret(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="CLIENT/NETWORK",
            help="e.g. boulangerie-martin/mastodon, or boulangerie-martin/shortener",
        ),
    ],
    role: Role = "token",
) -> None:
    """Store a token in the OS keyring, read from a hidden prompt or from stdin.

    Never pass a token as an argument: it would stay in the shell history.
    Example: cmkit secrets set boulangerie-martin/mastodon  (then paste it)
    CLIENT/shortener stores the key of the client's link shortener (links.shortener).
    """
    from ..diagnostics import CmkitError
    from ..redaction import register
    from ..secrets import SERVICE, env_name, keyring_entry, keyring_get, keyring_set
    from ..shorten import SECRET_NETWORK
    from .common import note, open_workspace

    ws = open_workspace(ctx)
    client, network = _target(ws, target)
    value = register(_read_value(f"{role} for {client}/{network}"))
    entry = keyring_entry(client, network, role)
    keyring_set(entry, value)
    if keyring_get(entry) != value:
        raise CmkitError(
            "the OS keyring did not keep the secret (no usable keyring here?)",
            "use the environment variable client.yaml names (token_env) or a git-ignored .env",
        )
    note(f"stored in the OS keyring: {SERVICE} {entry}")
    account = _holders(ws, client).get(network)
    if account is None and network == SECRET_NETWORK:
        note(f"note: {client}/client.yaml has no links.shortener yet (docs/links.md)")
    elif account is None:
        note(f"note: {client}/client.yaml has no {network} account yet; add one under accounts:")
    var = env_name(account, role)
    if var:
        note(f"note: ${var} (environment or .env), when set, is used before the keyring")


@secrets_app.command("delete")
def delete_secret(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="CLIENT/NETWORK")],
    role: Role = "token",
) -> None:
    """Remove a token from the OS keyring."""
    from ..secrets import SERVICE, keyring_entry, keyring_set
    from .common import note, open_workspace

    client, network = _target(open_workspace(ctx), target)
    entry = keyring_entry(client, network, role)
    keyring_set(entry, None)
    note(f"removed from the OS keyring: {SERVICE} {entry}")


@secrets_app.command("status")
def status(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None, typer.Argument(help="Clients (default: all).", show_default=False)
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """Where each account's secrets, and the link shortener's key, come from (never their
    values); exit 1 if any is missing."""
    from ..secrets import DEFAULT_ROLE, Secrets, env_name, missing
    from .common import note, open_workspace, out, print_json

    ws = open_workspace(ctx, clients)
    lookup = Secrets(ws.root)
    rows: list[dict[str, str | None]] = []
    for space in ws.select(clients or []):
        for network, account in _holders(ws, space.slug).items():
            for role in [DEFAULT_ROLE, *[r for r in account.secrets if r != DEFAULT_ROLE]]:
                found = lookup.find(space.slug, network, account, role)
                rows.append(
                    {
                        "client": space.slug,
                        "network": network,
                        "role": role,
                        "variable": env_name(account, role),
                        "source": found.source if found else None,
                        "fix": None if found else missing(space.slug, network, account, role).hint,
                    }
                )
    for warning in lookup.warnings:
        note(f"warning: {warning}")
    if json_out:
        print_json(rows)
    else:
        for row in rows:
            role = "" if row["role"] == DEFAULT_ROLE else f" ({row['role']})"
            where = row["source"] or f"MISSING\n  → {row['fix']}"
            out().print(
                f"{row['client']}/{row['network']}{role}: {where}", markup=False, highlight=False
            )
    raise typer.Exit(1 if any(r["source"] is None for r in rows) else 0)


def register(app: typer.Typer) -> None:
    app.add_typer(secrets_app)

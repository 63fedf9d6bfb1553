"""`cmkit auth`: get an account's token by signing in, instead of copying it by hand."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

auth_app = typer.Typer(
    name="auth",
    help="Sign in to a network and store the account's token (keyring or .env).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Store(StrEnum):
    KEYRING = "keyring"
    ENV = "env"


@auth_app.command("mastodon")
def mastodon(
    ctx: typer.Context,
    client: Annotated[
        str, typer.Argument(metavar="CLIENT", help="The client whose Mastodon account to use.")
    ],
    instance: Annotated[
        str | None,
        typer.Option(
            "--instance",
            metavar="URL",
            help="Instance URL (default: the one in client.yaml).",
            show_default=False,
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            metavar="CODE",
            help="The code the instance shows after approval (default: asked for).",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        Store,
        typer.Option(
            "--store",
            help="keyring: the OS keyring (entry cmkit CLIENT/mastodon); "
            "env: the workspace's git-ignored .env, under the account's token_env.",
        ),
    ] = Store.KEYRING,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the approval page.")
    ] = True,
) -> None:
    """Register cmkit on the client's Mastodon instance and sign in with OAuth.

    cmkit prints (and opens) the instance's approval page; sign in as the
    client's account, approve, and paste the code the page shows. The token
    (scopes read and write) is stored in the OS keyring, or with --store env in
    the workspace's .env (which git must ignore). It is never printed.
    Then `cmkit accounts check CLIENT` confirms it works.
    """
    from ..connectors import mastodon_oauth as oauth
    from ..diagnostics import CmkitError
    from ..networks import Network
    from ..redaction import register as keep_secret
    from .common import note, open_workspace

    ws = open_workspace(ctx, [client])
    space = ws.select([client])[0]
    account = space.client.accounts.get(Network.MASTODON) if space.client else None
    url = (instance or (str(account.instance) if account and account.instance else "")).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise CmkitError(
            f"no Mastodon instance for {client}",
            f"add `accounts: {{mastodon: {{instance: https://…}}}}` to clients/{client}/"
            "client.yaml, or pass --instance https://…",
        )
    if store is Store.ENV and not (account and account.token_env):
        raise CmkitError(
            f"clients/{client}/client.yaml names no token_env for mastodon",
            "add `token_env: SOME_NAME` under accounts: mastodon:, or use --store keyring",
        )

    app = oauth.register_app(url)
    page = oauth.authorize_url(app)
    note("Open this page, sign in as the client's Mastodon account and approve cmkit:")
    note(f"  {page}")
    if browser and code is None and sys.stdin.isatty():
        import webbrowser

        webbrowser.open(page)
    if code is None:
        sys.stderr.write("Code shown by the instance: ")
        sys.stderr.flush()
        code = sys.stdin.readline().strip()
        if not sys.stdin.isatty():
            sys.stderr.write("\n")  # a piped code brings no newline of its own
    if not code:
        raise CmkitError("no code given", "paste the code the instance shows after approval")
    token = keep_secret(oauth.exchange(app, keep_secret(code)))
    who = oauth.account_of(url, token)
    where = _store(ws.root, client, token, store, account.token_env if account else None)
    note(f"signed in as {who}; token stored in {where}")
    configured = (account.handle or "") if account else ""
    if configured and configured.lower().lstrip("@") not in (
        who.lower().lstrip("@"),
        who.lower().lstrip("@").split("@")[0],
    ):
        note(f"warning: client.yaml says {configured}: fix the handle, or sign in as that account")
    note(f"next: cmkit accounts check {client}")


def _store(root: object, client: str, token: str, store: Store, var: str | None) -> str:
    from pathlib import Path

    from ..accounts import save_to_env_file
    from ..diagnostics import CmkitError
    from ..secrets import SERVICE, keyring_entry, keyring_get, keyring_set

    if store is Store.ENV:
        assert var is not None
        path = save_to_env_file(Path(str(root)), var, token)
        return f"{path.name} ({var})"
    entry = keyring_entry(client, "mastodon")
    keyring_set(entry, token)
    if keyring_get(entry) != token:
        raise CmkitError(
            "the OS keyring did not keep the token (no usable keyring here?)",
            f"run again with --store env to put it in the workspace's .env, or set "
            f"{var or 'the token_env variable'} yourself",
        )
    return f"the OS keyring ({SERVICE} {entry})"


def register(app: typer.Typer) -> None:
    app.add_typer(auth_app)

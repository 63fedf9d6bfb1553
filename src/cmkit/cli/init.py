"""`cmkit init`: scaffold a client folder, and the workspace around it if there is none."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    ctx: typer.Context,
    client: Annotated[
        str,
        typer.Argument(
            help="Folder name of the new client: lower-case letters, digits and dashes "
            "(e.g. boulangerie-martin).",
            metavar="CLIENT",
            show_default=False,
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="The client's name as it appears in reports (default: from the folder name).",
            show_default=False,
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="IANA time zone, e.g. Europe/Paris (default: cmkit.yaml's).",
            show_default=False,
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help="ISO country code for holidays, e.g. FR (default: from the locale).",
            show_default=False,
        ),
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            "--locale",
            help="Locale(s) of the posts, e.g. fr-FR, or fr-CA,en-CA for a "
            "bilingual client (default: cmkit.yaml's).",
            show_default=False,
        ),
    ] = None,
    networks: Annotated[
        str | None,
        typer.Option(
            "--networks",
            help="Networks, comma-separated (default: instagram,facebook,linkedin).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create clients/CLIENT/ with its files, ready to fill in.

    Writes client.yaml, strategy.yaml, charter.yaml, calendar.yaml, watch.yaml, an
    example draft post, and media/, campaigns/ and data/ folders; every file passes
    `cmkit check` as it is. In a folder that is not yet a workspace, also writes
    cmkit.yaml, a .gitignore that keeps .env out of git, and the JSON Schemas that
    editors use (.cmkit/schemas/). Never overwrites an existing client.
    """
    from ..clock import now
    from ..scaffold import create, init_root, plan
    from .common import note

    root = init_root(ctx.obj.get("workspace") if ctx.obj else _env_workspace(), Path.cwd())
    planned = plan(
        root,
        client,
        name=name,
        timezone=timezone,
        country=country,
        locales=_split(locale),
        networks=_split(networks),
    )
    from zoneinfo import ZoneInfo

    today = now().astimezone(ZoneInfo(planned.timezone)).date()
    done = create(root, planned, today)
    for line in _summary(done):
        note(line)


def _env_workspace() -> Path | None:
    import os

    value = os.environ.get("CMKIT_WORKSPACE")
    return Path(value) if value else None


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()] or None


def _summary(done: object) -> list[str]:
    from ..scaffold import Created

    assert isinstance(done, Created)
    root, folder, planned = done.root, done.client_dir, done.plan
    rel = folder.relative_to(root).as_posix()
    lines = []
    if done.new_workspace:
        lines.append(f"New workspace in {root}: cmkit.yaml, .gitignore, .cmkit/schemas/")
    lines.append(f"Created {planned.name} in {rel}/")
    roles = {
        "client.yaml": "who the client is, one account per network",
        "strategy.yaml": "period, objectives, budget, pillars",
        "charter.yaml": "tone, words, hashtags, emoji",
        "calendar.yaml": "weekly slots, key dates, highlights",
        "watch.yaml": "feeds, keywords, competitors",
    }
    for path in done.files:
        if path.parent == folder and path.name in roles:
            lines.append(f"  {path.name:<15} {roles[path.name]}")
        elif path.parent.name == "posts":
            lines.append(f"  posts/{path.name}  an example draft post")
    lines.append("  media/  campaigns/  data/")
    country = f", country {planned.country}" if planned.country else ""
    lines.append(f"  Time zone {planned.timezone}{country}, locales {', '.join(planned.locales)}")
    lines.append(f"  Networks: {', '.join(str(n) for n in planned.networks)}")
    if done.gitignore_lacks_env:
        lines.append("warning: .gitignore does not list .env; add it before putting tokens there")
    first_env = next(iter(done.token_envs.values()), "TOKEN")
    lines += [
        "",
        "Next steps:",
        f"  1. Fill in the accounts in {rel}/client.yaml.",
        "  2. Put each token in the environment or in .env (git-ignored), e.g.",
        f"       {first_env}=…",
        "  3. Set the objectives and pillars in strategy.yaml, the tone in charter.yaml.",
        f"  4. Write posts in {rel}/posts/, then run:",
        f"       cmkit check {planned.slug}",
    ]
    return lines


def register(app: typer.Typer) -> None:
    app.command()(init)

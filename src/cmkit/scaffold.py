"""`cmkit init`: a new client folder (and a new workspace around it when there is none).

Every file it writes validates clean, starts with a modeline pointing an editor at its
JSON Schema, and carries comments that show the keys a CM will want next. Nothing is
ever overwritten: an existing client is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pydantic import ValidationError

from . import scaffold_text as text
from .diagnostics import CmkitError, Problem, suggest
from .models import Client, WorkspaceConfig
from .models.base import INVALID
from .networks import Network, parse_network
from .schema import SCHEMA_DIR, modeline, write_schemas
from .workspace import CLIENTS_DIR, CONFIG_FILE, load_model

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_NETWORKS = (Network.INSTAGRAM, Network.FACEBOOK, Network.LINKEDIN)


@dataclass
class Plan:
    """What `init` will write, validated before anything touches the disk."""

    slug: str
    name: str
    timezone: str
    country: str | None
    locales: list[str]
    networks: list[Network]


@dataclass
class Created:
    root: Path
    client_dir: Path
    plan: Plan
    files: list[Path] = field(default_factory=list)  # in the order written
    new_workspace: bool = False
    gitignore_lacks_env: bool = False
    token_envs: dict[Network, str] = field(default_factory=dict)


def init_root(explicit: Path | None, cwd: Path) -> Path:
    """--workspace as given (created if missing), else the nearest folder holding
    cmkit.yaml, else the current folder, which becomes a new workspace."""
    if explicit is not None:
        root = explicit.expanduser()
        if root.exists() and not root.is_dir():
            raise CmkitError(f"{root} is a file, not a folder", "pass a folder to --workspace")
        return root.resolve()
    start = cwd.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return start


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def title_from_slug(slug: str) -> str:
    return " ".join(word.capitalize() for word in slug.split("-"))


def plan(
    root: Path,
    slug: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
    country: str | None = None,
    locales: list[str] | None = None,
    networks: list[str] | None = None,
) -> Plan:
    """Check every option against the models; a CmkitError names the one to fix."""
    if not SLUG.fullmatch(slug) or len(slug) > 60:
        fixed = slugify(slug)[:60].strip("-") or "my-client"
        raise CmkitError(
            f"'{slug}' cannot be a client folder name: use lower-case letters, digits and dashes",
            f'cmkit init {fixed} --name "{name or slug}"',
        )
    defaults = _workspace_defaults(root)
    locales = locales or [defaults.locale]
    region = locales[0].partition("-")[2]
    if country is None and re.fullmatch(r"[A-Z]{2}", region):
        country = region  # fr-FR → FR, en-CA → CA
    data = {
        "name": name or title_from_slug(slug),
        "timezone": timezone or defaults.timezone,
        "country": country,
        "locales": locales,
    }
    try:
        client = Client.model_validate(data)
    except ValidationError as exc:
        raise _option_error(exc, country) from None
    return Plan(
        slug,
        client.name,
        client.timezone or defaults.timezone,
        client.country,
        list(client.locales),
        _networks(networks),
    )


_OPTIONS = {
    "name": "--name",
    "timezone": "--timezone",
    "country": "--country",
    "locales": "--locale",
}


def _option_error(exc: ValidationError, country: str | None) -> CmkitError:
    error = exc.errors()[0]
    option = _OPTIONS.get(str(error["loc"][0]), "")
    value = str(country if option == "--country" else error.get("input"))
    if error["type"] == INVALID:  # the model says how to fix it
        ctx = error.get("ctx") or {}
        return CmkitError(f"{option} {value}: {ctx.get('message')}", str(ctx.get("hint", "")))
    if error["type"] != "string_pattern_mismatch":
        return CmkitError(f"{option} {value}: {error['msg']}")
    if option == "--country":
        return CmkitError(
            f"--country {value}: not a two-letter ISO country code", "e.g. FR, BE, CH, LU or CA"
        )
    language, _, region = value.replace("_", "-").partition("-")
    guess = f"{language.lower()}-{region.upper()}" if region else language.lower()
    return CmkitError(
        f"--locale {value}: not a locale such as fr-FR or en-CA",
        f"did you mean {guess}? Several: fr-CA,en-CA",
    )


def _networks(names: list[str] | None) -> list[Network]:
    if not names:
        return list(DEFAULT_NETWORKS)
    out: list[Network] = []
    for raw in names:
        network = parse_network(raw)
        if network is None:
            known = [str(n) for n in Network]
            guess = suggest(raw.strip(), known)
            raise CmkitError(
                f"--networks: unknown network '{raw.strip()}'",
                f"did you mean '{guess}'?" if guess else f"known networks: {', '.join(known)}",
            )
        if network not in out:
            out.append(network)
    return out


def _workspace_defaults(root: Path) -> WorkspaceConfig:
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        return WorkspaceConfig()
    problems: list[Problem] = []
    config, _ = load_model(config_file, root, WorkspaceConfig, problems)
    if config is None:
        raise CmkitError(
            f"{CONFIG_FILE} has errors, so its defaults cannot be read",
            f"run `cmkit check` and fix {CONFIG_FILE} first",
        )
    return config


def create(root: Path, planned: Plan, today: date) -> Created:
    """Write the client folder (and cmkit.yaml, .gitignore, schemas for a new workspace)."""
    client_dir = root / CLIENTS_DIR / planned.slug
    if client_dir.exists() and (not client_dir.is_dir() or any(client_dir.iterdir())):
        raise CmkitError(
            f"{CLIENTS_DIR}/{planned.slug}/ already exists; cmkit init never overwrites a client",
            "choose another name, or edit the files that are there",
        )
    done = Created(root, client_dir, planned)
    try:
        root.mkdir(parents=True, exist_ok=True)
        _write_workspace_files(root, planned, done)
        write_schemas(root / SCHEMA_DIR)
        _write_client(root, client_dir, planned, today, done)
    except OSError as exc:
        raise CmkitError(
            f"cannot write in {root}: {exc.strerror or exc}", "check the folder's permissions"
        ) from None
    return done


def _write_workspace_files(root: Path, planned: Plan, done: Created) -> None:
    if not (root / CONFIG_FILE).exists():
        done.new_workspace = True
        language = planned.locales[0].partition("-")[0]
        _write(
            done,
            root / CONFIG_FILE,
            text.workspace(
                modeline("workspace", root / CONFIG_FILE, root),
                planned.timezone,
                planned.locales[0],
                language if language in ("fr", "en") else "en",
            ),
        )
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        _write(done, gitignore, text.GITIGNORE)
    elif not any(
        line.strip().strip("/") in (".env", "*.env", ".env*")
        for line in gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
    ):
        done.gitignore_lacks_env = True


def _write_client(root: Path, folder: Path, planned: Plan, today: date, done: Created) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    env_prefix = planned.slug.upper().replace("-", "_")
    done.token_envs = {n: f"{env_prefix}_{str(n).upper()}_TOKEN" for n in planned.networks}
    french = planned.locales[0].startswith("fr")

    def line(kind: str, path: Path) -> str:
        return modeline(kind, path, root)

    files: dict[str, Callable[[str], str]] = {
        "client.yaml": lambda m: text.client(
            m, planned.name, planned.timezone, planned.country, planned.locales, done.token_envs
        ),
        "strategy.yaml": lambda m: text.strategy(m, *_quarter(today), _currency(planned.country)),
        "charter.yaml": lambda m: text.charter(m, planned.name, french),
        "calendar.yaml": lambda m: text.calendar(m, planned.networks),
        "watch.yaml": lambda m: text.watch(m, planned.name),
    }
    for name, render in files.items():
        path = folder / name
        _write(done, path, render(line(name.removesuffix(".yaml"), path)))
    day = _next_weekday(today)
    post = folder / "posts" / f"{day.isoformat()}-{'bienvenue' if french else 'welcome'}.md"
    post.parent.mkdir()
    _write(done, post, text.example_post(day, planned.networks, planned.locales))
    for sub in ("media", "campaigns", "data"):
        (folder / sub).mkdir()
        _write(done, folder / sub / ".gitkeep", "")


def _write(done: Created, path: Path, content: str) -> None:
    with path.open("x", encoding="utf-8") as handle:  # "x": never clobber a file
        handle.write(content)
    done.files.append(path)


def _quarter(today: date) -> tuple[date, date]:
    """From the first of this month to the end of the month after next."""
    start = today.replace(day=1)
    year, month = divmod(start.month - 1 + 3, 12)
    end = date(start.year + year, month + 1, 1) - timedelta(days=1)
    return start, end


def _next_weekday(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _currency(country: str | None) -> str:
    return {
        "CA": "CAD",
        "CH": "CHF",
        "GB": "GBP",
        "US": "USD",
        "MA": "MAD",
        "TN": "TND",
        "SN": "XOF",
        "CI": "XOF",
    }.get(country or "", "EUR")

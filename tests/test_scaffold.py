"""`cmkit init`: a new client whose files validate, never at the cost of an existing one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cmkit.models import FILE_KINDS
from cmkit.networks import Network
from cmkit.workspace import load
from cmkit.yamlio import parse_yaml, split_front_matter

NOW = "2026-11-25T09:00:00+01:00"
MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")
KIND_OF = {
    "cmkit.yaml": "workspace",
    "client.yaml": "client",
    "strategy.yaml": "strategy",
    "charter.yaml": "charter",
    "calendar.yaml": "calendar",
    "watch.yaml": "watch",
}


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMKIT_NOW", NOW)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_init_in_an_empty_folder_makes_a_workspace_that_loads_clean(
    cmkit: Any, tmp_path: Path
) -> None:
    r = cmkit("init", "boulangerie-martin", "--name", "Boulangerie Martin", cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    files = set(tree(tmp_path))
    client = "clients/boulangerie-martin/"
    assert {
        "cmkit.yaml",
        ".gitignore",
        f"{client}client.yaml",
        f"{client}strategy.yaml",
        f"{client}charter.yaml",
        f"{client}calendar.yaml",
        f"{client}watch.yaml",
        f"{client}posts/2026-11-26-bienvenue.md",
        f"{client}media/.gitkeep",
        f"{client}campaigns/.gitkeep",
        f"{client}data/.gitkeep",
    } <= files
    assert {f".cmkit/schemas/{kind}.schema.json" for kind in FILE_KINDS} <= files
    ws = load(tmp_path)
    assert ws.problems == []
    space = ws.clients["boulangerie-martin"]
    assert space.client is not None and space.client.name == "Boulangerie Martin"
    assert space.client.country == "FR" and space.tz.key == "Europe/Paris"
    assert [str(n) for n in space.client.accounts] == ["instagram", "facebook", "linkedin"]
    assert space.strategy is not None
    assert (str(space.strategy.period.start), str(space.strategy.period.end)) == (
        "2026-11-01",
        "2027-01-31",
    )
    [post] = space.posts
    assert post.meta.status == "draft" and post.at is not None
    assert post.at.isoformat() == "2026-11-26T09:30:00+01:00"
    assert ".env" in (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_summary_says_what_was_made_and_what_to_do_next(cmkit: Any, tmp_path: Path) -> None:
    r = cmkit("-w", tmp_path, "init", "boulangerie-martin")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""  # messages go to stderr
    assert "New workspace in" in r.stderr
    assert "Created Boulangerie Martin in clients/boulangerie-martin/" in r.stderr
    assert "BOULANGERIE_MARTIN_INSTAGRAM_TOKEN=…" in r.stderr
    assert "cmkit check boulangerie-martin" in r.stderr
    assert all(len(line) <= 80 for line in r.stderr.splitlines() if str(tmp_path) not in line)


def test_init_passes_check(cmkit: Any, tmp_path: Path) -> None:
    assert cmkit("-w", tmp_path, "init", "boulangerie-martin").exit_code == 0
    r = cmkit("-w", tmp_path, "check", "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    # what is left are the account ids the CM fills in from each network's settings
    left = {(p["rule"], p["severity"]) for p in json.loads(r.stdout)}
    assert left <= {("account/id", "warning")}, r.stdout


def test_init_never_overwrites_a_client(cmkit: Any, tmp_path: Path) -> None:
    assert cmkit("-w", tmp_path, "init", "boulangerie-martin").exit_code == 0
    charter = tmp_path / "clients/boulangerie-martin/charter.yaml"
    charter.write_text("tone: à nous\n", encoding="utf-8")
    before = tree(tmp_path)
    r = cmkit("-w", tmp_path, "init", "boulangerie-martin", "--name", "Autre")
    assert r.exit_code == 2
    assert r.stderr.startswith("cmkit: error: clients/boulangerie-martin/ already exists")
    assert len(r.stderr.strip().splitlines()) == 1
    assert tree(tmp_path) == before


def test_a_second_client_keeps_the_workspace_and_its_defaults(cmkit: Any, tmp_path: Path) -> None:
    (tmp_path / "cmkit.yaml").write_text(
        "timezone: America/Montreal\nlocale: fr-CA\n", encoding="utf-8"
    )
    (tmp_path / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    (tmp_path / "clients").mkdir()
    r = cmkit("init", "cafe-erable", cwd=tmp_path / "clients")  # from a subfolder
    assert r.exit_code == 0, r.stderr
    assert "New workspace" not in r.stderr
    assert "warning: .gitignore does not list .env" in r.stderr
    assert (tmp_path / "cmkit.yaml").read_text(encoding="utf-8").startswith("timezone: Amer")
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n"
    client = load(tmp_path).clients["cafe-erable"].client
    assert client is not None
    assert (client.timezone, client.country, client.locales) == (
        "America/Montreal",
        "CA",
        ["fr-CA"],
    )


def test_a_bilingual_client_with_network_aliases(cmkit: Any, tmp_path: Path) -> None:
    r = cmkit(
        "-w",
        tmp_path,
        "init",
        "cafe-erable",
        "--name",
        "Café Érable",
        "--timezone",
        "America/Montreal",
        "--locale",
        "fr-CA,en-CA",
        "--networks",
        "fb, ig,mastodon",
    )
    assert r.exit_code == 0, r.stderr
    ws = load(tmp_path)
    assert ws.problems == []
    space = ws.clients["cafe-erable"]
    assert space.client is not None
    assert space.client.locales == ["fr-CA", "en-CA"]
    assert list(space.client.accounts) == [Network.FACEBOOK, Network.INSTAGRAM, Network.MASTODON]
    assert space.client.accounts[Network.MASTODON].token_env == "CAFE_ERABLE_MASTODON_TOKEN"
    # the example post says how to add the second locale's text
    [post] = space.posts
    assert "#   en-CA: " in post.path.read_text(encoding="utf-8")
    # the workspace's defaults follow the first client
    assert ws.config.timezone == "America/Montreal" and ws.config.locale == "fr-CA"


def test_every_network_scaffolds_a_valid_account(cmkit: Any, tmp_path: Path) -> None:
    every = ",".join(str(n) for n in Network)
    r = cmkit("-w", tmp_path, "init", "tous-reseaux", "--locale", "en-GB", "--networks", every)
    assert r.exit_code == 0, r.stderr
    ws = load(tmp_path)
    assert ws.problems == []
    assert ws.config.report_language == "en"
    assert "Welcome!" in ws.clients["tous-reseaux"].posts[0].body


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (
            ["Boulangerie Martin"],
            "'Boulangerie Martin' cannot be a client folder name",
            'cmkit init boulangerie-martin --name "Boulangerie Martin"',
        ),
        (["Café_Érable"], "cannot be a client folder name", "cmkit init cafe-erable"),
        (
            ["x", "--timezone", "Europe/Pari"],
            "unknown time zone 'Europe/Pari'",
            "did you mean 'Europe/Paris'?",
        ),
        (["x", "--locale", "fr_fr"], "--locale fr_fr: not a locale", "did you mean fr-FR?"),
        (["x", "--country", "France"], "--country France: not a two-letter", "FR"),
        (
            ["x", "--networks", "instagram,insta"],
            "unknown network 'insta'",
            "did you mean 'instagram'?",
        ),
    ],
)
def test_bad_options_are_one_line_and_write_nothing(
    cmkit: Any, tmp_path: Path, args: list[str], message: str, hint: str
) -> None:
    r = cmkit("-w", tmp_path / "agency", "init", *args)
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert message in r.stderr and f"(fix: {hint}" in r.stderr.replace("fix: e.g. ", "fix: ")
    assert not (tmp_path / "agency").exists()


def test_each_file_names_its_schema_and_matches_it(cmkit: Any, tmp_path: Path) -> None:
    assert cmkit("-w", tmp_path, "init", "boulangerie-martin").exit_code == 0
    checked = 0
    for path in [
        tmp_path / "cmkit.yaml",
        *(tmp_path / "clients/boulangerie-martin").glob("*.yaml"),
    ]:
        text = path.read_text(encoding="utf-8")
        match = MODELINE.match(text)
        assert match, f"{path.name} does not start with a schema modeline"
        schema_file = (path.parent / match.group(1)).resolve()
        assert schema_file.name == f"{KIND_OF[path.name]}.schema.json"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        jsonschema.Draft7Validator(schema).validate(parse_yaml(text, path.name).data)
        checked += 1
    assert checked == 6
    post = next((tmp_path / "clients/boulangerie-martin/posts").glob("*.md"))
    split = split_front_matter(post.read_text(encoding="utf-8"))
    assert split is not None
    schema = json.loads((tmp_path / ".cmkit/schemas/post.schema.json").read_text("utf-8"))
    jsonschema.Draft7Validator(schema).validate(parse_yaml(split[0], "post").data)


def test_an_empty_client_folder_is_filled_not_refused(cmkit: Any, tmp_path: Path) -> None:
    (tmp_path / "clients" / "nouveau").mkdir(parents=True)
    r = cmkit("-w", tmp_path, "init", "nouveau")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "clients/nouveau/client.yaml").is_file()


def test_a_broken_cmkit_yaml_is_named_not_guessed_around(cmkit: Any, tmp_path: Path) -> None:
    (tmp_path / "cmkit.yaml").write_text("timezone: Europe/Pariss\n", encoding="utf-8")
    r = cmkit("-w", tmp_path, "init", "boulangerie-martin")
    assert r.exit_code == 2
    assert "cmkit.yaml has errors" in r.stderr and "cmkit check" in r.stderr
    assert not (tmp_path / "clients").exists()

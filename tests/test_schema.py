"""`cmkit schema`: JSON Schemas an editor can use, that agree with what cmkit loads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from cmkit.models import FILE_KINDS, Charter
from cmkit.networks import Network
from cmkit.schema import SCHEMA_DIR, kinds, schema_for
from cmkit.schema_text import FIELD_TEXT
from cmkit.validation import validate
from cmkit.yamlio import parse_yaml


def validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        schema_for(kind), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_each_schema_is_a_valid_draft7_schema_with_a_title(kind: str) -> None:
    schema = schema_for(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["title"] and schema["description"]
    assert "$defs" not in json.dumps(schema)  # draft-07 spells it `definitions`


def _models(model: type[BaseModel], seen: dict[str, type[BaseModel]]) -> None:
    import typing

    if model.__name__ in seen:
        return
    seen[model.__name__] = model
    for field in model.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                _models(item, seen)
            else:
                stack += typing.get_args(item)


def all_models() -> dict[str, type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for model in FILE_KINDS.values():
        _models(model, seen)
    return seen


def test_every_key_of_every_file_kind_has_hover_text() -> None:
    missing = []
    for kind, model in FILE_KINDS.items():
        schema = schema_for(kind)
        definitions = {**schema.get("definitions", {}), model.__name__: schema}
        found = {}
        _models(model, found)
        for name, sub in found.items():
            props = definitions[name]["properties"]
            missing += [
                f"{name}.{key}" for key in sub.model_fields if not props[key].get("description")
            ]
    assert not missing, (
        f"keys without a description: {missing}; add Field(description=…) to the model "
        "or a line to cmkit/schema_text.py"
    )


def test_hover_texts_name_only_existing_keys() -> None:
    models = all_models()
    stale = [
        key
        for key in FIELD_TEXT
        if key.split(".")[0] not in models
        or key.split(".")[1] not in models[key.split(".")[0]].model_fields
    ]
    assert not stale


def test_a_key_added_to_a_model_appears_in_its_schema(
    monkeypatch: pytest.MonkeyPatch, cmkit: Any
) -> None:
    class CharterWithMood(Charter):
        mood: str | None = None

    monkeypatch.setitem(FILE_KINDS, "charter", CharterWithMood)
    r = cmkit("schema", "--kind", "charter")
    assert r.exit_code == 0, r.stderr
    assert "mood" in json.loads(r.stdout)["properties"]


def test_mappings_keyed_by_network_list_every_network_for_completion() -> None:
    client = schema_for("client")
    accounts = client["properties"]["accounts"]
    assert set(accounts["properties"]) == {str(n) for n in Network}
    assert accounts["additionalProperties"] is False
    variants = schema_for("post")["properties"]["variants"]
    assert set(variants["properties"]) == {str(n) for n in Network}
    assert variants["additionalProperties"]  # and locales (en-CA) stay allowed


# (kind, YAML) pairs on the edge of what the loader accepts: the schema must agree
AGREEMENT = [
    ("charter", 'hashtags: {required: ["#BoulangerieMartin"]}'),
    ("charter", "hashtags: {required: [BoulangerieMartin]}"),
    ("charter", 'hashtags: {required: ["deux mots"]}'),
    ("charter", "tone: chaleureux\ntonee: x"),
    ("charter", "emoji: {max: -1}"),
    ("client", "name: X\ncountry: fr"),
    ("client", "name: X\ncountry: France"),
    ("client", "name: X\ncountry: NO"),
    ("client", "name: X\nlocales: [fr-FR, en-CA]"),
    ("client", "name: X\nlocales: [fr_FR]"),
    ("client", "name: X\naccounts: {instagram: {token_env: MARTIN_IG_TOKEN}}"),
    ("client", "name: X\naccounts: {instagram: {token_env: martin}}"),
    ("client", "name: X\naccounts: {tiktok: {token_env: T}}"),
    ("client", "name: X\ncurrency: EUR"),
    ("calendar", 'slots: [{network: instagram, days: [tue], time: "09:30"}]'),
    ("calendar", 'slots: [{network: instagram, days: [tue], time: "9h30"}]'),
    ("calendar", "slots: [{network: instagram, days: [tue], time: 930}]"),
    ("calendar", 'slots: [{network: instagram, days: [tuesday], time: "09:30"}]'),
    ("calendar", "key_dates: [{date: 2026-12-08, name: Lumières}]"),
    ("calendar", "key_dates: [{date: 8/12/2026, name: Lumières}]"),
    ("post", "at: 2026-12-01 09:30\nnetworks: [instagram]\nstatus: approved"),
    ("post", "at: 2026-12-01T09:30:00+01:00"),
    ("post", "at: 2026-12-01"),
    ("post", "at: 1er décembre"),
    ("post", "status: published"),
    ("post", "variants: {linkedin: Texte, en-CA: {text: Hello}}"),
    (
        "campaign",
        "name: N\nplatform: meta\nobjective: traffic\nstart: 2026-11-16\n"
        "end: 2026-12-20\nbudget: {total: 300, currency: eur}\nspend: 42.5",
    ),
    (
        "campaign",
        "name: N\nplatform: meta\nobjective: traffic\nstart: 2026-11-16\n"
        "end: 2026-12-20\nbudget: {total: -3}",
    ),
    ("watch", "keywords: [Martin, {query: bûche Lyon, networks: [bluesky]}]"),
    ("workspace", "timezone: Europe/Paris\nreport_language: fr"),
    ("workspace", "routine: {weekly: {mon: [Plan]}}"),
    ("workspace", "routine: {weekly: {monday: [Plan]}}"),
    (
        "strategy",
        "period: {start: 2026-11-01, end: 2027-01-31}\n"
        "objectives: [{metric: followers, baseline: 1, target: 2, deadline: 2026-12-31}]",
    ),
    ("strategy", "period: {start: 2026-11-01}"),
]


@pytest.mark.parametrize(("kind", "text"), AGREEMENT)
def test_the_schema_accepts_what_cmkit_accepts(kind: str, text: str) -> None:
    parsed = parse_yaml(text, "f.yaml")
    model_ok = validate(FILE_KINDS[kind], parsed, "f.yaml")[0] is not None
    errors = [e.message for e in validator(kind).iter_errors(parsed.data)]
    assert model_ok == (not errors), (model_ok, errors)


def test_schema_writes_every_kind_into_the_workspace(cmkit: Any, tmp_path: Path) -> None:
    (tmp_path / "cmkit.yaml").write_text("timezone: Europe/Paris\n", encoding="utf-8")
    r = cmkit("-w", tmp_path, "schema")
    assert r.exit_code == 0, r.stderr
    written = sorted(p.name for p in (tmp_path / SCHEMA_DIR).iterdir())
    assert written == sorted(f"{kind}.schema.json" for kind in kinds())
    assert "yaml-language-server: $schema=../../.cmkit/schemas/client.schema.json" in r.stderr
    again = cmkit("-w", tmp_path, "schema")
    assert again.exit_code == 0
    assert "already up to date" in again.stderr


def test_schema_out_needs_no_workspace_and_kind_prints_one(cmkit: Any, tmp_path: Path) -> None:
    r = cmkit("schema", "--out", tmp_path / "s", "--kind", "post", cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["post.schema.json"]
    printed = cmkit("schema", "--kind", "calendar", cwd=tmp_path)
    assert json.loads(printed.stdout)["title"] == "clients/<slug>/calendar.yaml"


def test_an_unknown_kind_is_one_line_with_a_suggestion(cmkit: Any) -> None:
    r = cmkit("schema", "--kind", "clent")
    assert r.exit_code == 2
    assert r.stderr.strip() == "cmkit: error: no file kind 'clent' (fix: did you mean 'client'?)"


def test_docs_files_md_names_every_key() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "files.md").read_text("utf-8")
    doc = re.sub(r"```.*?```", "", doc, flags=re.S)  # examples show keys, tables define them
    quoted = {
        word for span in re.findall(r"`([^`]+)`", doc) for word in re.findall(r"[a-z_]+", span)
    }
    missing = sorted(
        {
            f"{name}.{key}"
            for name, model in all_models().items()
            for key in model.model_fields
            if key not in quoted
        }
    )
    assert not missing, f"document these keys in docs/files.md: {missing}"

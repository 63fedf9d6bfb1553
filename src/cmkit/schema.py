"""JSON Schemas of every workspace file kind, generated from the models, for editors.

An editor with the YAML language server reads the `# yaml-language-server: $schema=…`
line at the top of a file and then completes keys, shows each key's meaning on hover
and underlines mistakes while the CM types. The schemas are draft-07, the newest
draft that editors support fully, and describe what the loader *accepts* (a hashtag
may start with '#', a time is "09:30"), not pydantic's internal types.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from .diagnostics import CmkitError, suggest
from .models import FILE_KINDS
from .networks import Network
from .schema_text import FIELD_TEXT, KIND_TEXT

SCHEMA_DIR = Path(".cmkit") / "schemas"  # relative to the workspace root
DIALECT = "http://json-schema.org/draft-07/schema#"

TIME_PATTERN = r"^([01]?[0-9]|2[0-3])[:hH][0-5][0-9]$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)
ENV_NAME_PATTERN = r"^[A-Z_][A-Z0-9_]*$"
HASHTAG_PATTERN = r"^[#＃]?[^\s#]+$"  # the loader drops a leading '#'

# keys an editor should offer where a mapping's keys are free text
_SUGGESTED_KEYS: dict[tuple[str, str], list[str]] = {
    ("PostMeta", "variants"): [str(n) for n in Network],
}


def kinds() -> list[str]:
    return list(FILE_KINDS)


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def check_kind(kind: str) -> str:
    if kind in FILE_KINDS:
        return kind
    guess = suggest(kind, kinds())
    raise CmkitError(
        f"no file kind '{kind}'",
        f"did you mean '{guess}'?" if guess else f"kinds: {', '.join(kinds())}",
    )


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of one file kind, with hover text on every key."""
    model = cast("type[BaseModel]", FILE_KINDS[check_kind(kind)])
    raw = model.model_json_schema(schema_generator=_generator())
    models = _reachable_models(model)
    for name, definition in raw.get("$defs", {}).items():
        if name in models:
            _describe_fields(models[name], definition)
    _describe_fields(model, raw)
    schema = _tidy(raw, raw.get("$defs", {}))
    title, description = KIND_TEXT[kind]
    head = {"$schema": DIALECT, "title": title, "description": description}
    schema.pop("title", None)
    schema.pop("description", None)
    if "$defs" in raw:
        schema["definitions"] = schema.pop("$defs")
    return {**head, **schema}


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path, which: Iterable[str] = ()) -> list[tuple[Path, bool]]:
    """Write `<kind>.schema.json` files; returns each path and whether it changed."""
    wanted = [check_kind(k) for k in which] or kinds()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CmkitError(
            f"cannot create {folder}: {exc.strerror or exc}", "pass a writable folder to --out"
        ) from None
    written = []
    for kind in wanted:
        path = folder / file_name(kind)
        text = render(kind)
        try:
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                written.append((path, False))
                continue
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # atomic: an editor never reads half a schema
        except OSError as exc:
            raise CmkitError(
                f"cannot write {path}: {exc.strerror or exc}", "check the folder's permissions"
            ) from None
        written.append((path, True))
    return written


def modeline(kind: str, file: Path, root: Path) -> str:
    """The first line of a scaffolded YAML file, pointing at its schema relatively."""
    target = root / SCHEMA_DIR / file_name(kind)
    rel = Path(os.path.relpath(target, file.parent)).as_posix()
    return f"# yaml-language-server: $schema={rel}"


# --- generation -------------------------------------------------------------------------


def _generator() -> Any:
    from pydantic.json_schema import GenerateJsonSchema

    class Generator(GenerateJsonSchema):
        """Describe what a user may write, which the models' before-validators widen."""

        def datetime_schema(self, schema: Any) -> Any:
            return {
                "type": "string",
                "pattern": DATETIME_PATTERN,
                "examples": ["2026-12-01 09:30", "2026-12-01T09:30:00+01:00"],
            }

        def date_schema(self, schema: Any) -> Any:
            return {
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
                "examples": ["2026-12-01"],
            }

        def function_before_schema(self, schema: Any) -> Any:
            inner = super().function_before_schema(schema)
            return _widen(_validator_name(schema), inner)

        def function_after_schema(self, schema: Any) -> Any:
            inner = super().function_after_schema(schema)
            return _widen(_validator_name(schema), inner)

        def chain_schema(self, schema: Any) -> Any:
            # pydantic shows only a chain's first step, dropping the pattern that a
            # before-validator pushes to a later step: put it back, as the loader reads it
            out = dict(super().chain_schema(schema))
            names = set(_validator_names(schema))
            pattern = next(_patterns(schema["steps"][1:]), None)
            if "_hashtag" in names:
                pattern = HASHTAG_PATTERN
            elif "_upper" in names and pattern:
                pattern = pattern.replace("[A-Z]", "[A-Za-z]")
            if pattern:
                out["pattern"] = pattern
            return out

    return Generator


def _validator_name(schema: Any) -> str:
    function = schema.get("function", {}).get("function")
    if function is None or getattr(function, "__module__", "") != "cmkit.models.base":
        return ""
    return str(getattr(function, "__name__", ""))


def _validator_names(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        name = _validator_name(schema) if "function" in schema else ""
        if name:
            yield name
        for key in ("schema", "steps"):
            if key in schema:
                yield from _validator_names(schema[key])
    elif isinstance(schema, list):
        for item in schema:
            yield from _validator_names(item)


def _patterns(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for key in ("schema", "steps"):
            if key in schema:
                yield from _patterns(schema[key])
    elif isinstance(schema, list):
        for item in schema:
            yield from _patterns(item)


def _widen(name: str, inner: dict[str, Any]) -> dict[str, Any]:
    if name == "_parse_time":
        return {"type": "string", "pattern": TIME_PATTERN, "examples": ["09:30", "18:00"]}
    if name == "_check_env_name":
        return {**inner, "pattern": ENV_NAME_PATTERN}
    if name == "_check_timezone":
        return {**inner, "examples": ["Europe/Paris", "America/Montreal", "Europe/Brussels"]}
    return inner


def _reachable_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    import types
    import typing

    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ not in found:
                found[annotation.__name__] = annotation
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
            for arg in typing.get_args(annotation):
                visit(arg)

    visit(model)
    return found


def _describe_fields(model: type[BaseModel], definition: dict[str, Any]) -> None:
    properties = definition.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(field.alias or name)
        if prop is None:
            continue
        text = FIELD_TEXT.get(f"{model.__name__}.{name}") or field.description
        if text:
            prop["description"] = text
        prop.pop("title", None)  # "Token Env": noise next to the description
        suggested = _SUGGESTED_KEYS.get((model.__name__, name))
        if suggested and isinstance(prop.get("additionalProperties"), dict):
            prop["properties"] = dict.fromkeys(suggested, prop["additionalProperties"])


def _tidy(node: Any, defs: dict[str, Any]) -> Any:
    """draft-07 spelling: `definitions`, `$ref` alone, enum-keyed mappings spelled out."""
    if isinstance(node, list):
        return [_tidy(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _tidy(value, defs) for key, value in node.items()}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/$defs/", "#/definitions/")
        if len(out) > 1:
            # draft-07 ignores a $ref's siblings (default, description): nest the $ref
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}], **out}
    names = out.get("propertyNames")
    if isinstance(names, dict) and "additionalProperties" in out:
        # `accounts: {instagram: …}`: listing the keys lets an editor complete them
        ref = str(names.get("$ref", "")).rsplit("/", 1)[-1]
        keys = names.get("enum") or defs.get(ref, {}).get("enum")
        if keys:
            value = out["additionalProperties"]
            out["properties"] = {str(key): value for key in keys}
            out["additionalProperties"] = False
            del out["propertyNames"]
    return out

"""Pydantic errors → located problems a person can fix.

The models say what is valid; this module says it in words: which key, where,
what was expected, and the nearest correct spelling.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Problem, suggest
from .models.base import INVALID
from .yamlio import Parsed

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], parsed: Parsed, rel: str) -> tuple[M | None, list[Problem]]:
    """Validate parsed YAML against a model; every error becomes a located Problem."""
    if parsed.problems and parsed.node is None:
        return None, []  # the YAML itself is broken; its problems are already reported
    data = parsed.data
    if not isinstance(data, dict):
        line, col = parsed.at(())
        kind = type(data).__name__ if data is not None else "nothing"
        return None, [
            Problem(
                rel,
                line,
                col,
                "schema/type",
                f"expected a mapping of keys (key: value), found {kind}",
                "start the file with `key: value` lines",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, errors_to_problems(exc, model, parsed, rel)


def errors_to_problems(
    exc: ValidationError, model: type[BaseModel], parsed: Parsed, rel: str
) -> list[Problem]:
    grouped: dict[tuple[int | str, ...], list[Any]] = {}
    for err in exc.errors(include_url=False):
        loc = _data_path(parsed.data, tuple(err["loc"]))
        grouped.setdefault(loc, []).append(err)
    problems = []
    for loc, errs in grouped.items():
        problems.append(_problem(loc, errs, model, parsed, rel))
    return problems


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the steps pydantic adds for union members, keep those present in the data."""
    path: list[int | str] = []
    current = data
    for index, step in enumerate(loc):
        present = (isinstance(current, dict) and step in current) or (
            isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        )
        if present:
            path.append(step)
            current = current[step]
        elif isinstance(current, dict) and index == len(loc) - 1:
            path.append(step)  # a missing key: keep it to name it
        elif isinstance(current, dict) and isinstance(step, str) and _is_key_like(loc, index):
            path.append(step)
            current = None
    return tuple(path)


def _is_key_like(loc: tuple[int | str, ...], index: int) -> bool:
    step = loc[index]
    return isinstance(step, str) and step.isidentifier() and step[:1].islower()


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def _problem(
    loc: tuple[int | str, ...], errs: list[Any], model: type[BaseModel], parsed: Parsed, rel: str
) -> Problem:
    err = errs[0]
    kind = err["type"]
    where = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(model, loc[:-1])
        guess = suggest(key, allowed) if allowed else None
        line, col = parsed.at(loc, key=True)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else (f"remove it; allowed here: {', '.join(allowed)}" if allowed else "remove it")
        )
        return Problem(rel, line, col, "schema/unknown-key", f"unknown key '{key}'", hint)
    line, col = parsed.at(loc)
    if kind == "missing":
        key = str(loc[-1]) if loc else "?"
        return Problem(
            rel,
            line,
            col,
            "schema/missing-key",
            f"missing required key '{key}'",
            f"add `{key}: …`" + _at_parent(loc),
        )
    messages = []
    hint = ""
    for e in errs:
        message, h = _describe(e, loc)
        if message not in messages:
            messages.append(message)
        hint = hint or h
    return Problem(rel, line, col, "schema/invalid", f"{where}: {' or '.join(messages)}", hint)


def _at_parent(loc: tuple[int | str, ...]) -> str:
    parent = _dotted(loc[:-1])
    return "" if parent == "(top level)" else f" under {parent}"


def _describe(err: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    kind = err["type"]
    value = err.get("input")
    shown = _show(value)
    ctx = err.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        guess = suggest(str(value), [c for c in choices if c]) if isinstance(value, str) else None
        hint = f"did you mean '{guess}'?" if guess else f"use one of: {', '.join(choices)}"
        return f"{shown} is not one of the known values", hint
    if kind == INVALID:
        return str(ctx.get("message", err["msg"])), str(ctx.get("hint", ""))
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, "), ""
    if kind.startswith(("datetime", "date")):
        return (
            f"{shown} is not a valid date/time",
            "write a date as YYYY-MM-DD and a time as YYYY-MM-DD HH:MM (24 h)",
        )
    if kind == "string_pattern_mismatch":
        return f"{shown} is not in the expected form", _pattern_hint(loc)
    if kind in (
        "string_type",
        "int_type",
        "float_type",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "int_parsing",
        "float_parsing",
        "bool_parsing",
        "model_attributes_type",
    ):
        wanted = {
            "string_type": "text",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
            "float_type": "a number",
            "float_parsing": "a number",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
            "list_type": "a list (- item)",
            "dict_type": "a mapping (key: value)",
            "model_type": "a mapping (key: value)",
            "model_attributes_type": "a mapping (key: value)",
        }[kind]
        return f"expected {wanted}, found {shown}", _type_hint(kind, value)
    return f"{str(err['msg'])[:1].lower()}{str(err['msg'])[1:]} (found {shown})", ""


def _type_hint(kind: str, value: Any) -> str:
    """How to write the value the field wants, shown with the value the file has."""
    if kind == "string_type":
        return "quote it to make it text"
    if kind == "list_type":
        if isinstance(value, dict):
            return "list the items, one `- item` per line, or as [a, b]"
        return f"write it as a list, even of one item: [{value}]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write its keys on the lines below, indented (see docs/files.md)"
    if kind.startswith(("int", "float")):
        return "write digits only, with a dot for decimals (1200, 79.8)"
    return "write true or false"


def _pattern_hint(loc: tuple[int | str, ...]) -> str:
    field = next((str(s) for s in reversed(loc) if isinstance(s, str)), "")
    return {
        "locales": "a locale is like fr-FR or en-CA",
        "locale": "a locale is like fr-FR or en-CA",
        "lang": "a locale is like fr-FR or en-CA",
        "report_language": "a two-letter language code such as fr or en",
        "country": "a two-letter ISO country code such as FR or CA",
        "currency": "a three-letter currency code such as EUR or CAD",
        "id": "lower-case letters, digits, '-', '_' and '.' only",
        "link": "a full URL starting with https://",
        "url": "a full URL starting with https://",
        "instance": "a full URL starting with https://",
    }.get(field, "see docs/files.md for the expected form")


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found at a data path, for did-you-mean hints."""
    target: Any = model
    for step in loc:
        target = _step_into(target, step)
        if target is None:
            return []
    return sorted({name for m in _models_in(target) for name in m.model_fields})


def _step_into(annotation: Any, step: int | str) -> Any:
    for candidate in _models_in(annotation):
        if isinstance(step, str) and step in candidate.model_fields:
            return candidate.model_fields[step].annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            inner = _step_into(arg, step)
            if inner is not None:
                return inner
    if origin is typing.Annotated and args:
        return _step_into(args[0], step)
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found += _models_in(arg)
        return found
    return []

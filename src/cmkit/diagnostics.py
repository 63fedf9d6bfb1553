"""Located problems: what `cmkit check` reports and every loader returns.

A problem carries where it is (file, line, column — 1-based), a stable rule id,
a severity, what is wrong and how to fix it. The core collects problems and
returns them; only the CLI prints.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str  # relative to the workspace root, with forward slashes
    line: int = 0  # 0 when the problem is about the whole file
    col: int = 0
    rule: str = ""
    message: str = field(default="", compare=False)
    hint: str = field(default="", compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    @property
    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{max(self.col, 1)}"
        return self.path

    def text(self) -> str:
        hint = f" (fix: {self.hint})" if self.hint else ""
        return f"{self.location}: {self.severity} [{self.rule}] {self.message}{hint}"

    def github(self) -> str:
        """A GitHub Actions workflow command, shown on the pull request's changed line."""
        props = [f"file={_gh_escape_prop(self.path)}"]
        if self.line:
            props += [f"line={self.line}", f"col={max(self.col, 1)}"]
        props.append(f"title={_gh_escape_prop(self.rule)}")
        level = "error" if self.severity is Severity.ERROR else "warning"
        body = self.message + (f" — fix: {self.hint}" if self.hint else "")
        return f"::{level} {','.join(props)}::{_gh_escape_data(body)}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def _gh_escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(value: str) -> str:
    return _gh_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def relpath(path: Path, root: Path) -> str:
    # string slicing, not Path.relative_to: this runs once per file of the workspace
    full, base = str(path), str(root)
    if full.startswith(base) and full[len(base) : len(base) + 1] == os.sep:
        return full[len(base) + 1 :].replace(os.sep, "/")
    return path.as_posix()


def render(problems: Iterable[Problem], fmt: str) -> str:
    items = sorted(problems)
    if fmt == "json":
        return json.dumps([p.to_dict() for p in items], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in items)
    return "\n".join(p.text() for p in items)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def suggest(value: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The closest known name, for "did you mean …?" hints."""
    lowered = {c.lower(): c for c in choices}
    if value.lower() in lowered:
        return lowered[value.lower()]
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


class CmkitError(Exception):
    """An error the user can act on: one line, with a hint. Exit code 2 by default."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f" (fix: {self.hint})" if self.hint else "")

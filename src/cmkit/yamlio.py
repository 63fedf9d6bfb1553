"""Reading workspace files: bytes → text → YAML, with every problem located.

The YAML dialect is deliberately YAML 1.2's core schema, not PyYAML's 1.1 default:
`country: NO` stays the string "NO" (Norway), `time: 9:30` stays "9:30" (1.1 reads
a sexagesimal 570), `0755` is 755 and dates stay strings so that the models
decide how to read them (naive times are local to the client).
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Problem

# More nodes than a human would ever write by hand: a file that expands beyond this
# through aliases is an alias bomb ("billion laughs"), refused before it is built.
MAX_EXPANDED_NODES = 100_000
MAX_FILE_BYTES = 5_000_000


class _Resolver(yaml.resolver.BaseResolver):
    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        # the same few values (network names, statuses) recur in every post: memoize
        if kind is ScalarNode and implicit[0]:
            return _scalar_tag(value)
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


@lru_cache(maxsize=4096)
def _scalar_tag(value: str) -> str:
    base = yaml.resolver.BaseResolver
    tag: str = base.resolve(_Resolver(), ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _to_int(value: str) -> int:
    if value.startswith(("0x", "0o")):
        return int(value[2:], 16 if value[1] == "x" else 8)
    return int(value, 10)


def _to_float(value: str) -> float:
    text = value.lower()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == ".inf":
        return sign * float("inf")
    if text == ".nan":
        return float("nan")
    return sign * float(text)


@lru_cache(maxsize=4096)
def plain_scalar(value: str) -> Any:
    """A plain (unquoted) scalar as this dialect reads it: null, bool, int, float or str."""
    tag = _scalar_tag(value)
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return _to_int(value)
    if tag == "tag:yaml.org,2002:float":
        return _to_float(value)
    raise ValueError(f"no plain reading of {value!r} ({tag})")


class _Constructor(yaml.constructor.SafeConstructor):
    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[tuple[str, yaml.Mark]] = []

    def construct_yaml_int(self, node: ScalarNode) -> int:
        return _to_int(str(node.value))

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    self.duplicates.append((str(key_node.value), key_node.start_mark))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Constructor.add_constructor(
    "tag:yaml.org,2002:int",
    _Constructor.construct_yaml_int,  # type: ignore[type-var]
)

try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None  # type: ignore[assignment,misc]


if _Parser is not None:

    class _Loader(_Parser, _Constructor, _Resolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _Constructor,
        _Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)


@dataclass
class Parsed:
    """A YAML document: its data, its node tree (for locating errors) and problems.

    A document read by the fast path (yamlfast.py) keeps its text and its top-level
    marks instead of a node tree; the tree is built the first time a deeper
    location is asked for, which only a problem does."""

    data: Any = None
    node: Node | None = None
    problems: list[Problem] = field(default_factory=list)
    line_offset: int = 0  # lines before the YAML in the file (front matter)
    source: str | None = field(default=None, repr=False)
    marks: dict[str, tuple[int, int, int, int]] = field(default_factory=dict, repr=False)

    def at(self, loc: tuple[int | str, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at a data path such as ("media", 0, "alt")."""
        if self.node is None and self.source is not None:
            top = self.marks.get(str(loc[0])) if len(loc) == 1 else None
            if top is not None:
                line, col = top[:2] if key else top[2:]
                return (line + 1 + self.line_offset, col + 1)
            loader = _Loader(self.source)
            try:
                self.node = loader.get_single_node()
            finally:
                loader.dispose()
            self.source = None
        if self.node is None:
            return (1 + self.line_offset, 1)
        mark = locate(self.node, loc, key=key).start_mark
        return (mark.line + 1 + self.line_offset, mark.column + 1)


def _read_bounded(path: Path) -> bytes | None:
    """The file's bytes, or None when it holds more than MAX_FILE_BYTES.

    os-level calls: `check` reads every file of the workspace, and this is twice as
    fast as Path.read_bytes plus a stat."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            return None
        data = os.read(fd, size + 1)
        while len(data) <= MAX_FILE_BYTES:  # the file grew since fstat, or a short read
            more = os.read(fd, 65536)
            if not more:
                break
            data += more
        return data if len(data) <= MAX_FILE_BYTES else None
    finally:
        os.close(fd)


def _unreadable_hint(exc: OSError) -> str:
    """What to do about a file that cannot be opened, by what the system said."""
    import errno

    return {
        errno.ENOENT: "it is a link to a file that does not exist (or was just removed): "
        "fix the link or delete it",
        errno.ELOOP: "it is a symbolic link that leads back to itself: delete it",
        errno.EISDIR: "it is a folder named like a file: rename it, or move its files out",
    }.get(exc.errno or 0, "check the file's permissions (e.g. chmod u+r FILE)")


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file; a BOM is dropped, CRLF becomes LF. Problems instead of exceptions."""
    try:
        raw = _read_bounded(path)
        if raw is None:
            return None, [
                Problem(
                    rel,
                    0,
                    0,
                    "file/too-large",
                    f"file is more than the {MAX_FILE_BYTES:,} bytes a workspace file may hold",
                    "move large content out of YAML/Markdown (media go in media/)",
                )
            ]
    except OSError as exc:
        return None, [
            Problem(
                rel,
                0,
                0,
                "file/unreadable",
                f"cannot read the file: {exc.strerror or exc}",
                _unreadable_hint(exc),
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                rel,
                line,
                col,
                "file/encoding",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                "re-save the file as UTF-8 (most editors: 'Save with encoding')",
            )
        ]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [
            Problem(
                rel,
                line,
                1,
                "file/binary",
                "the file contains a NUL byte",
                "this looks like a binary file; workspace files are text",
            )
        ]
    return text, []


def parse_yaml(text: str, rel: str, line_offset: int = 0) -> Parsed:
    """Parse one YAML document; an empty document is an empty mapping."""
    from . import yamlfast

    fast = yamlfast.parse(text)
    if fast is not None:
        return Parsed(fast[0], line_offset=line_offset, source=text, marks=fast[1])
    parsed = Parsed(line_offset=line_offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            parsed.data = {}
            return parsed
        # only anchors (&) make aliases possible; most files have none
        if "&" in text and _expanded_size(node, {}, 0) > MAX_EXPANDED_NODES:
            parsed.problems.append(
                Problem(
                    rel,
                    node.start_mark.line + 1 + line_offset,
                    1,
                    "yaml/alias-bomb",
                    f"YAML aliases expand this file to more than {MAX_EXPANDED_NODES:,} values",
                    "write the values out instead of nesting anchors (&) and aliases (*)",
                )
            )
            return parsed
        parsed.node = node
        parsed.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        parsed.problems.append(_syntax_problem(exc, text, rel, line_offset))
        return parsed
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        parsed.problems.append(
            Problem(
                rel,
                1 + line_offset,
                1,
                "yaml/syntax",
                f"invalid YAML: {exc}",
                "fix the YAML syntax",
            )
        )
        return parsed
    finally:
        loader.dispose()
    for key, mark in loader.duplicates:
        parsed.problems.append(
            Problem(
                rel,
                mark.line + 1 + line_offset,
                mark.column + 1,
                "yaml/duplicate-key",
                f"key '{key}' appears twice in the same mapping; the last one would silently win",
                "keep one of them",
            )
        )
    return parsed


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, rel: str, line_offset: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 if mark else 1) + line_offset
    col = mark.column + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    lines = text.split("\n")
    source = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in source[: len(source) - len(source.lstrip())] or "'\\t'" in problem:
        return Problem(
            rel,
            line,
            col,
            "yaml/tab",
            "a tab character is used for indentation",
            "YAML indents with spaces: replace the tab with spaces",
        )
    if problem.startswith("found duplicate anchor"):
        return Problem(rel, line, col, "yaml/syntax", problem, "give each anchor a unique name")
    hint = "check indentation and quoting on this line or the one before"
    if "mapping values are not allowed" in problem:
        hint = "quote a value that contains ': ' (e.g. text: \"Note: ...\")"
    elif "could not find expected ':'" in problem:
        hint = "a key needs ': ' after it, or a multi-line string needs quoting"
    elif "found undefined alias" in problem:
        hint = "define the anchor (&name) before using the alias (*name)"
    context = f" {exc.context}" if exc.context else ""
    return Problem(rel, line, col, "yaml/syntax", f"invalid YAML: {problem}{context}", hint)


def _expanded_size(node: Node, memo: dict[int, int], depth: int) -> int:
    if depth > 200:
        return MAX_EXPANDED_NODES + 1
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_EXPANDED_NODES + 1  # a node reached again while being sized is recursive
    if isinstance(node, MappingNode):
        total = 1 + sum(
            _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            for k, v in node.value
        )
    elif isinstance(node, SequenceNode):
        total = 1 + sum(_expanded_size(v, memo, depth + 1) for v in node.value)
    else:
        total = 1
    memo[key] = min(total, MAX_EXPANDED_NODES + 1)
    return memo[key]


def locate(node: Node, loc: tuple[int | str, ...], *, key: bool = False) -> Node:
    """The deepest node along a data path; with key=True, the key node of the last step."""
    current = node
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, MappingNode):
            for key_node, value_node in current.value:
                if isinstance(key_node, ScalarNode) and str(key_node.value) == str(step):
                    if last and key:
                        return key_node
                    current = value_node
                    break
            else:
                continue  # pydantic adds steps (union tags) that are not in the data
        elif (
            isinstance(current, SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(current.value)
        ):
            current = current.value[step]
        # a scalar has no children: stay on it
    return current


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)(?:^---[ \t]*$|^\.\.\.[ \t]*$)\n?", re.S | re.M)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter YAML, body, line number where the body starts) or None."""
    if not text.startswith("---"):
        return None
    match = FRONT_MATTER.match(text)
    if match is None:
        return None
    body_line = text.count("\n", 0, match.end()) + 1
    return match.group(1), text[match.end() :], body_line

"""A fast path for the plain YAML that most workspace files are made of.

A post's front matter is a dozen lines of `key: value`, `[a, b]` lists, a block
list of small mappings and perhaps a `|` text. Building it through PyYAML means a
node object per value and a Python constructor call per node, and `check` does
that for every post of the workspace. This reader takes that plain subset line by
line and gives up — returns None — at the first thing outside it (escapes in
quotes, anchors, tags, flow mappings, tabs, multi-line plain scalars, duplicate
keys, a `key:` with no value…): the caller then uses the full loader, which also
locates every problem. What it reads, it reads exactly as the full loader does
(YAML 1.2 core scalars); tests/test_yamlfast.py holds it to that.
"""

from __future__ import annotations

import re
from typing import Any

from .yamlio import plain_scalar

# characters that may not start a plain scalar (or that we leave to the full loader)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# a key as workspace files write them: names, network names, locales, ids
_ENTRY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +(.*))?$")
# what the subset never holds: tabs, CR, NEL, the Unicode line and paragraph
# separators, BOMs, control characters, surrogates, non-characters
_OUTSIDE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_COMMENT = re.compile(r" +#.*")
_BLOCK = {"|": ("literal", "clip"), "|-": ("literal", "strip"), ">": ("folded", "clip"),
          ">-": ("folded", "strip")}  # fmt: skip

# (line, column) of a top-level key and of its value, 0-based like PyYAML's marks
Marks = dict[str, tuple[int, int, int, int]]


class _GiveUp(Exception):
    """Outside the plain subset: the full loader reads this document."""


def parse(text: str) -> tuple[dict[str, Any], Marks] | None:
    """The document's data and its top-level marks, or None to use the full loader."""
    if _OUTSIDE.search(text):
        return None
    raw = text.split("\n")
    lines: list[tuple[int, int, str]] = []  # (line number, indent, content): no blanks
    for number, line in enumerate(raw):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        if line.startswith(("---", "...", "%")):
            return None  # document markers and directives
        lines.append((number, len(line) - len(content), content.rstrip(" ")))
    if not lines or lines[0][1] != 0 or lines[0][2].startswith("-"):
        return None
    reader = _Reader(raw, lines)
    try:
        data = reader.mapping(0, 0, lines[0][2], top=True)
    except _GiveUp:
        return None
    if reader.at != len(lines):
        return None  # lines left over: indentation the subset does not follow
    return data, reader.marks


class _Reader:
    def __init__(self, raw: list[str], lines: list[tuple[int, int, str]]) -> None:
        self.raw = raw
        self.lines = lines
        self.at = 0  # index in `lines` of the next line to read
        self.marks: Marks = {}

    def mapping(self, indent: int, column: int, first: str, *, top: bool = False) -> dict[Any, Any]:
        """A block mapping whose keys sit at `indent`; its first entry is `first`, which
        starts at `column` of the current line (after a "- " for a list item)."""
        result: dict[Any, Any] = {}
        content = first
        while True:
            number = self.lines[self.at][0]
            match = _ENTRY.match(content)
            if match is None:
                raise _GiveUp
            key_text, rest = match.group(1), match.group(2)
            key = plain_scalar(key_text)  # a str, int, float, bool or None
            if key in result:
                raise _GiveUp
            self.at += 1
            if rest and rest[0] in "|>":
                value_line, value_column = number, column + match.start(2)
                result[key] = self.block_scalar(rest, number, indent)
            elif rest and rest[0] != "#":
                value_line, value_column = number, column + match.start(2)
                result[key] = value(rest)
            else:
                value_line, value_column, result[key] = self.block(indent)
            if top:
                self.marks[key_text] = (number, column, value_line, value_column)
            if self.at == len(self.lines):
                return result
            _, next_indent, content = self.lines[self.at]
            if next_indent != indent or content.startswith("- ") or content == "-":
                if next_indent > indent:
                    raise _GiveUp  # a continuation line: a multi-line scalar
                return result
            column = indent

    def block(self, indent: int) -> tuple[int, int, Any]:
        """The block value of a key at `indent` (a list may sit at the key's own indent)."""
        if self.at == len(self.lines):
            raise _GiveUp  # `key:` with nothing: null, left to the full loader
        number, child, content = self.lines[self.at]
        is_list = content.startswith("- ")
        if child > indent or (child == indent and is_list):
            if is_list:
                return number, child, self.sequence(child)
            return number, child, self.mapping(child, child, content)
        raise _GiveUp

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while self.at < len(self.lines):
            number, current, content = self.lines[self.at]
            if current != indent or not content.startswith("- "):
                if current > indent:
                    raise _GiveUp
                break
            rest = content[2:].lstrip(" ")
            column = indent + len(content) - len(rest)
            if _ENTRY.match(rest):
                items.append(self.mapping(column, column, rest))
                continue
            if rest[0] in "|>":
                self.at += 1
                items.append(self.block_scalar(rest, number, indent))
            else:
                self.at += 1
                items.append(value(rest))
            if self.at < len(self.lines) and self.lines[self.at][1] > indent:
                raise _GiveUp
        return items

    def block_scalar(self, header: str, number: int, parent: int) -> str:
        """A `|` or `>` text: its lines, indented deeper than its parent, read raw."""
        style = _BLOCK.get(header)
        if style is None:
            raise _GiveUp  # indentation indicators, keep chomping, a comment after it
        body: list[str] = []
        indent = -1
        end = number + 1
        for line in self.raw[number + 1 :]:
            content = line.lstrip(" ")
            if not content:
                if indent >= 0 and len(line) > indent:
                    raise _GiveUp  # spaces beyond the indentation on an empty line
                if indent < 0:
                    raise _GiveUp  # empty lines before the first: leave those rules out
                body.append("")
                end += 1
                continue
            spaces = len(line) - len(content)
            if indent < 0:
                if spaces <= parent:
                    raise _GiveUp  # an empty block scalar
                indent = spaces
            if spaces < indent:
                break
            if spaces > indent and style[0] == "folded":
                raise _GiveUp  # more-indented lines keep their breaks: not folded here
            body.append(line[indent:])
            end += 1
        if indent < 0:
            raise _GiveUp  # nothing below the header: an empty text
        while body and not body[-1]:
            body.pop()
        # the non-blank lines read as part of the text are no longer lines to parse
        while self.at < len(self.lines) and self.lines[self.at][0] < end:
            self.at += 1
        text = "\n".join(body) if style[0] == "literal" else _fold(body)
        return text + "\n" if style[1] == "clip" else text


def _fold(body: list[str]) -> str:
    """Folded style: a single line break is a space, each empty line a line break."""
    out: list[str] = []
    blanks = 0
    for line in body:
        if not line:
            blanks += 1
            continue
        if out:
            out.append("\n" * blanks if blanks else " ")
        out.append(line)
        blanks = 0
    return "".join(out)


def value(text: str) -> Any:
    """An inline value: a plain or simply quoted scalar, or a flow list of plain scalars,
    perhaps followed by a comment."""
    first = text[0]
    if first in "\"'[":
        close = text.find("]" if first == "[" else first, 1)
        if close < 0 or (close + 1 < len(text) and not _COMMENT.fullmatch(text, close + 1)):
            raise _GiveUp
        inner = text[1:close]
        if first == "[":
            return _flow_list(inner)
        if first == '"' and "\\" in inner:
            raise _GiveUp  # escapes
        if first == "'" and text.startswith("''", close):
            raise _GiveUp  # '' is a quote inside single quotes
        return inner
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    if not _plain_ok(text):
        raise _GiveUp
    return plain_scalar(text)


def _flow_list(inner: str) -> list[Any]:
    if not inner.strip(" "):
        return []
    items = []
    for item in inner.split(","):
        item = item.strip(" ")
        if not item or not _plain_ok(item) or ":" in item or "#" in item:
            raise _GiveUp
        items.append(plain_scalar(item))
    return items


def _plain_ok(text: str) -> bool:
    return text[0] not in _INDICATORS and _NOT_PLAIN.search(text) is None


# inside a plain scalar: what would make it a mapping, or flow syntax we leave alone
_NOT_PLAIN = re.compile(r"[\[\]{}]|: |:$")

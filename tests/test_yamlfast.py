"""The fast YAML path must read exactly what the full loader reads, or give up."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cmkit import yamlfast
from cmkit.yamlio import _Loader, locate, parse_yaml, split_front_matter

ROOT = Path(__file__).resolve().parent.parent

KEYS = ["at", "networks", "status", "media", "a", "fr-CA", "x.y", "n_1", "2026", "true", "null",
        "Yes", "NO", "0x1F", "1.5", "path", "alt"]  # fmt: skip
SCALARS = [
    "approved", "2026-12-01 08:00", "2026-12-01T08:00:00+01:00", "09:30", "9:30", "0x1F",
    "0o17", "017", "+5", "-3", "1.5", "1e3", ".5", ".inf", "-.Inf", ".nan", "true", "False",
    "TRUE", "null", "~", "NULL", "yes", "no", "on", "Bonjour à tous 🥖", "a#b", "a #b",
    "key: v", "x:", "https://ex.org/a?b=c#d", "[a, b]", "[]", "[ ]", "[a,, b]", "[a, b,]",
    "[a, [b]]", "[1, true, null, x y]", "[a: b]", '"quoted"', '"with \\" escape"', '"a\\nb"',
    "'single'", "'it''s'", "''", '""', "&anchor x", "*alias", "!!str 5", "|", ">", "- item",
    "% pct", "@handle", "`tick`", "{a: 1}", "text [x]", "a: b: c", "é", "-", "?", ": x",
    "#tag", "x\ty", "5 # comment", "'unclosed", '"unclosed', "a\u2028b", "\ufeffbom",
    '"x" # c', "'y'   # c", "[a, b] # c", "[a, b]#c", '"a # b"', "# only a comment", "a'b",
    '"\'"', "'\"'", "x]", "\x07bell", "tab\there", "trail   ",
]  # fmt: skip
PLAIN = ["approved", "2026-12-01 08:00", "Bonjour à tous 🥖", "[facebook, bluesky]", "12",
         '"Photo 1"', "https://ex.org/p?a=1#x", "media/p.jpg"]  # fmt: skip
TEXT_LINES = ["Rentrée au fournil.", "", "  plus indenté", "# pas un commentaire", "a: b",
              "- pas une liste", "   ", "fin  "]  # fmt: skip


def _scalar() -> st.SearchStrategy[str]:
    # mostly what files hold, often something only the full loader reads
    return st.one_of(st.sampled_from(PLAIN), st.sampled_from(PLAIN), st.sampled_from(SCALARS))


@st.composite
def _block_scalar(draw: st.DrawFn, indent: int) -> list[str]:
    header = draw(st.sampled_from(["|", "|-", ">", ">-", "|+", "|2", "| # c", ">+"]))
    inner = " " * (indent + draw(st.sampled_from([1, 2, 4])))
    body = draw(st.lists(st.sampled_from(TEXT_LINES), min_size=0, max_size=5))
    return [header, *[inner + line if line.strip() else line for line in body]]


@st.composite
def _entries(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4)):
        kind = draw(
            st.sampled_from(["scalar", "scalar", "list", "maps", "nested", "empty", "text"])
        )
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# a comment", pad + "  # indented", "---"])))
        if kind == "scalar" or depth > 1:
            lines.append(f"{pad}{key}: {draw(_scalar())}")
        elif kind == "text":
            header, *body = draw(_block_scalar(indent))
            lines += [f"{pad}{key}: {header}", *body]
        elif kind == "empty":
            lines.append(f"{pad}{key}:")
        elif kind == "list":
            lines.append(f"{pad}{key}:")
            inner = pad + draw(st.sampled_from(["", "  ", "    ", " "]))
            lines += [f"{inner}- {draw(_scalar())}" for _ in range(draw(st.integers(1, 3)))]
        elif kind == "maps":
            lines.append(f"{pad}{key}:")
            inner = indent + draw(st.sampled_from([0, 2, 4]))
            for _ in range(draw(st.integers(1, 3))):
                item = draw(_entries(inner + 2, depth + 1))
                lines.append(" " * inner + "- " + item[0].lstrip(" "))
                lines += item[1:]
        else:
            lines.append(f"{pad}{key}:")
            lines += draw(_entries(indent + draw(st.sampled_from([1, 2, 4])), depth + 1))
    return lines


documents = _entries(0, 0).map(lambda lines: "\n".join(lines) + "\n")


def typed(value: Any) -> Any:
    """The value with its types spelled out: True is not 1, 1.0 is not 1, nan is nan."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def assert_same_as_full_loader(text: str) -> bool:
    """True when the fast path read the document (and agreed), False when it gave up."""
    fast = yamlfast.parse(text)
    if fast is None:
        return False
    data, marks = fast
    full = parse_yaml(text, "x.yaml")
    assert not full.problems, full.problems
    assert typed(data) == typed(full.data)
    loader = _Loader(text)
    node = loader.get_single_node()
    loader.dispose()
    assert node is not None
    for raw, (key_line, key_col, line, col) in marks.items():
        key_mark = locate(node, (raw,), key=True).start_mark
        mark = locate(node, (raw,)).start_mark
        assert (key_line, key_col, line, col) == (
            key_mark.line,
            key_mark.column,
            mark.line,
            mark.column,
        ), raw
    return True


@settings(max_examples=600)
@given(documents)
def test_generated_documents_read_alike_or_go_to_the_full_loader(text: str) -> None:
    try:
        assert_same_as_full_loader(text)
    except AssertionError:
        raise
    except Exception:  # the full loader refuses it: the fast path must have given up
        assert yamlfast.parse(text) is None


def test_the_fast_path_gives_up_on_what_only_the_full_loader_reads() -> None:
    for text in [
        "a: 1\na: 2\n",  # a duplicate key: the full loader reports it
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: |2\n  text\n",  # indentation indicators
        "a: >\n  text\n    more\n",  # folded with more-indented lines
        "a: b\n  c\n",  # a multi-line plain scalar
        'a: "x\\ny"\n',  # escapes
        "a:\tb\n",
        "a:\n",  # null
        "- a\n- b\n",  # not a mapping
        "a: {b: 1}\n",
        '"a": 1\n',
        "",
    ]:
        assert yamlfast.parse(text) is None, text


def test_every_file_of_the_examples_reads_alike_and_most_take_the_fast_path() -> None:
    fast = total = 0
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.suffix == ".md" and "posts" in path.parts:
            split = split_front_matter(path.read_text("utf-8"))
            assert split is not None
            text = split[0]
        elif path.suffix in (".yaml", ".yml"):
            text = path.read_text("utf-8")
        else:
            continue
        total += 1
        fast += assert_same_as_full_loader(text)
    assert total > 40 and fast / total > 0.6, (fast, total)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab:- #[],'\"|>\n  \t&*\\é🥖0"))))
def test_any_text_is_read_alike_or_left_to_the_full_loader(text: str) -> None:
    try:
        assert_same_as_full_loader(text)
    except AssertionError:
        raise
    except Exception:
        assert yamlfast.parse(text) is None


def test_a_fast_read_post_locates_a_deep_problem_like_the_full_loader() -> None:
    text = "at: 2026-12-01 09:30\nmedia:\n  - path: a.jpg\n    alt: x\n"
    fast = parse_yaml(text, "p.md", line_offset=1)
    assert fast.node is None and fast.at(("at",)) == (2, 5)  # from the marks
    assert fast.at(("media", 0, "alt")) == (5, 10)  # the node tree, built on demand
    assert fast.node is not None

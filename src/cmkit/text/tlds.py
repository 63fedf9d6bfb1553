"""The top-level domains a bare `example.com` must end with to count as a link.

The list (tlds.txt beside this file) is the IANA root zone in Unicode form. It is read
once, on first use, and turned into a trie-shaped regular expression: one alternation
of 1,400 names would make every URL match try them one by one.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("tlds.txt")


@cache
def tlds() -> frozenset[str]:
    """Every TLD, lower-case, Unicode form (`com`, `fr`, `みんな`, `рф`)."""
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_tld(label: str) -> bool:
    return label in tlds()


@cache
def tld_pattern() -> str:
    """A regular expression (no flags of its own) matching any TLD, longest first."""
    return _trie_pattern(sorted(tlds()))


def _trie_pattern(words: list[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]  # recursive shape
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:  # type: ignore[type-arg]
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer ones are tried first, then this one
        return f"(?:{body})?"
    return body

"""docs/ stays true to the code."""

from __future__ import annotations

from conftest import ROOT

from cmkit.lint.rules import RULES


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "docs" / "check.md").read_text("utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in doc]
    assert missing == []

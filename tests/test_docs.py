"""docs/ stays true to the code."""

from __future__ import annotations

from pathlib import Path

from cmkit.lint.rules import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "docs" / "check.md").read_text("utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in doc]
    assert missing == []


def test_every_rule_a_connector_reports_is_registered() -> None:
    import re

    source = ROOT / "src" / "cmkit" / "connectors"
    found = set()
    for path in source.glob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'CheckIssue\(\s*"([a-z]+/[a-z-]+)"', text))
    assert found, "no connector rules found: the pattern no longer matches the code"
    from cmkit.lint.connectors import GENERIC

    # GENERIC ones are the connectors' copies of rules check applies everywhere
    assert sorted(found - set(RULES) - GENERIC) == []

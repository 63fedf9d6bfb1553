"""`cmkit connectors` and the registry: built-ins, plugins from `cmkit.connectors.v1`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmkit.connectors import get_connector, load_class, registry
from cmkit.diagnostics import CmkitError
from cmkit.models import Account
from publish_support import FaultPeerConnector, install_plugin


def _plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry_points: str) -> None:
    folder = install_plugin(tmp_path / "plugins")
    (folder / "cmkit_faultpeer-0.1.dist-info" / "entry_points.txt").write_text(
        "[cmkit.connectors.v1]\n" + entry_points
    )
    monkeypatch.syspath_prepend(str(folder))


def test_builtins_are_listed_with_limits_and_capabilities(cmkit: Callable[..., Any]) -> None:
    rows = {r["name"]: r for r in json.loads(cmkit("connectors", "--json").stdout)}
    assert rows["outbox"]["origin"] == "built-in"
    assert rows["outbox"]["capabilities"] == ["publish", "find_published"]
    assert rows["outbox"]["limits"] is None
    for network in (
        "bluesky",
        "mastodon",
        "facebook",
        "instagram",
        "linkedin",
        "x",
        "threads",
        "telegram",
        "discord",
    ):
        assert rows[network]["network"] is True
        assert rows[network]["limits"]["max_chars"] > 0
    assert rows["x"]["limits"]["max_chars"] == 280


def test_a_plugin_is_found_through_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cmkit: Callable[..., Any]
) -> None:
    _plugin(tmp_path, monkeypatch, "mastodon = fault_peer:FaultPeerConnector\n")
    info = registry()["mastodon"]
    assert info.origin == "cmkit-faultpeer 0.1" and info.is_plugin
    assert load_class("mastodon") is FaultPeerConnector
    connector = get_connector("mastodon", Account(instance="http://127.0.0.1:9"), lambda r: "t")
    assert isinstance(connector, FaultPeerConnector)

    r = cmkit("connectors")
    assert "mastodon: plugin from cmkit-faultpeer 0.1" in r.stdout
    row = {x["name"]: x for x in json.loads(cmkit("connectors", "--json").stdout)}["mastodon"]
    assert row["origin"] == "cmkit-faultpeer 0.1"
    assert row["capabilities"] == ["publish", "find_published"]


def test_a_broken_plugin_is_named_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cmkit: Callable[..., Any]
) -> None:
    _plugin(tmp_path, monkeypatch, "telegram = no_such_module:Telegram\n")
    with pytest.raises(CmkitError) as caught:
        load_class("telegram")
    assert "from cmkit-faultpeer 0.1 cannot be loaded" in caught.value.message
    r = cmkit("connectors")
    assert r.exit_code == 0 and "broken: the 'telegram' connector" in r.stdout


def test_an_unknown_connector() -> None:
    with pytest.raises(CmkitError, match="no connector for 'myspace'") as caught:
        load_class("myspace")
    assert "outbox" in caught.value.hint

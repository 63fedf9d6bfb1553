"""The metrics store: dated snapshots, line by line, that never lose or invent a figure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cmkit.metrics import store
from cmkit.metrics.store import AccountSnapshot, PostSnapshot
from cmkit.networks import Network

DAY = date(2026, 11, 24)


def _post(likes: int | None, **extra: object) -> PostSnapshot:
    return PostSnapshot(
        DAY,
        Network.BLUESKY,
        "at://did:plc:x/app.bsky.feed.post/1",
        "p1",
        likes=likes,
        comments=0,
        **extra,
    )  # type: ignore[arg-type]


def test_a_figure_the_network_does_not_give_stays_null_never_zero(tmp_path: Path) -> None:
    store.append(tmp_path, [_post(12)])
    line = json.loads((tmp_path / store.POSTS_FILE).read_text("utf-8"))
    assert line["impressions"] is None  # Bluesky exposes none
    assert line["comments"] == 0  # a real zero stays a zero
    back = store.read(tmp_path).posts[0]
    assert back.impressions is None and back.comments == 0 and back.likes == 12


def test_appending_the_same_snapshot_twice_writes_it_once(tmp_path: Path) -> None:
    assert len(store.append(tmp_path, [_post(12)])) == 1
    assert store.append(tmp_path, [_post(12)]) == []
    assert len((tmp_path / store.POSTS_FILE).read_text("utf-8").splitlines()) == 1


def test_a_corrected_figure_is_appended_and_the_later_line_wins(tmp_path: Path) -> None:
    store.append(tmp_path, [_post(12)])
    store.append(tmp_path, [_post(15)])
    lines = (tmp_path / store.POSTS_FILE).read_text("utf-8").splitlines()
    assert len(lines) == 2  # history kept: append-only
    assert [s.likes for s in store.read(tmp_path).posts] == [15]


def test_a_line_cut_short_by_a_crash_is_skipped_and_reported(tmp_path: Path) -> None:
    store.append(tmp_path, [AccountSnapshot(DAY, Network.INSTAGRAM, followers=2318)])
    with (tmp_path / store.ACCOUNTS_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"v":1,"day":"2026-11-25","network":"insta')
    read = store.read(tmp_path)
    assert [s.followers for s in read.accounts] == [2318]
    assert read.warnings and "metrics-accounts.jsonl:2" in read.warnings[0]
    # the next append starts on a fresh line: nothing after the torn line is lost
    store.append(tmp_path, [AccountSnapshot(date(2026, 11, 25), Network.INSTAGRAM, followers=2320)])
    assert [s.followers for s in store.read(tmp_path).accounts] == [2318, 2320]


def test_lines_are_one_json_object_each_with_the_format_version(tmp_path: Path) -> None:
    store.append(
        tmp_path,
        [AccountSnapshot(DAY, Network.LINKEDIN, followers=315, extra={"organic_followers": 3.0})],
    )
    text = (tmp_path / store.ACCOUNTS_FILE).read_text("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1
    assert text.startswith('{"v":1,"day":"2026-11-24","network":"linkedin","followers":315')

"""The publish ledger: its line shape (a contract), crash tolerance and what it decides."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from cmkit import ledger


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMKIT_NOW", "2026-11-24T08:30:01Z")


def test_lines_have_the_documented_shape_and_key_order(tmp_path: Path) -> None:
    with ledger.Writer(tmp_path) as writer:
        writer.append("intent", "p1", "instagram", "k" * 32, "h" * 16)
        writer.append(
            "done",
            "p1",
            "instagram",
            "k" * 32,
            "h" * 16,
            remote_id="179",
            url="https://www.instagram.com/p/C0abc/",
        )
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert lines[0] == (
        '{"v":1,"ts":"2026-11-24T08:30:01Z","event":"intent","post":"p1",'
        f'"network":"instagram","key":"{"k" * 32}","hash":"{"h" * 16}"}}'
    )
    assert list(json.loads(lines[1])) == [
        "v",
        "ts",
        "event",
        "post",
        "network",
        "key",
        "hash",
        "remote_id",
        "url",
    ]


def test_read_and_published(tmp_path: Path) -> None:
    with ledger.Writer(tmp_path) as writer:
        writer.append("intent", "p1", "mastodon", "a", "h")
        writer.append("done", "p1", "mastodon", "a", "h", remote_id="1", url=None)
        writer.append("intent", "p2", "mastodon", "b", "h")
        writer.append("failed", "p2", "mastodon", "b", "h", error="boom", retryable=True)
    assert [e.event for e in ledger.read(tmp_path)] == ["intent", "done", "intent", "failed"]
    done = ledger.published(tmp_path)
    assert list(done) == [("p1", "mastodon")]
    assert done[("p1", "mastodon")].remote_id == "1"
    assert ledger.read(tmp_path / "nowhere") == []


def test_idempotency_key_is_stable_and_depends_on_every_part() -> None:
    key = ledger.idempotency_key("martin", "p1", "bluesky", "abc")
    assert len(key) == 32 and key == ledger.idempotency_key("martin", "p1", "bluesky", "abc")
    others = {
        ledger.idempotency_key(*parts)
        for parts in [
            ("martin", "p1", "bluesky", "abd"),
            ("martin", "p1", "mastodon", "abc"),
            ("martin", "p2", "bluesky", "abc"),
            ("erable", "p1", "bluesky", "abc"),
        ]
    }
    assert key not in others and len(others) == 4


def test_a_torn_last_line_is_skipped_reported_and_does_not_glue_to_the_next(
    tmp_path: Path,
) -> None:
    with ledger.Writer(tmp_path) as writer:
        writer.append("intent", "p1", "mastodon", "a", "h")
    path = tmp_path / "ledger.jsonl"
    with path.open("ab") as handle:  # a crash in the middle of writing a line
        handle.write(b'{"v":1,"ts":"2026-11-24T08:30:02Z","event":"do')
    entries, bad = ledger.scan(tmp_path)
    assert [e.event for e in entries] == ["intent"]
    assert bad[0].torn and bad[0].line == 2 and "interrupted" in bad[0].message

    with ledger.Writer(tmp_path) as writer:
        writer.append("done", "p1", "mastodon", "a", "h", remote_id="9", url=None)
    entries, bad = ledger.scan(tmp_path)
    assert [e.event for e in entries] == ["intent", "done"]
    assert len(bad) == 1 and not bad[0].torn  # still reported, now in the middle
    assert ledger.published(tmp_path)[("p1", "mastodon")].remote_id == "9"


def test_concurrent_appends_stay_whole_lines(tmp_path: Path) -> None:
    writer = ledger.Writer(tmp_path)
    text = "é" * 300  # long, multi-byte lines

    def append(n: int) -> None:
        for i in range(50):
            writer.append("failed", f"p{n}-{i}", "x", "k", "h", error=text, retryable=True)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    entries, bad = ledger.scan(tmp_path)
    assert len(entries) == 400 and not bad
    assert all(e.error == text for e in entries)


def _track(*events: tuple[str, str, dict[str, object]]) -> ledger.Track:
    track = ledger.Track("p1", "mastodon")
    for number, (event, key, data) in enumerate(events, start=1):
        track.entries.append(
            ledger.Entry(ledger.clock_now(), event, "p1", "mastodon", key, "h", dict(data), number)
        )
    return track


def test_an_intent_without_outcome_is_unresolved_with_its_steps() -> None:
    track = _track(("intent", "a", {}), ("step", "a", {"step": "container", "value": "17"}))
    assert [e.key for e in track.unresolved()] == ["a"]
    assert track.steps("a") == {"container": "17"}


def test_outcomes_resolve_an_intent_but_a_maybe_sent_failure_does_not() -> None:
    assert _track(("intent", "a", {}), ("failed", "a", {"retryable": True})).unresolved() == []
    assert _track(("intent", "a", {}), ("done", "a", {"remote_id": "1"})).unresolved() == []
    doubt = _track(("intent", "a", {}), ("failed", "a", {"retryable": True, "maybe_sent": True}))
    assert [e.event for e in doubt.unresolved()] == ["failed"]


def test_last_outcome_ignores_steps_and_other_keys() -> None:
    track = _track(
        ("intent", "a", {}),
        ("failed", "a", {"error": "x", "retryable": False}),
        ("intent", "b", {}),
        ("step", "a", {"step": "s", "value": "v"}),
    )
    last = track.last_outcome("a")
    assert last is not None and last.event == "failed" and not last.retryable
    assert track.done is None


def test_threads_share_fsyncs_but_no_append_returns_before_its_line_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    path = tmp_path / "ledger.jsonl"
    synced: set[str] = set()
    flushes = 0
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        nonlocal flushes
        on_disk = path.read_text().splitlines() if path.exists() else []
        time.sleep(0.005)  # a slow disk: appends pile up meanwhile
        real_fsync(fd)
        synced.update(on_disk)
        flushes += 1

    monkeypatch.setattr(os, "fsync", slow_fsync)
    writer = ledger.Writer(tmp_path)
    late: list[str] = []

    def append(n: int) -> None:
        for i in range(20):
            entry = writer.append("intent", f"p{n}-{i}", "x", "k", "h")
            if entry.to_json() not in synced:
                late.append(entry.post)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    assert late == []
    assert len(ledger.read(tmp_path)) == 160
    assert flushes < 160 / 2  # shared, not one per line

"""Faults, with nothing lost and nothing posted twice: cmkit runs as its own process (as
under cron) against the fault peer, and the peer counts what it received.

Each test ends with `assert_exactly_once`: every due (post, network) is on the peer
exactly once and the ledger records it as done with the peer's id.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publish_support import TOKEN, Fault, FaultPeer, PublishWs

NOW = "2026-11-25T10:00:00Z"
pytestmark = pytest.mark.slow


@pytest.fixture
def peer() -> Iterator[FaultPeer]:
    with FaultPeer(token=TOKEN) as running:
        yield running


@pytest.fixture
def ws(tmp_path: Path, peer: FaultPeer) -> PublishWs:
    workspace = PublishWs.create(tmp_path, peer.url, concurrency=1)
    for n in range(3):
        workspace.add_post(f"p{n}", f"2026-11-25 09:0{n}")
    return workspace


def publish(ws: PublishWs, **env: str) -> subprocess.CompletedProcess[str]:
    return ws.run("publish", "--due", CMKIT_NOW=NOW, **env)


def assert_exactly_once(ws: PublishWs, peer: FaultPeer, posts: int = 3) -> None:
    counts = peer.count_by_key()
    assert len(counts) == posts, f"lost: {posts - len(counts)}"
    assert set(counts.values()) == {1}, f"duplicates: {counts}"
    done = {str(e["key"]): e for e in ws.events() if e["event"] == "done"}
    assert set(done) == set(counts)
    by_key = {p["key"]: p["id"] for p in peer.posts}
    assert all(done[key]["remote_id"] == by_key[key] for key in done)


def kill_while_blocked(ws: PublishWs, peer: FaultPeer) -> None:
    process = ws.start("publish", "--due", CMKIT_NOW=NOW)
    try:
        peer.wait_blocked()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    peer.release()


@pytest.mark.parametrize(
    "accepted", [True, False], ids=["server-had-accepted", "server-had-not-accepted"]
)
def test_killed_between_intent_and_outcome_then_rerun(
    ws: PublishWs, peer: FaultPeer, accepted: bool
) -> None:
    # p0 goes out, then the request for p1 hangs until the process is killed
    peer.inject(Fault("none"), Fault("block", accept=accepted))
    kill_while_blocked(ws, peer)
    events = ws.events()
    assert [e["event"] for e in events][-1] == "intent"  # the crash left an open intent
    assert len(peer.posts) == (2 if accepted else 1)

    rerun = publish(ws)
    assert rerun.returncode == 0, rerun.stderr
    assert ("recovered" in rerun.stdout) is accepted
    assert_exactly_once(ws, peer)


def test_429_with_retry_after_is_waited_out(ws: PublishWs, peer: FaultPeer) -> None:
    peer.inject(Fault("status", status=429, headers={"Retry-After": "1"}))
    started = time.monotonic()
    run = publish(ws)
    assert run.returncode == 0, run.stderr
    posts = [h for h in peer.hits if h.method == "POST"]
    assert [h.status for h in posts][:2] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.95  # it waited as told, not less
    assert time.monotonic() - started < 20
    assert_exactly_once(ws, peer)


def test_5xx_then_success(ws: PublishWs, peer: FaultPeer) -> None:
    peer.inject(Fault("status", status=503), Fault("status", status=500))
    run = publish(ws)
    assert run.returncode == 0, run.stderr
    assert [h.status for h in peer.hits if h.method == "POST"].count(200) == 3
    assert_exactly_once(ws, peer)


def test_lasting_5xx_fails_one_post_the_others_go_and_the_next_run_catches_up(
    ws: PublishWs, peer: FaultPeer
) -> None:
    peer.inject(*[Fault("status", status=503)] * 4)  # every try cmkit makes for p0
    failed = publish(ws)
    assert failed.returncode == 4 and "FAILED" in failed.stdout
    assert "server error (HTTP 503" in failed.stdout
    assert sorted(p["text"] for p in peer.posts) == ["Post p1 #acme", "Post p2 #acme"]
    assert publish(ws).returncode == 0
    assert_exactly_once(ws, peer)


def test_timeout_after_the_server_accepted_is_found_not_resent(
    ws: PublishWs, peer: FaultPeer
) -> None:
    peer.inject(Fault("slow", seconds=2.5))
    run = publish(ws, CMKIT_HTTP_TIMEOUT="1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "recovered" in run.stdout
    events = [e for e in ws.events() if e["post"] == "p0"]
    assert [e["event"] for e in events] == ["intent", "done"]
    assert events[-1]["recovered"] is True
    assert_exactly_once(ws, peer)


def test_two_runs_started_together(ws: PublishWs, peer: FaultPeer) -> None:
    peer.delay = 0.3  # long enough for the runs to overlap
    first = ws.start("publish", "--due", "--wait", "30", CMKIT_NOW=NOW)
    second = ws.start("publish", "--due", "--wait", "30", CMKIT_NOW=NOW)
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    # one did the work; the other waited for the lock, then found nothing due
    assert sum("nothing due" in err for _, err in outputs) == 1
    assert_exactly_once(ws, peer)


def test_two_runs_when_the_lock_wait_is_short(ws: PublishWs, peer: FaultPeer) -> None:
    peer.delay = 3.0  # long enough to outlast the second process start-up on a busy machine
    first = ws.start("publish", "--due", CMKIT_NOW=NOW)
    peer_wait = time.monotonic() + 10
    while not peer.hits and time.monotonic() < peer_wait:
        time.sleep(0.02)
    second = ws.run("publish", "--due", "--wait", "0.1", CMKIT_NOW=NOW)
    first.communicate(timeout=60)
    assert second.returncode == 0
    assert "another cmkit publish is running" in second.stderr
    assert "pid" in second.stderr
    assert_exactly_once(ws, peer)

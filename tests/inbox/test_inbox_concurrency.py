"""Nothing lost, nothing twice: concurrent pulls in separate processes, runs cut short."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from inboxdata import store_events, write_ws
from mastodon_fake import FakeMastodon

CMKIT = [sys.executable, "-m", "cmkit"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _mentions(masto: FakeMastodon, count: int) -> None:
    for n in range(count):
        masto.mention_from(
            f"client{n}",
            "piaille.fr",
            f"@boulangerie question n°{n}",
            created_at=f"2026-11-25T0{n % 8}:{n % 60:02d}:00.000Z",
        )


def test_concurrent_pulls_in_separate_processes_store_each_mention_once(
    masto: FakeMastodon, served: Callable[[float], str], tmp_path: Path
) -> None:
    _mentions(masto, 12)
    ws = write_ws(tmp_path / "ws", served(0.05))
    runs = [
        subprocess.Popen(
            [*CMKIT, "-w", str(ws), "inbox", "pull"],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    news = sorted(int(err.decode().split(": ", 1)[1].split(" new")[0]) for _, err in outputs)
    assert sum(news) == 12  # shared out between the runs, whatever the order
    received = [e["id"] for e in store_events(ws) if e["event"] == "received"]
    assert len(received) == len(set(received)) == 12


def test_a_pull_killed_mid_way_loses_nothing(
    masto: FakeMastodon, served: Callable[[float], str], tmp_path: Path
) -> None:
    _mentions(masto, 5)
    ws = write_ws(tmp_path / "ws", served(1.0))  # each answer takes a second
    run = subprocess.Popen(
        [*CMKIT, "-w", str(ws), "inbox", "pull"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)  # inside the network calls
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    assert store_events(ws) == []  # nothing half-written
    fast = write_ws(tmp_path / "ws", served(0.0))
    done = subprocess.run(
        [*CMKIT, "-w", str(fast), "inbox", "pull"], env=_env(), capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert sum(e["event"] == "received" for e in store_events(ws)) == 5


def test_a_line_cut_by_a_crash_is_found_again_and_the_rest_kept(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    _mentions(masto, 3)
    cmkit("-w", inbox_ws, "inbox", "pull")
    path = inbox_ws / "clients/martin/data/inbox.jsonl"
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rstrip(b"\n").rfind(b"\n") + 30])  # the last line cut short
    r = cmkit("-w", inbox_ws, "inbox", "pull")
    assert "1 new (3 seen)" in r.stderr
    listing = cmkit("-w", inbox_ws, "inbox")
    assert "inbox.jsonl: line 3 cannot be read (cut short by an interrupted run" in (listing.stderr)
    assert "3 to answer" in listing.stdout
    ids = [e["id"] for e in store_events(inbox_ws) if e["event"] == "received"]
    assert len(ids) == len(set(ids)) == 3


def test_a_pull_interrupted_before_writing_is_caught_up_by_the_next(
    cmkit: Callable[..., object],
    masto: FakeMastodon,
    inbox_ws: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cmkit.inbox import store

    _mentions(masto, 4)
    real_append = store.append

    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt  # Ctrl-C (or a kill) right before the write

    monkeypatch.setattr(store, "append", crash)
    from cmkit.cli.common import connector_factory
    from cmkit.clock import now
    from cmkit.inbox.pull import pull_client
    from cmkit.workspace import load

    space = load(inbox_ws).clients["martin"]
    with pytest.raises(KeyboardInterrupt):
        pull_client(inbox_ws, space, now(), partial(connector_factory(inbox_ws), "martin"))
    monkeypatch.setattr(store, "append", real_append)
    r = cmkit("-w", inbox_ws, "inbox", "pull")
    assert "4 new" in r.stderr
    assert json.loads(cmkit("-w", inbox_ws, "inbox", "--json").stdout)[0]["waiting"]

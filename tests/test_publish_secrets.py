"""A token never appears in anything cmkit writes: run publishes with a known token —
successes, a server that echoes it back in an error and in an odd answer, the outbox,
a dry run — then grep every output and every file the runs could have touched."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from publish_support import TOKEN, Fault, FaultPeer, PublishWs

NOW = "2026-11-25T10:00:00Z"


@pytest.fixture
def peer() -> Iterator[FaultPeer]:
    with FaultPeer(token=TOKEN) as running:
        yield running


def test_the_token_is_in_no_output_no_ledger_no_outbox_and_no_log(
    tmp_path: Path, peer: FaultPeer
) -> None:
    ws = PublishWs.create(tmp_path, peer.url, concurrency=1)
    ws.add_post("ok", "2026-11-25 09:00")
    ws.add_post("odd", "2026-11-25 09:10")
    outputs: list[str] = []

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = ws.run(*args, CMKIT_NOW=NOW, **env)
        outputs.extend([done.stdout, done.stderr])
        return done

    # 1. a success, then an answer that echoes the Authorization header (the connector
    #    puts it in an exception: the engine's message, ledger and log must redact it)
    peer.inject(Fault("none"), Fault("garbage"))
    first = run("publish", "--due", "--json")
    assert {r["status"] for r in json.loads(first.stdout)["results"]} == {"published", "recovered"}
    assert len(peer.posts) == 2  # the peer checked the token: it really was sent

    # 2. a server that refuses the token and quotes it in its error body
    ws.add_post("refused", "2026-11-25 09:20")
    peer.token = "another-token-the-server-expects"
    refused = run("publish", "--due")
    assert refused.returncode == 4 and "refused the credentials" in refused.stdout

    # 3. a rehearsal and a dry run print and write the deliveries
    run("publish", "--post", "ok", "--outbox", str(tmp_path / "outbox"))
    run("publish", "--post", "refused", "--dry-run", "--json")
    run("secrets", "status", "--json")

    log = Path(os.environ["XDG_STATE_HOME"]) / "cmkit" / "cmkit.log"
    assert log.is_file() and "ValueError" in log.read_text()  # the careless plugin was logged

    hits = [f"output {n}" for n, text in enumerate(outputs) if TOKEN in text]
    searched = 0
    for folder in (tmp_path, Path(os.environ["HOME"])):
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_relative_to(ws.plugins):
                searched += 1
                if TOKEN.encode() in path.read_bytes():
                    hits.append(str(path))
    assert searched > 10  # ledger, outbox files, log, caches, the workspace
    assert hits == []
    assert "[redacted]" in "".join(outputs) + log.read_text()  # there was something to hide

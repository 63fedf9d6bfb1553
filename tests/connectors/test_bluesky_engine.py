"""`cmkit publish` to the real local PDS, with faults between cmkit and the server.

Each scenario ends by counting the posts on the server: every due post exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from cmkit.connectors import http

if TYPE_CHECKING:
    from conftest import Account, Pds

pytestmark = pytest.mark.pds
NOW = "2026-11-25T09:31:00+01:00"


def workspace(tmp_path: Path, pds: Pds, account: Account, posts: int = 1) -> Path:
    root = tmp_path / "agency"
    client = root / "clients" / "boulangerie-martin"
    (client / "posts").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    (client / "client.yaml").write_text(
        "name: Boulangerie Martin\nlocales: [fr-FR]\naccounts:\n  bluesky:\n"
        f"    handle: {account.handle}\n    instance: {pds.url}\n"
        "    token_env: MARTIN_BLUESKY_APP_PASSWORD\n"
    )
    for index in range(posts):
        (client / "posts" / f"2026-11-25-jour-{index}.md").write_text(
            f"---\nat: 2026-11-25 09:{30 - index:02d}\nnetworks: [bluesky]\n"
            "status: approved\n---\n"
            f"Jour {index} de l'Avent 🎄 #Noël\n",
            encoding="utf-8",
        )
    return root


def ledger(root: Path) -> list[dict[str, Any]]:
    path = root / "clients" / "boulangerie-martin" / "data" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def texts_on_server(pds: Pds, account: Account) -> list[str]:
    return [str(r["value"]["text"]) for r in pds.records(account.did)]  # type: ignore[index]


class Faulty(httpx.BaseTransport):
    """The real server behind; `fault` happens to the first createRecord only."""

    def __init__(self, fault: str) -> None:
        self.real = httpx.HTTPTransport()
        self.fault = fault
        self.done = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path.endswith("createRecord") and not self.done:
            self.done = True
            response.read()
            if self.fault == "timeout":
                raise httpx.ReadTimeout("the answer was lost", request=request)
            return httpx.Response(502, text="Bad Gateway", request=request)
        return response


@pytest.fixture
def alice(pds: Pds, monkeypatch: pytest.MonkeyPatch) -> Account:
    account = pds.create_account("alice")
    monkeypatch.setenv("MARTIN_BLUESKY_APP_PASSWORD", account.password)
    return account


def publish(cmkit: Callable[..., Any], root: Path, fault: str | None = None) -> Any:
    if fault is None:
        return cmkit("-w", root, "publish", "--due", "--now", NOW, "--json")
    with http.override(transport=Faulty(fault)), http.instant_sleep():
        return cmkit("-w", root, "publish", "--due", "--now", NOW, "--json")


def test_due_posts_go_out_once_and_a_second_run_sends_nothing(
    pds: Pds, alice: Account, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, pds, alice, posts=3)
    first = publish(cmkit, root)
    assert first.exit_code == 0, first.stdout + first.stderr
    report = json.loads(first.stdout)
    assert report["counts"].get("published") == 3
    done = [e for e in ledger(root) if e["event"] == "done"]
    assert all(e["url"].startswith(f"https://bsky.app/profile/{alice.handle}/post/") for e in done)
    assert publish(cmkit, root).exit_code == 0
    assert sorted(texts_on_server(pds, alice)) == [
        f"Jour {i} de l'Avent 🎄 #Noël" for i in range(3)
    ]


def test_timeout_after_the_server_accepted_is_recovered_not_reposted(
    pds: Pds, alice: Account, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, pds, alice)
    result = publish(cmkit, root, "timeout")
    (row,) = json.loads(result.stdout)["results"]
    assert row["status"] == "recovered", row
    events = [e["event"] for e in ledger(root)]
    assert events == ["intent", "step", "done"]
    assert ledger(root)[-1].get("recovered") is True
    assert publish(cmkit, root).exit_code == 0
    assert texts_on_server(pds, alice) == ["Jour 0 de l'Avent 🎄 #Noël"]


def test_server_error_after_acceptance_does_not_make_a_second_post(
    pds: Pds, alice: Account, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, pds, alice)
    result = publish(cmkit, root, "502")
    (row,) = json.loads(result.stdout)["results"]
    assert row["status"] == "published", row
    assert texts_on_server(pds, alice) == ["Jour 0 de l'Avent 🎄 #Noël"]


STALL = """
import pathlib, time, httpx
from cmkit.connectors import http

class Stall(httpx.BaseTransport):
    def __init__(self):
        self.real = httpx.HTTPTransport()
    def handle_request(self, request):
        response = self.real.handle_request(request)
        if request.url.path.endswith("createRecord"):
            response.read()
            pathlib.Path({marker!r}).write_text("accepted")
            time.sleep(600)  # the answer never comes: cmkit is killed meanwhile
        return response

with http.override(transport=Stall()):
    from cmkit.cli.app import main

    main()
"""


def test_sigkill_of_a_real_process_after_the_server_accepted(
    pds: Pds, alice: Account, tmp_path: Path, cmkit: Callable[..., Any]
) -> None:
    root = workspace(tmp_path, pds, alice)
    marker = tmp_path / "accepted"
    runner = tmp_path / "stalled_cmkit.py"  # cmkit, with the server's answer held back
    runner.write_text(STALL.format(marker=str(marker)))
    process = subprocess.Popen(
        [sys.executable, str(runner), "-w", str(root), "publish", "--due", "--now", NOW],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), process.communicate(timeout=5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert [e["event"] for e in ledger(root)] == ["intent", "step"]

    rerun = publish(cmkit, root)
    (row,) = json.loads(rerun.stdout)["results"]
    assert row["status"] == "recovered", row
    assert texts_on_server(pds, alice) == ["Jour 0 de l'Avent 🎄 #Noël"]

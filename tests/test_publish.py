"""`cmkit publish`: what is due goes out once, what cannot is said plainly (in-process).

The posts go to the fault peer (tests/peers/fault_peer.py) through its connector,
registered as a `cmkit.connectors.v1` plugin; the peer counts what it received.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cmkit.lock import workspace_lock
from cmkit.workspace import load
from publish_support import CLIENT, TOKEN, TOKEN_ENV, FaultPeer, PublishWs

NOW = "2026-11-25T10:00:00Z"


@pytest.fixture
def peer() -> Iterator[FaultPeer]:
    with FaultPeer(token=TOKEN) as running:
        yield running


@pytest.fixture
def make_ws(
    tmp_path: Path, peer: FaultPeer, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., PublishWs]:
    def make(**kwargs: Any) -> PublishWs:
        ws = PublishWs.create(tmp_path, peer.url, **kwargs)
        monkeypatch.syspath_prepend(str(ws.plugins))
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        monkeypatch.setenv("CMKIT_NOW", NOW)
        return ws

    return make


@pytest.fixture
def ws(make_ws: Callable[..., PublishWs]) -> PublishWs:
    return make_ws()


def results(stdout: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["post"], r["network"]): r for r in json.loads(stdout)["results"]}


def test_due_posts_go_out_once_and_are_recorded(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("a", "2026-11-25 09:00")
    ws.add_post("b", "2026-11-25 09:55")
    ws.add_post("later", "2026-11-25 10:30")
    ws.add_post("draft", "2026-11-25 09:00", status="draft")
    ws.add_post("someday", "2026-11-25")  # a day without a time: not a publishing time
    r = cmkit("-w", ws.root, "publish", "--due")
    assert r.exit_code == 0, r.stderr
    assert sorted(p["text"] for p in peer.posts) == ["Post a #acme", "Post b #acme"]
    assert "published" in r.stdout and f"{peer.url}/@test/p" in r.stdout
    done = [e for e in ws.events() if e["event"] == "done"]
    assert sorted(str(e["post"]) for e in done) == ["a", "b"]
    assert all(str(e["url"]).startswith(peer.url) for e in done)

    again = cmkit("-w", ws.root, "publish", "--due")
    assert again.exit_code == 0 and "nothing due" in again.stderr
    assert len(peer.posts) == 2


def test_a_post_later_than_the_grace_is_reported_once_not_sent(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("old", "2026-11-25 06:50")  # 3 h 10 min late, grace 2 h
    r = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert r.exit_code == 4
    row = results(r.stdout)[("old", "mastodon")]
    assert row["status"] == "skipped" and row["message"] == "3 h 10 min late (grace 2 h)"
    assert "--post old" in row["hint"]
    assert [e["event"] for e in ws.events()] == ["skipped"]
    assert peer.posts == []

    quiet = cmkit("-w", ws.root, "publish", "--due")
    assert quiet.exit_code == 0 and len(ws.events()) == 1  # said once, not every run

    forced = cmkit("-w", ws.root, "publish", "--post", "old")
    assert forced.exit_code == 0 and len(peer.posts) == 1


def test_a_failure_on_one_network_does_not_hold_back_the_others(
    make_ws: Callable[..., PublishWs], peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws = make_ws(also=("bluesky",))
    path = ws.add_post("p", "2026-11-25 09:30", networks=["mastodon", "bluesky"])
    text = path.read_text().replace(
        "status: approved", "status: approved\nvariants:\n  mastodon: '[refuse] non'"
    )
    path.write_text(text)
    r = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert r.exit_code == 4
    rows = results(r.stdout)
    assert rows[("p", "bluesky")]["status"] == "published"
    failed = rows[("p", "mastodon")]
    assert failed["status"] == "failed"
    assert failed["message"] == (
        "faultpeer: refused the content (HTTP 422, POST 127.0.0.1/posts):"
        " Validation failed: text refused by the test peer"
    )
    assert [p["text"] for p in peer.posts] == ["Post p #acme"]
    last = ws.events()[-1] if ws.events()[-1]["event"] == "failed" else ws.events()[-2]
    assert last["retryable"] is False

    # a refusal is not retried every run with the same content…
    hits = len(peer.hits)
    again = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert results(again.stdout)[("p", "mastodon")]["message"].startswith("refused earlier")
    assert len(peer.hits) == hits
    # …but an edited post is a new delivery
    path.write_text(text.replace("[refuse] non", "Bonjour Mastodon"))
    fixed = cmkit("-w", ws.root, "publish", "--due")
    assert fixed.exit_code == 0
    assert sorted(p["text"] for p in peer.posts) == ["Bonjour Mastodon", "Post p #acme"]


def test_only_clean_posts_are_sent(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("long", "2026-11-25 09:30", "x" * 600)  # cmkit check knows Mastodon's 500
    ws.add_post("offline", "2026-11-25 09:30", "[check-fails] the connector's own check")
    missing = ws.add_post("nomedia", "2026-11-25 09:30")
    missing.write_text(
        missing.read_text().replace(
            "status: approved", "status: approved\nmedia:\n  - path: media/absent.jpg\n    alt: a"
        )
    )
    r = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert r.exit_code == 4
    rows = results(r.stdout)
    assert rows[("long", "mastodon")]["status"] == "blocked"
    assert rows[("long", "mastodon")]["message"].startswith("clients/acme/posts/long.md:")
    assert rows[("offline", "mastodon")]["status"] == "blocked"
    # the connector's own offline check (cmkit check runs it too, with the file's location)
    assert "the peer would refuse this" in rows[("offline", "mastodon")]["message"]
    assert rows[("nomedia", "mastodon")]["status"] == "blocked"
    assert "absent.jpg" in rows[("nomedia", "mastodon")]["message"]
    assert peer.posts == [] and ws.events() == []


def test_a_post_edited_after_publishing_is_not_sent_again_and_check_is_told(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    from cmkit.render import edited_after_publish

    path = ws.add_post("p", "2026-11-25 09:30", "Première version")
    cmkit("-w", ws.root, "publish", "--due")
    space = load(ws.root).clients[CLIENT]
    assert edited_after_publish(space) == []

    path.write_text(path.read_text().replace("Première version", "Deuxième version"))
    assert cmkit("-w", ws.root, "publish", "--due").exit_code == 0
    explicit = cmkit("-w", ws.root, "publish", "--post", "p", "--json")
    assert results(explicit.stdout)[("p", "mastodon")]["status"] == "already"
    assert [p["text"] for p in peer.posts] == ["Première version"]

    problems = edited_after_publish(load(ws.root).clients[CLIENT])
    assert [(p.rule, p.severity.value) for p in problems] == [
        ("post/edited-after-publish", "warning")
    ]
    assert problems[0].path == "clients/acme/posts/p.md"
    assert "will not publish it again" in problems[0].message


def test_an_unknown_outcome_without_lookup_is_left_to_a_human(
    make_ws: Callable[..., PublishWs], peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws = make_ws(network="bluesky", no_lookup=("mastodon",))
    ws.add_post("p", "2026-11-25 09:30", networks=["mastodon"])
    # a run that stopped between its intent and the answer
    from cmkit.ledger import Writer
    from cmkit.render import delivery

    space = load(ws.root).clients[CLIENT]
    sent = delivery(space, space.posts[0], space.posts[0].meta.networks[0])
    with Writer(ws.client_dir / "data") as writer:
        writer.append("intent", "p", "mastodon", sent.idempotency_key, sent.content_hash)

    r = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert r.exit_code == 4
    row = results(r.stdout)[("p", "mastodon")]
    assert row["status"] == "unknown" and "needs a human" in row["message"]
    assert "--mark-done" in row["hint"] and "--resend" in row["hint"]
    assert peer.posts == []  # never resent blindly

    text = cmkit("-w", ws.root, "publish", "--due")
    assert "UNKNOWN" in text.stdout and text.exit_code == 4

    mark = cmkit(
        "-w",
        ws.root,
        "publish",
        CLIENT,
        "--post",
        "p",
        "--network",
        "mastodon",
        "--mark-done",
        "--url",
        "https://mastodon.example/@acme/1",
    )
    assert mark.exit_code == 0, mark.stderr
    assert ws.events()[-1]["event"] == "done"
    assert ws.events()[-1]["url"] == "https://mastodon.example/@acme/1"
    assert cmkit("-w", ws.root, "publish", "--due").exit_code == 0
    assert peer.posts == []


def test_resend_after_an_unknown_outcome(
    make_ws: Callable[..., PublishWs], peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws = make_ws(network="bluesky", no_lookup=("mastodon",))
    ws.add_post("p", "2026-11-25 09:30", networks=["mastodon"])
    from cmkit.ledger import Writer
    from cmkit.render import delivery

    space = load(ws.root).clients[CLIENT]
    sent = delivery(space, space.posts[0], space.posts[0].meta.networks[0])
    with Writer(ws.client_dir / "data") as writer:
        writer.append("intent", "p", "mastodon", sent.idempotency_key, sent.content_hash)
    r = cmkit("-w", ws.root, "publish", "--post", "p", "--network", "mastodon", "--resend")
    assert r.exit_code == 0, r.stderr
    assert len(peer.posts) == 1
    assert [e["event"] for e in ws.events()] == ["intent", "failed", "intent", "done"]


def test_a_second_run_waits_then_leaves_cleanly(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("p", "2026-11-25 09:30")
    with workspace_lock(ws.root):
        r = cmkit("-w", ws.root, "publish", "--due", "--wait", "0.2", "--json")
    assert r.exit_code == 0
    assert "another cmkit publish is running" in json.loads(r.stdout)["busy"]
    assert peer.posts == [] and ws.events() == []
    assert (ws.root / ".cmkit" / "locks" / ".gitignore").read_text().strip().endswith("*")


def test_dry_run_shows_and_sends_nothing(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("p", "2026-11-25 09:30", "Bonjour !", link="https://acme.example/", campaign="noel")
    r = cmkit("-w", ws.root, "publish", "--due", "--dry-run")
    assert r.exit_code == 0
    assert "Bonjour !" in r.stdout
    assert (
        "https://acme.example/?utm_source=mastodon&utm_medium=social&utm_campaign=noel" in r.stdout
    )
    assert peer.hits == [] and ws.events() == []


def test_a_missing_token_is_named_not_a_traceback(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    ws.add_post("p", "2026-11-25 09:30")
    r = cmkit("-w", ws.root, "publish", "--due", "--json")
    assert r.exit_code == 4
    row = results(r.stdout)[("p", "mastodon")]
    assert row["status"] == "blocked" and row["message"] == "acme/mastodon: no token found"
    assert TOKEN_ENV in row["hint"] and "cmkit secrets set acme/mastodon" in row["hint"]
    assert peer.posts == [] and ws.events() == []  # nothing written: nothing was tried


def test_now_is_read_in_the_workspace_time_zone(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("p", "2026-11-26 08:00")
    assert cmkit("-w", ws.root, "publish", "--due", "--now", "2026-11-26T07:59").exit_code == 0
    assert peer.posts == []
    assert cmkit("-w", ws.root, "publish", "--due", "--now", "2026-11-26T08:01").exit_code == 0
    assert len(peer.posts) == 1


def test_usage_errors(ws: PublishWs, cmkit: Callable[..., Any]) -> None:
    assert "use --due" in cmkit("-w", ws.root, "publish").stderr
    unknown = cmkit("-w", ws.root, "publish", "--post", "nope")
    assert unknown.exit_code == 2 and "no post 'nope'" in unknown.stderr
    assert cmkit("-w", ws.root, "publish", "--due", "--network", "myspace").exit_code == 2


def test_quiet_prints_nothing_when_all_went_out_and_only_what_did_not(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("ok", "2026-11-25 09:30")
    quiet = cmkit("-w", ws.root, "publish", "--due", "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert cmkit("-w", ws.root, "publish", "--due", "-q").stderr == ""  # not even "nothing due"
    ws.add_post("good", "2026-11-25 09:40")
    ws.add_post("bad", "2026-11-25 09:45", "[refuse] non")
    noisy = cmkit("-w", ws.root, "publish", "--due", "--quiet")
    assert noisy.exit_code == 4
    assert "bad" in noisy.stdout and "good" not in noisy.stdout
    assert noisy.stderr.strip() == "1 FAILED"


def test_a_torn_ledger_line_is_reported_and_its_send_reconciled(
    ws: PublishWs, peer: FaultPeer, cmkit: Callable[..., Any]
) -> None:
    ws.add_post("p", "2026-11-25 09:30")
    from cmkit.ledger import Writer
    from cmkit.render import delivery

    space = load(ws.root).clients[CLIENT]
    sent = delivery(space, space.posts[0], space.posts[0].meta.networks[0])
    with Writer(ws.client_dir / "data") as writer:
        writer.append("intent", "p", "mastodon", sent.idempotency_key, sent.content_hash)
    with ws.ledger.open("ab") as handle:  # the crash hit while the outcome was being written
        handle.write(b'{"v":1,"ts":"2026-11-25T09:30:02Z","event":"done","post":"p","netw')
    r = cmkit("-w", ws.root, "publish", "--due")
    assert r.exit_code == 0, r.stderr
    assert "warning: clients/acme/data/ledger.jsonl: line 2 is incomplete" in r.stderr
    assert len(peer.posts) == 1  # looked up (not there), then sent once
    from cmkit.ledger import read

    assert [e.event for e in read(ws.client_dir / "data")] == ["intent", "failed", "intent", "done"]
    lines = ws.ledger.read_text().splitlines()
    assert lines[1].endswith('"netw') and json.loads(lines[-1])["event"] == "done"

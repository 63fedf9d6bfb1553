"""The inbox against Mastodon, every request and answer held to Mastodon's OpenAPI spec."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from mastodon_fake import FakeMastodon, Fault

QUESTION = "@boulangerie vos bûches sont-elles sans gluten ?"
COMPLAINT = "@boulangerie pain pas frais ce matin, je suis DÉÇUE"


def _store(ws: Path) -> list[dict[str, object]]:
    path = ws / "clients/martin/data/inbox.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def _waiting(cmkit: Callable[..., object], ws: Path) -> list[dict[str, object]]:
    r = cmkit("-w", ws, "inbox", "--json")
    assert r.exit_code == 0, r.stderr
    [box] = json.loads(r.stdout)
    return box["waiting"]


def _ours(masto: FakeMastodon) -> list[dict[str, object]]:
    return [s for s in masto.statuses.values() if s["account"]["id"] == masto.me["id"]]


def test_pull_lists_complaints_first_then_the_oldest(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    masto.mention_from("julie", "piaille.fr", QUESTION, created_at="2026-11-24T07:00:00.000Z")
    masto.mention_from("marc", "mamot.fr", COMPLAINT, created_at="2026-11-25T06:30:00.000Z")
    r = cmkit("-w", inbox_ws, "inbox", "pull")
    assert r.exit_code == 0, r.stderr
    assert "martin · mastodon: 2 new (2 seen)" in r.stderr
    listing = cmkit("-w", inbox_ws, "inbox").stdout.splitlines()
    assert listing[0] == ("Boulangerie Martin — 2 to answer, oldest waiting 1 d 2 h (1 complaint)")
    assert listing[1].startswith("  ! ") and "2 h 30 min" in listing[1]
    assert "@marc@mamot.fr (mention)" in listing[1]
    assert listing[2] == "      @boulangerie pain pas frais ce matin, je suis DÉÇUE"
    assert listing[3].startswith("    ") and "1 d 2 h" in listing[3]
    assert all(len(line) <= 80 for line in listing)
    waiting = _waiting(cmkit, inbox_ws)
    assert [w["priority"] for w in waiting] == ["high", "normal"]
    assert waiting[0]["complaint_words"] == ["déçu", "déçue", "pas frais"]
    # the notifications request was one Mastodon documents
    asked = [r for r in masto.requests if r.url.path == "/api/v1/notifications"]
    assert asked and asked[0].url.params.get_list("types[]") == ["mention"]


def test_a_second_pull_stores_nothing_twice_and_handled_items_stay_handled(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    masto.mention_from("julie", "piaille.fr", QUESTION, created_at="2026-11-24T07:00:00.000Z")
    masto.mention_from(
        "marc", "mamot.fr", "@boulangerie merci pour hier !", created_at="2026-11-24T18:00:00.000Z"
    )
    cmkit("-w", inbox_ws, "inbox", "pull")
    waiting = _waiting(cmkit, inbox_ws)
    thanks = next(w for w in waiting if "merci" in str(w["text"]))
    assert cmkit("-w", inbox_ws, "inbox", "done", str(thanks["id"])[:5]).exit_code == 0
    again = cmkit("-w", inbox_ws, "inbox", "pull")
    assert "0 new (2 seen)" in again.stderr
    assert [w["author"] for w in _waiting(cmkit, inbox_ws)] == ["@julie@piaille.fr"]
    assert sum(e["event"] == "received" for e in _store(inbox_ws)) == 2


def test_a_reply_goes_through_mastodon_with_its_response_time(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    asked = masto.mention_from(
        "julie", "piaille.fr", QUESTION, created_at="2026-11-25T07:30:00.000Z"
    )
    cmkit("-w", inbox_ws, "inbox", "pull")
    [item] = _waiting(cmkit, inbox_ws)
    r = cmkit(
        "-w",
        inbox_ws,
        "inbox",
        "reply",
        str(item["id"]),
        "Oui, la bûche marron-cassis est sans gluten !",
    )
    assert r.exit_code == 0, r.stderr
    assert f"martin · {item['id']}: replied on mastodon after 1 h 30 min" in r.stderr
    [ours] = _ours(masto)
    assert ours["in_reply_to_id"] == asked["id"]
    assert "@julie@piaille.fr" in str(ours["content"]) or "julie" in str(ours["content"])
    sent = [r for r in masto.requests if r.method == "POST" and r.url.path == "/api/v1/statuses"]
    assert sent[0].headers["idempotency-key"]
    replied = [e for e in _store(inbox_ws) if e["event"] == "replied"]
    assert replied[0]["response_seconds"] == 90 * 60
    assert _waiting(cmkit, inbox_ws) == []
    # a later pull brings the same notification again: it stays answered
    cmkit("-w", inbox_ws, "inbox", "pull")
    assert _waiting(cmkit, inbox_ws) == []


def test_a_saved_reply_fills_in_the_name_and_signature(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    masto.mention_from("julie", "piaille.fr", "@boulangerie vous ouvrez le lundi ?")
    cmkit("-w", inbox_ws, "inbox", "pull")
    [item] = _waiting(cmkit, inbox_ws)
    r = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "--saved", "horaires")
    assert r.exit_code == 0, r.stderr
    [ours] = _ours(masto)
    assert "Bonjour julie ! Le fournil est ouvert du mardi au dimanche" in str(ours["content"])
    assert "— Claire, Boulangerie Martin" in str(ours["content"])
    unknown = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "--saved", "horaire")
    assert unknown.exit_code == 2
    assert "no saved reply 'horaire'" in unknown.stderr and "horaires, oups" in unknown.stderr
    bad = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "--saved", "oups")
    assert "uses {prenom}, which cmkit cannot fill" in bad.stderr


def test_a_reply_whose_answer_was_lost_is_sent_again_without_a_duplicate(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    masto.mention_from("julie", "piaille.fr", QUESTION)
    cmkit("-w", inbox_ws, "inbox", "pull")
    [item] = _waiting(cmkit, inbox_ws)
    # Mastodon posts the reply, then the connection drops before the answer arrives
    masto.faults.append(Fault("POST", "/api/v1/statuses", "drop-after", times=4))
    lost = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "Oui !")
    assert lost.exit_code != 0
    assert len(lost.stderr.strip().splitlines()) == 1
    assert _waiting(cmkit, inbox_ws)[0]["pending_reply"] is True
    # a different text is refused until someone has looked
    other = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "Oui, bien sûr !")
    assert other.exit_code == 2 and "outcome is unknown" in other.stderr
    masto.faults.clear()
    again = cmkit("-w", inbox_ws, "inbox", "reply", str(item["id"]), "Oui !")
    assert again.exit_code == 0, again.stderr
    assert len(_ours(masto)) == 1  # Idempotency-Key: the same status, not a second one
    assert _waiting(cmkit, inbox_ws) == []


def test_assign_reopen_and_unknown_ids(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    masto.mention_from("julie", "piaille.fr", QUESTION)
    cmkit("-w", inbox_ws, "inbox", "pull")
    [item] = _waiting(cmkit, inbox_ws)
    key = str(item["id"])
    assert cmkit("-w", inbox_ws, "inbox", "assign", key, "Claire").exit_code == 0
    assert "→ Claire" in cmkit("-w", inbox_ws, "inbox").stdout
    cmkit("-w", inbox_ws, "inbox", "done", key)
    assert "nothing to answer" in cmkit("-w", inbox_ws, "inbox").stdout
    cmkit("-w", inbox_ws, "inbox", "reopen", key)
    assert _waiting(cmkit, inbox_ws)[0]["assigned_to"] == "Claire"
    missing = cmkit("-w", inbox_ws, "inbox", "done", "ffffffff")
    assert missing.exit_code == 2 and "no inbox item 'ffffffff'" in missing.stderr


def test_a_network_that_fails_is_one_line_and_exit_code_4(
    cmkit: Callable[..., object],
    masto: FakeMastodon,
    inbox_ws: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MARTIN_MASTODON_TOKEN", "revoked-token-123456")
    r = cmkit("-w", inbox_ws, "inbox", "pull")
    assert r.exit_code == 4
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("martin · mastodon: failed — mastodon: refused the credentials")
    assert "revoked-token" not in r.stderr


def test_today_shows_what_waits_and_for_how_long(
    cmkit: Callable[..., object], masto: FakeMastodon, inbox_ws: Path
) -> None:
    quiet = json.loads(cmkit("-w", inbox_ws, "today", "--json").stdout)
    inbox = next(s for s in quiet["sections"] if s["key"] == "inbox")
    assert inbox["items"] == []
    masto.mention_from("julie", "piaille.fr", QUESTION, created_at="2026-11-24T07:00:00.000Z")
    masto.mention_from("marc", "mamot.fr", COMPLAINT, created_at="2026-11-25T06:30:00.000Z")
    cmkit("-w", inbox_ws, "inbox", "pull")
    data = json.loads(cmkit("-w", inbox_ws, "today", "--json").stdout)
    [item] = next(s for s in data["sections"] if s["key"] == "inbox")["items"]
    assert item["text"] == "2 to answer, oldest waiting 1 d 2 h, 1 complaint — cmkit inbox"
    assert (item["level"], item["client"]) == ("alert", "martin")
    text = cmkit("-w", inbox_ws, "today").stdout
    assert "2 to answer, oldest waiting 1 d 2 h, 1 complaint" in text

"""The inbox and the watch's searches on Bluesky: the reference PDS holds the posts, a second
account writes the mentions and replies, the PDS forwards notifications and search to the
test AppView (appview.py), which reads them back from the PDS."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from appview import Peer

from cmkit import clock
from cmkit.connectors.base import Delivery, Mention
from cmkit.connectors.bluesky import BlueskyConnector
from cmkit.models import Account as AccountModel
from cmkit.networks import Network

pytestmark = pytest.mark.pds


def _connector(peer: Peer, account: Any) -> BlueskyConnector:
    model = AccountModel(
        handle=f"@{account.handle}",
        instance=peer.pds.url,
        token_env="BSKY_PASSWORD",
        locale="fr-FR",
    )
    return BlueskyConnector(model, lambda role: account.password)


def _post(peer: Peer, account: Any, text: str) -> str:
    bsky = _connector(peer, account)
    delivery = Delivery(
        client="tests",
        post_id=uuid.uuid4().hex[:8],
        network=Network.BLUESKY,
        text=text,
        idempotency_key=uuid.uuid4().hex,
        account=bsky.account,
        lang="fr-FR",
        at=clock.now() - timedelta(minutes=5),
    )
    return bsky.publish(delivery, lambda step, value: None).remote_id


def _ws(
    tmp_path: Path, peer: Peer, account: Any, monkeypatch: pytest.MonkeyPatch, watch: str = ""
) -> Path:
    root = tmp_path / "ws"
    client = root / "clients" / "martin"
    client.mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\n")
    (client / "client.yaml").write_text(
        "name: Boulangerie Martin\naccounts:\n  bluesky:\n"
        f'    handle: "@{account.handle}"\n    instance: {peer.pds.url}\n'
        "    token_env: MARTIN_BSKY_PASSWORD\n",
        encoding="utf-8",
    )
    (client / "charter.yaml").write_text("complaint_words: [déçu]\n", encoding="utf-8")
    if watch:
        (client / "watch.yaml").write_text(watch, encoding="utf-8")
    monkeypatch.setenv("MARTIN_BSKY_PASSWORD", account.password)
    return root


def _waiting(cmkit: Callable[..., Any], ws: Path) -> list[dict[str, Any]]:
    [box] = json.loads(cmkit("-w", ws, "inbox", "--json").stdout)
    return box["waiting"]


def test_mentions_and_replies_written_by_another_account_reach_the_inbox(
    cmkit: Callable[..., Any],
    bsky_peer: Peer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    martin = bsky_peer.pds.create_account("martin")
    julie = bsky_peer.pds.create_account("julie")
    ours = _post(bsky_peer, martin, "Les bûches de Noël arrivent au fournil 🎄")
    _post(bsky_peer, julie, f"@{martin.handle} vos bûches sont-elles sans gluten ?")
    _connector(bsky_peer, julie).reply(
        Mention(Network.BLUESKY, ours, f"@{martin.handle}", "", clock.now()),
        "Déçue, plus de bûche praliné samedi…",
        uuid.uuid4().hex,
    )
    ws = _ws(tmp_path, bsky_peer, martin, monkeypatch)

    r = cmkit("-w", ws, "inbox", "pull")
    assert r.exit_code == 0, r.stderr
    assert "martin · bluesky: 2 new (2 seen)" in r.stderr
    # the PDS asked the AppView on martin's behalf
    assert ("app.bsky.notification.listNotifications", martin.did) in bsky_peer.index.requests
    waiting = _waiting(cmkit, ws)
    assert [(w["kind"], w["priority"]) for w in waiting] == [
        ("reply", "high"),
        ("mention", "normal"),
    ]
    assert waiting[0]["in_reply_to"] == ours
    assert waiting[0]["author"] == f"@{julie.handle}"
    assert waiting[1]["url"].startswith(f"https://bsky.app/profile/{julie.handle}/post/")
    assert "0 new (2 seen)" in cmkit("-w", ws, "inbox", "pull").stderr


def test_a_reply_is_a_real_reply_in_the_thread_and_is_sent_once(
    cmkit: Callable[..., Any],
    bsky_peer: Peer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    martin = bsky_peer.pds.create_account("martin")
    julie = bsky_peer.pds.create_account("julie")
    asked = _post(bsky_peer, julie, f"@{martin.handle} vous ouvrez le 24 au soir ?")
    ws = _ws(tmp_path, bsky_peer, martin, monkeypatch)
    cmkit("-w", ws, "inbox", "pull")
    [item] = _waiting(cmkit, ws)
    first = cmkit("-w", ws, "inbox", "reply", item["id"], "Oui, jusqu'à 18 h !")
    assert first.exit_code == 0, first.stderr
    answers = [
        r
        for r in bsky_peer.pds.records(martin.did)
        if (r["value"].get("reply") or {}).get("parent", {}).get("uri") == asked
    ]
    assert len(answers) == 1
    assert answers[0]["value"]["text"] == "Oui, jusqu'à 18 h !"
    # the same answer again (a retry after a crash) makes no second post
    replied = [
        json.loads(line)
        for line in (ws / "clients/martin/data/inbox.jsonl").read_text().splitlines()
    ]
    assert [e["event"] for e in replied][-2:] == ["replying", "replied"]
    from cmkit.inbox.reply import reply_key

    again = _connector(bsky_peer, martin).reply(
        Mention(Network.BLUESKY, asked, f"@{julie.handle}", "", clock.now()),
        "Oui, jusqu'à 18 h !",
        reply_key("martin", item["id"], "Oui, jusqu'à 18 h !"),
    )
    assert again.remote_id == answers[0]["uri"]
    assert _waiting(cmkit, ws) == []


def test_watch_keyword_search_on_bluesky(
    cmkit: Callable[..., Any],
    bsky_peer: Peer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    martin = bsky_peer.pds.create_account("martin")
    julie = bsky_peer.pds.create_account("julie")
    word = f"galette{uuid.uuid4().hex[:6]}"
    _post(bsky_peer, julie, f"Meilleure {word} de la Croix-Rousse cette année !")
    ws = _ws(
        tmp_path,
        bsky_peer,
        martin,
        monkeypatch,
        watch=f"keywords:\n  - query: {word}\n    networks: [bluesky, mastodon]\n"
        "    topic: saison\n",
    )
    r = cmkit("-w", ws, "watch", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert "mastodon search: skipped — no mastodon account in client.yaml" in r.stderr
    [client] = json.loads(r.stdout)["clients"]
    [topic] = client["topics"]
    assert topic["topic"] == "saison"
    [hit] = topic["items"]
    assert hit["title"] == f"Meilleure {word} de la Croix-Rousse cette année !"
    assert hit["author"] == f"@{julie.handle}" and hit["network"] == "bluesky"
    searched = [m for m, _ in bsky_peer.index.requests if m == "app.bsky.feed.searchPosts"]
    assert searched
    assert "0 new item(s)" in cmkit("-w", ws, "watch").stderr


def test_bluesky_competitors_public_counts_from_the_appview(
    cmkit: Callable[..., Any],
    bsky_peer: Peer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    martin = bsky_peer.pds.create_account("martin")
    rival = bsky_peer.pds.create_account("fournil")
    for text in ("Nos bûches sont prêtes", "Le levain du jour", "Fermé lundi"):
        _post(bsky_peer, rival, text)
    ws = _ws(
        tmp_path,
        bsky_peer,
        martin,
        monkeypatch,
        watch="competitors:\n  - name: Le Fournil des Pentes\n    accounts:\n"
        f"      bluesky: https://bsky.app/profile/{rival.handle}\n",
    )
    monkeypatch.setenv("CMKIT_BLUESKY_APPVIEW", bsky_peer.url)
    r = cmkit("-w", ws, "watch")
    assert r.exit_code == 0, r.stderr
    [line] = [
        json.loads(x)
        for x in (ws / "clients/martin/data/watch-counts.jsonl").read_text().splitlines()
    ]
    assert (line["competitor"], line["network"], line["posts"]) == (
        "Le Fournil des Pentes",
        "bluesky",
        3,
    )
    assert ("app.bsky.actor.getProfile", None) in bsky_peer.index.requests  # no token sent

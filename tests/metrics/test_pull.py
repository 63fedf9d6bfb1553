"""`cmkit metrics pull`: through each connector, once a day, nothing invented."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from cmkit.connectors import http
from cmkit.connectors.base import (
    AccountMetrics,
    BaseConnector,
    ConnectorError,
    NotSupported,
    PostMetrics,
)
from cmkit.connectors.outbox import OutboxConnector
from cmkit.metrics import store
from cmkit.metrics.pull import pull_client
from cmkit.models import Account
from cmkit.networks import Network
from cmkit.workspace import load

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))
from mastodon_fake import BASE, FakeMastodon

DAY = date(2026, 11, 25)


def _workspace(root: Path, accounts: str, published: list[tuple[str, str, str]]) -> Path:
    client = root / "clients" / "demo"
    (client / "data").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\n", "utf-8")
    (client / "client.yaml").write_text(f"name: Démo\naccounts:\n{accounts}", "utf-8")
    lines = [
        json.dumps(
            {
                "v": 1,
                "ts": ts,
                "event": "done",
                "post": post,
                "network": net,
                "key": "k",
                "hash": "h",
                "remote_id": rid,
                "url": None,
            }
        )
        for post, net, rid, ts in [(p, n, r, "2026-11-20T08:00:00Z") for p, n, r in published]
    ]
    (client / "data" / "ledger.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return root


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    peer = FakeMastodon()
    with http.override(transport=peer.transport()), http.instant_sleep():
        yield peer


def test_pull_through_the_mastodon_connector(
    fake: FakeMastodon, tmp_path: Path, cmkit: Callable, monkeypatch: Any
) -> None:
    """The real connector, against a peer that checks every request with Mastodon's spec."""
    first = fake.status("Pain au levain du jour", fake.me)
    fake.statuses[first["id"]] = first
    fake.statuses[first["id"]]["favourites_count"] = 9
    fake.statuses[first["id"]]["reblogs_count"] = 2
    ws = _workspace(
        tmp_path,
        f"  mastodon:\n    handle: '@boulangerie@piaille.example'\n"
        f"    instance: {BASE}\n    token_env: DEMO_MASTODON_TOKEN\n",
        [("2026-11-20-levain", "mastodon", first["id"])],
    )
    monkeypatch.setenv("DEMO_MASTODON_TOKEN", fake.token)
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T07:00:00+01:00")
    r = cmkit("-w", ws, "metrics", "pull", "--json")
    assert r.exit_code == 0, r.stderr
    (outcome,) = json.loads(r.stdout)
    assert outcome["status"] == "stored"
    data = store.read(ws / "clients" / "demo" / "data")
    assert [(s.day, s.followers) for s in data.accounts] == [(DAY, 312)]
    (post,) = data.posts
    assert (post.post, post.likes, post.shares, post.comments) == ("2026-11-20-levain", 9, 2, 0)
    assert post.impressions is None and post.reach is None  # Mastodon exposes neither
    assert fake.token not in (ws / "clients" / "demo" / "data" / "metrics-posts.jsonl").read_text()
    again = cmkit("-w", ws, "metrics", "pull")
    assert again.exit_code == 0
    assert "already pulled for 2026-11-25" in again.stdout
    assert len(store.read(ws / "clients" / "demo" / "data").posts) == 1


class _Fake(BaseConnector):
    name = "fake"

    def __init__(
        self,
        network: Network,
        *,
        followers: int | None = 100,
        fail: ConnectorError | None = None,
        posts: bool = True,
    ) -> None:
        super().__init__(Account(), lambda role: "")
        self.network, self.followers, self.fail, self.posts = network, followers, fail, posts
        self.asked: list[list[str]] = []

    def account_metrics(self, day: date) -> AccountMetrics:
        if self.fail:
            raise self.fail
        return AccountMetrics(self.network, day, followers=self.followers, impressions=None)

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        if not self.posts:
            raise NotSupported(f"{self.network}: post metrics need a partner programme")
        self.asked.append(remote_ids)
        return [
            PostMetrics(
                self.network, rid, day, impressions=500, likes=20, comments=2, shares=1, clicks=7
            )
            for rid in remote_ids
        ]


def _space(tmp_path: Path, published: list[tuple[str, str, str]]) -> Any:
    accounts = "".join(f"  {n}:\n    handle: demo\n" for n in ("linkedin", "x", "instagram"))
    ws = _workspace(tmp_path, accounts, published)
    return load(ws).clients["demo"]


def test_a_failing_network_does_not_stop_the_others(tmp_path: Path) -> None:
    space = _space(tmp_path, [("p1", "linkedin", "urn:li:share:1"), ("p1", "x", "19")])
    connectors = {
        Network.LINKEDIN: _Fake(Network.LINKEDIN, posts=False),
        Network.X: _Fake(
            Network.X, fail=ConnectorError("x: 429 Too Many Requests", retryable=True)
        ),
        Network.INSTAGRAM: OutboxConnector(Account(), lambda role: ""),
    }
    outcomes = {o.network: o for o in pull_client(space, DAY, lambda n, a: connectors[n])}
    linkedin = outcomes[Network.LINKEDIN]
    assert (linkedin.status, linkedin.accounts, linkedin.posts) == ("stored", 1, 0)
    assert "partner programme" in linkedin.notes[0]
    assert outcomes[Network.X].status == "failed"
    assert outcomes[Network.X].message.endswith("try again later")
    # the outbox is a rehearsal: it has no figures, and none are made up
    assert outcomes[Network.INSTAGRAM].status == "unsupported"
    assert "not supported" in outcomes[Network.INSTAGRAM].message
    data = store.read(space.data_dir)
    assert [s.network for s in data.accounts] == [Network.LINKEDIN]
    assert data.posts == []


def test_old_posts_are_left_alone_and_ids_go_in_batches(tmp_path: Path) -> None:
    recent = [(f"p{i}", "linkedin", f"urn:li:share:{i}") for i in range(30)]
    space = _space(tmp_path, recent)
    ledger = space.data_dir / "ledger.jsonl"
    ledger.write_text(
        ledger.read_text("utf-8")
        + json.dumps(
            {
                "v": 1,
                "ts": "2026-08-01T08:00:00Z",
                "event": "done",
                "post": "old",
                "network": "linkedin",
                "key": "k",
                "hash": "h",
                "remote_id": "urn:li:share:old",
            }
        )
        + "\n",
        "utf-8",
    )
    fake = _Fake(Network.LINKEDIN)
    others = {Network.X: _Fake(Network.X), Network.INSTAGRAM: _Fake(Network.INSTAGRAM)}
    pull_client(space, DAY, lambda n, a: fake if n is Network.LINKEDIN else others[n])
    assert [len(batch) for batch in fake.asked] == [25, 5]
    assert "urn:li:share:old" not in {i for batch in fake.asked for i in batch}
    # the same day again: nothing is asked, nothing is written
    fake.asked.clear()
    outcomes = pull_client(space, DAY, lambda n, a: fake if n is Network.LINKEDIN else others[n])
    assert fake.asked == [] and {o.status for o in outcomes} == {"already"}
    forced = pull_client(
        space, DAY, lambda n, a: fake if n is Network.LINKEDIN else others[n], force=True
    )
    assert {o.status for o in forced} == {"unchanged"}  # same figures: no new line


def test_pull_with_no_token_says_what_to_set(
    tmp_path: Path, cmkit: Callable, monkeypatch: Any
) -> None:
    ws = _workspace(
        tmp_path, f"  mastodon:\n    instance: {BASE}\n    token_env: DEMO_MASTODON_TOKEN\n", []
    )
    monkeypatch.setenv("CMKIT_NOW", datetime(2026, 11, 25, 7).isoformat() + "+01:00")
    r = cmkit("-w", ws, "metrics", "pull")
    assert r.exit_code == 4
    assert "DEMO_MASTODON_TOKEN" in r.stdout and "Traceback" not in r.stderr

"""The outbox: a rehearsal that writes exactly what would be sent, with its own ledger."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cmkit.connectors.base import Delivery, MediaFile
from cmkit.connectors.outbox import OutboxConnector
from cmkit.models import Account
from cmkit.networks import Network

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "agency"
MARTIN = "boulangerie-martin"
DUE_AT = "2026-11-25T11:05:00Z"  # 12:05 in Lyon: the portrait of Léa (12:00) is due


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    """The example workspace with its ledgers (what went out before today)."""
    dest = tmp_path / "agency"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("reports"))
    return dest


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_demo_writes_one_file_per_delivery(
    agency: Path, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", DUE_AT)
    before = _files(agency / "clients")
    outbox = agency / "out" / "outbox"
    r = cmkit("-w", agency, "publish", "--due", "--outbox", outbox)
    assert r.exit_code == 0, r.stderr  # type: ignore[attr-defined]
    written = sorted(p.name for p in (outbox / MARTIN).glob("*.json"))
    assert written == [
        f"2026-11-25-portrait-lea--{n}.json" for n in ("bluesky", "facebook", "instagram")
    ]
    record = json.loads((outbox / MARTIN / written[0]).read_text())
    assert record["network"] == "bluesky"
    assert record["account"] == "boulangerie-martin.bsky.social"
    assert record["text"].startswith("Voici Léa")
    assert record["media"] == [
        {
            "path": "clients/boulangerie-martin/media/equipe-lea.jpg",
            "alt": record["media"][0]["alt"],
            "mime": "image/jpeg",
        }
    ]
    assert record["media"][0]["alt"]
    assert len(record["idempotency_key"]) == 32 and record["lang"] == "fr-FR"
    # its own ledger in the outbox; the workspace itself is untouched
    events = [
        json.loads(line)["event"]
        for line in (outbox / MARTIN / "ledger.jsonl").read_text().splitlines()
    ]
    assert events.count("intent") == 3 and events.count("done") == 3
    assert _files(agency / "clients") == before
    assert "3 published" in r.stderr  # type: ignore[attr-defined]


def test_a_rehearsal_leaves_the_real_run_to_publish(
    agency: Path, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", DUE_AT)
    cmkit("-w", agency, "publish", "--due", "--outbox", agency / "out")
    again = cmkit("-w", agency, "publish", "--due", "--outbox", agency / "out", "--json")
    assert json.loads(again.stdout)["results"] == []  # type: ignore[attr-defined]
    real = cmkit("-w", agency, "publish", MARTIN, "--due", "--dry-run", "--json")
    statuses = {(r["post"], r["network"]): r["status"] for r in json.loads(real.stdout)["results"]}  # type: ignore[attr-defined]
    # still due for real (each network then goes as far as its connector allows)
    assert set(statuses) == {
        ("2026-11-25-portrait-lea", n) for n in ("bluesky", "facebook", "instagram")
    }
    assert "already" not in statuses.values()


def test_links_get_utm_tags_per_network(
    agency: Path, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", DUE_AT)
    outbox = agency / "out"
    r = cmkit("-w", agency, "publish", MARTIN, "--post", "2026-12-01-avent-j1", "--outbox", outbox)
    assert r.exit_code == 0, r.stderr  # type: ignore[attr-defined]
    links = {
        p.name.split("--")[1][:-5]: json.loads(p.read_text())["link"]
        for p in (outbox / MARTIN).glob("*.json")
    }
    assert links["instagram"] == (
        "https://boulangerie-martin.fr/avent?utm_source=instagram"
        "&utm_medium=social&utm_campaign=noel-2026"
    )
    assert links["linkedin"].endswith(
        "utm_source=linkedin&utm_medium=social&utm_campaign=noel-2026"
    )
    assert len(links) == 4


def test_dry_run_prints_what_would_be_sent_and_writes_nothing(
    agency: Path, cmkit: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", DUE_AT)
    before = _files(agency)
    r = cmkit("-w", agency, "publish", "--due", "--dry-run", "--outbox", agency / "out")
    assert r.exit_code == 0
    assert "Voici Léa" in r.stdout and "equipe-lea.jpg" in r.stdout  # type: ignore[attr-defined]
    assert "would publish" in r.stdout  # type: ignore[attr-defined]
    assert _files(agency) == before


def _delivery(tmp_path: Path, key: str = "k" * 32, text: str = "Bonjour") -> Delivery:
    image = tmp_path / "media" / "a.jpg"
    image.parent.mkdir(exist_ok=True)
    image.write_bytes(b"\xff\xd8\xff")
    return Delivery(
        "martin",
        "p1",
        Network.MASTODON,
        text,
        key,
        Account(handle="@m"),
        media=(MediaFile(image, "un pain", "image/jpeg"),),
        link="https://a.example/?utm_source=mastodon",
    )


def test_publishing_the_same_delivery_twice_writes_once(tmp_path: Path) -> None:
    outbox = OutboxConnector(Account(), lambda role: "", tmp_path / "out", media_base=tmp_path)
    delivery = _delivery(tmp_path)
    first = outbox.publish(delivery, lambda step, value: None)
    path = tmp_path / "out" / "p1--mastodon.json"
    stamp = path.stat().st_mtime_ns
    assert outbox.publish(delivery, lambda step, value: None) == first
    assert path.stat().st_mtime_ns == stamp
    assert json.loads(path.read_text())["media"][0]["path"] == "media/a.jpg"
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_recovery_finds_the_same_delivery_only(tmp_path: Path) -> None:
    outbox = OutboxConnector(Account(), lambda role: "", tmp_path / "out")
    delivery = _delivery(tmp_path)
    since = delivery.at
    assert outbox.find_published(delivery, since, {}) is None  # type: ignore[arg-type]
    outbox.publish(delivery, lambda step, value: None)
    assert outbox.find_published(delivery, since, {}) is not None  # type: ignore[arg-type]
    edited = _delivery(tmp_path, key="e" * 32, text="Bonsoir")
    assert outbox.find_published(edited, since, {}) is None  # type: ignore[arg-type]

"""The bundled example workspace: loads clean, checks clean, and tells a coherent story."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image

from cmkit import text as t
from cmkit.ledger import read
from cmkit.models import FILE_KINDS, Status
from cmkit.networks import LIMITS, Network
from cmkit.render import content_hash
from cmkit.schema import SCHEMA_DIR, render
from cmkit.workspace import Workspace, load
from cmkit.yamlio import parse_yaml, read_text, split_front_matter

AGENCY = Path(__file__).resolve().parents[1] / "examples" / "agency"
NOW = "2026-11-25T09:00:00+01:00"  # the example's reference "now"
MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return load(AGENCY)


def test_the_example_loads_without_a_single_problem(ws: Workspace) -> None:
    assert [p.text() for p in ws.problems] == []
    assert set(ws.clients) == {"boulangerie-martin", "cafe-erable"}
    assert len(ws.clients["boulangerie-martin"].posts) >= 25
    assert len(ws.clients["cafe-erable"].posts) >= 10


def test_cmkit_check_finds_nothing_at_the_examples_now(
    cmkit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMKIT_NOW", NOW)
    r = cmkit("-w", AGENCY, "check", "--no-cache")
    assert (r.exit_code, r.stdout) == (0, ""), r.stdout


def test_every_post_fits_every_network_it_is_sent_to(ws: Workspace) -> None:
    for space in ws.clients.values():
        assert space.client is not None
        for post in space.posts:
            if post.meta.status is Status.CANCELLED:
                continue
            assert Network.X not in post.meta.networks
            for network in post.meta.networks:
                account = space.client.accounts[network]
                text = post.text_for(network, account.locale)
                where = f"{post.rel} on {network}"
                assert t.count(text, network).valid, where
                if network is Network.BLUESKY:
                    assert t.grapheme_count(text) <= 300, where
                if network is Network.INSTAGRAM:
                    assert t.extract_urls(text) == [], f"{where}: links are not clickable"
                    assert len(t.extract_hashtags(text)) <= 30, where


def test_statuses_and_formats_cover_what_a_cm_uses(ws: Workspace) -> None:
    martin = ws.clients["boulangerie-martin"].posts
    assert {str(p.meta.status) for p in martin} == {s.value for s in Status}
    assert {"image", "carousel", "text", "link", "reel"} <= {str(p.meta.format) for p in martin}
    linkedin = [p for p in martin if "linkedin" in p.meta.variants]
    assert linkedin and all(len(p.text_for(Network.LINKEDIN)) > len(p.body) for p in linkedin)
    erable = ws.clients["cafe-erable"]
    assert erable.client is not None and erable.client.locales == ["fr-CA", "en-CA"]
    assert any(a.locale == "en-CA" for a in erable.client.accounts.values())
    # the English-speaking Mastodon account always has English text
    assert all(
        "en-CA" in p.meta.variants or p.meta.lang == "en-CA"
        for p in erable.posts
        if Network.MASTODON in p.meta.networks
    )
    assert any("en-CA" in p.meta.variants for p in erable.posts)


def test_the_galettes_highlight_is_left_uncovered_for_stock_to_report(ws: Workspace) -> None:
    space = ws.clients["boulangerie-martin"]
    assert space.calendar is not None
    galettes = next(h for h in space.calendar.highlights if h.id == "galettes-2027")
    assert galettes.brief is not None and galettes.brief.posts >= 1
    assert not [p for p in space.posts if p.meta.highlight == "galettes-2027"]


def test_past_approved_posts_are_in_the_ledger_as_published(ws: Workspace) -> None:
    now = datetime.fromisoformat(NOW)
    for space in ws.clients.values():
        entries = read(space.data_dir)
        raw = (space.data_dir / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(entries) == len(raw)  # every line readable
        for line in raw:
            assert list(json.loads(line))[:7] == [
                "v",
                "ts",
                "event",
                "post",
                "network",
                "key",
                "hash",
            ]
        done = {(e.post, e.network): e for e in entries if e.event == "done"}
        due = [p for p in space.posts if p.meta.status is Status.APPROVED and p.at and p.at < now]
        assert due
        for post in due:
            for network in post.meta.networks:
                entry = done.get((post.id, str(network)))
                assert entry is not None, f"{post.id} on {network} was never published"
                assert entry.hash == content_hash(space, post, network), (
                    f"{post.id} changed since: run examples/tools/make_ledger.py"
                )
                assert entry.url and entry.url.startswith("https://")
        assert {e.post for e in entries} <= {p.id for p in due}  # nothing from the future


def test_pictures_are_real_small_jpegs_instagram_accepts(ws: Workspace) -> None:
    total = sum(p.stat().st_size for p in AGENCY.rglob("*") if p.is_file())
    assert total < 3_000_000
    referenced = {
        (space.root / m.path).resolve()
        for space in ws.clients.values()
        for post in space.posts
        for m in post.meta.media
    }
    low, high = LIMITS[Network.INSTAGRAM].media.aspect_range or (0, 99)
    for path in referenced:
        assert path.stat().st_size <= 150_000, path.name
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert low <= image.width / image.height <= high, path.name
    assert all(m.alt for space in ws.clients.values() for p in space.posts for m in p.meta.media)


def _yaml_files() -> list[tuple[Path, str]]:
    out = [(AGENCY / "cmkit.yaml", "workspace")]
    for client in sorted((AGENCY / "clients").iterdir()):
        for name in ("client", "strategy", "charter", "calendar", "watch"):
            out.append((client / f"{name}.yaml", name))
        out += [(path, "campaign") for path in sorted(client.glob("campaigns/*.yaml"))]
    return out


@pytest.mark.parametrize(("path", "kind"), _yaml_files(), ids=lambda v: getattr(v, "name", v))
def test_each_file_points_at_its_schema_and_matches_it(path: Path, kind: str) -> None:
    text, _ = read_text(path, path.name)
    assert text is not None
    match = MODELINE.match(text)
    assert match, f"{path} should start with its yaml-language-server modeline"
    schema_file = (path.parent / match.group(1)).resolve()
    assert schema_file == (AGENCY / SCHEMA_DIR / f"{kind}.schema.json").resolve()
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        parse_yaml(text, path.name).data
    )


def test_every_posts_front_matter_matches_the_post_schema() -> None:
    schema = json.loads((AGENCY / SCHEMA_DIR / "post.schema.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    posts = sorted(AGENCY.glob("clients/*/posts/*.md"))
    for path in posts:
        split = split_front_matter(path.read_text(encoding="utf-8"))
        assert split is not None
        errors = [e.message for e in checker.iter_errors(parse_yaml(split[0], path.name).data)]
        assert not errors, f"{path.name}: {errors}"
    assert len(posts) >= 35


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_the_examples_schemas_are_up_to_date(kind: str) -> None:
    committed = (AGENCY / SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == render(kind), "run: cmkit -w examples/agency schema"

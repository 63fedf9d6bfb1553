"""`cmkit check`'s rules, each on a small workspace with exactly one thing wrong."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmkit.diagnostics import Problem, Severity
from cmkit.lint import check_workspace

CLIENT = """name: Acme
timezone: Europe/Paris
country: FR
accounts:
  instagram: {handle: "@acme", id: "1789", token_env: ACME_IG}
  bluesky: {handle: acme.bsky.social, token_env: ACME_BSKY}
  mastodon: {handle: "@acme@piaille.fr", instance: "https://piaille.fr", token_env: ACME_MASTO}
  linkedin: {id: "urn:li:organization:1", token_env: ACME_LI, locale: en-CA}
media_base_url: https://acme.example/media/
locales: [fr-FR, en-CA]
"""
STRATEGY = """period: {start: 2026-11-01, end: 2027-01-31}
pillars: [{id: produits, share: 50}, {id: coulisses, share: 50}]
objectives:
  - {metric: followers, network: instagram, baseline: 100, target: 160, deadline: 2026-12-31}
"""
CHARTER = """words: {use: [artisanal], avoid: [promo, industriel]}
hashtags: {required: [Acme], forbidden: [followforfollow], max: 3}
emoji: {max: 2}
"""


def front(**keys: str) -> str:
    base = {
        "at": "2026-12-01 09:30",
        "networks": "[bluesky]",
        "status": "approved",
        "pillar": "produits",
    }
    base.update(keys)
    lines = [f"{k}: {v}" for k, v in base.items() if v != ""]
    return "---\n" + "\n".join(lines) + "\n---\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    client = root / "clients" / "acme"
    (client / "posts").mkdir(parents=True)
    (client / "media").mkdir()
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\n")
    (client / "client.yaml").write_text(CLIENT)
    (client / "strategy.yaml").write_text(STRATEGY)
    (client / "charter.yaml").write_text(CHARTER)
    from PIL import Image

    Image.new("RGB", (1080, 1080), (200, 120, 60)).save(client / "media" / "photo.jpg")
    return root


@pytest.fixture
def post(ws: Path) -> Callable[[str, str], Path]:
    def _post(content: str, name: str = "p.md") -> Path:
        path = ws / "clients" / "acme" / "posts" / name
        path.write_text(content, encoding="utf-8")
        return path

    return _post


def problems(ws: Path) -> list[Problem]:
    return check_workspace(ws, use_cache=False)


def only(ws: Path) -> Problem:
    found = problems(ws)
    assert len(found) == 1, "\n".join(p.text() for p in found)
    return found[0]


GOOD = front() + "Du pain artisanal ce matin #Acme\n"


def test_a_good_post_is_clean(ws: Path, post: Callable[..., Path]) -> None:
    post(GOOD)
    assert problems(ws) == []


def test_too_long_for_bluesky_points_at_the_text(ws: Path, post: Callable[..., Path]) -> None:
    post(front() + "é" * 301 + " #Acme\n")
    problem = only(ws)
    assert problem.rule == "text/too-long" and problem.severity is Severity.ERROR
    assert problem.line == 7 and "bluesky" in problem.message and "307/300" in problem.message


def test_a_network_variant_fixes_the_length(ws: Path, post: Callable[..., Path]) -> None:
    post(
        front(networks="[bluesky, mastodon]", variants='\n  bluesky: "Court #Acme"')
        + "x" * 400
        + " #Acme\n"
    )
    assert problems(ws) == []


def test_an_account_s_own_limit_replaces_the_network_s(ws: Path, post: Callable[..., Path]) -> None:
    client = ws / "clients" / "acme" / "client.yaml"

    def accounts(x_limit: int) -> None:
        text = CLIENT.replace("token_env: ACME_MASTO}", "token_env: ACME_MASTO, max_chars: 1000}")
        extra = f'  x: {{handle: "@acme", token_env: ACME_X, max_chars: {x_limit}}}\n'
        client.write_text(text.replace("media_base_url", extra + "media_base_url", 1))

    accounts(25_000)  # an X Premium account, an instance that takes 1,000 characters
    post(front(networks="[x, mastodon]") + "x" * 600 + " #Acme\n")
    assert problems(ws) == []
    accounts(500)
    problem = only(ws)
    assert problem.rule == "text/too-long" and "x: 606/500" in problem.message


def test_a_draft_over_the_limit_is_only_a_warning(ws: Path, post: Callable[..., Path]) -> None:
    post(front(status="draft") + "x" * 400 + " #Acme\n")
    assert only(ws).severity is Severity.WARNING


def test_link_in_an_instagram_caption(ws: Path, post: Callable[..., Path]) -> None:
    post(
        front(
            networks="[instagram]", format="image", media="\n  - {path: media/photo.jpg, alt: Pain}"
        )
        + "Commandez sur https://acme.fr/noel #Acme\n"
    )
    problem = only(ws)
    assert problem.rule == "text/link-in-caption" and "lien en bio" in problem.hint


def test_missing_media_and_alt(ws: Path, post: Callable[..., Path]) -> None:
    post(
        front(media="\n  - {path: media/nope.jpg, alt: X}\n  - path: media/photo.jpg")
        + "Pain #Acme\n"
    )
    rules = {(p.rule, p.line) for p in problems(ws)}
    assert rules == {("media/missing", 7), ("media/alt-missing", 8)}


def test_media_outside_the_client_folder(ws: Path, post: Callable[..., Path]) -> None:
    post(front(media="\n  - {path: ../../../etc/passwd, alt: X}") + "Pain #Acme\n")
    assert only(ws).rule == "media/outside-client"


def test_too_many_images_and_a_format_bluesky_refuses(ws: Path, post: Callable[..., Path]) -> None:
    (ws / "clients/acme/media/clip.mp4").write_bytes(b"0" * 10)
    items = "".join(f"\n  - {{path: media/photo.jpg, alt: P{i}}}" for i in range(5))
    post(front(networks="[instagram]", media=items) + "Pain #Acme\n", "a.md")
    post(
        front(networks="[mastodon]", at="2026-12-02 09:30", media="\n  - {path: media/clip.mp4}")
        + "Pain #Acme\n",
        "b.md",
    )
    assert {p.rule for p in problems(ws)} == set()  # instagram takes 10, mastodon takes mp4
    (ws / "clients/acme/media/clip.mov").write_bytes(b"0" * 10)
    post(
        front(networks="[bluesky]", at="2026-12-03 09:30", media="\n  - {path: media/clip.mov}")
        + "Pain #Acme\n",
        "c.md",
    )
    items = "".join(f"\n  - {{path: media/photo.jpg, alt: P{i}}}" for i in range(11))
    post(front(networks="[instagram]", at="2026-12-04 09:30", media=items) + "Pain #Acme\n", "d.md")
    assert {p.rule for p in problems(ws)} == {"media/format", "media/too-many"}


def test_charter_rules(ws: Path, post: Callable[..., Path]) -> None:
    post(front() + "Grosse PROMO sur le pain 😀😀😀 #followforfollow #a #b #c\n")
    found = {p.rule: p for p in problems(ws)}
    assert set(found) == {
        "charter/hashtag-required",
        "charter/hashtag-forbidden",
        "charter/too-many-hashtags",
        "charter/word-to-avoid",
        "charter/too-many-emoji",
    }
    avoid = found["charter/word-to-avoid"]
    assert (avoid.line, avoid.col) == (7, 8)  # the word itself, in the body
    assert "artisanal" in avoid.hint


def test_words_to_avoid_match_whole_words_only(ws: Path, post: Callable[..., Path]) -> None:
    post(front() + "Nos promotions: du pain artisanal #Acme\n")
    assert problems(ws) == []


def test_unknown_pillar_and_campaign(ws: Path, post: Callable[..., Path]) -> None:
    post(front(pillar="produit", campaign="noel") + "Pain #Acme\n")
    found = {p.rule: p for p in problems(ws)}
    assert set(found) == {"post/unknown-pillar", "post/unknown-campaign"}
    assert "did you mean 'produits'" in found["post/unknown-pillar"].hint


def test_a_broken_campaign_or_calendar_file_is_reported_once_not_in_every_post(
    ws: Path, post: Callable[..., Path]
) -> None:
    client = ws / "clients" / "acme"
    (client / "campaigns").mkdir()
    (client / "campaigns" / "noel.yaml").write_text("name: Noël\nbudget: {total: 300 €}\n")
    (client / "calendar.yaml").write_text("highlights: [{id: concours, start: demain}]\n")
    post(front(campaign="noel") + "Pain #Acme\n", "a.md")
    post(front(highlight="concours", at="2026-12-02 09:30") + "Pain #Acme\n", "b.md")
    found = [p for p in problems(ws) if p.severity is Severity.ERROR or "post/" in p.rule]
    assert {p.path for p in found} == {
        "clients/acme/campaigns/noel.yaml",
        "clients/acme/calendar.yaml",
    }, "\n".join(p.text() for p in found)


def test_duplicate_ids_and_slot_collision(ws: Path, post: Callable[..., Path]) -> None:
    post(front(id="noel") + "Pain #Acme\n", "a.md")
    post(front(id="noel") + "Brioche #Acme\n", "b.md")
    rules = sorted(p.rule for p in problems(ws))
    assert rules == ["post/duplicate-id", "post/slot-collision"]


def test_no_account_for_a_network(ws: Path, post: Callable[..., Path]) -> None:
    post(front(networks="[facebook]") + "Pain #Acme\n")
    problem = only(ws)
    assert problem.rule == "post/no-account" and problem.line == 3


def test_approved_without_time(ws: Path, post: Callable[..., Path]) -> None:
    post(front(at="2026-12-01") + "Pain #Acme\n")
    assert only(ws).rule == "post/no-time"


def test_missing_translation_for_an_account_in_another_locale(
    ws: Path, post: Callable[..., Path]
) -> None:
    post(front(networks="[linkedin]") + "Du pain artisanal #Acme\n")
    assert only(ws).rule == "post/missing-translation"
    post(
        front(networks="[linkedin]", variants='\n  en-CA: "Artisanal bread #Acme"')
        + "Du pain artisanal #Acme\n"
    )
    assert problems(ws) == []


def test_variant_key_typo(ws: Path, post: Callable[..., Path]) -> None:
    post(front(variants="\n  blueksy: court") + "Pain #Acme\n")
    problem = only(ws)
    assert problem.rule == "post/variant-key" and "bluesky" in problem.hint


def test_missed_post_depends_on_the_clock_and_the_ledger(
    ws: Path, post: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    post(GOOD)
    monkeypatch.setenv("CMKIT_NOW", "2026-12-01T07:00:00Z")  # 08:00 in Paris: not yet due
    assert check_workspace(ws) == []
    monkeypatch.setenv("CMKIT_NOW", "2026-12-02T07:00:00Z")
    (problem,) = check_workspace(ws)  # cached client, clock rule re-evaluated
    assert problem.rule == "post/missed" and "bluesky" in problem.message
    ledger = ws / "clients/acme/data/ledger.jsonl"
    ledger.parent.mkdir()
    ledger.write_text(
        '{"v":1,"ts":"2026-12-01T08:30:01Z","event":"done","post":"p",'
        '"network":"bluesky","key":"k","hash":"","remote_id":"at://x"}\n'
    )
    assert check_workspace(ws) == []


@pytest.mark.parametrize(
    "secret",
    [
        "EAAJZCZBZA1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
        "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
        "abcd-efgh-ijkl-mnop",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
    ],
)
def test_token_like_strings_are_errors(ws: Path, post: Callable[..., Path], secret: str) -> None:
    post(GOOD)
    (ws / "clients/acme/notes.md").write_text(f"Pour mémoire : {secret}\n")
    problem = only(ws)
    assert problem.rule == "secret/token" and problem.line == 1
    assert secret not in problem.text()  # the report must not leak it further


def test_a_secret_assigned_in_yaml_is_found(ws: Path) -> None:
    (ws / "clients/acme/watch.yaml").write_text("brand: [Acme]\n# api_key: 9fQ2xL7pW3zR8tYk\n")
    assert only(ws).rule == "secret/token"


def test_a_tracked_env_file_is_an_error(ws: Path) -> None:
    (ws / ".env").write_text("ACME_IG=secret\n")

    def run(*args: str) -> None:
        subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True)

    run("init", "-q")
    run("add", "-f", ".env")
    assert "secret/env-tracked" in {p.rule for p in problems(ws)}


def test_the_cache_notices_a_changed_file(ws: Path, post: Callable[..., Path]) -> None:
    path = post(GOOD)
    assert check_workspace(ws) == []
    path.write_text(front(netwroks="[x]") + "Pain #Acme\n")
    assert [p.rule for p in check_workspace(ws)] == ["schema/unknown-key"]


SHAPES = {
    "a Meta (Facebook/Instagram) access token": "EAAJ" + "Zb7" * 22,
    "an Instagram user token": "IGQV" + "jR_5" * 21,
    "a Telegram bot token": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
    "a Discord webhook URL": "https://discord.com/api/webhooks/1234567/" + "aZ9_-" * 12,
    "a Bluesky app password": "abcd-efgh-ijkl-mnop",
    "a GitHub token": "github_pat_" + "11ABCDEFG0" * 7,
    "a Slack token": "xoxb-1234567890-abcdef",
    "an OpenAI/Anthropic-style API key": "sk-proj-" + "aB3_" * 10,
    "a Google API key": "AIza" + "Sy0123456789abcdefghijklmnopqrstuvw",
    "an AWS access key id": "AKIAIOSFODNN7EXAMPLE",
    "a JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
    "a bearer token": "Authorization: BEARER abcdefghijklmnopqrstuvwxyz012345",
    "a private key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "a secret assigned to a key": "Mastodon_API_KEY = 9fQ2xL7pW3zR8tYk9",
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_token_shape_is_found_in_any_file(name: str) -> None:
    from cmkit.lint.secrets import PATTERNS, scan_text

    assert [s.name for s in PATTERNS] == list(SHAPES)  # one sample per shape
    (problem,) = scan_text(f"notes\n{SHAPES[name]} \n", "notes.md")
    assert name in problem.message and problem.line == 2


@given(
    st.lists(
        st.sampled_from([*SHAPES.values(), " ", "\n", "x", "-", "Bearer ", "token: ", "é"]),
        max_size=6,
    ).map("".join)
)
def test_a_pattern_skipped_for_want_of_its_marker_could_not_have_matched(text: str) -> None:
    from cmkit.lint.secrets import PATTERNS

    for shape in PATTERNS:
        if shape.pattern.search(text):
            where = text.lower() if shape.folded else text
            assert any(m in where for m in shape.markers), shape.name

"""Bad input has a defined outcome: valid, or one clear located problem — never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmkit.diagnostics import CmkitError, Severity
from cmkit.workspace import find_root, load

CLIENT = "name: Test\ntimezone: Europe/Paris\ncountry: FR\naccounts:\n  mastodon: {}\n  x: {}\n"
POST = "---\nat: 2026-12-01 09:30\nnetworks: [mastodon]\nstatus: draft\n---\nBonjour\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "clients" / "acme" / "posts").mkdir(parents=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\n")
    (root / "clients" / "acme" / "client.yaml").write_text(CLIENT)
    return root


def post(ws: Path, content: str | bytes, name: str = "p.md") -> Path:
    path = ws / "clients" / "acme" / "posts" / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def rules(ws: Path) -> list[tuple[str, int, str]]:
    return [(p.rule, p.line, p.message) for p in load(ws).problems]


def test_a_clean_post_loads_with_its_local_time(ws: Path) -> None:
    post(ws, POST)
    loaded = load(ws)
    assert loaded.problems == []
    (p,) = loaded.clients["acme"].posts
    assert p.id == "p"
    assert p.at is not None and p.at.isoformat() == "2026-12-01T09:30:00+01:00"
    assert p.body.strip() == "Bonjour"


def test_unknown_key_is_located_with_a_did_you_mean(ws: Path) -> None:
    post(ws, "---\nat: 2026-12-01 09:30\nnetwroks: [mastodon]\n---\nx\n")
    (problem,) = load(ws).problems
    assert (problem.rule, problem.line, problem.col) == ("schema/unknown-key", 3, 1)
    assert "netwroks" in problem.message and "did you mean 'networks'" in problem.hint
    assert problem.text().startswith("clients/acme/posts/p.md:3:1: error [schema/unknown-key]")


def test_unknown_network_suggests_the_right_one(ws: Path) -> None:
    post(ws, "---\nnetworks: [mastodon, instagramm]\n---\nx\n")
    (problem,) = load(ws).problems
    assert problem.line == 2 and problem.rule == "schema/invalid"
    assert "'instagramm'" in problem.message and "instagram" in problem.hint


def test_duplicate_keys_are_an_error_not_a_silent_overwrite(ws: Path) -> None:
    post(ws, "---\nstatus: draft\nstatus: approved\n---\nx\n")
    assert ("yaml/duplicate-key", 3) in [(r, line) for r, line, _ in rules(ws)]


def test_tab_indentation_says_to_use_spaces(ws: Path) -> None:
    (ws / "clients/acme/client.yaml").write_text("name: T\naccounts:\n\tmastodon: {}\n")
    ((rule, line, message),) = rules(ws)
    assert rule == "yaml/tab" and line == 3 and "tab" in message


def test_bom_and_crlf_are_accepted(ws: Path) -> None:
    post(ws, "\ufeff" + POST.replace("\n", "\r\n"))
    loaded = load(ws)
    assert loaded.problems == []
    assert loaded.clients["acme"].posts[0].body.strip() == "Bonjour"


def test_non_utf8_bytes_point_at_the_line(ws: Path) -> None:
    post(ws, POST.encode().replace(b"Bonjour", b"Caf\xe9 cr\xe8me"))
    ((rule, line, message),) = rules(ws)
    assert rule == "file/encoding" and line == 6 and "0xe9" in message


def test_a_file_too_large_to_be_a_post_is_refused_unread(ws: Path) -> None:
    from cmkit.yamlio import MAX_FILE_BYTES

    post(ws, POST + "x" * MAX_FILE_BYTES)
    ((rule, _, message),) = rules(ws)
    assert rule == "file/too-large" and "5,000,000 bytes" in message
    post(ws, POST + "x" * (MAX_FILE_BYTES - len(POST.encode()) - 1))  # just under: read
    assert "file/too-large" not in [r for r, _, _ in rules(ws)]


def test_empty_post_file_says_front_matter_is_needed(ws: Path) -> None:
    post(ws, "")
    assert [r for r, _, _ in rules(ws)] == ["post/front-matter"]


def test_empty_yaml_file_is_an_empty_mapping(ws: Path) -> None:
    (ws / "clients/acme/charter.yaml").write_text("")
    (ws / "clients/acme/client.yaml").write_text("")
    assert [(r, m) for r, _, m in rules(ws)] == [
        ("schema/missing-key", "missing required key 'name'")
    ]


def test_alias_bomb_is_refused_before_it_expands(ws: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    (ws / "clients/acme/watch.yaml").write_text("\n".join(lines) + "\n")
    assert [r for r, _, _ in rules(ws)] == ["yaml/alias-bomb"]


def test_a_few_aliases_are_fine(ws: Path) -> None:
    (ws / "clients/acme/charter.yaml").write_text(
        "words:\n  use: &mots [pain, levain]\n  avoid: []\nnotes: ok\n"
    )
    assert rules(ws) == []


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-12-01 09:30", "2026-12-01T09:30:00+01:00"),  # naive: the client's local time
        ("2026-12-01T09:30:00+00:00", "2026-12-01T10:30:00+01:00"),  # aware: kept, shown local
        ("2026-12-01T08:30:00Z", "2026-12-01T09:30:00+01:00"),
        ("2026-07-01 09:30", "2026-07-01T09:30:00+02:00"),  # summer time
    ],
)
def test_naive_and_aware_times(ws: Path, at: str, expected: str) -> None:
    post(ws, POST.replace("2026-12-01 09:30", at))
    loaded = load(ws)
    assert loaded.problems == []
    assert loaded.clients["acme"].posts[0].at.isoformat() == expected  # type: ignore[union-attr]


def test_a_time_skipped_by_dst_is_an_error(ws: Path) -> None:
    post(ws, POST.replace("2026-12-01 09:30", "2027-03-28 02:30"))
    ((rule, line, message),) = rules(ws)
    assert rule == "post/time-does-not-exist" and line == 2 and "clocks go forward" in message


def test_a_time_that_happens_twice_is_a_warning(ws: Path) -> None:
    post(ws, POST.replace("2026-12-01 09:30", "2026-10-25 02:30"))
    (problem,) = load(ws).problems
    assert problem.rule == "post/time-ambiguous" and problem.severity is Severity.WARNING


def test_bad_dates_say_the_expected_form(ws: Path) -> None:
    post(ws, POST.replace("2026-12-01 09:30", "2026-13-01 09:30"))
    (problem,) = load(ws).problems
    assert problem.line == 2 and "YYYY-MM-DD HH:MM" in problem.hint


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        ("networks: instagram", "expected a list (- item), found 'instagram'", "[instagram]"),
        ("title: 2026", "expected text, found 2026", "quote it to make it text"),
        ("thread: {a: b}", "expected a list (- item), found a mapping", "one `- item` per line"),
        ("media: [photo.jpg]", "expected a mapping (key: value), found 'photo.jpg'", "indented"),
    ],
)
def test_a_wrong_type_says_how_to_write_the_right_one(
    ws: Path, line: str, message: str, hint: str
) -> None:
    post(ws, f"---\nat: 2026-12-01 09:30\n{line}\n---\nx\n")
    (problem,) = load(ws).problems
    assert problem.line == 3 and problem.rule == "schema/invalid"
    assert message in problem.message and hint in problem.hint


def test_a_model_rule_gives_its_fix_as_the_hint(ws: Path) -> None:
    post(ws, "---\nat: 2026-12-01 09:30\nnetworks: [bluesky, bluesky]\n---\nx\n")
    (ws / "clients/acme/strategy.yaml").write_text(
        "period: {start: 2026-12-01, end: 2026-12-31}\n"
        "pillars: [{id: a, share: 70}, {id: b, share: 60}]\n"
    )
    (ws / "clients/acme/calendar.yaml").write_text(
        "highlights: [{id: noel, name: Noël, start: 2026-12-25, end: 2026-12-01}]\n"
    )
    found = {p.message: p.hint for p in load(ws).problems}
    assert found == {
        "networks: 'bluesky' is listed twice": "remove the second one",
        "highlights[0]: the highlight ends before it starts": (
            "swap start and end, or fix the end date"
        ),
        "pillars: pillar shares add up to 130 %, more than 100 %": (
            "lower some shares so that they add up to 100 % at most"
        ),
    }


def test_unknown_timezone_suggests_the_closest(ws: Path) -> None:
    (ws / "clients/acme/client.yaml").write_text("name: T\ntimezone: Europe/Pari\n")
    (problem,) = load(ws).problems
    assert (problem.rule, problem.line) == ("schema/invalid", 2)
    assert problem.message == "timezone: unknown time zone 'Europe/Pari'"
    assert problem.hint == "did you mean 'Europe/Paris'?"


def test_yaml_12_scalars_norway_and_times_stay_strings(ws: Path) -> None:
    (ws / "clients/acme/client.yaml").write_text("name: T\ncountry: NO\n")
    (ws / "clients/acme/calendar.yaml").write_text(
        "slots:\n  - {network: mastodon, days: [mon], time: 9:30}\n"
    )
    loaded = load(ws)
    assert loaded.problems == []
    acme = loaded.clients["acme"]
    assert acme.client is not None and acme.client.country == "NO"
    assert acme.calendar is not None and str(acme.calendar.slots[0].time) == "09:30:00"


def test_syntax_error_is_located(ws: Path) -> None:
    post(ws, "---\nat: 2026-12-01 09:30\nnetworks: [mastodon\nstatus: draft\n---\nx\n")
    ((rule, line, _),) = rules(ws)
    assert rule == "yaml/syntax" and line in (3, 4)


def test_unreadable_files_say_what_they_are(ws: Path) -> None:
    posts = ws / "clients/acme/posts"
    (posts / "folder.md").mkdir()
    (posts / "dangling.md").symlink_to(ws / "nowhere.md")
    (posts / "loop.md").symlink_to(posts / "loop.md")
    hints = {p.path.rsplit("/", 1)[1]: p.hint for p in load(ws).problems}
    assert {p.rule for p in load(ws).problems} == {"file/unreadable"}
    assert "a folder named like a file" in hints["folder.md"]
    assert "a link to a file that does not exist" in hints["dangling.md"]
    assert "leads back to itself" in hints["loop.md"]


def test_a_token_instead_of_a_variable_name_is_refused(ws: Path) -> None:
    (ws / "clients/acme/client.yaml").write_text(
        "name: T\naccounts:\n  mastodon:\n    token_env: zT9x2kLmQp4RvW8sYb3nHc6\n"
    )
    ((_, line, message),) = rules(ws)
    assert line == 4 and "looks like a secret" in message


def test_misnamed_client_file_is_a_warning_with_the_right_name(ws: Path) -> None:
    (ws / "clients/acme/strategie.yaml").write_text("x: 1\n")
    (problem,) = load(ws).problems
    assert problem.rule == "file/unknown" and "strategy.yaml" in problem.hint


def test_all_problems_are_collected_before_reporting(ws: Path) -> None:
    post(ws, "---\nnetwroks: [x]\n---\n", "a.md")
    post(ws, "---\nstatus: publish\n---\n", "b.md")
    (ws / "clients/acme/charter.yaml").write_text("tone: [\n")
    assert len(load(ws).problems) == 3


def test_find_root_walks_up_and_honours_the_environment(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_root(cwd=ws / "clients" / "acme" / "posts") == ws.resolve()
    monkeypatch.setenv("CMKIT_WORKSPACE", str(ws))
    assert find_root(cwd=tmp_path) == ws.resolve()
    monkeypatch.delenv("CMKIT_WORKSPACE")
    with pytest.raises(CmkitError, match=r"no cmkit\.yaml"):
        find_root(cwd=tmp_path)


def test_unknown_client_is_a_usage_error_with_a_suggestion(ws: Path) -> None:
    with pytest.raises(CmkitError) as info:
        load(ws, ["acmee"])
    assert "did you mean 'acme'" in str(info.value)

"""`cmkit diff` on a real git history built here: main, a branch with next month's plan."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from planws import Builder

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CALENDAR = """\
slots:
  - {network: instagram, days: [mon, wed], time: "09:30"}
highlights:
  - {id: concours, name: Grand concours, kind: contest, start: 2026-12-01, end: 2026-12-20}
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "CM",
            "GIT_AUTHOR_EMAIL": "cm@example.org",
            "GIT_COMMITTER_NAME": "CM",
            "GIT_COMMITTER_EMAIL": "cm@example.org",
            "HOME": str(root),
            "PATH": "/usr/bin:/bin",
        },
    )
    return done.stdout


@pytest.fixture
def repo(build: Callable[[], Builder]) -> Builder:
    """main has November's plan; the branch `decembre` reworks it (not committed yet)."""
    b = build().client("martin", calendar=CALENDAR)
    b.post(
        "martin",
        "avent-j1",
        "2026-12-01 09:30",
        status="review",
        body="Jour 1 de notre calendrier de l'Avent : une surprise chaque matin #Noël",
    )
    b.post(
        "martin",
        "atelier",
        "2026-12-02 12:00",
        status="draft",
        networks="[facebook]",
        body="Atelier sablés pour les enfants",
    )
    b.post("martin", "vieux", "2026-12-03 09:30", status="idea", body="Une vieille idée")
    b.post("martin", "media", "2026-12-04 09:30", media="media/a.jpg", body="Photo")
    b.file("clients/martin/data/ledger.jsonl", "")
    git(b.root, "init", "-q", "-b", "main")
    git(b.root, "add", "-A")
    git(b.root, "commit", "-q", "-m", "plan de novembre")
    git(b.root, "checkout", "-q", "-b", "decembre")
    return b


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def changed(repo: Builder) -> Builder:
    posts = repo.root / "clients/martin/posts"
    _edit(posts / "avent-j1.md", "status: review", "status: approved")
    _edit(posts / "avent-j1.md", "une surprise chaque matin", "un sablé offert chaque matin")
    _edit(posts / "atelier.md", "2026-12-02 12:00", "2026-12-09 10:00")
    _edit(posts / "atelier.md", "networks: [facebook]", "networks: [facebook, instagram]")
    (posts / "vieux.md").unlink()
    _edit(posts / "media.md", "media/a.jpg", "media/b.jpg")
    repo.post(
        "martin",
        "nouveau",
        "2026-12-07 09:30",
        status="draft",
        body="Les *bûches* arrivent <b>demain</b> #Noël",
    )
    _edit(repo.root / "clients/martin/calendar.yaml", "days: [mon, wed]", "days: [mon, fri]")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "plan de décembre")
    return repo


def test_text_in_a_cms_words(cmkit: Callable[..., Any], changed: Builder) -> None:
    r = cmkit("-w", changed.root, "diff")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "(merge base with main)" in out.splitlines()[0]
    assert "Boulangerie Martin — 1 added, 3 changed, 1 removed, 2 calendar change(s)" in out
    assert "~ avent-j1  Tue 01 Dec 2026 09:30" in out
    assert "approved: review → approved" in out
    assert (
        "text edited: …calendrier de l'Avent : [-une surprise-] {+un sablé offert+} "
        "chaque matin #Noël" in out
    )
    assert "moved: Wed 02 Dec 2026 12:00 → Wed 09 Dec 2026 10:00" in out
    assert "networks: +instagram" in out
    assert "media: +media/b.jpg −media/a.jpg" in out
    assert "- vieux  removed (was Thu 03 Dec 2026 09:30 · idea)" in out
    assert "+ nouveau  added: Mon 07 Dec 2026 09:30 · instagram · draft" in out
    assert "* calendar: slot removed: instagram mon, wed at 09:30" in out
    assert "* calendar: slot added: instagram mon, fri at 09:30" in out


def test_uncommitted_changes_count_too(cmkit: Callable[..., Any], repo: Builder) -> None:
    _edit(repo.root / "clients/martin/posts/vieux.md", "status: idea", "status: draft")
    r = cmkit("-w", repo.root, "diff")
    assert "~ vieux" in r.stdout and "status: idea → draft" in r.stdout


def test_nothing_changed(cmkit: Callable[..., Any], repo: Builder) -> None:
    r = cmkit("-w", repo.root, "diff")
    assert r.exit_code == 0
    assert r.stdout.strip().endswith(": none")


def test_markdown_for_a_pull_request(cmkit: Callable[..., Any], changed: Builder) -> None:
    r = cmkit("-w", changed.root, "diff", "--format", "markdown")
    out = r.stdout
    assert out.startswith("## Plan changes\n")
    assert "### Boulangerie Martin" in out
    assert "- **Changed** `avent-j1` — Tue 01 Dec 2026 09:30" in out
    assert "  - approved: review → approved" in out
    assert "~~une surprise~~ **un sablé offert**" in out
    # text from posts cannot break the Markdown (or inject HTML) of the comment
    assert "> Les \\*bûches\\* arrivent \\<b\\>demain\\</b\\> \\#Noël" in out
    assert "- **Removed** `vieux`" in out
    assert "  - slot added: instagram mon, fri at 09:30" in out


def test_github_annotations(
    cmkit: Callable[..., Any], changed: Builder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = cmkit("-w", changed.root, "diff", "--format", "github")
    lines = r.stdout.splitlines()
    assert all(line.startswith("::notice file=") for line in lines)
    avent = next(line for line in lines if "avent-j1.md" in line)
    assert avent.startswith(
        "::notice file=clients/martin/posts/avent-j1.md,line=1,"
        "title=Boulangerie Martin%3A Post approved%2C text edited::"
    )
    assert summary.read_text("utf-8").startswith("## Plan changes")


def test_workspace_in_a_subfolder_of_the_repository(
    cmkit: Callable[..., Any], build: Callable[[], Builder], tmp_path: Path
) -> None:
    top = tmp_path / "repo"
    b = build()
    b.client("martin")
    b.post("martin", "p1", "2026-12-01 09:30")
    shutil.move(str(b.root), str(top / "agency"))
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "init")
    _edit(top / "agency/clients/martin/posts/p1.md", "09:30", "10:30")
    r = cmkit("-w", top / "agency", "diff", "--format", "github")
    assert r.stdout.startswith("::notice file=agency/clients/martin/posts/p1.md")
    assert "09:30 → 10:30%2C same day" in r.stdout or "09:30 → 10:30, same day" in r.stdout


def test_explicit_revision_and_json(cmkit: Callable[..., Any], changed: Builder) -> None:
    r = cmkit("-w", changed.root, "diff", "HEAD", "--json")
    assert json.loads(r.stdout)["clients"] == []
    r = cmkit("-w", changed.root, "diff", "main", "--json")
    data = json.loads(r.stdout)
    assert data["base_label"] == "main"
    posts = {p["id"]: p for p in data["clients"][0]["posts"]}
    assert posts["atelier"]["moved"] is True
    assert posts["atelier"]["was_at"] == "2026-12-02T12:00:00+01:00"
    assert posts["atelier"]["at"] == "2026-12-09T10:00:00+01:00"
    assert posts["atelier"]["networks_added"] == ["instagram"]
    assert posts["avent-j1"]["status"] == ["review", "approved"]
    assert posts["avent-j1"]["edits"][0]["segments"] == [
        ["…", "…"],
        ["=", "calendrier de l'Avent :"],
        ["-", "une surprise"],
        ["+", "un sablé offert"],
        ["=", "chaque matin #Noël"],
    ]
    assert posts["vieux"]["kind"] == "removed" and posts["nouveau"]["kind"] == "added"


def test_a_renamed_file_is_the_same_post(cmkit: Callable[..., Any], repo: Builder) -> None:
    posts = repo.root / "clients/martin/posts"
    (posts / "vieux.md").rename(posts / "2026-12-03-vieux.md")
    _edit(posts / "2026-12-03-vieux.md", "status: idea", "id: vieux\nstatus: idea")
    r = cmkit("-w", repo.root, "diff", "--json")
    [change] = json.loads(r.stdout)["clients"][0]["posts"]
    assert change["kind"] == "changed"
    assert change["fields"] == [
        {
            "field": "file",
            "old": "clients/martin/posts/vieux.md",
            "new": "clients/martin/posts/2026-12-03-vieux.md",
        }
    ]


def test_errors(
    cmkit: Callable[..., Any], repo: Builder, build: Callable[[], Builder], tmp_path: Path
) -> None:
    r = cmkit("-w", repo.root, "diff", "nope")
    assert r.exit_code == 2 and "unknown revision 'nope'" in r.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "cmkit.yaml").write_text("timezone: Europe/Paris\n", "utf-8")
    r = cmkit("-w", plain, "diff")
    assert r.exit_code == 2 and "not in a git repository" in r.stderr

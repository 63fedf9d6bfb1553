"""The report as files: Markdown with its charts, one self-contained HTML file, PDF."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reports.conftest import DATA_URI, check_golden

MARTIN = "clients/boulangerie-martin"
HOSTILE = (
    'Atelier <script>alert("pwned")</script> <img src=x onerror=alert(1)> '
    "**gras** [clic](javascript:alert(1)) | colonne"
)


def _make_top_post_hostile(agency: Path) -> None:
    """The month's best post says something a browser or a Markdown viewer could run."""
    post = agency / MARTIN / "posts" / "2026-11-05-decoupe-miche.md"
    head, _, _ = post.read_text("utf-8").rpartition("---\n")
    post.write_text(f"{head}---\n{HOSTILE}\n", "utf-8")


def test_html_golden(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "boulangerie-martin", "--month", "2026-11")
    assert r.exit_code == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path == agency / MARTIN / "reports" / "2026-11.html"
    page = path.read_text("utf-8")
    assert len(DATA_URI.findall(page)) == 5  # five charts, inside the file
    check_golden("boulangerie-martin-2026-11.html", DATA_URI.sub("data:…", page))


def test_markdown_golden_with_charts_beside_it(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "boulangerie-martin", "--month", "2026-11", "-f", "md")
    assert r.exit_code == 0, r.stderr
    path = Path(r.stdout.strip())
    text = path.read_text("utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images == [
        "2026-11-charts/kpis.png",
        "2026-11-charts/followers.png",
        "2026-11-charts/engagement.png",
        "2026-11-charts/heatmap.png",
        "2026-11-charts/campaigns.png",
    ]
    for image in images:
        assert (path.parent / image).read_bytes().startswith(b"\x89PNG")
    check_golden("boulangerie-martin-2026-11.md", text)


def test_hostile_post_text_is_shown_as_text(agency: Path, cmkit: Callable) -> None:
    _make_top_post_hostile(agency)
    html = cmkit(
        "-w", agency, "report", "boulangerie-martin", "--month", "2026-11", "-o", "-"
    ).stdout
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    md_path = agency / "out" / "r.md"
    cmkit(
        "-w",
        agency,
        "report",
        "boulangerie-martin",
        "--month",
        "2026-11",
        "-f",
        "md",
        "-o",
        md_path,
    )
    line = next(x for x in md_path.read_text("utf-8").splitlines() if "pwned" in x)
    assert "&lt;script&gt;" in line and "<script" not in line
    assert r"\*\*gras\*\*" in line and r"\[clic\]" in line and r" \| " in line


def test_language_follows_the_client_or_the_option(agency: Path, cmkit: Callable) -> None:
    fr = cmkit("-w", agency, "report", "cafe-erable", "--month", "2026-11", "-o", "-").stdout
    assert '<html lang="fr">' in fr and "Rapport de novembre 2026" in fr
    en = cmkit(
        "-w", agency, "report", "cafe-erable", "--month", "2026-11", "--lang", "en", "-o", "-"
    ).stdout
    assert '<html lang="en">' in en and "November 2026 report" in en
    assert "No impressions, reach, clicks or saves for Mastodon" in en


def test_weekly_report_and_json_model(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "boulangerie-martin", "--week", "2026-W47", "-f", "md")
    assert r.exit_code == 0, r.stderr
    text = Path(r.stdout.strip()).read_text("utf-8")
    assert text.startswith("# Boulangerie Martin — Semaine 47")
    assert "## Ce qui marche" not in text  # the small weekly report
    data = json.loads(
        cmkit(
            "-w",
            agency,
            "report",
            "boulangerie-martin",
            "--week",
            "2026-W47",
            "-f",
            "json",
            "-o",
            "-",
        ).stdout
    )
    assert data["period"]["label"] == "2026-W47"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-11", "--week", "2026-W47"], "cannot be used together"),
        (["--month", "2027-02"], "has not started yet"),
        (["--month", "11/2026"], "YYYY-MM"),
        (["--week", "2026-W60"], "YYYY-Www"),
        (["-f", "md", "-o", "-"], "only html and json"),
    ],
)
def test_usage_errors_are_one_line(
    agency: Path, cmkit: Callable, args: list[str], message: str
) -> None:
    r = cmkit("-w", agency, "report", "boulangerie-martin", *args)
    assert r.exit_code == 2 and message in r.stderr and r.stderr.count("\n") == 1


def test_default_month_is_the_last_complete_one(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "cafe-erable", "-f", "json")
    assert Path(r.stdout.strip()).name == "2026-10.json"


def test_an_unknown_client_gets_a_suggestion(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "cafe-erabel")
    assert r.exit_code == 2 and "did you mean 'cafe-erable'?" in r.stderr


def test_every_client_in_one_run(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "--month", "2026-11")
    assert r.exit_code == 0, r.stderr
    assert sorted(Path(p).parent.parent.name for p in r.stdout.split()) == [
        "boulangerie-martin",
        "cafe-erable",
    ]
    several = cmkit("-w", agency, "report", "boulangerie-martin", "cafe-erable", "-o", "x.html")
    assert several.exit_code == 2 and "give exactly one client" in several.stderr

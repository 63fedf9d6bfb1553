"""`cmkit metrics import`: the platforms' own exports, as CMs download them.

Where each fixture's shape comes from (tests/fixtures/exports/):
- instagram-posts-en.csv — Meta Business Suite › Insights › Content › Export, Instagram
  posts, English: the header `Post ID,Account ID,Account username,Account name,
  Description,Duration (sec),Publish time,Permalink,Post type,Data comment,Date,Views,
  Reach,Likes,Shares,Follows,Comments,Saves` and values such as `"12,400"`, `IG reel`,
  `Lifetime`, `09/15/2026 18:00`, as reproduced by public parsers of that export; one
  column ("Boost status") added to prove that a column cmkit does not know is reported.
- facebook-posts-fr.csv — the same export for a Facebook Page, with the headers of Meta's
  French interface ("Identifiant de la publication", "Heure de publication", "Permalien",
  "Vues", "Couverture", "Réactions"…), day-first dates and "1 047" figures, re-saved by
  Excel in a French locale (BOM, semicolons). No public French sample was found: the
  headers are Meta's French labels for the English columns above.
- facebook-follows.csv / facebook-reach-fr.csv — Business Suite page-level exports: UTF-16
  with BOM, an Excel `sep=,` line, the metric's name, then `"Date","Primary"` rows of
  `"2025-08-01T00:00:00","20"`, one file per metric, as documented in public importers.
- linkedin-content-all-posts.csv — LinkedIn Page analytics › Content › Export, sheet
  "All posts" (Post title, Post link, Post type, Campaign name, Posted by, Created date…,
  Impressions, Views, Offsite Views, Clicks, Click through rate (CTR), Likes, Comments,
  Reposts, Follows, Engagement rate, Content Type), with the description row LinkedIn puts
  above the header; the workbook itself is built below.
- linkedin-followers.csv — Followers export, sheet "New followers": Date (MM/DD/YYYY),
  Sponsored followers, Organic followers, Auto-invited followers, Total followers (new
  followers that day, not a running total).
- x-tweet-activity-metrics.csv — X (Twitter) analytics' classic `tweet_activity_metrics`
  export: 40 quoted columns, "424.0" figures, "-" for promoted ones, "+0000" times.
- x-account-analytics-content.csv / x-account-overview.csv — today's X analytics exports
  (`account_analytics_content_*.csv`, `account_overview_analytics_*.csv`): "Post id,Date,
  Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,…" with
  dates like "Tue, Nov 3, 2026".
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cmkit.metrics import store
from cmkit.networks import Network

MARTIN = "clients/boulangerie-martin"
EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def _posts(ws: Path, network: Network) -> dict[str | None, store.PostSnapshot]:
    snaps = store.read(ws / MARTIN / "data").posts
    return {
        s.post: s
        for s in snaps
        if s.network is network and s.source.startswith("import") and str(s.day) == "2026-11-25"
    }


def test_instagram_export_is_matched_to_the_ledger(agency: Path, cmkit: Callable) -> None:
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "instagram-posts-en.csv",
        "--network",
        "instagram",
        "--client",
        "boulangerie-martin",
    )
    assert r.exit_code == 0, r.stderr
    assert "4 matched to the ledger, 0 published outside cmkit" in r.stderr
    assert "unknown, not stored (cmkit does not guess): 'Boost status'" in r.stderr
    posts = _posts(agency, Network.INSTAGRAM)
    carousel = posts["2026-11-24-buches-carrousel"]
    assert (carousel.views, carousel.reach, carousel.saves) == (2940, 1903, 33)  # "2,940"
    assert carousel.impressions is None and carousel.clicks is None  # not in the export
    # the third row's id is not the ledger's, its permalink is
    assert posts["2026-11-10-pain-epices-tranches"].remote_id == "17978772868805999"


def test_french_facebook_export_with_a_post_made_by_hand(agency: Path, cmkit: Callable) -> None:
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "facebook-posts-fr.csv",
        "-n",
        "facebook",
        "--client",
        "boulangerie-martin",
    )
    assert r.exit_code == 0, r.stderr
    assert "2 matched to the ledger, 1 published outside cmkit" in r.stderr
    posts = _posts(agency, Network.FACEBOOK)
    assert posts["2026-11-03-pain-de-mie"].views == 1047  # "1 047"
    assert posts["2026-11-07-vogue-derniers-jours"].likes == 11  # short id matched
    outside = posts[None]
    assert outside.remote_id == "104000000000001_122999000111222"
    assert outside.published is not None
    assert outside.published.isoformat() == "2026-11-13T19:40:00+01:00"  # day first, Paris


def test_meta_page_exports_one_metric_per_file_add_up(agency: Path, cmkit: Callable) -> None:
    for name in ("facebook-follows.csv", "facebook-reach-fr.csv"):
        r = cmkit(
            "-w",
            agency,
            "metrics",
            "import",
            EXPORTS / name,
            "-n",
            "facebook",
            "--client",
            "boulangerie-martin",
        )
        assert r.exit_code == 0, r.stderr
    days = {
        str(s.day): s
        for s in store.read(agency / MARTIN / "data").accounts
        if s.network is Network.FACEBOOK
    }
    assert days["2026-11-21"].new_followers == 5  # from the first file
    assert days["2026-11-21"].reach == 311  # from the second ("Couverture")
    assert days["2026-11-21"].followers == 1226  # kept from the daily pull


def test_linkedin_content_export_matched_by_link_or_day(agency: Path, cmkit: Callable) -> None:
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "linkedin-content-all-posts.csv",
        "-n",
        "linkedin",
        "--client",
        "boulangerie-martin",
    )
    assert r.exit_code == 0, r.stderr
    posts = _posts(agency, Network.LINKEDIN)
    assert set(posts) == {
        "2026-11-03-atelier-levain-retours",
        "2026-11-16-precommandes-buches",
        "2026-11-24-recrutement-apprenti",
    }
    assert posts["2026-11-03-atelier-levain-retours"].clicks == 38
    assert posts["2026-11-16-precommandes-buches"].shares == 1  # Reposts


def _xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """A minimal Office Open XML workbook, as LinkedIn's export is one."""

    def cell(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w") as book:
        entries, rels = [], []
        for index, (name, rows) in enumerate(sheets.items(), 1):
            body = "".join(
                f'<row r="{r}">'
                + "".join(cell(f"{chr(64 + c)}{r}", v) for c, v in enumerate(row, 1) if v)
                + "</row>"
                for r, row in enumerate(rows, 1)
            )
            book.writestr(
                f"xl/worksheets/sheet{index}.xml",
                f"<worksheet {ns}><sheetData>{body}</sheetData></worksheet>",
            )
            entries.append(f'<sheet name="{name}" sheetId="{index}" r:id="rId{index}"/>')
            rels.append(
                f'<Relationship Id="rId{index}" Target="worksheets/sheet{index}.xml" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/worksheet"/>'
            )
        book.writestr(
            "xl/workbook.xml",
            f"<workbook {ns} {rel_ns}><sheets>{''.join(entries)}</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{"".join(rels)}</Relationships>',
        )
    return path


def test_linkedin_workbook_with_several_sheets(
    agency: Path, cmkit: Callable, tmp_path: Path
) -> None:
    import csv

    with (EXPORTS / "linkedin-content-all-posts.csv").open(encoding="utf-8") as handle:
        all_posts = list(csv.reader(handle))
    metrics = [
        [
            "Date",
            "Impressions (organic)",
            "Impressions (sponsored)",
            "Impressions (total)",
            "Unique impressions (organic)",
            "Clicks (total)",
            "Reactions (total)",
            "Comments (total)",
            "Reposts (total)",
            "Engagement rate (total)",
        ],
        ["11/23/2026", "310", "0", "310", "201", "7", "9", "1", "0", "0.054"],
        ["11/24/2026", "512", "0", "512", "344", "12", "15", "3", "1", "0.060"],
    ]
    location = [["Location", "Total followers"], ["Lyon", "201"], ["Paris", "38"]]
    # LinkedIn names it .xls, but it is an .xlsx inside: cmkit looks at the bytes
    book = _xlsx(
        tmp_path / "boulangerie-martin_content_1764054000000.xls",
        {"Metrics": metrics, "All posts": all_posts, "Location": location},
    )
    r = cmkit("-w", agency, "metrics", "import", book, "-n", "linkedin", "--json")
    assert r.exit_code == 2  # two clients: which one?
    assert "--client" in r.stderr
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        book,
        "-n",
        "linkedin",
        "--client",
        "boulangerie-martin",
        "--json",
    )
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert [s["kind"] for s in report["sheets"]] == ["linkedin-metrics", "linkedin-posts"]
    assert report["skipped_sheets"] == ["Location"]
    days = {
        str(s.day): s
        for s in store.read(agency / MARTIN / "data").accounts
        if s.network is Network.LINKEDIN
    }
    assert (days["2026-11-24"].impressions, days["2026-11-24"].reach) == (512, 344)


def test_the_client_is_found_from_the_account_named_in_the_export(
    agency: Path, cmkit: Callable
) -> None:
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "instagram-posts-en.csv",
        "-n",
        "instagram",
        "--dry-run",
    )
    assert r.exit_code == 0, r.stderr
    assert "→ boulangerie-martin / instagram" in r.stderr


def test_dry_run_shows_the_lines_and_writes_nothing(agency: Path, cmkit: Callable) -> None:
    before = (agency / MARTIN / "data" / store.POSTS_FILE).read_bytes()
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "facebook-posts-fr.csv",
        "-n",
        "facebook",
        "--client",
        "boulangerie-martin",
        "--dry-run",
    )
    assert r.exit_code == 0, r.stderr
    assert "2026-11-03-pain-de-mie  views=1047 reach=768 likes=26" in r.stdout
    assert "(outside cmkit) 104000000000001_122999000111222" in r.stdout
    assert "dry run: 3 line(s) would be stored; nothing written" in r.stderr
    assert (agency / MARTIN / "data" / store.POSTS_FILE).read_bytes() == before


def test_importing_the_same_export_twice_adds_nothing(agency: Path, cmkit: Callable) -> None:
    args = (
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "linkedin-followers.csv",
        "-n",
        "linkedin",
        "--client",
        "boulangerie-martin",
    )
    assert "stored 5 line(s)" in cmkit(*args).stderr
    again = cmkit(*args)
    assert "stored 0 line(s); 5 already stored unchanged" in again.stderr


def test_a_file_that_is_not_an_export_is_refused_in_one_line(
    agency: Path, cmkit: Callable, tmp_path: Path
) -> None:
    odd = tmp_path / "notes.csv"
    odd.write_text("Name,Colour\nbaguette,gold\n", encoding="utf-8")
    r = cmkit(
        "-w", agency, "metrics", "import", odd, "-n", "facebook", "--client", "boulangerie-martin"
    )
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "not an export cmkit knows for facebook" in r.stderr
    wrong = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        EXPORTS / "x-account-overview.csv",
        "-n",
        "instagram",
        "--client",
        "boulangerie-martin",
    )
    assert wrong.exit_code == 2 and "Traceback" not in wrong.stderr


def test_ids_rounded_by_a_spreadsheet_are_reported(
    agency: Path, cmkit: Callable, tmp_path: Path
) -> None:
    text = (EXPORTS / "instagram-posts-en.csv").read_text("utf-8")
    mangled = tmp_path / "ig.csv"
    mangled.write_text(text.replace("17987138394003032,", "1.79871E+16,", 1), "utf-8")
    r = cmkit(
        "-w",
        agency,
        "metrics",
        "import",
        mangled,
        "-n",
        "instagram",
        "--client",
        "boulangerie-martin",
        "--dry-run",
    )
    assert "was rounded by a spreadsheet; matched by permalink or time instead" in r.stderr
    assert "4 matched to the ledger" in r.stderr


@pytest.fixture
def x_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A client on X, with two posts in the ledger."""
    ws = tmp_path / "ws"
    client = ws / "clients" / "atelier"
    (client / "posts").mkdir(parents=True)
    (client / "data").mkdir()
    (ws / "cmkit.yaml").write_text("timezone: Europe/Paris\n", "utf-8")
    (client / "client.yaml").write_text(
        "name: Atelier Démo\naccounts:\n  x:\n    handle: '@atelierdemo'\n", "utf-8"
    )
    lines = []
    for n, (post, ts) in enumerate(
        (
            ("2026-11-03-collection", "2026-11-03T07:45:03Z"),
            ("2026-11-07-visite", "2026-11-07T09:00:04Z"),
        ),
        1,
    ):
        (client / "posts" / f"{post}.md").write_text(
            f"---\nat: {ts[:10]} 08:45\nnetworks: [x]\nstatus: approved\n---\nHello\n", "utf-8"
        )
        lines.append(
            json.dumps(
                {
                    "v": 1,
                    "ts": ts,
                    "event": "done",
                    "post": post,
                    "network": "x",
                    "key": "k",
                    "hash": "h",
                    "remote_id": f"199000000000000000{n}",
                    "url": f"https://x.com/atelierdemo/status/199000000000000000{n}",
                }
            )
        )
    (client / "data" / "ledger.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    monkeypatch.setenv("CMKIT_NOW", "2026-11-25T09:05:00+01:00")
    return ws


def test_x_classic_and_current_exports(x_workspace: Path, cmkit: Callable) -> None:
    data = x_workspace / "clients" / "atelier" / "data"
    r = cmkit(
        "-w", x_workspace, "metrics", "import", EXPORTS / "x-tweet-activity-metrics.csv", "-n", "x"
    )
    assert r.exit_code == 0, r.stderr
    assert "2 matched to the ledger" in r.stderr
    first = {s.post: s for s in store.read(data).posts}["2026-11-03-collection"]
    assert (first.impressions, first.likes, first.shares, first.clicks) == (1532, 38, 7, 6)
    r = cmkit(
        "-w",
        x_workspace,
        "metrics",
        "import",
        EXPORTS / "x-account-analytics-content.csv",
        "-n",
        "twitter",
        "--day",
        "2026-11-26",
    )
    assert r.exit_code == 0, r.stderr
    assert "1 matched to the ledger, 1 published outside cmkit" in r.stderr
    latest = {(s.post, str(s.day)): s for s in store.read(data).posts}
    assert latest[("2026-11-03-collection", "2026-11-26")].saves == 3  # Bookmarks
    r = cmkit("-w", x_workspace, "metrics", "import", EXPORTS / "x-account-overview.csv", "-n", "x")
    assert r.exit_code == 0, r.stderr
    day = {str(s.day): s for s in store.read(data).accounts}["2026-11-03"]
    assert (day.impressions, day.new_followers, day.profile_visits) == (1905, 5, 19)
    assert day.followers is None  # the export has no running total: not invented


def test_a_legacy_binary_workbook_gets_a_way_out(
    agency: Path, cmkit: Callable, tmp_path: Path
) -> None:
    old = tmp_path / "content.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    r = cmkit(
        "-w", agency, "metrics", "import", old, "-n", "linkedin", "--client", "boulangerie-martin"
    )
    assert r.exit_code == 2
    assert "legacy Excel (.xls)" in r.stderr and "save the sheet you need as CSV" in r.stderr

"""`cmkit calendar` as a person runs it: the month, the week, key dates, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from planws import Builder

CALENDAR = """\
slots:
  - {network: instagram, days: [mon, wed, fri], time: "09:30", format: image}
  - {network: facebook, days: [tue], time: "12:00"}
highlights:
  - id: concours
    name: Grand concours de Noël
    kind: contest
    start: 2026-12-01
    end: 2026-12-20
    brief: {posts: 3, networks: [instagram, facebook]}
"""


@pytest.fixture
def ws(build: Callable[[], Builder], now: Callable[[str], None]) -> Path:
    now("2026-11-25T09:00:00+01:00")
    b = build().client("martin", calendar=CALENDAR)
    b.post(
        "martin",
        "avent-j1",
        "2026-12-01 12:00",
        networks="[facebook]",
        body="Jour 1 de notre calendrier de l'Avent #Noël",
        extra="highlight: concours",
    )
    b.post(
        "martin",
        "atelier",
        "2026-12-02 10:00",
        status="draft",
        body="Atelier sablés pour les enfants",
    )
    b.post("martin", "annule", "2026-12-04 09:30", status="cancelled", body="Annulé")
    b.post("martin", "un-jour", None, status="idea", body="Une idée sans date")
    b.post("martin", "passe", "2026-11-23 09:30", body="Un post de lundi dernier")
    b.published("martin", "passe", "instagram")
    b.client(
        "erable",
        name="Café Érable",
        tz="America/Montreal",
        country="CA",
        region="QC",
        locale="fr-CA",
        calendar='slots:\n  - {network: instagram, days: [wed], time: "08:00"}\n',
    )
    return b.root


def test_month_view_shows_posts_key_dates_and_empty_slots(
    cmkit: Callable[..., object], ws: Path
) -> None:
    r = cmkit("-w", ws, "calendar", "martin", "--month", "2026-12")
    assert r.exit_code == 0, r.stderr  # type: ignore[attr-defined]
    out: str = r.stdout  # type: ignore[attr-defined]
    lines = out.splitlines()
    assert lines[0] == "Boulangerie Martin · 2026-12 · Europe/Paris"
    assert "3 posts: 1 approved, 1 cancelled, 1 draft" in out
    assert "1 post without a date" in out
    row = next(line for line in lines if line.startswith("Tue 01"))
    assert "★ Grand concours de Noël" in row and "contest" in row
    approved = next(line for line in lines if "Jour 1 de notre" in line)
    assert "12:00" in approved and "fb" in approved and "approved" in approved
    # the draft at 10:00 fills Wednesday's 09:30 Instagram slot; the cancelled post does not
    wed = lines[lines.index(next(line for line in lines if line.startswith("Wed 02"))) :]
    assert "Atelier" in wed[0] and "draft" in wed[0]
    fri = next(line for line in lines if line.startswith("Fri 04"))
    fri_rows = lines[lines.index(fri) : lines.index(fri) + 2]
    assert any("empty" in line and "09:30" in line for line in fri_rows)
    assert any("cancelled" in line for line in fri_rows)
    assert any("★ Noël" in line and "holiday" in line for line in lines)
    assert "ig instagram · fb facebook" in out


def test_month_view_fits_80_columns_without_colour(
    cmkit: Callable[..., object], ws: Path, columns: Callable[[int], None]
) -> None:
    columns(80)
    r = cmkit("-w", ws, "calendar", "--month", "2026-12")
    out: str = r.stdout  # type: ignore[attr-defined]
    assert "Café Érable · 2026-12 · America/Montreal" in out
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_past_slots_are_history_not_gaps(cmkit: Callable[..., object], ws: Path) -> None:
    r = cmkit("-w", ws, "calendar", "martin", "--month", "2026-11", "--json")
    data = json.loads(r.stdout)  # type: ignore[attr-defined]
    days = {d["date"]: d for d in data["clients"][0]["days"]}
    assert "2026-11-23" in days and days["2026-11-23"]["empty_slots"] == []
    assert days["2026-11-23"]["posts"][0]["state"] == "published"
    assert [s["at"] for s in days["2026-11-27"]["empty_slots"]] == ["2026-11-27T09:30:00+01:00"]


def test_json_shape(cmkit: Callable[..., object], ws: Path) -> None:
    r = cmkit("-w", ws, "calendar", "martin", "--month", "2026-12", "--json")
    data = json.loads(r.stdout)  # type: ignore[attr-defined]
    assert data["period"] == {"label": "2026-12", "start": "2026-12-01", "end": "2026-12-31"}
    client = data["clients"][0]
    assert client["client"] == "martin" and client["timezone"] == "Europe/Paris"
    assert client["undated"] == 1
    first = client["days"][0]
    assert first["date"] == "2026-12-01"
    assert first["posts"][0]["id"] == "avent-j1"
    assert set(first["posts"][0]) == {
        "id",
        "at",
        "networks",
        "published",
        "format",
        "pillar",
        "status",
        "state",
        "title",
        "excerpt",
        "highlight",
        "campaign",
        "path",
    }
    assert first["key_dates"][0]["id"] == "concours"
    assert first["empty_slots"] == []


def test_week_view(cmkit: Callable[..., object], ws: Path) -> None:
    r = cmkit("-w", ws, "calendar", "martin", "--week", "2026-W49", "--json")
    data = json.loads(r.stdout)  # type: ignore[attr-defined]
    assert data["period"]["start"] == "2026-11-30" and data["period"]["end"] == "2026-12-06"
    assert {d["date"] for d in data["clients"][0]["days"]} <= {
        "2026-11-30",
        *(f"2026-12-0{i}" for i in range(1, 7)),
    }


def test_default_is_this_month_in_the_workspace_time_zone(
    cmkit: Callable[..., object], ws: Path
) -> None:
    r = cmkit("-w", ws, "calendar", "--json")
    assert json.loads(r.stdout)["period"]["label"] == "2026-11"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "'2026-13' is not a month"),
        (["--week", "2026-W60"], "2026 has no week 60"),
        (["--month", "2026-12", "--week", "2026-W49"], "cannot be used together"),
        (["--from", "2026-12-10", "--to", "2026-12-01"], "is before --from"),
        (["nobody"], "no client 'nobody'"),
    ],
)
def test_usage_errors_are_one_line(
    cmkit: Callable[..., object], ws: Path, args: list[str], message: str
) -> None:
    r = cmkit("-w", ws, "calendar", *args)
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert message in r.stderr and "Traceback" not in r.stderr  # type: ignore[attr-defined]


def test_dates_lists_key_dates_shared_once(
    cmkit: Callable[..., object], ws: Path, columns: Callable[[int], None]
) -> None:
    columns(80)
    r = cmkit("-w", ws, "calendar", "--dates", "--from", "2026-12-24", "--to", "2027-01-10")
    out: str = r.stdout  # type: ignore[attr-defined]
    assert r.exit_code == 0  # type: ignore[attr-defined]
    assert "January 2027" in out
    lines = out.splitlines()
    soldes = next(line for line in lines if "Soldes d'hiver" in line)
    assert soldes.startswith("Wed 06") and "martin" in soldes
    new_year = next(line for line in lines if "Jour de l'an" in line)
    assert new_year.rstrip().endswith("all")
    assert max(len(line) for line in lines) <= 80


def test_dates_json(cmkit: Callable[..., object], ws: Path) -> None:
    r = cmkit(
        "-w",
        ws,
        "calendar",
        "martin",
        "--dates",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
        "--json",
    )
    data = json.loads(r.stdout)  # type: ignore[attr-defined]
    soldes = next(d for d in data["dates"] if d["id"] == "soldes-hiver")
    assert soldes == {
        "date": "2027-01-06",
        "end": "2027-02-02",
        "time": "08:00",
        "name": "Soldes d'hiver",
        "kind": "commercial",
        "id": "soldes-hiver",
        "label": None,
        "note": None,
        "clients": ["martin"],
    }


def test_a_broken_post_is_reported_not_hidden(cmkit: Callable[..., object], ws: Path) -> None:
    (ws / "clients/martin/posts/casse.md").write_text("---\nat: [\n---\nx\n", encoding="utf-8")
    r = cmkit("-w", ws, "calendar", "martin", "--month", "2026-12")
    assert r.exit_code == 0  # type: ignore[attr-defined]
    assert "martin: 1 file(s) with errors are left out" in r.stderr  # type: ignore[attr-defined]
    assert "cmkit check" in r.stderr  # type: ignore[attr-defined]


def test_a_broken_cmkit_yaml_is_said_not_silently_replaced_by_defaults(
    cmkit: Callable[..., object], ws: Path
) -> None:
    (ws / "cmkit.yaml").write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    for command in ("calendar", "stock", "today"):
        r = cmkit("-w", ws, command)
        assert "cmkit.yaml has errors: its settings are left out" in r.stderr, command  # type: ignore[attr-defined]

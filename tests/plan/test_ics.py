"""`cmkit calendar --ics`: the file a client's calendar app subscribes to, read back with
the icalendar library."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from planws import Builder


@pytest.fixture
def ws(build: Callable[[], Builder], now: Callable[[str], None]) -> Path:
    now("2026-11-25T09:00:00+01:00")
    b = build().client(
        "martin",
        calendar="""\
highlights:
  - {id: concours, name: Grand concours de Noël, kind: contest, start: 2026-12-01,
     end: 2026-12-20}
""",
    )
    b.post(
        "martin",
        "avent-j1",
        "2026-12-01 07:45",
        networks="[instagram, facebook]",
        body="Jour 1 de notre calendrier de l'Avent 🎄 #Noël",
        extra="pillar: produits",
    )
    b.post("martin", "atelier", "2026-12-16 12:00", status="cancelled", body="Atelier annulé")
    b.post("martin", "idee", "2026-12-20 10:00", status="idea", body="Photo de l'équipe")
    b.client("lyon", name="Fromagerie Lyon")
    b.post("lyon", "plateau", "2026-12-24 09:00", networks="[facebook]", body="Plateaux")
    return b.root


def _export(cmkit: Callable[..., Any], ws: Path, *args: str) -> Calendar:
    target = ws.parent / "plan.ics"
    r = cmkit("-w", ws, "calendar", *args, "--month", "2026-12", "--ics", target)
    assert r.exit_code == 0, r.stderr
    assert f"to {target}" in r.stderr
    return Calendar.from_ical(target.read_bytes())


def _events(cal: Calendar) -> dict[str, Any]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_event_per_post_at_its_local_time(cmkit: Callable[..., Any], ws: Path) -> None:
    events = _events(_export(cmkit, ws, "martin"))
    avent = events["post-martin-avent-j1@cmkit"]
    start = avent.decoded("DTSTART")
    assert start == datetime.fromisoformat("2026-12-01T07:45:00+01:00")
    assert avent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(avent["SUMMARY"]).startswith("Jour 1 de notre calendrier de l'Avent")
    assert str(avent["SUMMARY"]).endswith("· instagram, facebook")
    description = str(avent["DESCRIPTION"])
    assert "Networks: instagram, facebook" in description
    assert "Status: approved" in description
    assert "Pillar: produits" in description
    assert "Jour 1 de notre calendrier de l'Avent 🎄 #Noël" in description
    assert str(avent["STATUS"]) == "CONFIRMED"
    assert str(events["post-martin-idee@cmkit"]["STATUS"]) == "TENTATIVE"
    # a cancelled post stays, cancelled, so an imported copy drops it too
    assert str(events["post-martin-atelier@cmkit"]["STATUS"]) == "CANCELLED"


def test_key_dates_are_all_day(cmkit: Callable[..., Any], ws: Path) -> None:
    events = _events(_export(cmkit, ws, "martin"))
    noel = events["keydate-20261225-noel@cmkit"]
    assert noel.decoded("DTSTART") == date(2026, 12, 25)
    assert noel.decoded("DTEND") == date(2026, 12, 26)  # exclusive
    assert str(noel["TRANSP"]) == "TRANSPARENT"
    concours = events["highlight-martin-concours-2026@cmkit"]
    assert concours.decoded("DTEND") == date(2026, 12, 21)


def test_time_zones_are_described(cmkit: Callable[..., Any], ws: Path) -> None:
    cal = _export(cmkit, ws, "martin")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(cal["X-WR-CALNAME"]) == "Plan — Boulangerie Martin"


def test_uids_are_stable_so_a_new_file_updates_events(
    cmkit: Callable[..., Any], ws: Path, now: Callable[[str], None]
) -> None:
    first = _events(_export(cmkit, ws, "martin"))
    post = ws / "clients/martin/posts/avent-j1.md"
    post.write_text(post.read_text("utf-8").replace("07:45", "08:15"), "utf-8")
    now("2026-11-26T10:00:00+01:00")
    second = _events(_export(cmkit, ws, "martin"))
    assert set(first) == set(second)
    moved = second["post-martin-avent-j1@cmkit"]
    assert moved.decoded("DTSTART") == datetime.fromisoformat("2026-12-01T08:15:00+01:00")
    assert moved.decoded("DTSTAMP") > first["post-martin-avent-j1@cmkit"].decoded("DTSTAMP")


def test_several_clients_share_holidays_once(cmkit: Callable[..., Any], ws: Path) -> None:
    cal = _export(cmkit, ws)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert uids.count("keydate-20261225-noel@cmkit") == 1
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert any(s.startswith("[Fromagerie Lyon] Plateaux") for s in summaries)
    assert "Noël" in summaries  # shared: no client prefix


def test_ics_to_stdout(cmkit: Callable[..., Any], ws: Path) -> None:
    r = cmkit("-w", ws, "calendar", "martin", "--month", "2026-12", "--ics", "-")
    assert r.exit_code == 0
    assert r.stdout.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in r.stdout


def test_unwritable_target_is_a_clear_error(cmkit: Callable[..., Any], ws: Path) -> None:
    blocker = ws.parent / "not-a-folder"
    blocker.write_text("x", "utf-8")
    r = cmkit("-w", ws, "calendar", "--ics", blocker / "plan.ics")
    assert r.exit_code == 2
    assert "cannot write" in r.stderr and "Traceback" not in r.stderr

"""`cmkit today`: due posts and their readiness, overdue posts, stock alerts, routine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from planws import Builder

ROUTINE = """\
timezone: Europe/Paris
locale: fr-FR
routine:
  daily: [Répondre aux messages]
  weekly:
    wed: [Point photo au fournil]
    fri: [Rapport hebdomadaire]
  monthly:
    - {task: Audit mensuel, day: first-working-day}
    - {task: Calendrier du mois suivant, day: 20}
"""


@pytest.fixture
def ws(build: Callable[[], Builder], now: Callable[[str], None]) -> Path:
    now("2026-11-25T09:00:00+01:00")  # Wednesday
    b = (
        build()
        .config(ROUTINE)
        .client("martin", calendar='slots:\n  - {network: instagram, days: [thu], time: "09:30"}\n')
    )
    b.post(
        "martin",
        "pret",
        "2026-11-25 12:00",
        media="media/pain.jpg",
        body="Le pain du jour est sorti du four #Boulangerie",
    )
    b.post("martin", "brouillon", "2026-11-25 18:00", status="draft")
    b.post(
        "martin",
        "sans-image",
        "2026-11-25 19:00",
        networks="[facebook]",
        extra="format: image\nmedia:\n  - path: media/absente.jpg\n    alt: Rien",
    )
    b.post("martin", "publie", "2026-11-25 08:00")
    b.published("martin", "publie", "instagram", ts="2026-11-25T07:00:02Z")
    b.post("martin", "oublie", "2026-11-24 09:30")
    b.post("martin", "jamais", "2026-11-23 10:00", status="draft")
    b.post("martin", "demain", "2026-11-26 09:30", status="review")
    b.client(
        "erable",
        name="Café Érable",
        tz="America/Montreal",
        country="CA",
        region="QC",
        locale="fr-CA",
    )
    b.post(
        "erable",
        "matin",
        "2026-11-25 08:00",
        networks="[facebook]",
        body="Le latte à l'érable est de retour",
    )
    return b.root


def _today(cmkit: Callable[..., Any], ws: Path, *args: str) -> tuple[int, dict[str, Any]]:
    r = cmkit("-w", ws, "today", "--json", *args)
    return r.exit_code, json.loads(r.stdout)


def _section(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s["items"] for s in data["sections"] if s["key"] == key)


def test_due_posts_and_their_readiness(cmkit: Callable[..., Any], ws: Path) -> None:
    code, data = _today(cmkit, ws)
    due = {item["post"]: item for item in _section(data, "due")}
    # in the order they go out: 08:00 in Montreal is 14:00 in Paris
    assert list(due) == ["publie", "pret", "matin", "brouillon", "sans-image"]
    assert due["publie"]["level"] == "done"
    assert due["pret"]["level"] == "ok"
    assert {c["check"]: c["ok"] for c in due["pret"]["checks"]} == {
        "approved": True,
        "valid": True,
        "media": True,
    }
    brouillon = {c["check"]: c for c in due["brouillon"]["checks"]}
    assert due["brouillon"]["level"] == "alert"
    assert brouillon["approved"] == {"check": "approved", "ok": False, "detail": "status is draft"}
    image = {c["check"]: c for c in due["sans-image"]["checks"]}
    assert image["media"]["detail"] == "missing media/absente.jpg"
    assert not image["valid"]["ok"] and "[media/missing]" in image["valid"]["detail"]
    # 08:00 in Montreal is 14:00 in Paris: still due today, on the client's clock
    assert due["matin"]["at"] == "2026-11-25T08:00:00-05:00"
    assert code == 1  # posts due today are not ready


def test_overdue_and_missed(cmkit: Callable[..., Any], ws: Path) -> None:
    _, data = _today(cmkit, ws)
    overdue = {item["post"]: item for item in _section(data, "overdue")}
    assert set(overdue) == {"oublie", "jamais"}
    assert overdue["oublie"]["level"] == "alert"
    assert "approved, not published on instagram" in overdue["oublie"]["text"]
    assert overdue["jamais"]["level"] == "warn"
    assert "never approved" in overdue["jamais"]["text"]


def test_a_post_past_its_time_goes_out_within_the_grace_and_is_shown_once(
    cmkit: Callable[..., Any], build: Callable[[], Builder], now: Callable[[str], None]
) -> None:
    now("2026-11-25T12:05:00+01:00")
    b = build().config(ROUTINE + "publish: {grace_minutes: 60}\n").client("martin")
    for post, at in [("midi", "25 12:00"), ("matin", "25 10:30"), ("hier-soir", "24 23:30")]:
        b.post("martin", post, f"2026-11-{at}", networks="[facebook]", body="Du pain")
    code, data = _today(cmkit, b.root)
    due = {item["post"]: item for item in _section(data, "due")}
    on_time = {key: {c["check"]: c for c in item["checks"]}["on time"] for key, item in due.items()}
    # five minutes late, within the hour of grace: the next publish run sends it
    assert due["midi"]["level"] == "ok" and on_time["midi"]["ok"]
    assert on_time["midi"]["detail"] == "due 5 min ago; the next `cmkit publish` sends it"
    # an hour and a half late: cmkit will not send it by itself
    assert due["matin"]["level"] == "alert" and not on_time["matin"]["ok"]
    assert on_time["matin"]["detail"].startswith("1 h 35 min late, past the 1 h grace")
    assert "`cmkit publish --post matin`" in on_time["matin"]["detail"]
    # today's posts are under "Due today" only; yesterday's is overdue, and past the grace
    [overdue] = _section(data, "overdue")
    assert overdue["post"] == "hier-soir" and overdue["level"] == "alert"
    assert code == 1

    now("2026-11-25T00:10:00+01:00")  # forty minutes after last night's post
    code, data = _today(cmkit, b.root)
    [overdue] = _section(data, "overdue")
    assert overdue["level"] == "todo" and "the next `cmkit publish` sends it" in overdue["text"]
    assert code == 0


def test_stock_alerts(cmkit: Callable[..., Any], ws: Path) -> None:
    _, data = _today(cmkit, ws)
    texts = [item["text"] for item in _section(data, "stock")]
    assert "runway 1 day: no approved post for instagram Thu 26 Nov 09:30" in texts
    assert any(
        t.startswith("to approve: ") and "(review), due Thu 26 Nov 09:30" in t for t in texts
    )


def test_routine_of_the_day(cmkit: Callable[..., Any], ws: Path) -> None:
    _, data = _today(cmkit, ws)
    assert [i["text"] for i in _section(data, "routine")] == [
        "Répondre aux messages",
        "Point photo au fournil",
    ]


def test_monthly_task_on_each_clients_first_working_day(
    cmkit: Callable[..., Any], ws: Path
) -> None:
    # 1 May 2026 is a Friday: a holiday in France, a working day in Quebec
    _, data = _today(cmkit, ws, "--date", "2026-05-01")
    assert "Audit mensuel — erable" in [i["text"] for i in _section(data, "routine")]
    _, data = _today(cmkit, ws, "--date", "2026-05-04")
    routine = [i["text"] for i in _section(data, "routine")]
    assert "Audit mensuel — martin" in routine
    assert not any(t.startswith("Audit") and "erable" in t for t in routine)
    _, data = _today(cmkit, ws, "--date", "2026-11-20")
    assert "Calendrier du mois suivant — erable, martin" in [
        i["text"] for i in _section(data, "routine")
    ]


def test_text_output(cmkit: Callable[..., Any], ws: Path, columns: Callable[[int], None]) -> None:
    columns(80)
    r = cmkit("-w", ws, "today")
    out = r.stdout
    assert r.exit_code == 1
    assert out.splitlines()[0] == "Today · Wednesday 25 November 2026 · Europe/Paris"
    assert "Due today (5) — 2 to look at" in out
    lines = out.splitlines()
    assert any(line.startswith("✓  12:00") and "martin" in line for line in lines)
    assert "— ready" in out
    assert "approved: status is draft" in out
    assert "✓  08:00 EST  erable" in out  # a client on another clock says which
    assert "Overdue (2)" in out
    assert "Routine (Wednesday)" in out and "☐  Point photo au fournil" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_quiet_day_exits_zero(
    cmkit: Callable[..., Any], build: Callable[[], Builder], now: Callable[[str], None]
) -> None:
    now("2026-11-25T09:00:00+01:00")
    b = build().client("martin")
    r = cmkit("-w", b.root, "today")
    assert r.exit_code == 0
    assert "nothing planned today" in r.stdout and "nothing overdue" in r.stdout


def test_sections_can_be_added(
    cmkit: Callable[..., Any], ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cmkit.plan import today as today_module

    monkeypatch.setattr(today_module, "_SECTIONS", list(today_module._SECTIONS))

    def inbox(ctx: today_module.TodayContext) -> today_module.Section:
        return today_module.Section(
            "inbox",
            "Inbox",
            [today_module.Item(f"3 mentions to answer ({ctx.day})", "todo", "martin")],
        )

    today_module.register_section("inbox", inbox, before="stock")
    assert today_module.sections() == ["due", "overdue", "campaigns", "inbox", "stock", "routine"]
    _, data = _today(cmkit, ws)
    assert _section(data, "inbox")[0]["text"] == "3 mentions to answer (2026-11-25)"


def test_unknown_monthly_day_is_a_clear_error(cmkit: Callable[..., Any], ws: Path) -> None:
    (ws / "cmkit.yaml").write_text(ROUTINE.replace("day: 20", "day: le-vingt"), "utf-8")
    r = cmkit("-w", ws, "today")
    assert r.exit_code == 2
    assert "routine.monthly day 'le-vingt'" in r.stderr

"""Weekly slots across daylight-saving changes: the wall-clock time holds, the instant moves.

Europe/Paris changes on the last Sundays of March and October; America/Montreal on the
second Sunday of March and the first Sunday of November, so around Paris's dates Montreal
is five, then four hours behind instead of six.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from planws import Builder

from cmkit.models import Calendar
from cmkit.plan.index import load_plan
from cmkit.plan.settings import CalendarSettings
from cmkit.plan.slots import fill_slots, slot_times, wall_clock

PARIS = ZoneInfo("Europe/Paris")
MONTREAL = ZoneInfo("America/Montreal")


def _calendar(days: str, at: str) -> CalendarSettings:
    model = Calendar.model_validate(
        {"slots": [{"network": "instagram", "days": days.split(","), "time": at}]}
    )
    return CalendarSettings.from_model(model)


def _utc(moments: list[datetime]) -> list[str]:
    return [m.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for m in moments]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # last Sunday of March 2026 is the 29th: 09:30 local is 08:30Z, then 07:30Z
        (date(2026, 3, 28), ["2026-03-28 08:30", "2026-03-29 07:30", "2026-03-30 07:30"]),
        # last Sunday of October 2026 is the 25th: 09:30 local is 07:30Z, then 08:30Z
        (date(2026, 10, 24), ["2026-10-24 07:30", "2026-10-25 08:30", "2026-10-26 08:30"]),
    ],
)
def test_paris_slot_keeps_its_local_time(start: date, expected: list[str]) -> None:
    slots = slot_times(_calendar("sat,sun,mon", "09:30"), PARIS, start, start + timedelta(2))
    assert [s.at.strftime("%H:%M") for s in slots] == ["09:30"] * 3
    assert _utc([s.at for s in slots]) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Montreal springs forward on 8 March 2026 and falls back on 1 November 2026
        (date(2026, 3, 7), ["2026-03-07 14:30", "2026-03-08 13:30", "2026-03-09 13:30"]),
        (date(2026, 10, 31), ["2026-10-31 13:30", "2026-11-01 14:30", "2026-11-02 14:30"]),
        # Paris's change days are ordinary days in Montreal
        (date(2026, 3, 28), ["2026-03-28 13:30", "2026-03-29 13:30", "2026-03-30 13:30"]),
        (date(2026, 10, 24), ["2026-10-24 13:30", "2026-10-25 13:30", "2026-10-26 13:30"]),
    ],
)
def test_montreal_slot_keeps_its_local_time(start: date, expected: list[str]) -> None:
    slots = slot_times(_calendar("sat,sun,mon", "09:30"), MONTREAL, start, start + timedelta(2))
    assert [s.at.strftime("%H:%M") for s in slots] == ["09:30"] * 3
    assert _utc([s.at for s in slots]) == expected


def test_paris_and_montreal_gap_changes_between_the_two_switches() -> None:
    paris = slot_times(_calendar("wed", "15:00"), PARIS, date(2026, 3, 4), date(2026, 4, 1))
    montreal = slot_times(_calendar("wed", "09:00"), MONTREAL, date(2026, 3, 4), date(2026, 4, 1))
    gaps = [(p.at - m.at) for p, m in zip(paris, montreal, strict=True)]
    hours = [g.total_seconds() / 3600 for g in gaps]
    # 15:00 in Paris is 09:00 in Montreal on 4 Mar (6 h apart); from 11 to 25 Mar Montreal
    # is on summer time (5 h apart), so Paris's 15:00 comes an hour after Montreal's 09:00;
    # 1 Apr: both on summer time (6 h again)
    assert hours == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_a_time_in_the_spring_forward_gap_reads_as_after_the_gap() -> None:
    moment = wall_clock(date(2026, 3, 29), time(2, 30), PARIS)
    assert moment.strftime("%H:%M %z") == "03:30 +0200"


def test_a_time_that_happens_twice_is_the_first() -> None:
    moment = wall_clock(date(2026, 10, 25), time(2, 30), PARIS)
    assert moment.strftime("%H:%M %z") == "02:30 +0200"


def test_a_post_fills_the_slot_of_its_local_day_across_the_change(
    build: Callable[[], Builder],
) -> None:
    ws = build().client(
        "martin", calendar='slots:\n  - {network: instagram, days: [sun], time: "09:30"}\n'
    )
    ws.post("martin", "dimanche-ete", "2026-03-29 10:00")
    plan = load_plan(ws.root).clients[0]
    slots = slot_times(plan.calendar, plan.tz, date(2026, 3, 22), date(2026, 4, 5))
    fills = fill_slots(slots, plan.posts)
    assert [(f.slot.day.isoformat(), f.post.id if f.post else None) for f in fills] == [
        ("2026-03-22", None),
        ("2026-03-29", "dimanche-ete"),
        ("2026-04-05", None),
    ]
    post = plan.posts[0]
    assert post.at is not None and post.at.utcoffset() == timedelta(hours=2)

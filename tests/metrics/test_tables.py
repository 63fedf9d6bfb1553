"""Figures and dates as the platforms' exports write them, in English and in French."""

from __future__ import annotations

from datetime import datetime

import pytest

from cmkit.metrics.tables import day_first_for, parse_count, parse_moment, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,5", 1234.5),
        ("1\u202f234,5", 1234.5),  # French narrow no-break space
        ("1\u00a0234", 1234.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("12,400", 12400.0),  # Meta's English export
        ("424.0", 424.0),  # X's classic export
        ("0,0345", 0.0345),
        ("12,5 %", 12.5),
        ("", None),
        ("-", None),  # X writes "-" for promoted figures of an organic post
    ],
)
def test_numbers_in_every_locale(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_a_count_must_be_whole() -> None:
    assert parse_count("1 047") == 1047
    with pytest.raises(ValueError, match="not a whole"):
        parse_count("12,5")


@pytest.mark.parametrize(
    ("text", "day_first", "moment"),
    [
        ("11/03/2026 07:45", False, datetime(2026, 11, 3, 7, 45)),  # Meta, English (US)
        ("03/11/2026 07:45", True, datetime(2026, 11, 3, 7, 45)),  # Meta, French
        ("2026-11-03 07:45 +0000", False, None),  # X classic: aware, checked below
        ("Tue, Nov 3, 2026", False, datetime(2026, 11, 3)),  # X analytics today
        ("mar. 3 nov. 2026", True, datetime(2026, 11, 3)),  # "mar." is mardi, not March
        ("3 novembre 2026", True, datetime(2026, 11, 3)),
        ("2026-11-01T00:00:00", False, datetime(2026, 11, 1)),  # Meta page exports
    ],
)
def test_dates_as_exported(text: str, day_first: bool, moment: datetime | None) -> None:
    parsed = parse_moment(text, day_first)
    if moment is None:
        assert parsed is not None and parsed.utcoffset() is not None
        assert (parsed.hour, parsed.minute) == (7, 45)
    else:
        assert parsed == moment


def test_slashed_dates_are_read_day_first_when_the_column_says_so() -> None:
    assert day_first_for(["05/11/2026", "24/11/2026"], french=False) is True
    assert day_first_for(["11/05/2026", "11/24/2026"], french=True) is False
    assert day_first_for(["05/11/2026"], french=True) is True  # ambiguous: the language

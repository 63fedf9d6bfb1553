"""A real calendar client reads `cmkit calendar --ics`: Debian's khal imports the file and
lists the events at the right local times, across both DST changes and two time zones,
and a regenerated file updates events instead of duplicating them.

khal comes from `scripts/test-deps/khal.sh` (apt-get install khal).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from planws import Builder

KHAL = shutil.which("khal")
pytestmark = pytest.mark.skipif(
    KHAL is None, reason="khal is not installed: run scripts/test-deps/khal.sh (apt-get)"
)

CONFIG = """\
[calendars]
[[plan]]
path = {folder}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = {zone}
default_timezone = {zone}
[sqlite]
path = {db}
"""


class Khal:
    """A private khal with one calendar, seeing the world from one time zone."""

    def __init__(self, base: Path, zone: str) -> None:
        self.base = base
        (base / "cal").mkdir(parents=True)
        self.config = base / "khal.conf"
        self.config.write_text(
            CONFIG.format(folder=base / "cal", zone=zone, db=base / "khal.db"), "utf-8"
        )

    def run(self, *args: str) -> str:
        env = {
            **os.environ,
            "HOME": str(self.base),
            "XDG_CONFIG_HOME": str(self.base),
            "XDG_DATA_HOME": str(self.base),
            "TZ": "UTC",
            "LANG": "C.UTF-8",
        }
        done = subprocess.run(
            [KHAL or "khal", "-c", str(self.config), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_file(self, ics: Path) -> None:
        self.run("import", "--batch", "-a", "plan", str(ics))

    def list(self, start: str, end: str) -> list[str]:
        out = self.run(
            "list", "--once", "--day-format", "", "--format", "{start}|{end}|{title}", start, end
        )
        return [line for line in out.splitlines() if line.strip()]


@pytest.fixture
def ics(
    build: Callable[[], Builder], now: Callable[[str], None], cmkit: Callable[..., Any]
) -> Callable[[], Path]:
    now("2026-02-20T09:00:00+01:00")
    b = build().client("martin")
    # Paris changes clocks on 29 March and 25 October 2026
    for day in ("2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"):
        b.post("martin", f"paris-{day}", f"{day} 09:30", body=f"Paris {day}")
    b.client(
        "erable",
        name="Café Érable",
        tz="America/Montreal",
        country="CA",
        region="QC",
        locale="fr-CA",
    )
    # Montreal changes clocks on 8 March and 1 November 2026
    for day in ("2026-03-07", "2026-03-08", "2026-03-28", "2026-11-01"):
        b.post(
            "erable",
            f"montreal-{day}",
            f"{day} 09:00",
            networks="[facebook]",
            body=f"Montreal {day}",
        )

    def export() -> Path:
        target = b.root.parent / "plan.ics"
        r = cmkit(
            "-w", b.root, "calendar", "--from", "2026-03-01", "--to", "2026-11-30", "--ics", target
        )
        assert r.exit_code == 0, r.stderr
        return target

    return export


def _at(lines: list[str], title: str) -> str:
    found = [line.split("|")[0] for line in lines if line.endswith(title)]
    assert len(found) == 1, (title, lines)
    return found[0]


def test_khal_lists_posts_at_local_times_in_paris(tmp_path: Path, ics: Callable[[], Path]) -> None:
    khal = Khal(tmp_path / "paris", "Europe/Paris")
    khal.import_file(ics())
    lines = khal.list("2026-03-01", "2026-11-30")
    # a Paris post stays at 09:30 on both sides of each change
    for day in ("2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"):
        assert _at(lines, f"Paris {day} · instagram") == f"{day} 09:30"
    # Montreal's 09:00 is 15:00 in Paris, 14:00 while only Montreal is on summer time
    assert _at(lines, "[Café Érable] Montreal 2026-03-07 · facebook") == "2026-03-07 15:00"
    assert _at(lines, "[Café Érable] Montreal 2026-03-08 · facebook") == "2026-03-08 14:00"
    assert _at(lines, "[Café Érable] Montreal 2026-03-28 · facebook") == "2026-03-28 14:00"
    assert _at(lines, "[Café Érable] Montreal 2026-11-01 · facebook") == "2026-11-01 15:00"


def test_khal_lists_posts_at_local_times_in_montreal(
    tmp_path: Path, ics: Callable[[], Path]
) -> None:
    khal = Khal(tmp_path / "montreal", "America/Montreal")
    khal.import_file(ics())
    lines = khal.list("2026-03-01", "2026-11-30")
    assert _at(lines, "[Boulangerie Martin] Paris 2026-03-28 · instagram") == "2026-03-28 04:30"
    assert _at(lines, "[Boulangerie Martin] Paris 2026-03-29 · instagram") == "2026-03-29 03:30"
    assert _at(lines, "[Boulangerie Martin] Paris 2026-10-24 · instagram") == "2026-10-24 03:30"
    assert _at(lines, "[Boulangerie Martin] Paris 2026-10-25 · instagram") == "2026-10-25 04:30"
    for day in ("2026-03-07", "2026-03-08", "2026-11-01"):
        assert _at(lines, f"[Café Érable] Montreal {day} · facebook") == f"{day} 09:00"


def test_khal_shows_key_dates_as_all_day_events(tmp_path: Path, ics: Callable[[], Path]) -> None:
    khal = Khal(tmp_path / "paris", "Europe/Paris")
    khal.import_file(ics())
    lines = khal.list("2026-07-14", "2026-07-14")
    assert "2026-07-14|2026-07-14|Fête nationale" in lines
    summer_sales = next(
        line for line in khal.list("2026-06-24", "2026-06-24") if "Soldes d'été" in line
    )
    assert summer_sales == "2026-06-24|2026-07-21|Soldes d'été"  # shared: no client prefix


def test_a_regenerated_file_updates_khal_instead_of_duplicating(
    tmp_path: Path,
    ics: Callable[[], Path],
) -> None:
    khal = Khal(tmp_path / "paris", "Europe/Paris")
    khal.import_file(ics())
    post = tmp_path / "ws/clients/martin/posts/paris-2026-03-28.md"
    post.write_text(post.read_text("utf-8").replace("09:30", "11:00"), "utf-8")
    khal.import_file(ics())
    lines = khal.list("2026-03-28", "2026-03-28")
    assert [line for line in lines if "Paris 2026-03-28" in line] == [
        "2026-03-28 11:00|2026-03-28 11:15|[Boulangerie Martin] Paris 2026-03-28 · instagram"
    ]

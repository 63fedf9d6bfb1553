"""The settings the plan reads (calendar.yaml, strategy.yaml's pillars, client.yaml's name
and country, cmkit.yaml's time zone and routine), as plain frozen data.

They are taken from the validated file models when a client is (re)loaded and kept in
the plan's cache as JSON; reading them back needs neither pydantic nor the models, whose
import alone costs more than a warm `cmkit check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING, Any

from ..networks import Network

if TYPE_CHECKING:
    from .. import models

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Day = date  # KeyDateSpec has a field named `date`


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Slot:
    network: Network
    days: tuple[int, ...]  # 0 = Monday
    time: time
    format: str | None = None
    pillar: str | None = None


@dataclass(frozen=True)
class KeyDateSpec:
    date: Day
    name: str
    end: Day | None = None


@dataclass(frozen=True)
class Brief:
    posts: int = 1
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Highlight:
    id: str
    name: str
    kind: str
    start: date
    end: date | None = None
    recurring: str | None = None
    brief: Brief | None = None
    description: str | None = None


@dataclass(frozen=True)
class HolidaySettings:
    country: str | None = None
    region: str | None = None
    commercial: bool = True


@dataclass(frozen=True)
class CalendarSettings:
    slots: tuple[Slot, ...] = ()
    key_dates: tuple[KeyDateSpec, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    holidays: HolidaySettings = field(default_factory=HolidaySettings)

    @classmethod
    def from_model(cls, model: models.Calendar) -> CalendarSettings:
        return cls(
            tuple(
                Slot(
                    Network(s.network),
                    tuple(WEEKDAYS.index(str(d)) for d in s.days),
                    s.time,
                    str(s.format) if s.format else None,
                    s.pillar,
                )
                for s in model.slots
            ),
            tuple(KeyDateSpec(k.date, k.name, k.end) for k in model.key_dates),
            tuple(
                Highlight(
                    h.id,
                    h.name,
                    h.kind,
                    h.start,
                    h.end,
                    h.recurring,
                    Brief(h.brief.posts, tuple(str(n) for n in h.brief.networks))
                    if h.brief
                    else None,
                    h.description,
                )
                for h in model.highlights
            ),
            HolidaySettings(
                model.holidays.country, model.holidays.region, model.holidays.commercial
            ),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "slots": [
                [str(s.network), list(s.days), s.time.strftime("%H:%M"), s.format, s.pillar]
                for s in self.slots
            ],
            "key_dates": [
                [k.date.isoformat(), k.name, k.end.isoformat() if k.end else None]
                for k in self.key_dates
            ],
            "highlights": [
                [
                    h.id,
                    h.name,
                    h.kind,
                    h.start.isoformat(),
                    h.end.isoformat() if h.end else None,
                    h.recurring,
                    [h.brief.posts, list(h.brief.networks)] if h.brief else None,
                    h.description,
                ]
                for h in self.highlights
            ],
            "holidays": [self.holidays.country, self.holidays.region, self.holidays.commercial],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CalendarSettings:
        return cls(
            tuple(
                Slot(Network(n), tuple(d), time.fromisoformat(t), f, p)
                for n, d, t, f, p in data["slots"]
            ),
            tuple(KeyDateSpec(date.fromisoformat(d), n, _date(e)) for d, n, e in data["key_dates"]),
            tuple(
                Highlight(
                    i,
                    n,
                    k,
                    date.fromisoformat(s),
                    _date(e),
                    r,
                    Brief(b[0], tuple(b[1])) if b else None,
                    desc,
                )
                for i, n, k, s, e, r, b, desc in data["highlights"]
            ),
            HolidaySettings(*data["holidays"]),
        )


@dataclass(frozen=True)
class Pillar:
    id: str
    label: str | None = None
    share: float | None = None


@dataclass(frozen=True)
class ClientSettings:
    name: str
    country: str | None = None
    region: str | None = None
    pillars: tuple[Pillar, ...] = ()  # from strategy.yaml

    @classmethod
    def from_models(
        cls, client: models.Client | None, strategy: models.Strategy | None, slug: str
    ) -> ClientSettings:
        pillars = (
            tuple(Pillar(p.id, p.label, p.share) for p in strategy.pillars) if strategy else ()
        )
        if client is None:
            return cls(slug, pillars=pillars)
        return cls(client.name, client.country, client.region, pillars)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "region": self.region,
            "pillars": [[p.id, p.label, p.share] for p in self.pillars],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClientSettings:
        return cls(
            data["name"],
            data["country"],
            data["region"],
            tuple(Pillar(*p) for p in data["pillars"]),
        )


@dataclass(frozen=True)
class MonthlyTask:
    task: str
    day: int | str  # a day of the month, "first-working-day" or "last-working-day"


@dataclass(frozen=True)
class Routine:
    daily: tuple[str, ...] = ()
    weekly: dict[int, tuple[str, ...]] = field(default_factory=dict)  # 0 = Monday
    monthly: tuple[MonthlyTask, ...] = ()


@dataclass(frozen=True)
class WorkspaceSettings:
    timezone: str
    locale: str
    routine: Routine
    grace_minutes: int  # publish.grace_minutes: how late `cmkit publish` still sends a post
    invalid: bool = False  # cmkit.yaml does not load: these are the defaults

    @classmethod
    def from_model(
        cls, config: models.WorkspaceConfig, *, invalid: bool = False
    ) -> WorkspaceSettings:
        routine = config.routine
        return cls(
            config.timezone,
            config.locale,
            Routine(
                tuple(routine.daily),
                {WEEKDAYS.index(str(d)): tuple(tasks) for d, tasks in routine.weekly.items()},
                tuple(MonthlyTask(t.task, t.day) for t in routine.monthly),
            ),
            config.publish.grace_minutes,
            invalid,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "locale": self.locale,
            "daily": list(self.routine.daily),
            "weekly": [[d, list(t)] for d, t in self.routine.weekly.items()],
            "monthly": [[m.task, m.day] for m in self.routine.monthly],
            "grace_minutes": self.grace_minutes,
            "invalid": self.invalid,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkspaceSettings:
        return cls(
            data["timezone"],
            data["locale"],
            Routine(
                tuple(data["daily"]),
                {d: tuple(t) for d, t in data["weekly"]},
                tuple(MonthlyTask(t, d) for t, d in data["monthly"]),
            ),
            int(data["grace_minutes"]),
            bool(data["invalid"]),
        )

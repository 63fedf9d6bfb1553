"""`cmkit.yaml`: the workspace's defaults and the CM's routine."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ..layout import DEFAULT_GRACE_MINUTES
from .base import Language, Locale, StrictModel, TimeZoneName


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class MonthlyTask(StrictModel):
    task: str
    # a day of the month (1–31) or "first-working-day" / "last-working-day"
    day: int | str = Field(default="first-working-day", examples=[1, "first-working-day"])


class Routine(StrictModel):
    """What the CM does every day, week and month; `cmkit today` lists it."""

    daily: list[str] = Field(
        default_factory=lambda: [
            "Publier ce qui est prévu / publish what is due",
            "Répondre aux messages et mentions / answer messages and mentions",
            "Faire la veille / check the watch digest",
        ]
    )
    weekly: dict[Weekday, list[str]] = Field(
        default_factory=lambda: {
            Weekday.MON: ["Préparer la semaine / plan the week"],
            Weekday.FRI: ["Petit rapport hebdomadaire / weekly report"],
        }
    )
    monthly: list[MonthlyTask] = Field(
        default_factory=lambda: [
            MonthlyTask(task="Rapport mensuel et audit / monthly report and audit"),
        ]
    )


class PublishSettings(StrictModel):
    grace_minutes: int = Field(
        default=DEFAULT_GRACE_MINUTES,
        ge=0,
        description="a due post later than this is reported, not published late",
    )
    concurrency: int = Field(default=10, ge=1, le=32, description="parallel sends per network")


class WorkspaceConfig(StrictModel):
    """The workspace's defaults; every client may override them."""

    timezone: TimeZoneName = "Europe/Paris"
    locale: Locale = "fr-FR"
    report_language: Language = "fr"
    publish: PublishSettings = Field(default_factory=PublishSettings)
    routine: Routine = Field(default_factory=Routine)

"""`calendar.yaml`: weekly slots, key dates and highlights."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from ..networks import Network
from .base import CountryCode, Region, Slug, StrictModel, TimeOfDay, ends_before_start
from .post import Format
from .workspace import Weekday


class Slot(StrictModel):
    network: Network
    days: list[Weekday] = Field(min_length=1)
    time: TimeOfDay
    format: Format | None = None
    pillar: str | None = None


class KeyDate(StrictModel):
    date: dt.date
    name: str
    end: dt.date | None = None


class Brief(StrictModel):
    """The content a highlight needs, so `stock` can say what is missing."""

    posts: int = Field(default=1, ge=1)
    networks: list[Network] = Field(default_factory=list)
    pillar: str | None = None
    format: str | None = None
    notes: str | None = None


class Highlight(StrictModel):
    id: Slug
    name: str
    kind: Literal["contest", "launch", "event", "sale", "season", "other"] = "other"
    start: date
    end: date | None = None
    recurring: Literal["yearly"] | None = None
    brief: Brief | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ends_before_start("highlight")
        return self


class Holidays(StrictModel):
    country: CountryCode | None = Field(default=None, description="default: client's country")
    region: Region | None = None
    commercial: bool = Field(default=True, description="sales, Black Friday, Mother's Day…")


class Calendar(StrictModel):
    slots: list[Slot] = Field(default_factory=list)
    key_dates: list[KeyDate] = Field(default_factory=list)
    highlights: list[Highlight] = Field(default_factory=list)
    holidays: Holidays = Field(default_factory=Holidays)

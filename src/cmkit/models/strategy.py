"""`strategy.yaml`: the period, KPI objectives, budget, pillars and audiences."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, field_validator, model_validator

from ..networks import Network
from .base import Currency, NonNegative, Slug, StrictModel, ends_before_start, invalid


class Metric(StrEnum):
    FOLLOWERS = "followers"
    IMPRESSIONS = "impressions"
    REACH = "reach"
    ENGAGEMENT = "engagement"
    ENGAGEMENT_RATE = "engagement_rate"
    CLICKS = "clicks"
    PROFILE_VISITS = "profile_visits"
    VIDEO_VIEWS = "video_views"
    POSTS = "posts"
    MENTIONS = "mentions"
    LEADS = "leads"
    CONVERSIONS = "conversions"
    REVENUE = "revenue"
    RESPONSE_TIME = "response_time"


class Period(StrictModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ends_before_start("period")
        return self


class Objective(StrictModel):
    id: Slug | None = None
    label: str | None = Field(default=None, examples=["+60 abonnés Facebook en novembre"])
    metric: Metric
    network: Network | None = Field(default=None, description="none: all networks together")
    baseline: float = Field(description="value at the start")
    target: float = Field(description="value to reach by the deadline")
    start: date | None = Field(default=None, description="default: the strategy's start")
    deadline: date


class Budget(StrictModel):
    currency: Currency = "EUR"
    monthly: NonNegative | None = None
    total: NonNegative | None = None
    split: dict[str, NonNegative] = Field(default_factory=dict, examples=[{"ads": 300}])


class Pillar(StrictModel):
    id: Slug
    label: str | None = None
    share: float | None = Field(default=None, ge=0, le=100, description="target % of posts")
    description: str | None = None


class Audience(StrictModel):
    name: str
    description: str | None = None


class Strategy(StrictModel):
    period: Period
    objectives: list[Objective] = Field(default_factory=list)
    budget: Budget | None = None
    pillars: list[Pillar] = Field(default_factory=list)
    audiences: list[Audience] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("pillars")
    @classmethod
    def _pillar_shares(cls, pillars: list[Pillar]) -> list[Pillar]:
        total = sum(p.share or 0 for p in pillars)
        if total > 100.5:
            raise invalid(
                f"pillar shares add up to {total:g} %, more than 100 %",
                "lower some shares so that they add up to 100 % at most",
            )
        return pillars

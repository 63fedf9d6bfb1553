"""`campaigns/<id>.yaml`: a paid campaign, its budget, spend and results."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from .base import Currency, NonNegative, StrictModel, Url, ends_before_start

Platform = Literal[
    "meta",
    "facebook",
    "instagram",
    "google",
    "linkedin",
    "x",
    "tiktok",
    "pinterest",
    "snapchat",
    "other",
]
Objective = Literal[
    "awareness",
    "reach",
    "traffic",
    "engagement",
    "leads",
    "sales",
    "app_installs",
    "video_views",
    "messages",
    "followers",
]


class CampaignBudget(StrictModel):
    total: NonNegative
    currency: Currency = "EUR"
    split: dict[str, NonNegative] = Field(
        default_factory=dict, description="per network or ad set", examples=[{"instagram": 200}]
    )


class SpendEntry(StrictModel):
    date: date
    amount: NonNegative
    label: str | None = None


class Results(StrictModel):
    impressions: int | None = Field(default=None, ge=0)
    reach: int | None = Field(default=None, ge=0)
    clicks: int | None = Field(default=None, ge=0)
    conversions: int | None = Field(default=None, ge=0)
    leads: int | None = Field(default=None, ge=0)
    revenue: NonNegative | None = None
    video_views: int | None = Field(default=None, ge=0)
    followers: int | None = Field(default=None, ge=0)


class Campaign(StrictModel):
    name: str
    platform: Platform
    objective: Objective
    start: date
    end: date
    budget: CampaignBudget
    spend: list[SpendEntry] | NonNegative = Field(
        default_factory=list, description="total to date, or dated entries"
    )
    results: Results = Field(default_factory=Results)
    posts: list[str] = Field(default_factory=list, description="ids of promoted posts")
    link: Url | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ends_before_start("campaign")
        return self

    @property
    def spent(self) -> float:
        if isinstance(self.spend, list):
            return sum(entry.amount for entry in self.spend)
        return float(self.spend)

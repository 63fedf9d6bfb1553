"""Posts: Markdown files in `posts/` with YAML front matter; the body is the text."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from ..networks import Network
from .base import Locale, Slug, StrictModel, Url, invalid


class Status(StrEnum):
    IDEA = "idea"
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class Format(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    CAROUSEL = "carousel"
    VIDEO = "video"
    STORY = "story"
    REEL = "reel"
    LINK = "link"


class Media(StrictModel):
    path: str = Field(min_length=1, description="relative to the client folder")
    alt: str | None = Field(default=None, description="alt text, read aloud to blind users")


class Variant(StrictModel):
    text: str | None = None
    link: Url | None = None
    media: list[Media] | None = None


def _date_only(value: object) -> object:
    """`at: 2026-12-01` is a day without a time (an idea), not midnight."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        return date.fromisoformat(value.strip())
    return value


class PostMeta(StrictModel):
    """A post's front matter."""

    id: Slug | None = Field(default=None, description="default: the file name without .md")
    at: Annotated[datetime | date | None, BeforeValidator(_date_only)] = Field(
        default=None,
        description="local time in the client's timezone, or with an explicit offset",
        examples=["2026-12-01 09:30"],
    )
    networks: list[Network] = Field(default_factory=list)
    status: Status = Status.IDEA
    pillar: str | None = None
    format: Format | None = None
    media: list[Media] = Field(default_factory=list)
    link: Url | None = None
    campaign: str | None = None
    highlight: str | None = Field(default=None, description="id of a calendar highlight")
    lang: Locale | None = Field(default=None, description="default: the client's first locale")
    variants: dict[str, str | Variant] = Field(
        default_factory=dict, description="text per network or per locale (e.g. en-CA)"
    )
    thread: list[str] = Field(default_factory=list, description="further parts of a thread")
    content_warning: str | None = None
    title: str | None = None
    notes: str | None = Field(default=None, description="internal, never published")

    @field_validator("networks")
    @classmethod
    def _no_repeats(cls, value: list[Network]) -> list[Network]:
        seen: set[Network] = set()
        for network in value:
            if network in seen:
                raise invalid(f"'{network}' is listed twice", "remove the second one")
            seen.add(network)
        return value

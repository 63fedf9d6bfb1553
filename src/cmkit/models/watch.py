"""`watch.yaml`: what the CM keeps an eye on (veille)."""

from __future__ import annotations

from pydantic import Field

from ..networks import Network
from .base import StrictModel, Url


class Feed(StrictModel):
    url: Url
    name: str | None = None
    topic: str | None = None


class KeywordSearch(StrictModel):
    query: str = Field(min_length=1)
    networks: list[Network] = Field(default_factory=lambda: [Network.MASTODON, Network.BLUESKY])
    topic: str | None = None


class Competitor(StrictModel):
    name: str
    accounts: dict[Network, str] = Field(default_factory=dict)
    feeds: list[Url] = Field(default_factory=list)


class Watch(StrictModel):
    brand: list[str] = Field(default_factory=list, description="the brand's own names, handles")
    feeds: list[Feed] = Field(default_factory=list)
    keywords: list[KeywordSearch | str] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)

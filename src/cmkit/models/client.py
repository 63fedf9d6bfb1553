"""`clients/<slug>/client.yaml`: who the client is and where they publish."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..networks import Network
from .base import CountryCode, EnvVarName, Language, Locale, Region, StrictModel, TimeZoneName, Url


class Account(StrictModel):
    """One account on one network. Never a token: the *name* of the variable holding it."""

    handle: str | None = Field(default=None, examples=["@boulangerie.martin"])
    id: str | None = Field(
        default=None,
        description="page id, Instagram user id, LinkedIn author URN, Telegram chat id…",
    )
    instance: Url | None = Field(
        default=None, description="server base URL (Mastodon instance, Bluesky PDS)"
    )
    token_env: EnvVarName | None = Field(default=None, examples=["MARTIN_MASTODON_TOKEN"])
    secrets: dict[str, EnvVarName] = Field(
        default_factory=dict, description="further secrets by role, e.g. X's OAuth 1.0a keys"
    )
    locale: Locale | None = Field(default=None, description="language this account posts in")
    visibility: Literal["public", "unlisted", "private"] | None = None
    max_chars: int | None = Field(default=None, ge=1, description="instance character limit")
    media_base_url: Url | None = Field(
        default=None, description="public URL where media/ is served (Instagram, Threads)"
    )


class Utm(StrictModel):
    """UTM parameters added to each post's link; {network} and {campaign} are filled in."""

    enabled: bool = True
    source: str = "{network}"
    medium: str = "social"
    campaign: str = "{campaign}"
    content: str | None = None


class Shortener(StrictModel):
    kind: Literal["bitly", "shlink", "yourls"]
    url: Url | None = None
    token_env: EnvVarName
    domain: str | None = None


class Links(StrictModel):
    utm: Utm = Field(default_factory=Utm)
    shortener: Shortener | None = None


class Client(StrictModel):
    name: str = Field(min_length=1)
    timezone: TimeZoneName | None = Field(default=None, description="default: cmkit.yaml's")
    country: CountryCode | None = Field(default=None, description="ISO 3166 code, for holidays")
    region: Region | None = Field(default=None, description="subdivision for holidays, e.g. QC")
    locales: list[Locale] = Field(default_factory=list, description="first is the default")
    report_language: Language | None = None
    accounts: dict[Network, Account] = Field(default_factory=dict)
    links: Links = Field(default_factory=Links)
    media_base_url: Url | None = None
    notes: str | None = None

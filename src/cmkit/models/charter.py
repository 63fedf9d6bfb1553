"""`charter.yaml`: the editorial charter posts are linted against."""

from __future__ import annotations

from pydantic import Field

from ..networks import Network
from .base import Hashtag, StrictModel


class Words(StrictModel):
    use: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)


class HashtagRules(StrictModel):
    required: list[Hashtag] = Field(default_factory=list, description="in every post")
    forbidden: list[Hashtag] = Field(default_factory=list)
    max: int | None = Field(default=None, ge=0, description="per post")
    per_network: dict[Network, int] = Field(default_factory=dict, description="max per network")


class EmojiRules(StrictModel):
    max: int | None = Field(default=None, ge=0, description="per post; 0: none")


class Charter(StrictModel):
    tone: str | None = None
    address: str | None = Field(default=None, examples=["tutoiement", "vouvoiement"])
    words: Words = Field(default_factory=Words)
    hashtags: HashtagRules = Field(default_factory=HashtagRules)
    emoji: EmojiRules = Field(default_factory=EmojiRules)
    signature: str | None = None
    complaint_words: list[str] = Field(
        default_factory=list, description="raise an inbox item's priority"
    )
    saved_replies: dict[str, str] = Field(default_factory=dict)
    notes: str | None = None

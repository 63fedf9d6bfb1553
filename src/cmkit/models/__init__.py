"""Pydantic models of every file kind in a workspace. The format is a user contract."""

from .calendar import Brief, Calendar, Highlight, Holidays, KeyDate, Slot
from .campaign import Campaign, CampaignBudget, Results, SpendEntry
from .charter import Charter, EmojiRules, HashtagRules, Words
from .client import Account, Client, Links, Shortener, Utm
from .post import Format, Media, PostMeta, Status, Variant
from .strategy import Audience, Budget, Metric, Objective, Period, Pillar, Strategy
from .watch import Competitor, Feed, KeywordSearch, Watch
from .workspace import MonthlyTask, PublishSettings, Routine, Weekday, WorkspaceConfig

# file kind → model; the names are those of `cmkit schema` and the docs
FILE_KINDS = {
    "workspace": WorkspaceConfig,
    "client": Client,
    "strategy": Strategy,
    "charter": Charter,
    "calendar": Calendar,
    "post": PostMeta,
    "campaign": Campaign,
    "watch": Watch,
}

__all__ = [
    "FILE_KINDS",
    "Account",
    "Audience",
    "Brief",
    "Budget",
    "Calendar",
    "Campaign",
    "CampaignBudget",
    "Charter",
    "Client",
    "Competitor",
    "EmojiRules",
    "Feed",
    "Format",
    "HashtagRules",
    "Highlight",
    "Holidays",
    "KeyDate",
    "KeywordSearch",
    "Links",
    "Media",
    "Metric",
    "MonthlyTask",
    "Objective",
    "Period",
    "Pillar",
    "PostMeta",
    "PublishSettings",
    "Results",
    "Routine",
    "Shortener",
    "Slot",
    "SpendEntry",
    "Status",
    "Strategy",
    "Utm",
    "Variant",
    "Watch",
    "Weekday",
    "Words",
    "WorkspaceConfig",
]

"""Build a client's report model for a period from the workspace files and `data/`."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta

from ..metrics import store
from ..metrics.published import published
from ..models import WorkspaceConfig
from ..networks import Network
from ..workspace import ClientSpace
from . import breakdowns as bd
from .adherence import adherence
from .facts import SETTLE, Delivery, _Followers, deliveries, medians, summarize
from .model import (
    InboxSection,
    Missing,
    NetworkSummary,
    ObjectiveResult,
    Report,
    WatchSection,
)
from .objectives import evaluate
from .paid import campaigns
from .period import Period
from .recommend import recommend

LANGUAGES = ("fr", "en")
RECOMMENDATIONS = {"month": 6, "week": 3}


def report_language(space: ClientSpace, config: WorkspaceConfig, wanted: str | None) -> str:
    """--lang, else the client's report_language, its locale's language, the workspace's."""
    client = space.client
    for candidate in (
        wanted,
        client.report_language if client else None,
        space.locale.split("-")[0],
        config.report_language,
    ):
        if candidate in LANGUAGES:
            return candidate
    return "en"


def inbox_section(space: ClientSpace, start: date, end: date) -> InboxSection | None:
    """The inbox's figures, once `cmkit.inbox` offers `report_section(space, start, end)`."""
    try:
        module = importlib.import_module("cmkit.inbox")
    except ImportError:
        return None
    hook = getattr(module, "report_section", None)
    section = hook(space, start, end) if callable(hook) else None
    return section if isinstance(section, InboxSection) else None


def watch_section(space: ClientSpace, start: date, end: date) -> WatchSection | None:
    """The watch's highlights, from `cmkit.watch.report_section(space, start, end)`."""
    try:
        module = importlib.import_module("cmkit.watch")
    except ImportError:
        return None
    hook = getattr(module, "report_section", None)
    section = hook(space, start, end) if callable(hook) else None
    return section if isinstance(section, WatchSection) else None


def build_report(
    space: ClientSpace,
    period: Period,
    *,
    now: datetime,
    config: WorkspaceConfig,
    language: str | None = None,
) -> Report:
    as_of = now.astimezone(space.tz).date()
    until = min(period.end, as_of)
    cutoff = min(period.end + SETTLE, as_of)
    metrics = store.read(space.data_dir)
    done = published(space.data_dir)
    everything = deliveries(space, metrics, done, cutoff)
    history = [d for d in everything if d.at.date() <= until]
    in_period = [d for d in history if d.at.date() >= period.start]
    yardstick = medians(history)
    locales = {
        network: account.locale
        for network, account in (space.client.accounts.items() if space.client else [])
        if account.locale
    }
    results = [
        bd.post_result(d, yardstick, cutoff, locales) for d in in_period if d.post is not None
    ]
    # the history feeds the day and time-of-day figures only: no hashtags needed
    past = [bd.post_result(d, yardstick, cutoff, locales, hashtags=False) for d in history]
    networks = _networks(space, period, everything, in_period, metrics, as_of)
    follow = _Followers(metrics.accounts)
    strategy = space.strategy
    inbox = inbox_section(space, period.start, until)
    objectives = (
        [
            evaluate(
                o,
                i,
                strategy.period.start,
                as_of,
                period.start,
                period.end,
                history,
                follow,
                space.campaigns,
                inbox,
            )
            for i, o in enumerate(strategy.objectives)
        ]
        if strategy
        else []
    )
    top, bottom = bd.top_and_bottom(results)
    plan = adherence(space, period, now, in_period, config.publish.grace_minutes)
    paid = campaigns(space.campaigns, period, as_of, _currency(space), space.data_dir)
    by_format, by_pillar = bd.by_format(results), bd.by_pillar(results)
    by_hour, heat = bd.by_hour(past), bd.heatmap(past)
    by_hashtag = bd.by_hashtag(results)
    advice = recommend(
        objectives,
        plan,
        paid,
        by_format,
        heat,
        by_hour,
        by_pillar,
        strategy.pillars if strategy else [],
        by_hashtag,
        networks,
        RECOMMENDATIONS[period.kind],
    )
    missing = _missing(networks, objectives)
    return Report(
        client=space.slug,
        client_name=space.name,
        period=period,
        language=report_language(space, config, language),
        locale=space.locale,
        timezone=space.tz.key,
        currency=_currency(space),
        as_of=until,
        prepared=as_of,
        partial=period.end >= as_of,
        networks=networks,
        objectives=objectives,
        top_posts=top,
        bottom_posts=bottom,
        by_format=by_format,
        by_pillar=by_pillar,
        by_weekday=bd.by_weekday(past),
        by_hour=by_hour,
        heatmap=heat,
        history_posts=sum(r.index is not None for r in past),
        history_since=min((d.at.date() for d in history if d.snapshot), default=None),
        by_hashtag=by_hashtag,
        adherence=plan,
        campaigns=paid,
        recommendations=advice,
        missing=missing,
        pillar_labels={p.id: p.label or p.id for p in strategy.pillars} if strategy else {},
        inbox=inbox,
        watch=watch_section(space, period.start, until),
        warnings=list(metrics.warnings),
    )


def _networks(
    space: ClientSpace,
    period: Period,
    everything: list[Delivery],
    in_period: list[Delivery],
    metrics: store.Store,
    as_of: date,
) -> list[NetworkSummary]:
    accounts = list(space.client.accounts) if space.client else []
    seen = {d.network for d in in_period} | {s.network for s in metrics.accounts}
    order = accounts + sorted((n for n in seen if n not in accounts), key=str)
    previous = period.previous()
    # the followers chart shows the two periods before this one too
    chart_from = (
        previous.previous().start if period.kind == "month" else period.start - timedelta(weeks=7)
    )
    out = []
    for network in order:
        mine = [d for d in in_period if d.network == network]
        before = [
            d
            for d in everything
            if d.network == network and previous.start <= d.at.date() <= previous.end
        ]
        prior = summarize(network, before, [], previous.start, previous.end, None, chart_from)
        has_account_data = any(s.network == network for s in metrics.accounts)
        if not mine and not has_account_data and network not in accounts:
            continue
        out.append(
            summarize(
                network,
                mine,
                [s for s in metrics.accounts if s.network == network],
                period.start,
                min(period.end, as_of),
                prior.engagement_rate
                if prior.rate_basis == "impressions" and prior.posts_measured >= bd.MIN_POSTS
                else None,
                chart_from,
            )
        )
    return out


def _missing(networks: list[NetworkSummary], objectives: list[ObjectiveResult]) -> list[Missing]:
    seen: list[Missing] = []
    for n in networks:
        for m in n.missing:
            if m not in seen:
                seen.append(m)
    for o in objectives:
        if o.missing is not None and o.missing not in seen:
            seen.append(o.missing)
    return seen


def _currency(space: ClientSpace) -> str:
    if space.strategy and space.strategy.budget:
        return space.strategy.budget.currency
    for campaign in space.campaigns.values():
        return campaign.budget.currency
    return "EUR"


__all__ = ["Network", "build_report", "inbox_section", "report_language", "watch_section"]

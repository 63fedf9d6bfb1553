"""Rules about posts as planned items: ids, time, networks, references, variants."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath

from ..diagnostics import Problem, Severity, suggest
from ..models import Status
from ..networks import Network
from ..workspace import ClientSpace, Post
from .rules import severity

LIVE = (Status.REVIEW, Status.APPROVED)  # statuses whose problems are errors, not just notes


def at(
    rule: str,
    post: Post,
    loc: tuple[int | str, ...],
    message: str,
    hint: str = "",
    sev: Severity | None = None,
    *,
    key: bool = False,
) -> Problem:
    line, col = post.line_of(*loc, key=key)
    return Problem(post.rel, line, col, rule, message, hint, sev or severity(rule))


def soften(post: Post, rule: str) -> Severity:
    """An error on a post still being drafted is only a warning: it is not going out yet."""
    return severity(rule) if post.meta.status in LIVE else Severity.WARNING


def check_posts(space: ClientSpace) -> Iterator[Problem]:
    yield from _duplicate_ids(space)
    yield from _slot_collisions(space)
    accounts = space.client.accounts if space.client else {}
    pillars = {p.id for p in space.strategy.pillars} if space.strategy else set()
    highlights = {h.id for h in space.calendar.highlights} if space.calendar else set()
    # a file that exists but does not load has its own error: the posts naming what it
    # defines are not told to rename it
    calendar_broken = "calendar.yaml" in space.unloaded
    broken_campaigns = {
        PurePosixPath(name).stem for name in space.unloaded if name.startswith("campaigns/")
    }
    locales = set(space.client.locales) if space.client else set()
    locales.add(space.locale)
    for post in space.posts:
        meta = post.meta
        if meta.status is Status.CANCELLED:
            continue
        approved = meta.status is Status.APPROVED
        if approved and (meta.at is None or post.at is None):
            yield at(
                "post/no-time",
                post,
                ("status",),
                "approved but has no date and time",
                "add `at: YYYY-MM-DD HH:MM` (local time) or set status back to draft",
            )
        elif approved and not isinstance(meta.at, datetime):
            yield at(
                "post/no-time",
                post,
                ("at",),
                "approved with a date but no time",
                "add the time: `at: YYYY-MM-DD HH:MM`",
            )
        if approved and not meta.networks:
            yield at(
                "post/no-networks",
                post,
                ("status",),
                "approved but has no networks",
                "add `networks: [instagram, …]`",
            )
        for index, network in enumerate(meta.networks):
            if space.client is not None and network not in accounts:
                yield at(
                    "post/no-account",
                    post,
                    ("networks", index),
                    f"the client has no {network} account",
                    f"add accounts.{network} to client.yaml or remove {network}",
                    soften(post, "post/no-account"),
                )
        if meta.pillar and pillars and meta.pillar not in pillars:
            guess = suggest(meta.pillar, sorted(pillars))
            yield at(
                "post/unknown-pillar",
                post,
                ("pillar",),
                f"pillar '{meta.pillar}' is not one of the strategy's pillars",
                f"did you mean '{guess}'?"
                if guess
                else f"use one of: {', '.join(sorted(pillars))}",
            )
        if (
            meta.campaign
            and meta.campaign not in space.campaigns
            and meta.campaign not in highlights
            and meta.campaign not in broken_campaigns
            and not calendar_broken
        ):
            guess = suggest(meta.campaign, [*space.campaigns, *highlights])
            yield at(
                "post/unknown-campaign",
                post,
                ("campaign",),
                f"no campaign '{meta.campaign}' in campaigns/ or the calendar's highlights",
                f"did you mean '{guess}'?"
                if guess
                else f"create campaigns/{meta.campaign}.yaml or fix the name",
            )
        if meta.highlight and meta.highlight not in highlights and not calendar_broken:
            guess = suggest(meta.highlight, sorted(highlights))
            yield at(
                "post/unknown-highlight",
                post,
                ("highlight",),
                f"no highlight '{meta.highlight}' in calendar.yaml",
                f"did you mean '{guess}'?" if guess else "add it to calendar.yaml highlights",
            )
        yield from _variants(space, post, locales)


def _variants(space: ClientSpace, post: Post, locales: set[str]) -> Iterator[Problem]:
    meta = post.meta
    networks = {str(n) for n in Network}
    for key in meta.variants:
        if key in networks:
            if Network(key) not in meta.networks:
                yield at(
                    "post/variant-unused",
                    post,
                    ("variants", key),
                    f"a variant for {key}, which this post is not sent to",
                    f"add {key} to networks or remove the variant",
                    key=True,
                )
        elif key not in locales:
            guess = suggest(key, sorted(networks | locales))
            yield at(
                "post/variant-key",
                post,
                ("variants", key),
                f"variant key '{key}' is neither a network nor one of the client's locales",
                f"did you mean '{guess}'?"
                if guess
                else "use a network name (linkedin) or a locale listed in client.yaml",
                key=True,
            )
    if space.client is None:
        return
    for network in meta.networks:
        account = space.client.accounts.get(network)
        if account is None or not account.locale or account.locale == meta.lang:
            continue
        if account.locale not in meta.variants and str(network) not in meta.variants:
            yield at(
                "post/missing-translation",
                post,
                ("networks",),
                f"the {network} account posts in {account.locale}, and this post has no "
                f"{account.locale} text",
                f'add `variants: {{{account.locale}: "…"}}`',
            )


def _duplicate_ids(space: ClientSpace) -> Iterator[Problem]:
    by_id: dict[str, list[Post]] = defaultdict(list)
    for post in space.posts:
        by_id[post.id].append(post)
    for post_id, posts in by_id.items():
        if len(posts) < 2:
            continue
        first = posts[0]
        for post in posts[1:]:
            loc = ("id",) if post.meta.id else ()
            yield at(
                "post/duplicate-id",
                post,
                loc,
                f"post id '{post_id}' is already used by {first.rel}",
                "give each post a unique `id:` (or a unique file name)",
            )


def _slot_collisions(space: ClientSpace) -> Iterator[Problem]:
    taken: dict[tuple[Network, str], Post] = {}
    for post in sorted(space.posts, key=lambda p: p.rel):
        if post.at is None or post.meta.status in (Status.CANCELLED, Status.IDEA):
            continue
        if not isinstance(post.meta.at, datetime):
            continue
        when = post.at.strftime("%Y-%m-%d %H:%M")
        for index, network in enumerate(post.meta.networks):
            other = taken.setdefault((network, when), post)
            if other is not post:
                yield at(
                    "post/slot-collision",
                    post,
                    ("networks", index),
                    f"{other.rel} is also planned on {network} at {when}",
                    "move one of them to another time or day",
                )

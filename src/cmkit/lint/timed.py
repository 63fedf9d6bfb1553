"""The one rule that depends on the clock: approved posts whose time has passed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from ..diagnostics import Problem
from .cache import PostSummary
from .rules import severity


def missed_posts(posts: Iterable[PostSummary], grace_minutes: int) -> Iterator[Problem]:
    from ..clock import now

    moment = now()
    for post in posts:
        if post.status != "approved" or post.at is None or not post.timed:
            continue
        due = datetime.fromisoformat(post.at)
        if due + timedelta(minutes=grace_minutes) > moment:
            continue
        missing = [n for n in post.networks if n not in post.published]
        if missing:
            late = moment - due
            yield Problem(
                post.rel,
                post.line,
                post.col,
                "post/missed",
                f"planned {_ago(late)} ago and never published on {', '.join(missing)}",
                "publish it now (cmkit publish --post " + post.id + "), re-date it, or set "
                "status: cancelled",
                severity("post/missed"),
            )


def _ago(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"

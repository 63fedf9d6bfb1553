"""The rules that depend on the clock, run on every check from cached facts: approved posts
whose time has passed, campaigns long over with no result entered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from ..diagnostics import Problem
from .cache import PendingCampaign, PostSummary
from .rules import severity

# days after a campaign's end before missing results are a problem: exports take a while
RESULTS_GRACE_DAYS = 3


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


def no_results_problems(pending: Iterable[PendingCampaign], today: date) -> Iterator[Problem]:
    """Rule campaign/no-results: ended more than RESULTS_GRACE_DAYS ago, still no result."""
    for item in pending:
        end = date.fromisoformat(item.end)
        if end + timedelta(days=RESULTS_GRACE_DAYS) < today:
            yield _no_results(item, end, today)


def _no_results(item: PendingCampaign, end: date, today: date) -> Problem:
    rel = item.rel
    ago = (today - end).days
    client = Path(rel).parts[1] if len(Path(rel).parts) > 3 else "CLIENT"
    return Problem(
        rel,
        item.line,
        item.col,
        "campaign/no-results",
        f"ended {ago} days ago ({end}) and no result is entered",
        f"enter results (clicks, conversions, revenue…) in the file, or import the ads "
        f"manager's export: cmkit campaigns import FILE --client {client} "
        f"--campaign {Path(rel).stem}",
        severity("campaign/no-results"),
    )

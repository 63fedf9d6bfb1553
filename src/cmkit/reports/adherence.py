"""Planned vs published: did what the calendar promised go out, and on time?

Planned: every (post, network) of a post dated in the period, up to the report's moment,
that was meant to go out (draft, review or approved; ideas and cancelled posts are not
promises). Published: the ledger's `done` line. On time: within the workspace's publishing
grace of the planned minute. The weekly slots of calendar.yaml are checked the same way:
a slot is filled when something went out on that network that day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import ledger
from ..models import Status
from ..networks import Network, parse_network
from ..plan.settings import CalendarSettings
from ..plan.slots import slot_times
from ..workspace import ClientSpace
from .facts import Delivery
from .model import Adherence, Miss
from .period import Period

NOT_PROMISED = {Status.IDEA, Status.CANCELLED}


def adherence(
    space: ClientSpace, period: Period, now: datetime, delivered: list[Delivery], grace_minutes: int
) -> Adherence:
    local_now = now.astimezone(space.tz)
    end = min(period.end, local_now.date())
    grace = timedelta(minutes=grace_minutes)
    outcomes = _last_outcomes(space)
    done = {(d.post_id, d.network): d for d in delivered if d.post is not None}
    planned = published = on_time = late = 0
    misses: list[Miss] = []
    for post in space.posts:
        if post.at is None or post.meta.status in NOT_PROMISED:
            continue
        if not (period.start <= post.at.date() <= end) or post.at > local_now:
            continue
        for network in post.meta.networks:
            planned += 1
            delivery = done.get((post.id, network))
            if delivery is not None:
                published += 1
                if delivery.at - post.at <= grace:
                    on_time += 1
                else:
                    late += 1
                continue
            event, detail = outcomes.get((post.id, network), ("", ""))
            if post.meta.status is not Status.APPROVED:
                reason, detail = "not_approved", str(post.meta.status)
            elif event in ("failed", "skipped"):
                reason = event
            else:
                reason, detail = "not_published", ""
            misses.append(Miss(post.id, str(network), post.at, reason, detail))
    calendar = CalendarSettings.from_model(space.calendar) if space.calendar else None
    slots = slot_times(calendar, space.tz, period.start, end)
    slots = [s for s in slots if s.at <= local_now]
    went_out = {(d.network, d.at.date()) for d in delivered if period.start <= d.at.date() <= end}
    filled = sum((s.network, s.day) in went_out for s in slots)
    slot_days = {(s.network, s.day) for s in slots}
    unplanned = len(went_out - slot_days) if slots else 0
    return Adherence(planned, published, on_time, late, misses, len(slots), filled, unplanned)


def _last_outcomes(space: ClientSpace) -> dict[tuple[str, Network], tuple[str, str]]:
    """The last failure or skip the ledger holds per (post, network), with its reason."""
    out: dict[tuple[str, Network], tuple[str, str]] = {}
    for entry in ledger.read(space.data_dir):
        network = parse_network(entry.network)
        if network is None or entry.event not in ("failed", "skipped", "done"):
            continue
        detail = entry.error if entry.event == "failed" else str(entry.data.get("reason", ""))
        out[(entry.post, network)] = (entry.event, detail)
    return out

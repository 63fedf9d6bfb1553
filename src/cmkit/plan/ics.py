"""The plan as an RFC 5545 calendar a client subscribes to (or imports).

- one event per dated post, at its local time with a VTIMEZONE for the client's zone;
  cancelled posts stay as STATUS:CANCELLED so an imported copy drops them too;
- key dates as all-day events (a period spans its days; DTEND is exclusive);
- stable UIDs, so a regenerated file updates events instead of duplicating them:
  `post-<client>-<post id>@cmkit`, `highlight-<client>-<id>-<year>@cmkit` and
  `keydate-<client>-<yyyymmdd>-<name>@cmkit`; public holidays and commercial dates are the
  same for every client of a country, so they are `keydate-<yyyymmdd>-<name>@cmkit` and
  appear once in a file covering several clients.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import __version__
from .calendar import ClientPlan, PlannedPost, PlanView
from .keydates import KeyDate, slugify
from .state import State, excerpt, title_of

if TYPE_CHECKING:
    from icalendar import Event

POST_MINUTES = 15  # a post is an instant; a short event keeps it visible in day views
DOMAIN = "cmkit"
SHARED_KINDS = {"holiday", "commercial"}

_STATUS = {
    State.CANCELLED: "CANCELLED",
    State.IDEA: "TENTATIVE",
    State.DRAFT: "TENTATIVE",
    State.REVIEW: "TENTATIVE",
    State.MISSED: "TENTATIVE",
}


def post_uid(client: str, post_id: str) -> str:
    return f"post-{client}-{post_id}@{DOMAIN}"


def key_date_uid(client: str, key: KeyDate) -> str:
    if key.kind == "highlight":
        # by id: moving a contest's dates updates its event
        return f"highlight-{client}-{key.id}-{key.start.year}@{DOMAIN}"
    stem = f"{key.start:%Y%m%d}-{slugify(key.name)}"
    if key.kind in SHARED_KINDS:
        return f"keydate-{stem}@{DOMAIN}"
    return f"keydate-{client}-{stem}@{DOMAIN}"


def to_ics(view: PlanView, stamp: datetime) -> bytes:
    """The calendar file for every client of the view, over its period."""
    from icalendar import Calendar

    several = len(view.clients) > 1
    cal = Calendar()
    cal.add("prodid", f"-//{DOMAIN}//cmkit {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = view.clients[0].name if len(view.clients) == 1 else f"{len(view.clients)} clients"
    cal.add("x-wr-calname", f"Plan — {name}")
    if len(view.clients) == 1:
        cal.add("x-wr-timezone", view.clients[0].timezone)
    # subscribed calendars re-read the file hourly (RFC 7986 and the de-facto Apple name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    seen: set[str] = set()
    for plan in view.clients:
        prefix = f"[{plan.name}] " if several else ""
        for day in plan.days:
            for planned in day.posts:
                cal.add_component(_post_event(plan, planned, prefix, stamp))
            for key in day.key_dates:
                uid = key_date_uid(plan.slug, key)
                if uid in seen:
                    continue
                seen.add(uid)
                shared = key.kind in SHARED_KINDS
                cal.add_component(_key_date_event(key, uid, "" if shared else prefix, stamp))
    cal.add_missing_timezones(
        first_date=view.period.start - timedelta(days=366),
        last_date=view.period.end + timedelta(days=366),
    )
    return bytes(cal.to_ical())


def _post_event(plan: ClientPlan, planned: PlannedPost, prefix: str, stamp: datetime) -> Event:
    from icalendar import Event

    post = planned.post
    assert post.at is not None
    networks = [str(n) for n in post.networks]
    event = Event()
    event.add("uid", post_uid(plan.slug, post.id))
    event.add("dtstamp", stamp)
    event.add("dtstart", post.at)
    event.add("dtend", post.at + timedelta(minutes=POST_MINUTES))
    event.add("summary", f"{prefix}{title_of(post, 70)} · {', '.join(networks) or 'no network'}")
    event.add("status", _STATUS.get(planned.state, "CONFIRMED"))
    event.add("categories", [*networks, str(planned.state)])
    event.add("description", _description(plan, planned))
    if post.link:
        event.add("url", post.link)
    return event


def _description(plan: ClientPlan, planned: PlannedPost) -> str:
    post = planned.post
    lines = [f"Client: {plan.name}", f"Networks: {', '.join(str(n) for n in post.networks) or '—'}"]
    if planned.done:
        lines.append(f"Published on: {', '.join(planned.done)}")
    lines.append(
        f"Status: {planned.state}"
        + (f" (file says {post.status})" if str(planned.state) != str(post.status) else "")
    )
    details = [
        f"{label}: {value}"
        for label, value in (
            ("Format", post.format),
            ("Pillar", post.pillar),
            ("Campaign", post.campaign),
            ("Highlight", post.highlight),
        )
        if value
    ]
    if details:
        lines.append(" · ".join(str(d) for d in details))
    text = excerpt(post.body, 300)
    if text:
        lines += ["", text]
    lines += ["", f"{post.rel} (id {post.id})"]
    return "\n".join(lines)


def _key_date_event(key: KeyDate, uid: str, prefix: str, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", key.start)
    event.add("dtend", key.last + timedelta(days=1))
    event.add("summary", f"{prefix}{key.name}")
    event.add("transp", "TRANSPARENT")  # a key date does not make anyone busy
    event.add("categories", [key.kind, *([key.label] if key.label else [])])
    notes: list[Any] = []
    if key.at:
        notes.append(f"Starts at {key.at:%H:%M}.")
    if key.note:
        notes.append(key.note)
    if notes:
        event.add("description", " ".join(str(n) for n in notes))
    return event

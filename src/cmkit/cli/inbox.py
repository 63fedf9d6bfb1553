"""`cmkit inbox`: mentions, replies and messages to answer; pull, reply, assign, done."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DefaultCommandGroup

if TYPE_CHECKING:
    from datetime import datetime

    from ..inbox import ClientInbox
    from ..inbox.store import Item
    from ..workspace import ClientSpace

inbox_app = typer.Typer(
    name="inbox",
    cls=DefaultCommandGroup,
    add_completion=False,
    help="Mentions, replies, comments and messages to answer: nothing ignored.",
)

ClientsArg = Annotated[
    list[str] | None, typer.Argument(help="Clients (default: all).", show_default=False)
]
ClientOpt = Annotated[
    str | None,
    typer.Option("--client", "-c", help="Look the id up in this client only.", show_default=False),
]


@inbox_app.command("list")
def list_(
    ctx: typer.Context,
    clients: ClientsArg = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list what was answered or marked done.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The inbox as JSON.")] = False,
) -> None:
    """List what is still to answer (the default): complaints first, then the oldest.

    Each line shows the item's id (for reply, assign and done), how long the person has
    been waiting, the network and the author. Messages holding one of the charter's
    complaint_words are marked "!" and come first. Run `cmkit inbox pull` to fetch.
    """
    from ..clock import now as clock_now
    from ..inbox import complaints_of, overview
    from .common import note, open_workspace, print_json

    ws = open_workspace(ctx, clients)
    now = clock_now()
    boxes = [
        overview(s.slug, s.name, s.data_dir, complaints_of(s)) for s in ws.select(clients or [])
    ]
    for box in boxes:
        for problem in box.problems:
            note(f"{box.slug}: data/{problem}")
    if as_json:
        print_json([_box_dict(box, now, show_all) for box in boxes])
        return
    print("\n\n".join(_box_text(box, now, show_all) for box in boxes))


def _box_dict(box: ClientInbox, now: datetime, show_all: bool) -> dict[str, object]:
    waiting = [
        r.item.to_dict()
        | {
            "priority": r.priority,
            "complaint_words": r.complaint,
            "waiting_seconds": int((now - r.item.mention.created_at).total_seconds()),
        }
        for r in box.waiting
    ]
    data: dict[str, object] = {
        "client": box.slug,
        "name": box.name,
        "waiting": waiting,
        "oldest": box.oldest.isoformat() if box.oldest else None,
    }
    if show_all:
        data["handled"] = [i.to_dict() for i in box.handled]
    return data


def _box_text(box: ClientInbox, now: datetime, show_all: bool) -> str:
    from ..inbox.priority import age

    if not box.waiting:
        head = f"{box.name} — nothing to answer"
    else:
        head = (
            f"{box.name} — {len(box.waiting)} to answer, oldest waiting "
            f"{age(box.oldest or now, now)}"
        )
        if box.complaints:
            head += f" ({box.complaints} complaint{'s' if box.complaints > 1 else ''})"
    lines = [head[:80]]
    for ranked in box.waiting:
        item = ranked.item
        lines += _item_lines(item, "!" if ranked.high else " ", age(item.mention.created_at, now))
    if show_all and box.handled:
        lines.append(f"  handled ({len(box.handled)})")
        for item in box.handled:
            state = "replied" if item.replies else "done"
            lines += _item_lines(item, " ", state)
    return "\n".join(lines)


def _item_lines(item: Item, mark: str, when: str) -> list[str]:
    m = item.mention
    head = f"  {mark} {item.id}  {when:<11} {m.network!s:<9} {m.author} ({m.kind})"
    if item.assigned_to:
        head += f" → {item.assigned_to}"
    if item.pending is not None:
        head += " · reply outcome unknown"
    body = textwrap.wrap(" ".join(m.text.split()) or "(no text)", 72, max_lines=2, placeholder=" …")
    return [head[:80] if len(head) > 80 else head, *("      " + line for line in body)]


@inbox_app.command("pull")
def pull(
    ctx: typer.Context,
    clients: ClientsArg = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Fetch from this date or duration (2026-11-01, 7d) instead of from the newest "
            "message stored.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per network.")] = False,
) -> None:
    """Fetch mentions, replies, comments and messages from every account's network.

    Stores new ones in data/inbox.jsonl; what was already pulled, answered or marked done
    is never stored twice or reopened. Safe to run from cron and by hand at the same time.
    Exit code 4 when a network failed (the others are still stored).
    """
    from functools import partial
    from zoneinfo import ZoneInfo

    from ..clock import now as clock_now
    from ..inbox.pull import Outcome, pull_client
    from .common import connector_factory, note, open_workspace, print_json
    from .watch import parse_since

    ws = open_workspace(ctx, clients)
    now = clock_now()
    start = parse_since(since, now, ZoneInfo(ws.config.timezone)) if since else None
    factory = connector_factory(ws.root)
    outcomes: list[Outcome] = []
    for space in ws.select(clients or []):
        outcomes += pull_client(ws.root, space, now, partial(factory, space.slug), start)
    if as_json:
        print_json([o.to_dict() for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "pulled":
                note(f"{o.client} · {o.network}: {o.new} new ({o.seen} seen)")
            else:
                hint = f" (fix: {o.hint})" if o.hint else ""
                note(f"{o.client} · {o.network}: {o.status} — {o.message}{hint}")
        if not outcomes:
            note("no accounts to pull from: add accounts to client.yaml")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(4)


def _target(ctx: typer.Context, wanted: str, client: str | None) -> tuple[ClientSpace, Item]:
    from ..inbox import find
    from .common import open_workspace

    ws = open_workspace(ctx, [client] if client else [])
    return find(ws.select([client] if client else []), wanted)


@inbox_app.command("done")
def done(
    ctx: typer.Context,
    ids: Annotated[
        list[str], typer.Argument(help="Item ids (or their first characters).", show_default=False)
    ],
    client: ClientOpt = None,
) -> None:
    """Mark items as handled without a reply (a thank-you, a like, answered elsewhere)."""
    from ..clock import now
    from ..inbox import mark
    from .common import note, workspace_root

    for wanted in ids:
        space, item = _target(ctx, wanted, client)
        mark(workspace_root(ctx), space, item, "done", now())
        note(f"{space.slug} · {item.id}: done")


@inbox_app.command("reopen")
def reopen(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.", show_default=False)],
    client: ClientOpt = None,
) -> None:
    """Put an item marked done back in the list to answer."""
    from ..clock import now
    from ..inbox import mark
    from .common import note, workspace_root

    space, item = _target(ctx, item_id, client)
    mark(workspace_root(ctx), space, item, "reopened", now())
    note(f"{space.slug} · {item.id}: reopened")


@inbox_app.command("assign")
def assign(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.", show_default=False)],
    who: Annotated[
        str, typer.Argument(help="Who answers it (a name, as you like).", show_default=False)
    ],
    client: ClientOpt = None,
) -> None:
    """Give an item to someone (the client, a colleague) to answer."""
    from ..clock import now
    from ..inbox import mark
    from .common import note, workspace_root

    space, item = _target(ctx, item_id, client)
    mark(workspace_root(ctx), space, item, "assigned", now(), to=who)
    note(f"{space.slug} · {item.id}: assigned to {who}")


@inbox_app.command("reply")
def reply(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id.", show_default=False)],
    text: Annotated[str | None, typer.Argument(help="The answer.", show_default=False)] = None,
    saved: Annotated[
        str | None,
        typer.Option(
            "--saved",
            help="Use this saved reply of the charter ({name}, {handle} and "
            "{signature} are filled in).",
            show_default=False,
        ),
    ] = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again", help="Send even though an earlier, different reply's outcome is unknown."
        ),
    ] = False,
    client: ClientOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The reply as JSON.")] = False,
) -> None:
    """Answer an item through its network, and record the response time.

    Sending the same text again after a failure never posts it twice.
    """
    from ..clock import now
    from ..diagnostics import CmkitError
    from ..inbox.priority import span
    from ..inbox.reply import saved_reply, send
    from .common import connector_factory, note, print_json, workspace_root

    if (text is None) == (saved is None):
        raise CmkitError(
            "give the reply's text or --saved NAME (one of the two)",
            'e.g. cmkit inbox reply 3f9a "Merci !" or --saved horaires',
        )
    space, item = _target(ctx, item_id, client)
    body = (
        text if text is not None else saved_reply(space.charter, saved or "", item.mention.author)
    )
    factory = connector_factory(workspace_root(ctx))
    moment = now()
    sent = send(
        workspace_root(ctx),
        space,
        item.id,
        body,
        moment,
        lambda n, a: factory(space.slug, n, a),
        saved=saved,
        again=again,
    )
    if as_json:
        print_json(
            {
                "client": space.slug,
                "id": sent.item.id,
                "remote_id": sent.remote_id,
                "url": sent.url,
                "response_seconds": sent.seconds,
                "text": body,
            }
        )
        return
    note(
        f"{space.slug} · {sent.item.id}: replied on {sent.item.mention.network} after "
        f"{span(sent.seconds)}" + (f" — {sent.url}" if sent.url else "")
    )


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app)

"""`cmkit stock`: what content exists, what is approved, and what will soon be missing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ..plan.stock import ClientStock


def stock(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None, typer.Argument(help="Clients to show (default: all).", show_default=False)
    ] = None,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            "-d",
            min=1,
            max=366,
            help="How far ahead to look for empty slots, posts to approve, highlights and the "
            "pillar balance.",
        ),
    ] = 30,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (see docs/stock.md).")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every file.")] = False,
) -> None:
    """The content stock per client: counts per status, pillar, format and network; the
    runway (days until approved content runs out against the weekly slots); the next
    unfilled slots and highlights still lacking posts; the pillar balance against the
    strategy.
    """
    from ..clock import now as clock_now
    from ..plan.index import load_plan
    from ..plan.stock import client_stock
    from .calendar import _warn
    from .common import note, out, print_json, workspace_root

    ws = load_plan(workspace_root(ctx), clients or [], use_cache=not no_cache)
    moment = clock_now()
    _warn(ws)
    reports = [client_stock(plan, moment, days) for plan in ws.clients]
    for report in reports:
        for warning in report.warnings:
            note(f"{report.slug}: {warning}")
    if as_json:
        print_json(
            {
                "now": moment.isoformat(),
                "window_days": days,
                "clients": [r.to_dict() for r in reports],
            }
        )
        return
    if not reports:
        note("no client yet (cmkit init CLIENT)")
        return
    from rich.text import Text

    from .plantext import show

    console = out()
    show(console, Text("\n\n").join(render(console, r) for r in reports))


def render(console: Console, report: ClientStock) -> Text:
    from rich.text import Text

    from ..plan.stock import IN_STOCK
    from .plantext import STYLES, fit, plural

    parts: list[Text] = [
        Text.assemble((report.name, "bold"), f" · stock on {report.today:%a %d %b %Y}")
    ]
    order = [
        "overdue",
        "approved",
        "partial",
        "review",
        "draft",
        "idea",
        "missed",
        "published",
        "cancelled",
    ]
    shown = sorted(
        ((s, n) for s, n in report.states.items() if n),
        key=lambda sn: order.index(sn[0]) if sn[0] in order else 99,
    )
    in_stock = [Text(f"{n} {s}", STYLES.get(s, "")) for s, n in shown if s in IN_STOCK]
    others = [Text(f"{n} {s}", STYLES.get(s, "")) for s, n in shown if s not in IN_STOCK]
    states = Text.assemble(("In stock: ", "bold"), plural(report.in_stock, "post"))
    if in_stock:
        states.append(" (")
        states.append(Text(", ").join(in_stock))
        states.append(")")
    if others:
        states.append(" · ")
        states.append(Text(" · ").join(others))
    parts.append(fit(console, states))
    parts.append(fit(console, _runway(report)))
    parts.append(_soon(console, report))
    balance = _balance(console, report)
    if balance is not None:
        parts.append(balance)
    for title, counts in (
        ("By pillar", report.pillars),
        ("By format", report.formats),
        ("By network", report.networks),
    ):
        if counts:
            parts.append(
                fit(
                    console,
                    Text.assemble(
                        (f"{title}: ", "bold"),
                        " · ".join(f"{name} {n}" for name, n in counts.items()),
                    ),
                )
            )
    return Text("\n").join(parts)


def _runway(report: ClientStock) -> Text:
    from rich.text import Text

    runway = report.runway
    line = Text.assemble(("Runway: ", "bold"))
    if runway.days is None:
        line.append("no weekly slots in calendar.yaml to measure it against", "dim")
        return line
    if runway.first_gap is None:
        line.append(f"{runway.days}+ days", "green")
        line.append(f" — approved posts fill all {runway.covered} slots ahead")
        return line
    gap = runway.first_gap
    style = "bold red" if runway.days <= 2 else "yellow" if runway.days < 7 else "green"
    line.append(f"{runway.days} day" + ("" if runway.days == 1 else "s"), style)
    line.append(f" — first slot without approved content: {gap.network} {gap.at:%a %d %b %H:%M}")
    if runway.covered:
        line.append(
            f" ({runway.covered} slot{'s' if runway.covered > 1 else ''} covered before it)"
        )
    if report.undated_ready:
        line.append(f"\n{report.undated_ready} approved post(s) without a date could fill the gap")
    return line


def _soon(console: Console, report: ClientStock) -> Text:
    from rich.text import Text

    from .plantext import STYLES, grid, plural, wrapped

    rows: list[list[str | Text]] = []
    for slot in report.next_unfilled:
        rows.append(
            [
                Text("empty slot", STYLES["empty"]),
                f"{slot.at:%a %d %b %H:%M}",
                wrapped(str(slot.network) + (f" ({slot.format})" if slot.format else "")),
            ]
        )
    for post in report.to_approve[:5]:
        assert post.at is not None
        rows.append(
            [
                Text("to approve", "cyan"),
                f"{post.at:%a %d %b %H:%M}",
                wrapped(f"{post.id} ({post.status})"),
            ]
        )
    if len(report.to_approve) > 5:
        rows.append(["", "", Text(f"… and {len(report.to_approve) - 5} more to approve", "dim")])
    for need in report.highlights:
        occurrence = need.occurrence
        span = f"{occurrence.start:%d %b}" + (f"–{occurrence.end:%d %b}" if occurrence.end else "")
        if need.lacking:
            lacks = []
            if need.missing:
                lacks.append(f"{need.have} of {plural(need.wanted, 'post')}")
            if need.networks_missing:
                lacks.append(f"nothing on {', '.join(need.networks_missing)}")
            rows.append(
                [
                    Text("highlight", "yellow"),
                    span,
                    wrapped(f"{occurrence.name}: {'; '.join(lacks)}"),
                ]
            )
        else:
            rows.append(
                [
                    Text("highlight", "green"),
                    span,
                    wrapped(f"{occurrence.name}: {plural(need.have, 'post')}, covered"),
                ]
            )
    heading = Text(f"Soon missing (next {report.window_days} days)", "bold")
    if not rows:
        return Text.assemble(
            heading, "\n", ("  nothing: every slot is planned and approved", "green")
        )
    detail = max(20, console.width - 10 - 16 - 4)
    return Text.assemble(heading, "\n", grid(console, rows, [10, 16, detail]))


def _balance(console: Console, report: ClientStock) -> Text | None:
    from rich.text import Text

    from .plantext import fit, grid

    if not report.balance:
        return None
    coming = sum(b.count for b in report.balance)
    title = Text.assemble(
        ("Pillar balance", "bold"),
        f" ({coming} post(s) planned in the next {report.window_days} days)",
    )
    rows: list[list[str | Text]] = []
    for share in report.balance:
        delta = share.delta
        flag = Text("")
        if share.off_balance and delta is not None:
            flag = Text(f"{delta:+.0f} pts {'over' if delta > 0 else 'under'}", "yellow")
        rows.append(
            [
                share.label,
                "—" if share.target is None else f"{share.target:g} %",
                "—" if share.actual is None else f"{share.actual:.0f} %",
                str(share.count),
                flag,
            ]
        )
    label = min(30, max(len(r[0]) for r in rows if isinstance(r[0], str)))
    table = grid(
        console,
        rows,
        [max(label, 6), 6, 7, 5, 15],
        header=["Pillar", "Target", "Planned", "Posts", ""],
        justify=["left", "right", "right", "right", "left"],
    )
    return Text.assemble(fit(console, title), "\n", table)


def register(app: typer.Typer) -> None:
    app.command()(stock)

"""The report's charts, drawn with matplotlib's object API (no pyplot, Agg/SVG only).

One palette for every chart: the Okabe–Ito colours, which people with the common colour
vision deficiencies tell apart, each network keeping its colour and marker everywhere.
The heat map uses cividis, readable in grey and by colour-blind readers. Labels are in
the report's language and sized to be read on paper.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .breakdowns import HOUR_BUCKETS
from .i18n import I18n
from .model import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#e3e3e3"
PALETTE = {
    "facebook": "#0072B2",
    "instagram": "#CC79A7",
    "linkedin": "#56B4E9",
    "x": "#222222",
    "threads": "#7f7f7f",
    "bluesky": "#009E73",
    "mastodon": "#E69F00",
    "telegram": "#D55E00",
    "discord": "#8C6BB1",
}
MARKERS = {
    "facebook": "o",
    "instagram": "s",
    "linkedin": "D",
    "x": "X",
    "threads": "P",
    "bluesky": "^",
    "mastodon": "v",
    "telegram": "<",
    "discord": ">",
}
VERDICT_COLOURS = {
    "reached": "#009E73",
    "on_track": "#0072B2",
    "behind": "#D55E00",
    "not_started": "#b0b0b0",
    "no_data": "#b0b0b0",
}
BUDGET = "#cfd8e3"
SPENT = "#0072B2"

_ready = False


def _setup() -> None:
    """Style once per process: later reports reuse it (the 50-report benchmark relies on it)."""
    global _ready
    if _ready:
        return
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: selectable, small, crisp when printed
            "svg.hashsalt": "cmkit",  # stable ids: the same report gives the same file
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
            "font.size": 10,
            "axes.edgecolor": MUTED,
            "axes.labelcolor": INK,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.titlecolor": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "axes.grid": True,
            "grid.color": GRID,
            "grid.linewidth": 0.8,
            "axes.axisbelow": True,
            "legend.frameon": False,
        }
    )
    _ready = True


def _figure(width: float, height: float) -> Figure:
    _setup()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def svg(fig: Figure) -> str:
    out = io.StringIO()
    # transparent: the page's paper colour shows through, and print stays white
    fig.savefig(out, format="svg", transparent=True, metadata={"Date": None, "Creator": "cmkit"})
    return out.getvalue()


def png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, facecolor="white", metadata={"Software": "cmkit"})
    return out.getvalue()


def _number_axis(ax: Any, i: I18n, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _: i.number(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def followers(report: Report, i: I18n) -> Figure | None:
    """Small multiples: each network on its own scale, the report's period shaded."""
    nets = [n for n in report.networks if len(n.series) >= 2]
    if not nets:
        return None
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    cols = 2 if len(nets) > 1 else 1
    rows = (len(nets) + cols - 1) // cols
    fig = _figure(9, 2.3 * rows + 0.3)
    axes = fig.subplots(rows, cols, squeeze=False)
    firsts = _month_starts(min(p.day for n in nets for p in n.series), report.as_of)
    for ax, n in zip(axes.flat, nets, strict=False):
        colour = PALETTE.get(n.network, INK)
        days = [_num(p.day) for p in n.series]
        values = [p.followers for p in n.series]
        ax.axvspan(
            _num(report.period.start),
            _num(report.as_of + timedelta(days=1)),
            color="#f3efe6",
            zorder=0,
            lw=0,
        )
        ax.plot(days, values, color=colour, lw=2)
        ax.plot(days[-1:], values[-1:], marker=MARKERS.get(n.network, "o"), color=colour)
        ax.annotate(
            i.number(values[-1]),
            (days[-1], values[-1]),
            xytext=(-6, 8),
            textcoords="offset points",
            ha="right",
            color=INK,
            fontweight="bold",
        )
        ax.set_title(i.network(n.network))
        ax.xaxis.set_major_locator(FixedLocator([_num(d) for d in firsts]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: i.short_date(_from_num(v))))
        ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
        _number_axis(ax, i)
        ax.margins(x=0.02, y=0.25)
    for ax in list(axes.flat)[len(nets) :]:
        ax.set_visible(False)
    return fig


def _month_starts(first: date, last: date) -> list[date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        if day >= first:
            out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _num(day: date) -> float:
    """Dates as day numbers on the x axis; the tick labels turn them back into words."""
    return float(day.toordinal())


def _from_num(value: float) -> date:
    return date.fromordinal(max(round(value), 1))


def engagement(report: Report, i: I18n) -> Figure | None:
    nets = [n for n in report.networks if n.engagements is not None]
    if not nets:
        return None
    fig = _figure(9, 0.55 * len(nets) + 0.9)
    ax = fig.subplots()
    names = [i.network(n.network) for n in nets][::-1]
    values = [n.engagements or 0 for n in nets][::-1]
    colours = [PALETTE.get(n.network, INK) for n in nets][::-1]
    bars = ax.barh(names, values, color=colours, height=0.6)
    for bar, n in zip(bars, nets[::-1], strict=True):
        rate = i.percent(n.engagement_rate)
        basis = f" {i.t('per_follower')}" if n.rate_basis == "followers" else ""
        ax.annotate(
            f"{i.number(n.engagements)}  ·  {rate}{basis}",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            color=INK,
        )
    ax.set_xlim(0, max(values) * 1.45 if max(values) else 1)
    ax.grid(axis="y", visible=False)
    _number_axis(ax, i, "x")
    ax.set_title(i.t("engagement_by_network"))
    return fig


def kpis(report: Report, i: I18n) -> Figure | None:
    rows = [o for o in report.objectives if o.progress is not None]
    if not rows:
        return None
    fig = _figure(9, 0.62 * len(rows) + 1.0)
    ax = fig.subplots()
    labels = [_short(o.label or o.id, 46) for o in rows][::-1]
    progress = [min(max(o.progress or 0, 0), 1.2) for o in rows][::-1]
    colours = [VERDICT_COLOURS[o.verdict] for o in rows][::-1]
    ax.barh(labels, [1.0] * len(rows), color="#eeeeee", height=0.55)
    bars = ax.barh(labels, progress, color=colours, height=0.55)
    for k, o in enumerate(rows[::-1]):
        ax.plot([o.elapsed, o.elapsed], [k - 0.38, k + 0.38], color=INK, lw=2)
        ax.annotate(
            f"{i.percent(o.progress, 0)} · {i.verdict(o.verdict)}",
            (max(bars[k].get_width(), 1.0), k),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            color=INK,
        )
    ax.set_xlim(0, 1.6)
    from matplotlib.ticker import FixedLocator, FuncFormatter

    ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: i.percent(v, 0)))
    ax.grid(axis="y", visible=False)
    ax.set_title(i.t("kpi_progress"))
    ax.text(
        1.0,
        -0.02,
        f"▮ {i.t('expected_pace')}",
        transform=ax.transAxes,
        ha="right",
        va="top",
        color=MUTED,
        fontsize=8,
    )
    return fig


def heatmap(report: Report, i: I18n) -> Figure | None:
    """Weekday × time of day, coloured around 1.0 (a typical post): purple above, orange
    below. Cells resting on fewer than MIN_POSTS posts are pale and hatched."""
    cells = [c for c in report.heatmap if c.index is not None]
    if len(cells) < 3:
        return None
    from matplotlib import colormaps
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    from .breakdowns import MIN_POSTS

    fig = _figure(9, 3.7)
    ax = fig.subplots()
    cmap = colormaps["PuOr"]
    norm = TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=2.0)
    for day in range(7):
        for bucket in range(len(HOUR_BUCKETS)):
            ax.add_patch(
                Rectangle(
                    (bucket - 0.48, day - 0.46), 0.96, 0.92, facecolor="#f1eee8", edgecolor="none"
                )
            )
    for c in cells:
        value = min(c.index or 0.0, 2.0)
        solid = c.posts >= MIN_POSTS
        ax.add_patch(
            Rectangle(
                (c.bucket - 0.48, c.weekday - 0.46),
                0.96,
                0.92,
                facecolor=cmap(norm(value)),
                alpha=1.0 if solid else 0.35,
                hatch=None if solid else "///",
                edgecolor="white",
                lw=1,
            )
        )
        strong = abs(value - 1.0) > 0.55 and solid
        ax.text(
            c.bucket,
            c.weekday,
            f"{i.index(c.index)}\n({c.posts})",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if strong else INK,
        )
    ax.set_xlim(-0.5, len(HOUR_BUCKETS) - 0.5)
    ax.set_ylim(6.5, -0.5)
    ax.set_yticks(range(7), [i.weekday(d) for d in range(7)])
    ax.set_xticks(range(len(HOUR_BUCKETS)), [i.hours(a, b) for a, b in HOUR_BUCKETS], fontsize=8)
    ax.grid(visible=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    from matplotlib.cm import ScalarMappable

    bar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        shrink=0.85,
        pad=0.01,
        ticks=[0, 0.5, 1, 1.5, 2],
    )
    bar.ax.set_yticklabels([i.number(v, 1) for v in (0, 0.5, 1, 1.5, 2)])
    bar.set_label(i.t("index_scale"))
    ax.set_title(i.t("best_hours"))
    return fig


def campaigns(report: Report, i: I18n) -> Figure | None:
    rows = report.campaigns
    if not rows:
        return None
    fig = _figure(9, 0.8 * len(rows) + 1.1)
    ax = fig.subplots()
    names = [_short(c.name, 40) for c in rows][::-1]
    ax.barh(names, [c.budget for c in rows][::-1], color=BUDGET, height=0.6, label=i.t("budget"))
    ax.barh(names, [c.spent for c in rows][::-1], color=SPENT, height=0.36, label=i.t("spent"))
    for k, c in enumerate(rows[::-1]):
        if 0 < c.elapsed < 1:  # where the spend would be at a steady pace
            pace = c.budget * c.elapsed
            ax.plot([pace, pace], [k - 0.36, k + 0.36], color=INK, lw=2)
        parts = [f"{i.money(c.spent, c.currency, 0)} / {i.money(c.budget, c.currency, 0)}"]
        if c.cpa is not None:
            parts.append(f"{i.t('cpa')} {i.money(c.cpa, c.currency)}")
        if c.roas is not None:
            parts.append(f"{i.t('roas')} {i.number(c.roas, 1)}")
        ax.annotate(
            "  ·  ".join(parts),
            (max(c.budget, c.spent), k),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            color=INK,
        )
    ax.set_xlim(0, max(max(c.budget, c.spent) for c in rows) * 1.9 or 1)
    ax.grid(axis="y", visible=False)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: i.money(v, rows[0].currency, 0)))
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color=INK, lw=2))
    labels.append(i.t("expected_pace"))
    fig.legend(handles, labels, loc="outside lower right", ncols=3)
    ax.set_title(i.t("campaign_chart"))
    return fig


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


CHARTS = {
    "followers": followers,
    "engagement": engagement,
    "kpis": kpis,
    "heatmap": heatmap,
    "campaigns": campaigns,
}
WEEKLY = ("followers", "engagement", "kpis")


def draw(report: Report, i: I18n) -> dict[str, Figure]:
    """Every chart the report has data for, by name, in reading order."""
    names = WEEKLY if report.period.kind == "week" else tuple(CHARTS)
    out = {}
    for name in names:
        fig = CHARTS[name](report, i)
        if fig is not None:
            out[name] = fig
    return out

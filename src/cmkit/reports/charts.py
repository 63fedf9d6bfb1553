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


def _figure(
    width: float,
    height: float,
    left: float = 0.7,
    right: float = 0.25,
    top: float = 0.45,
    bottom: float = 0.45,
) -> Figure:
    """A figure with fixed margins in inches: laid out once, not measured and re-measured
    as a layout engine does (which doubled the time of each chart)."""
    _setup()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    return fig


def _label_width(labels: list[str]) -> float:
    """Inches the longest (wrapped) label needs at 10 pt, plus the tick."""
    longest = max((len(line) for label in labels for line in label.split("\n")), default=4)
    return 0.3 + 0.085 * longest


def _wrap(text: str, width: int = 26, lines: int = 2) -> str:
    import textwrap

    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], _short(" ".join(wrapped[lines - 1 :]), width)]
    return "\n".join(wrapped)


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
    """Growth since the chart's first day, every network on one scale (in %), each line
    ending on its network's name and follower count; the report's period shaded."""
    nets = [n for n in report.networks if len(n.series) >= 2 and n.series[0].followers]
    if not nets:
        return None
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    fig = _figure(9, 3.6, left=0.7, right=2.1, top=0.4, bottom=0.4)
    ax = fig.subplots()
    first = min(p.day for n in nets for p in n.series)
    ax.axvspan(
        _num(report.period.start),
        _num(report.as_of + timedelta(days=1)),
        color="#f3efe6",
        zorder=0,
        lw=0,
    )
    ends = []
    for n in nets:
        colour = PALETTE.get(n.network, INK)
        start = n.series[0].followers
        days = [_num(p.day) for p in n.series]
        growth = [(p.followers - start) / start for p in n.series]
        ax.plot(days, growth, color=colour, lw=2)
        ax.plot(days[-1:], growth[-1:], marker=MARKERS.get(n.network, "o"), color=colour)
        label = f"{i.network(n.network)} {i.number(n.series[-1].followers)}"
        ends.append((growth[-1], label, colour))
    low, high = min(e[0] for e in ends), max(e[0] for e in ends)
    span = max(high - low, max(abs(high), 0.02))
    ax.set_ylim(min(low, 0) - 0.08 * span, high + 0.12 * span)
    for y, label, colour in _spread(ends, 0.09 * (ax.get_ylim()[1] - ax.get_ylim()[0])):
        ax.annotate(
            label,
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            color=colour,
            fontweight="bold",
        )
    ax.xaxis.set_major_locator(FixedLocator([_num(d) for d in _month_starts(first, report.as_of)]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: i.short_date(_from_num(v))))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    decimals = 0 if ax.get_ylim()[1] - ax.get_ylim()[0] > 0.05 else 1
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: i.signed_percent(v, decimals)))
    ax.set_title(i.t("followers_growth", since=i.short_date(first)))
    return fig


def _spread(ends: list[tuple[float, str, str]], gap: float) -> list[tuple[float, str, str]]:
    """End labels moved apart just enough not to overlap, in the lines' order."""
    placed: list[tuple[float, str, str]] = []
    for y, label, colour in sorted(ends):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, label, colour))
    return placed


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
    names = [i.network(n.network) for n in nets][::-1]
    fig = _figure(9, 0.55 * len(nets) + 0.55, left=_label_width(names), bottom=0.1)
    ax = fig.subplots()
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
    _bare_x(ax)
    ax.set_title(i.t("engagement_by_network"))
    return fig


def kpis(report: Report, i: I18n) -> Figure | None:
    rows = [o for o in report.objectives if o.progress is not None]
    if not rows:
        return None
    labels = [_wrap(o.label or o.id) for o in rows][::-1]
    fig = _figure(9, 0.7 * len(rows) + 1.0, left=_label_width(labels))
    ax = fig.subplots()
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
    from matplotlib.collections import PatchCollection
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    from .breakdowns import MIN_POSTS

    days = [i.weekday(d) for d in range(7)]
    fig = _figure(9, 3.7, left=_label_width(days), right=2.0)
    ax = fig.subplots()
    cmap = colormaps["PuOr"]
    norm = TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=2.0)
    # the empty grid and the cells as two or three collections, not one patch per cell:
    # a third of the chart's drawing time
    ax.set_facecolor("#f1eee8")
    ax.hlines([d + 0.5 for d in range(6)], -0.5, len(HOUR_BUCKETS) - 0.5, color="white", lw=3)
    ax.vlines([b + 0.5 for b in range(len(HOUR_BUCKETS) - 1)], -0.5, 6.5, color="white", lw=3)
    for solid in (True, False):
        group = [c for c in cells if (c.posts >= MIN_POSTS) is solid]
        if not group:
            continue
        boxes = [Rectangle((c.bucket - 0.485, c.weekday - 0.47), 0.97, 0.94) for c in group]
        colours = [cmap(norm(min(c.index or 0.0, 2.0))) for c in group]
        ax.add_collection(
            PatchCollection(
                boxes,
                facecolors=colours,
                edgecolors="white",
                linewidths=0.5,
                alpha=1.0 if solid else 0.35,
                hatch=None if solid else "///",
            )
        )
    for c in cells:
        value = min(c.index or 0.0, 2.0)
        strong = abs(value - 1.0) > 0.55 and c.posts >= MIN_POSTS
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
    # a legend of three swatches rather than a colour bar: one artist, not a second axes
    swatches = [
        Rectangle((0, 0), 1, 1, facecolor=cmap(norm(v)), edgecolor=GRID) for v in (0.4, 1.0, 1.6)
    ]
    swatches.append(Rectangle((0, 0), 1, 1, facecolor=cmap(norm(1.4)), alpha=0.35, hatch="///"))
    ax.legend(
        swatches,
        [i.t("index_low"), i.t("index_typical"), i.t("index_high"), i.t("few_posts_short")],
        title=i.t("index_scale"),
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        fontsize=8,
        title_fontsize=8,
        alignment="left",
    )
    ax.set_title(i.t("best_hours"))
    return fig


def campaigns(report: Report, i: I18n) -> Figure | None:
    rows = report.campaigns
    if not rows:
        return None
    names = [_wrap(c.name, 30) for c in rows][::-1]
    fig = _figure(9, 0.8 * len(rows) + 0.95, left=_label_width(names), bottom=0.5)
    ax = fig.subplots()
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
    _bare_x(ax)
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color=INK, lw=2))
    labels.append(i.t("expected_pace"))
    fig.legend(handles, labels, loc="lower right", ncols=3)
    ax.set_title(i.t("campaign_chart"))
    return fig


def _bare_x(ax: Any) -> None:
    """No value axis where every bar carries its figure: less ink, and fewer ticks to draw."""
    ax.grid(visible=False)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)


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

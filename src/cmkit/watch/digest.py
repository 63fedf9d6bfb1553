"""The digest a CM reads: items grouped by topic, brand and competitor mentions first.

Brand terms are `watch.yaml`'s `brand` list (the client's name when it is empty);
competitors are matched by name and by their accounts' handles, and every item of a
competitor's own feed counts as theirs. Matching ignores case and accents and respects
word edges ("Martin" does not match "Martinez"). An item that was already more than
`STALE_DAYS` old when cmkit found it (the back catalogue of a feed read for the first
time) is stored but not shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .feeds import host_of
from .sources import COMPETITORS_TOPIC
from .store import CountLine, Item

if TYPE_CHECKING:
    from ..workspace import ClientSpace

STALE_DAYS = 14
OTHER_TOPIC = "other"
BRAND_MARK, COMPETITOR_MARK = "★", "◆"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Matcher:
    """Finds which of a set of terms a text mentions."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = {
            t: re.compile(rf"(?<![\w@#]){re.escape(fold(t))}(?![\w])")
            for t in dict.fromkeys(t.strip() for t in terms)
            if t
        }

    def find(self, text: str) -> list[str]:
        folded = fold(text)
        return [term for term, pattern in self.terms.items() if pattern.search(folded)]


@dataclass
class Entry:
    item: Item
    brand: list[str]  # brand terms it mentions
    competitors: list[str]  # competitors it concerns

    def to_dict(self) -> dict[str, Any]:
        return {**self.item.to_dict(), "brand": self.brand, "competitors": self.competitors}


@dataclass
class Group:
    topic: str
    entries: list[Entry]


@dataclass
class CountTrend:
    competitor: str
    network: str
    handle: str
    followers: int | None
    change: int | None  # since the oldest line of the trend window
    since: date | None


@dataclass
class ClientDigest:
    slug: str
    name: str
    groups: list[Group] = field(default_factory=list)
    stale: int = 0  # items stored but not shown: already old when found
    counts: list[CountTrend] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    @property
    def brand_mentions(self) -> int:
        return sum(bool(e.brand) for g in self.groups for e in g.entries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.slug,
            "name": self.name,
            "stale_hidden": self.stale,
            "topics": [
                {"topic": g.topic, "items": [e.to_dict() for e in g.entries]} for g in self.groups
            ],
            "counts": [
                vars(c) | {"since": c.since.isoformat() if c.since else None} for c in self.counts
            ],
        }


def matchers(space: ClientSpace) -> tuple[Matcher, dict[str, Matcher]]:
    """The brand's terms; each competitor's name, handles and the sites of its feeds."""
    watch = space.watch
    brand = list(watch.brand) if watch and watch.brand else [space.name]
    rivals = {
        c.name: Matcher(
            [
                c.name,
                *(h.lstrip("@") for h in c.accounts.values()),
                *(host_of(url) for url in c.feeds),
            ]
        )
        for c in (watch.competitors if watch else [])
    }
    return Matcher(brand), rivals


def build(
    space: ClientSpace,
    items: Iterable[Item],
    counts: list[CountLine],
    today: date,
    trend_days: int = 30,
) -> ClientDigest:
    brand, rivals = matchers(space)
    digest = ClientDigest(space.slug, space.name)
    groups: dict[str, list[Entry]] = {}
    for item in items:
        if item.published is not None and item.seen - item.published > timedelta(days=STALE_DAYS):
            digest.stale += 1
            continue
        text = " ".join(filter(None, (item.title, item.summary, item.link, item.author)))
        concerned = [name for name, m in rivals.items() if m.find(text)]
        if item.competitor and item.competitor not in concerned:
            concerned.insert(0, item.competitor)
        topic = item.topic or (COMPETITORS_TOPIC if item.competitor else OTHER_TOPIC)
        groups.setdefault(topic, []).append(Entry(item, brand.find(text), concerned))
    for topic, entries in groups.items():
        entries.sort(key=lambda e: (not e.brand, not e.competitors, -e.item.when.timestamp()))
        digest.groups.append(Group(topic, entries))
    # topics holding brand mentions first, then the largest
    digest.groups.sort(
        key=lambda g: (-sum(bool(e.brand) for e in g.entries), -len(g.entries), g.topic)
    )
    digest.counts = trends(counts, today, trend_days)
    return digest


def trends(counts: list[CountLine], today: date, days: int) -> list[CountTrend]:
    """Each tracked account's latest followers and the change over the last `days`."""
    start = today - timedelta(days=days)
    by_account: dict[tuple[str, str], list[CountLine]] = {}
    for line in sorted(counts, key=lambda c: c.day):
        if line.day >= start:
            by_account.setdefault((line.competitor, line.network), []).append(line)
    out = []
    for (competitor, network), lines in sorted(by_account.items()):
        first, last = lines[0], lines[-1]
        change = (
            last.followers - first.followers
            if len(lines) > 1 and last.followers is not None and first.followers is not None
            else None
        )
        out.append(
            CountTrend(
                competitor,
                network,
                last.handle,
                last.followers,
                change,
                first.day if change is not None else None,
            )
        )
    return out


def select(
    items: Iterable[Item], since: datetime | None, until: datetime | None = None
) -> list[Item]:
    """Items first seen in [since, until)."""
    return [
        i for i in items if (since is None or i.seen >= since) and (until is None or i.seen < until)
    ]


# --- rendering -------------------------------------------------------------------------


def _mark(entry: Entry) -> str:
    return BRAND_MARK if entry.brand else COMPETITOR_MARK if entry.competitors else " "


def _where(entry: Entry) -> str:
    """Where it comes from: the site (or the author of a post), the competitors it concerns
    (unless the source already names them), the source."""
    item = entry.item
    origin = (
        item.author
        if item.kind == "post" and item.author
        else host_of(item.link)
        if item.link
        else ""
    )
    # competitors before the source: on a narrow line, the source is what gets cut
    parts = [origin, *(c for c in entry.competitors if fold(c) not in fold(item.source))]
    parts.append(item.source)
    return " · ".join(dict.fromkeys(p for p in parts if p))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _count_line(trend: CountTrend) -> str:
    followers = "?" if trend.followers is None else f"{trend.followers:,}".replace(",", " ")
    line = f"{trend.competitor} ({trend.network}): {followers} followers"
    if trend.change is not None and trend.since is not None:
        line += f" ({trend.change:+d} since {trend.since:%d %b})"
    return line


def render_text(digests: list[ClientDigest], title: str, width: int = 80) -> str:
    lines: list[str] = []
    for digest in digests:
        lines.append(
            _cut(
                f"{digest.name} — {title}: {digest.size} item(s)"
                + (f", {digest.brand_mentions} brand mention(s)" if digest.brand_mentions else ""),
                width,
            )
        )
        if not digest.size:
            lines.append("  nothing new")
        for group in digest.groups:
            lines.append("")
            lines.append(f"{group.topic} ({len(group.entries)})")
            for entry in group.entries:
                item = entry.item
                head = f"  {_mark(entry)} {item.when:%d %b}  "
                lines.append(head + _cut(item.title, width - len(head)))
                pad = " " * len(head)
                where = _where(entry)
                if where:
                    lines.append(pad + _cut(where, width - len(pad)))
                if item.link:
                    lines.append(pad + item.link)  # whole: a cut link opens nothing
        if digest.stale:
            lines.append("")
            lines.append(
                f"  ({digest.stale} older item(s) stored, not shown: already more "
                f"than {STALE_DAYS} days old when found)"
            )
        if digest.counts:
            lines.append("")
            lines.append("competitors' public counts")
            lines += [_cut("  " + _count_line(t), width) for t in digest.counts]
        lines.append("")
    if any(d.size for d in digests):
        lines.append(f"{BRAND_MARK} mentions the brand   {COMPETITOR_MARK} about a competitor")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def render_markdown(digests: list[ClientDigest], title: str) -> str:
    lines: list[str] = []
    for digest in digests:
        lines += [f"# {_md(digest.name)} — {_md(title)}", ""]
        if not digest.size:
            lines += ["Nothing new.", ""]
        for group in digest.groups:
            lines += [f"## {_md(group.topic)} ({len(group.entries)})", ""]
            for entry in group.entries:
                item = entry.item
                label = f"[{_md(item.title)}](<{item.link}>)" if item.link else _md(item.title)
                mark = "★ " if entry.brand else "◆ " if entry.competitors else ""
                strong = f"**{label}**" if entry.brand else label
                lines.append(f"- {mark}{strong} — {_md(_where(entry))}, {item.when:%d %b %Y}")
                if item.summary and item.summary != item.title:
                    lines.append(f"  > {_md(item.summary)}")
            lines.append("")
        if digest.stale:
            lines += [f"_{digest.stale} older item(s) stored, not shown._", ""]
        if digest.counts:
            lines += ["## Competitors' public counts", ""]
            lines += [f"- {_md(_count_line(t))}" for t in digest.counts]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"

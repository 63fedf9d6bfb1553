"""What `calendar`, `stock` and `today` share on screen: status styles, network
abbreviations, and a light column layout.

rich's Table costs a quarter of a millisecond per line; a month of 50 clients is 6,000
lines. `grid` lays out fixed-width columns into one Text instead (ten times faster), with
the same look: header, rule, two spaces between columns, cells cut with an ellipsis or
wrapped when marked so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# one style per state; the state's name is always printed too, so NO_COLOR loses nothing
STYLES = {
    "published": "green", "approved": "bold green", "partial": "yellow",
    "overdue": "bold red", "missed": "red", "review": "cyan", "draft": "yellow",
    "idea": "magenta", "cancelled": "dim strike", "empty": "bold yellow",
    "holiday": "blue", "commercial": "blue", "key-date": "bold blue", "highlight": "bold blue",
}
SHORT = {"instagram": "ig", "facebook": "fb", "linkedin": "li", "x": "x", "threads": "th",
         "bluesky": "bs", "mastodon": "ma", "telegram": "tg", "discord": "dc"}

Justify = Literal["left", "right"]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def short_networks(networks: Sequence[str]) -> str:
    return " ".join(SHORT.get(n, n) for n in networks)


def legend(networks: set[str]) -> str:
    order = list(SHORT)
    return " · ".join(f"{SHORT.get(n, n)} {n}" for n in sorted(
        networks, key=lambda n: order.index(n) if n in order else len(order)))


def wrapped(text: str, style: str = "") -> Text:
    """A cell that wraps onto more lines instead of being cut."""
    from rich.text import Text

    return Text(text, style, no_wrap=False)


def grid(console: Console, rows: Sequence[Sequence[str | Text]], widths: Sequence[int],
         header: Sequence[str] | None = None,
         justify: Sequence[Justify] | None = None) -> Text:
    """Rows in columns of the given widths, as one Text."""
    from rich.text import Text

    justify = justify or ["left"] * len(widths)
    lines: list[Text] = []
    if header:
        lines.append(_line([Text(h, "bold") for h in header], widths, justify))
        lines.append(Text("─" * (sum(widths) + 2 * (len(widths) - 1)), "dim"))
    for row in rows:
        if not any(isinstance(c, Text) and c.no_wrap is False for c in row):
            lines.append(_line(row, widths, justify))
            continue
        columns: list[list[str | Text]] = []
        for cell, width in zip(row, widths, strict=True):
            if isinstance(cell, Text) and cell.no_wrap is False and cell.cell_len > width:
                columns.append(list(cell.wrap(console, width)))
            else:
                columns.append([cell])
        for index in range(max(len(c) for c in columns)):
            lines.append(_line([c[index] if index < len(c) else "" for c in columns],
                               widths, justify))
    return Text("\n").join(lines)


def _line(cells: Sequence[str | Text], widths: Sequence[int],
          justify: Sequence[Justify]) -> Text:
    """One line of cells, built as a string and style spans (far cheaper than appending
    Text pieces)."""
    from rich.cells import cell_len, set_cell_size
    from rich.text import Span, Text

    parts: list[str] = []
    spans: list[Span] = []
    position = 0
    last = len(cells) - 1
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        if isinstance(cell, Text):
            text, style, inner = cell.plain, cell.style, cell.spans
        else:
            text, style, inner = cell, "", []
        length = cell_len(text)
        if length > width:
            # cut at the width, without a space before the ellipsis
            text = set_cell_size(text, max(width - 1, 0)).rstrip() + "…"
            length = cell_len(text)
        if index:
            parts.append("  ")
            position += 2
        if justify[index] == "right":
            parts.append(" " * (width - length))
            position += width - length
        start = position
        parts.append(text)
        position += len(text)
        if style:
            spans.append(Span(start, position, style))
        for span in inner:
            end = min(start + span.end, position)
            if start + span.start < end:
                spans.append(Span(start + span.start, end, span.style))
        if justify[index] == "left" and index < last:
            parts.append(" " * (width - length))
            position += width - length
    plain = "".join(parts).rstrip()
    return Text(plain, spans=[Span(s.start, min(s.end, len(plain)), s.style) for s in spans
                              if s.start < len(plain)])


def fit(console: Console, text: Text, width: int | None = None) -> Text:
    """Prose wrapped to the width, so the whole output can be printed without rewrapping."""
    from rich.text import Text

    return Text("\n").join(text.wrap(console, width or console.width))


def show(console: Console, text: Text) -> None:
    """Print laid-out text as it is: every line already fits (see `grid` and `fit`)."""
    console.print(text, no_wrap=True, crop=False, overflow="ignore")

"""What `calendar`, `stock` and `today` share on screen: status styles, network
abbreviations, and a light column layout.

rich's Table costs a quarter of a millisecond per line; a month of 50 clients is 6,000
lines. `grid` lays out fixed-width columns into one Text instead (ten times faster), with
the same look: header, rule, two spaces between columns, cells cut with an ellipsis or
wrapped when marked so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# one style per state; the state's name is always printed too, so NO_COLOR loses nothing
STYLES = {
    "published": "green",
    "approved": "bold green",
    "partial": "yellow",
    "overdue": "bold red",
    "missed": "red",
    "review": "cyan",
    "draft": "yellow",
    "idea": "magenta",
    "cancelled": "dim strike",
    "empty": "bold yellow",
    "holiday": "blue",
    "commercial": "blue",
    "key-date": "bold blue",
    "highlight": "bold blue",
}
SHORT = {
    "instagram": "ig",
    "facebook": "fb",
    "linkedin": "li",
    "x": "x",
    "threads": "th",
    "bluesky": "bs",
    "mastodon": "ma",
    "telegram": "tg",
    "discord": "dc",
}

Justify = Literal["left", "right"]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def short_networks(networks: Sequence[str]) -> str:
    return " ".join(SHORT.get(n, n) for n in networks)


def legend(networks: set[str]) -> str:
    order = list(SHORT)
    return " · ".join(
        f"{SHORT.get(n, n)} {n}"
        for n in sorted(networks, key=lambda n: order.index(n) if n in order else len(order))
    )


def wrapped(text: str, style: str = "") -> Text:
    """A cell that wraps onto more lines instead of being cut."""
    from rich.text import Text

    return Text(text, style, no_wrap=False)


def grid(
    console: Console,
    rows: Sequence[Sequence[str | Text]],
    widths: Sequence[int],
    header: Sequence[str] | None = None,
    justify: Sequence[Justify] | None = None,
) -> Text:
    """Rows in columns of the given widths, as one Text."""
    from rich.text import Text

    out = _Builder(widths, justify or ["left"] * len(widths))
    if header:
        out.line([Text(h, "bold") for h in header])
        out.line([Text("─" * (sum(widths) + 2 * (len(widths) - 1)), "dim")], ruler=True)
    for row in rows:
        if not any(isinstance(c, Text) and c.no_wrap is False for c in row):
            out.line(row)
            continue
        columns: list[list[str | Text]] = []
        for cell, width in zip(row, widths, strict=True):
            if isinstance(cell, Text) and cell.no_wrap is False and cell.cell_len > width:
                columns.append(list(cell.wrap(console, width)))
            else:
                columns.append([cell])
        for index in range(max(len(c) for c in columns)):
            out.line([c[index] if index < len(c) else "" for c in columns])
    return out.text()


class _Builder:
    """Lines accumulated as one string and its style spans: building a Text per cell or
    per line costs more than the layout itself."""

    def __init__(self, widths: Sequence[int], justify: Sequence[Justify]) -> None:
        self.widths = widths
        self.justify = justify
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, Any]] = []
        self.position = 0

    def line(self, cells: Sequence[str | Text], ruler: bool = False) -> None:
        from rich.cells import cell_len, set_cell_size
        from rich.text import Span

        if self.parts:
            self.parts.append("\n")
            self.position += 1
        line_start = self.position
        pieces: list[str] = []
        spans: list[tuple[int, int, Any]] = []
        position = self.position
        last = len(cells) - 1
        for index, cell in enumerate(cells):
            width = self.widths[index] if not ruler else 10**6
            text: str
            style: Any
            inner: Sequence[Span]
            if isinstance(cell, str):
                text, style, inner = cell, "", ()
            else:
                text, style, inner = cell.plain, cell.style, cell.spans
            length = cell_len(text)
            if length > width:
                # cut at the width, without a space before the ellipsis
                text = set_cell_size(text, max(width - 1, 0)).rstrip() + "…"
                length = cell_len(text)
            if index:
                pieces.append("  ")
                position += 2
            pad = " " * (width - length) if not ruler else ""
            if self.justify[index] == "right":
                pieces.append(pad)
                position += len(pad)
            start = position
            pieces.append(text)
            position += len(text)
            if style:
                spans.append((start, position, style))
            for span in inner:
                spans.append((start + span.start, min(start + span.end, position), span.style))
            if self.justify[index] == "left" and index < last:
                pieces.append(pad)
                position += len(pad)
        plain = "".join(pieces).rstrip()
        self.parts.append(plain)
        self.position = line_start + len(plain)
        self.spans += [
            (a, min(b, self.position), st) for a, b, st in spans if a < self.position and a < b
        ]

    def text(self) -> Text:
        from rich.text import Span, Text

        return Text("".join(self.parts), spans=[Span(*s) for s in self.spans])


def fit(console: Console, text: Text, width: int | None = None) -> Text:
    """Prose wrapped to the width, so the whole output can be printed without rewrapping."""
    from rich.text import Text

    lines = text.wrap(console, width or console.width)
    for line in lines:
        line.rstrip()
    return Text("\n").join(lines)


def show(console: Console, text: Text) -> None:
    """Print laid-out text as it is: every line already fits (see `grid` and `fit`).

    Into a pipe or a file rich writes no styles at all, so the plain text is written
    directly: the same bytes, without rendering thousands of lines into segments.
    """
    if console.is_terminal or console.is_jupyter:
        console.print(text, no_wrap=True, crop=False, overflow="ignore")
        return
    console.file.write(text.plain + "\n")
    console.file.flush()

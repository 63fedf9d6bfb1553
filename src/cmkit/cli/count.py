"""`cmkit count`: how long a text is on one network, by that network's own rule."""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..text import Count


def count(
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help="The text to measure, or - to read it from standard input.",
            show_default=False,
        ),
    ],
    network: Annotated[
        str,
        typer.Option(
            "--network",
            "-n",
            metavar="NAME",
            help="x, bluesky, mastodon, "
            "threads, linkedin, instagram, facebook, telegram "
            "or discord.",
            show_default=False,
        ),
    ],
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            metavar="N",
            help="Use this limit instead of the network's (a Mastodon instance's own, X Premium).",
            show_default=False,
        ),
    ] = None,
    caption: Annotated[
        bool,
        typer.Option(
            "--caption",
            help="The text goes with media: "
            "Telegram allows 1024 instead of 4096, and an "
            "empty text is fine.",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Count TEXT the way NETWORK does and say whether it fits.

    X: weighted length (URLs 23, emoji and CJK 2); Bluesky: graphemes and UTF-8 bytes;
    Mastodon: graphemes, URLs 23, remote mentions by username; Threads: emoji count
    as their UTF-8 bytes; Telegram: UTF-16 units; others: characters. Also lists the
    hashtags, links and mentions the network will see.

    With -, the text is read from standard input (one final newline is dropped).
    Exit code 0 when the text fits, 1 when it does not, 2 on usage errors.
    """
    from ..diagnostics import CmkitError, suggest
    from ..networks import Network, parse_network
    from ..text import count as measure

    chosen = parse_network(network)
    if chosen is None:
        names = [n.value for n in Network]
        guess = suggest(network, names)
        hint = f"did you mean '{guess}'?" if guess else f"one of {', '.join(names)}"
        raise CmkitError(f"unknown network '{network}'", hint)
    body = _read_stdin() if text == "-" else text
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise CmkitError("the text is not valid UTF-8", "save it as UTF-8 and retry") from None
    result = measure(body, chosen, limit=limit, caption=caption)
    if json_out:
        from .common import print_json

        print_json(result.to_dict())
    else:
        sys.stdout.write(render(result) + "\n")
    raise typer.Exit(0 if result.valid else 1)


def _read_stdin() -> str:
    from ..diagnostics import CmkitError

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CmkitError(
                f"standard input is not UTF-8 (byte {exc.start})", "convert it, e.g. iconv -t UTF-8"
            ) from None
    return data.removesuffix("\n").removesuffix("\r")


def render(result: Count) -> str:
    """A small block a person reads at a glance, at most 80 columns wide."""
    over = result.length - result.limit
    fits = f"{-over} left" if over <= 0 else f"{over} over"
    rows = [
        ("network", str(result.network)),
        ("length", f"{result.length} / {result.limit} {result.unit} ({fits})"),
        ("valid", "yes" if result.valid else f"no: {result.reason}"),
        ("bytes", _bytes_text(result)),
        ("hashtags", ", ".join("#" + tag for tag in result.hashtags) or "-"),
        ("urls", ", ".join(result.urls) or "-"),
        ("mentions", ", ".join(result.mentions) or "-"),
    ]
    lines = []
    for label, value in rows:
        lines.append(
            textwrap.fill(
                value,
                width=80,
                initial_indent=f"{label:<10}",
                subsequent_indent=" " * 10,
                break_long_words=True,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _bytes_text(result: Count) -> str:
    from ..networks import LIMITS

    max_bytes = LIMITS[result.network].max_bytes
    return f"{result.bytes} / {max_bytes} (UTF-8)" if max_bytes else f"{result.bytes} (UTF-8)"


def register(app: typer.Typer) -> None:
    app.command("count")(count)

"""Report model → Markdown (images beside it), HTML (one self-contained file) or PDF.

HTML is rendered by jinja2 with autoescaping on: whatever a post or a network says is
shown as text, never run as markup. Charts are SVG inside data URIs, so the file needs
nothing else, makes no request and prints as crisp vectors. Markdown gets PNG charts in a
folder beside it, and every user-written string escaped for Markdown.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .breakdowns import HOUR_BUCKETS
from .i18n import I18n
from .model import Report

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("md", "html", "pdf", "json")
_ALT = {
    "followers": "chart_alt_followers",
    "engagement": "chart_alt_engagement",
    "kpis": "chart_alt_kpi",
    "heatmap": "chart_alt_heatmap",
    "campaigns": "chart_alt_campaigns",
}
_envs: dict[bool, Environment] = {}


@dataclass(frozen=True)
class Chart:
    uri: str  # a data URI (HTML) or a path relative to the Markdown file
    alt: str


def _env(markdown: bool) -> Environment:
    """One environment per kind, kept for the process: templates compile once."""
    if markdown not in _envs:
        from jinja2 import (
            Environment,
            FileSystemBytecodeCache,
            FileSystemLoader,
            StrictUndefined,
        )

        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            bytecode_cache=_bytecode_cache(FileSystemBytecodeCache),
            autoescape=not markdown,
            undefined=StrictUndefined,
            trim_blocks=markdown,
            lstrip_blocks=markdown,
            keep_trailing_newline=True,
        )
        env.filters["md"] = escape_markdown
        env.filters["mdurl"] = _markdown_url
        _envs[markdown] = env
    return _envs[markdown]


def _bytecode_cache(kind: Any) -> Any:
    """Compiled templates kept under $XDG_CACHE_HOME/cmkit: compiling them costs more than
    rendering a report. None (no cache) when that folder cannot be written."""
    import os

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "cmkit" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return kind(str(folder))


# inline markup only: user text never starts a line, so "#", "-", "1." cannot open a block
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")


def escape_markdown(value: object) -> str:
    """Text shown as written in Markdown: no markup, no raw HTML, one line."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown_url(value: object) -> str:
    return str(value).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _context(report: Report, charts: dict[str, Chart]) -> dict[str, Any]:
    return {"r": report, "i": I18n(report.language), "charts": charts, "buckets": HOUR_BUCKETS}


def render_html(report: Report) -> str:
    from . import charts as drawing

    i = I18n(report.language)
    charts = {}
    for name, fig in drawing.draw(report, i).items():
        data = base64.b64encode(drawing.svg(fig).encode("utf-8")).decode("ascii")
        charts[name] = Chart(f"data:image/svg+xml;base64,{data}", i.t(_ALT[name]))
    return _env(False).get_template("report.html.j2").render(_context(report, charts))


def render_markdown(report: Report, image_dir: Path, image_prefix: str) -> str:
    """Markdown text; the charts are written as PNG files into image_dir."""
    from . import charts as drawing

    i = I18n(report.language)
    charts = {}
    figures = drawing.draw(report, i)
    if figures:
        image_dir.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        (image_dir / f"{name}.png").write_bytes(drawing.png(fig))
        charts[name] = Chart(f"{image_prefix}{name}.png", i.t(_ALT[name]))
    return _env(True).get_template("report.md.j2").render(_context(report, charts))


def default_path(report: Report, root: Path, fmt: str) -> Path:
    """clients/<slug>/reports/<period>.<ext>"""
    return root / "reports" / f"{report.period.label}.{fmt}"


def write(report: Report, fmt: str, out: Path) -> list[Path]:
    """Write the report in a format; returns the files written (the main one first)."""
    import json

    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        _atomic(out, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return [out]
    if fmt == "md":
        image_dir = out.with_name(f"{out.stem}-charts")
        text = render_markdown(report, image_dir, f"{image_dir.name}/")
        _atomic(out, text)
        return [out, *sorted(image_dir.glob("*.png"))]
    page = render_html(report)
    if fmt == "html":
        _atomic(out, page)
        return [out]
    from .pdf import print_pdf

    print_pdf(page, out)
    return [out]


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

"""The HTML report in a real browser: offline, no error, hostile text shown as text.

Needs Debian's `chromium` (scripts/test-deps/chromium.sh installs it)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reports.cdp import Browser
from reports.test_render import HOSTILE, _make_top_post_hostile

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        not (shutil.which("chromium") or shutil.which("chromium-browser")),
        reason="needs Chromium: sh scripts/test-deps/chromium.sh",
    ),
]


def test_the_report_loads_offline_and_cleanly(agency: Path, cmkit: Callable) -> None:
    _make_top_post_hostile(agency)
    r = cmkit("-w", agency, "report", "boulangerie-martin", "--month", "2026-11")
    assert r.exit_code == 0, r.stderr
    page = Path(r.stdout.strip())
    with Browser() as browser:
        session, log = browser.open(page.as_uri())
        outside = [u for u in log.requests if not u.startswith(("file:", "data:"))]
        assert outside == []  # not one request leaves the file
        assert log.exceptions == []
        assert [c for c in log.console if c[0] in ("error", "warning", "assert")] == []
        assert browser.evaluate(session, "document.scripts.length") == 0
        shown = browser.evaluate(session, "document.querySelector('#posts').innerText")
        assert '<script>alert("pwned")</script>' in shown  # as text, for the reader to see
        assert HOSTILE.split(" | ")[0].split("**")[0].strip() in " ".join(shown.split())
        images = browser.evaluate(
            session, "[...document.images].map(i => [i.complete && i.naturalWidth > 0, i.alt])"
        )
        assert len(images) == 5 and all(ok and alt for ok, alt in images)
        height = browser.evaluate(session, "document.body.scrollHeight")
        assert height > 3000  # a real report, not an empty page


def test_pdf_is_printed_by_chromium(agency: Path, cmkit: Callable) -> None:
    r = cmkit("-w", agency, "report", "cafe-erable", "--month", "2026-11", "-f", "pdf")
    assert r.exit_code == 0, r.stderr
    pdf = Path(r.stdout.strip()).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") >= 3

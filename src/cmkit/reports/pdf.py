"""PDF through headless Chromium's print-to-PDF: the browser that renders the HTML report
prints it, with its print stylesheet (A4, no page breaks inside a table row or a chart).

Chromium runs with a throwaway profile and every background service off; the page is
self-contained, so nothing is fetched from the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import CmkitError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 90


def find_chromium() -> str:
    explicit = os.environ.get("CMKIT_CHROMIUM")
    if explicit:
        return explicit
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise CmkitError(
        "--format pdf needs Chromium, and none was found",
        "install it (Debian: apt-get install chromium), set CMKIT_CHROMIUM, "
        "or use --format html and print from a browser",
    )


def headless_args(profile: str) -> list[str]:
    """Flags for a quiet, offline, throwaway headless Chromium."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        f"--user-data-dir={profile}",
    ]


def print_pdf(page: str, out: Path) -> None:
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="cmkit-pdf-") as work:
        source = Path(work) / "report.html"
        source.write_text(page, encoding="utf-8")
        target = Path(work) / "report.pdf"
        command = [
            browser,
            *headless_args(str(Path(work) / "profile")),
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CmkitError(
                f"Chromium could not print the report: {exc}",
                "check that `chromium --headless` runs on this machine",
            ) from None
        if done.returncode != 0 or not target.is_file() or not target.stat().st_size:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise CmkitError(
                f"Chromium could not print the report ({last[:200]})",
                "check that `chromium --headless` runs on this machine",
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), out)

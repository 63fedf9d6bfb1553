"""An unexpected error is a bug: its traceback goes to a log, the user sees one line."""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from ..redaction import redact


def report_crash(exc: BaseException, log: Path) -> int:
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()} {redact(' '.join(sys.argv))}\n")
            handle.write(redact("".join(traceback.format_exception(exc))))
        where = f"details in {log}"
    except OSError:
        where = "the log could not be written"
    sys.stderr.write(
        f"cmkit: internal error: {type(exc).__name__}: {redact(str(exc))} "
        f"({where}; please report it)\n"
    )
    return 3

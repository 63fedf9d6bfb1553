"""Reading what `cmkit watch` stored, for assertions."""

from __future__ import annotations

import json
from pathlib import Path


def stored(root: Path, name: str = "watch.jsonl") -> list[dict[str, object]]:
    path = root / "clients" / "martin" / "data" / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]

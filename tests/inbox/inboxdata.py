"""Building an inbox workspace and reading what the inbox stored, for assertions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BASE = "https://piaille.example"

CHARTER = """tone: chaleureux
signature: — Claire, Boulangerie Martin
complaint_words: [remboursement, arnaque, déçu, déçue, pas frais]
saved_replies:
  horaires: >
    Bonjour {name} ! Le fournil est ouvert du mardi au dimanche, 6 h 30 – 19 h 30.
    {signature}
  oups: Bonjour {prenom}
"""


def write_ws(root: Path, instance: str = BASE, accounts: str = "") -> Path:
    client = root / "clients" / "martin"
    client.mkdir(parents=True, exist_ok=True)
    (root / "cmkit.yaml").write_text("timezone: Europe/Paris\nlocale: fr-FR\n")
    (client / "client.yaml").write_text(
        "name: Boulangerie Martin\naccounts:\n  mastodon:\n"
        f'    handle: "@boulangerie@piaille.example"\n    instance: {instance}\n'
        "    token_env: MARTIN_MASTODON_TOKEN\n" + accounts,
        encoding="utf-8",
    )
    (client / "charter.yaml").write_text(CHARTER, encoding="utf-8")
    return root


def store_events(root: Path) -> list[dict[str, Any]]:
    path = root / "clients" / "martin" / "data" / "inbox.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crash
    return out

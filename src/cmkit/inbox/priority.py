"""Which messages come first: complaints before questions, then the longest waiting.

A message is a complaint when it holds one of the charter's `complaint_words`
("remboursement", "arnaque", "déçu", "pas frais"…), whatever the case and accents, at the
start of a word and with its longer forms: "déçu" also finds "DÉÇUE" and "déçus",
"arnaque" finds "arnaqué", but "nul" does not find "annulé". Priority is decided when the inbox is
read, not stored: a word added to the charter re-ranks past messages too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .store import Item


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Complaints:
    def __init__(self, words: Iterable[str]) -> None:
        self.patterns = [
            (word, re.compile(rf"(?<!\w){re.escape(_fold(word.strip()))}"))
            for word in words
            if word.strip()
        ]

    def found(self, text: str) -> list[str]:
        folded = _fold(text)
        return [word for word, pattern in self.patterns if pattern.search(folded)]


@dataclass
class Ranked:
    item: Item
    complaint: list[str]  # the complaint words it holds

    @property
    def high(self) -> bool:
        return bool(self.complaint)

    @property
    def priority(self) -> str:
        return "high" if self.high else "normal"


def rank(items: Iterable[Item], complaints: Complaints) -> list[Ranked]:
    """Complaints first, then the oldest message first."""
    ranked = [Ranked(i, complaints.found(i.mention.text)) for i in items]
    ranked.sort(key=lambda r: (not r.high, r.item.mention.created_at))
    return ranked


def age(since: datetime, now: datetime) -> str:
    """How long someone has been waiting: "3 d 4 h", "5 h 12 min", "12 min"."""
    return span(int((now - since).total_seconds()))


def span(seconds: int) -> str:
    minutes = max(0, seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"

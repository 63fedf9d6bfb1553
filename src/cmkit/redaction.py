"""Keep secrets out of anything cmkit writes: logs, errors, ledgers, reports.

Every secret cmkit reads is registered here the moment it is read; `redact`
replaces registered values, and anything shaped like an Authorization header,
with a placeholder.
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()
_HEADER = re.compile(
    r"(?i)\b(authorization|bearer|x-api-key|access_token|token)(\s*[:=]\s*|\s+)"
    r"([A-Za-z]+\s+)?[^\s\"',;&]{8,}"
)


def register(secret: str) -> str:
    """Remember a secret so it is never written anywhere; returns it unchanged."""
    if secret and len(secret) >= 6:
        _SECRETS.add(secret)
    return secret


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "[redacted]")
    return _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)

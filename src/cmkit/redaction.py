"""Keep secrets out of anything cmkit writes: logs, errors, ledgers, reports.

Every secret cmkit reads is registered here the moment it is read; `redact`
replaces registered values, and anything shaped like an Authorization header,
with a placeholder.
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()
# "token: abc…", "Authorization: Bearer abc…", "access_token=abc…" — a value right after a
# secret-sounding key and a separator, never ordinary prose ("no token for acme")
_HEADER = re.compile(
    r"(?i)\b(authorization|x-api-key|access_token|refresh_token|api_key|token|password)"
    r"([\"']?\s*[:=]\s*[\"']?)((?:bearer|basic|token)\s+)?[^\s\"',;&]{8,}"
)
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/-]{16,}=*")


def register(secret: str) -> str:
    """Remember a secret so it is never written anywhere; returns it unchanged."""
    if secret and len(secret) >= 6:
        _SECRETS.add(secret)
    return secret


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "[redacted]")
    text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}[redacted]", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)

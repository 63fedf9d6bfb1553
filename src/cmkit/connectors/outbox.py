"""The outbox: a connector that writes exactly what would be sent, one file per delivery.

`cmkit publish --outbox DIR` sends every network here: a rehearsal, or the demo.
Each (post, network) becomes `DIR/<client>/<post>--<network>.json` holding the
rendered text, thread, media, link with UTM tags, language and idempotency key.
Files are written whole (temporary file, fsync, rename), so a crash never leaves
half a delivery; publishing the same delivery again rewrites nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import now
from ..models import Account
from ..networks import Limits
from .base import BaseConnector, Delivery, Progress, PublishResult

FORMAT_VERSION = 1


def _relative(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def delivery_record(delivery: Delivery, media_base: Path | None = None) -> dict[str, Any]:
    """What the outbox file holds (and what `--dry-run --json` prints)."""
    return {
        "v": FORMAT_VERSION,
        "client": delivery.client,
        "post": delivery.post_id,
        "network": str(delivery.network),
        "account": delivery.account.handle or delivery.account.id,
        "at": delivery.at.isoformat() if delivery.at else None,
        "text": delivery.text,
        "thread": list(delivery.thread),
        "media": [
            {"path": _relative(m.path, media_base), "alt": m.alt, "mime": m.mime}
            for m in delivery.media
        ],
        "link": delivery.link,
        "lang": delivery.lang,
        "content_warning": delivery.content_warning,
        "title": delivery.title,
        "format": delivery.format,
        "idempotency_key": delivery.idempotency_key,
        "content_hash": delivery.content_hash,
    }


class OutboxConnector(BaseConnector):
    """Publishes into a folder. `folder` defaults to $CMKIT_OUTBOX, else ./outbox."""

    name = "outbox"
    limits: Limits | None = None

    def __init__(
        self,
        account: Account,
        secret: Callable[[str], str],
        folder: Path | None = None,
        media_base: Path | None = None,
    ) -> None:
        super().__init__(account, secret)
        self.folder = folder or Path(os.environ.get("CMKIT_OUTBOX", "outbox"))
        self.media_base = media_base  # media paths are written relative to it (the workspace)

    def path_for(self, delivery: Delivery) -> Path:
        return self.folder / f"{delivery.post_id}--{delivery.network}.json"

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        path = self.path_for(delivery)
        existing = self._read(path)
        if existing and existing.get("idempotency_key") == delivery.idempotency_key:
            return self._result(path)
        record = delivery_record(delivery, self.media_base)
        record["written_at"] = now().strftime("%Y-%m-%dT%H:%M:%SZ")
        _write_atomically(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return self._result(path)

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        path = self.path_for(delivery)
        existing = self._read(path)
        if existing and existing.get("idempotency_key") == delivery.idempotency_key:
            return self._result(path)
        return None

    def _result(self, path: Path) -> PublishResult:
        # the file's name: the folder is the run's --outbox, not a machine's absolute path
        return PublishResult(remote_id=path.name, url=None)

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

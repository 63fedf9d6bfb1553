"""`inbox pull`: mentions, replies, comments and messages from every account's connector.

Each network is asked for what arrived since the newest message already stored, less an
overlap (`OVERLAP`: federated servers and APIs deliver late), or for the last
`FIRST_PULL` on the first pull. Network calls happen outside any lock; then, under the
client's inbox lock, the store is read afresh and only unknown messages are appended. So
two pulls at once store each message once, and a pull cut short loses nothing: the next
one asks again from the same point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..connectors.base import Connector, Mention, NotSupported
from ..diagnostics import CmkitError
from ..networks import Network
from ..redaction import redact
from . import store

if TYPE_CHECKING:
    from ..models import Account
    from ..workspace import ClientSpace

OVERLAP = timedelta(days=2)
FIRST_PULL = timedelta(days=14)

OpenConnector = Callable[[Network, "Account"], Connector]


@dataclass
class Outcome:
    client: str
    network: Network
    status: str  # pulled | unsupported | failed
    new: int = 0
    seen: int = 0  # messages the network returned
    message: str = ""
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "network": str(self.network),
            "status": self.status,
            "new": self.new,
            "seen": self.seen,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class _Fetched:
    outcome: Outcome
    mentions: list[Mention] = field(default_factory=list)


def pull_client(
    root: Path,
    space: ClientSpace,
    now: datetime,
    open_connector: OpenConnector,
    since: datetime | None = None,
) -> list[Outcome]:
    accounts = space.client.accounts if space.client else {}
    current = store.read(space.data_dir)
    fetched = [
        _fetch(space.slug, network, account, open_connector, since or _since(current, network, now))
        for network, account in accounts.items()
    ]
    with store.locked(root, space.slug):
        known = set(store.read(space.data_dir).items)  # afresh: another pull may have run
        events = []
        for result in fetched:
            for mention in result.mentions:
                key = store.item_id(str(mention.network), mention.remote_id)
                if key in known:
                    continue
                known.add(key)
                events.append(store.received_event(mention, now))
                result.outcome.new += 1
        store.append(space.data_dir, events)
    return [r.outcome for r in fetched]


def _since(inbox: store.Inbox, network: Network, now: datetime) -> datetime:
    latest = inbox.latest(network)
    return latest - OVERLAP if latest is not None else now - FIRST_PULL


def _fetch(
    slug: str, network: Network, account: Account, open_connector: OpenConnector, since: datetime
) -> _Fetched:
    try:
        connector = open_connector(network, account)
    except NotSupported as exc:
        return _Fetched(Outcome(slug, network, "unsupported", message=one_line(exc)))
    except CmkitError as exc:  # a connector error, or no token for the account
        return _Fetched(Outcome(slug, network, "failed", message=one_line(exc), hint=exc.hint))
    try:
        found = connector.mentions(since)
    except NotSupported as exc:
        return _Fetched(Outcome(slug, network, "unsupported", message=one_line(exc)))
    except CmkitError as exc:  # a connector error, or no token for the account
        return _Fetched(Outcome(slug, network, "failed", message=one_line(exc), hint=exc.hint))
    finally:
        connector.close()
    own = {h.lower().lstrip("@") for h in (account.handle,) if h}
    mentions = [m for m in found if m.author.lower().lstrip("@") not in own]
    return _Fetched(Outcome(slug, network, "pulled", seen=len(mentions)), mentions)


def one_line(exc: Exception) -> str:
    """An error's message on one line, with any secret masked."""
    return redact(" ".join(str(getattr(exc, "message", exc)).split()))

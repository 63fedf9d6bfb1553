"""The connector contract: one Protocol every network module implements.

A connector turns a rendered `Delivery` into a post on one network. Everything
network-specific lives in its module; HTTP plumbing (timeouts, retries,
rate limits, error mapping) lives in `connectors/http.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..diagnostics import CmkitError
from ..networks import Limits, Network

if TYPE_CHECKING:  # the models import pydantic: `today` and `check` stay lighter without it
    from ..media import ImageInfo
    from ..models import Account


@dataclass(frozen=True)
class MediaFile:
    path: Path  # absolute path of the file to send (possibly a resized variant)
    alt: str | None
    mime: str
    # the file's size and mtime when the delivery was rendered (-1: not looked at), so
    # offline checks of one picture used by many posts do not stat it again each time
    size: int = -1
    mtime_ns: int = 0


@dataclass(frozen=True)
class Delivery:
    """One (post, network) send, fully rendered: exactly what the connector publishes."""

    client: str
    post_id: str
    network: Network
    text: str
    idempotency_key: str
    account: Account
    media: tuple[MediaFile, ...] = ()
    link: str | None = None  # UTM parameters already added
    lang: str | None = None
    thread: tuple[str, ...] = ()  # further parts after `text`
    content_warning: str | None = None
    title: str | None = None
    at: datetime | None = None
    format: str | None = None
    content_hash: str = ""


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckIssue:
    """A problem a connector finds offline, before anything is sent."""

    rule: str
    message: str
    hint: str = ""
    severity: str = "error"


@dataclass(frozen=True)
class AccountStatus:
    ok: bool
    message: str  # e.g. "logged in as @martin@piaille.fr", or what is wrong
    hint: str = ""  # how to fix it, when the generic "wrong account" hint would mislead
    # when not ok: wrong-account (the token is another account's), no-permission (the
    # right account, without the right to post), incomplete (client.yaml lacks an id)
    state: str = "wrong-account"


@dataclass(frozen=True)
class AccountMetrics:
    network: Network
    day: date
    followers: int | None = None
    impressions: int | None = None
    reach: int | None = None
    profile_visits: int | None = None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PostMetrics:
    network: Network
    remote_id: str
    day: date
    impressions: int | None = None  # None: the network does not expose it
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Mention:
    """A mention, reply, comment or message someone sent the client."""

    network: Network
    remote_id: str
    author: str
    text: str
    created_at: datetime
    kind: str = "mention"  # mention | reply | comment | message | quote
    url: str | None = None
    in_reply_to: str | None = None  # remote id of the client's post it answers


@dataclass(frozen=True)
class SearchHit:
    network: Network
    remote_id: str
    author: str
    text: str
    created_at: datetime
    url: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


# Publishing may take several remote steps (Instagram: container, then publish). A
# connector reports each intermediate id through this callback *before* the next step,
# so the ledger holds it and a crash can resume instead of publishing twice.
Progress = Callable[[str, str], None]


class ConnectorError(CmkitError):
    """A network refused or failed; `retryable` says whether trying later may work."""

    exit_code = 4

    def __init__(
        self, message: str, hint: str = "", *, retryable: bool = False, status: int | None = None
    ) -> None:
        super().__init__(message, hint)
        self.retryable = retryable
        self.status = status


class NotSupported(ConnectorError):
    """The network (or cmkit's connector for it) does not offer this capability."""


class OutcomeUnknown(ConnectorError):
    """The request may have reached the network (e.g. a timeout after sending it).

    The engine never resends such a delivery blindly: it looks it up first
    (`find_published`), and only a definite "not there" allows a retry.
    """


@runtime_checkable
class Connector(Protocol):
    name: str
    limits: Limits | None

    def check(self, delivery: Delivery) -> list[CheckIssue]: ...

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult: ...

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        """Recovery: the post if it already went out (state: ids recorded by progress)."""
        ...

    def verify(self) -> AccountStatus: ...

    def account_metrics(self, day: date) -> AccountMetrics: ...

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]: ...

    def mentions(self, since: datetime | None) -> list[Mention]: ...

    def search(self, query: str, since: datetime | None) -> list[SearchHit]: ...

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult: ...

    def close(self) -> None: ...


def probe_or_report(item: MediaFile, issues: list[CheckIssue]) -> ImageInfo | None:
    """A picture's facts for an offline check, or None once a media/unreadable issue
    says why it cannot be read."""
    from ..media import probe

    try:
        return probe(item.path, item.size, item.mtime_ns)
    except CmkitError as exc:
        issues.append(CheckIssue("media/unreadable", exc.message, exc.hint))
        return None


class BaseConnector:
    """Defaults for optional capabilities: each says plainly that it is not supported."""

    name = "base"
    limits: Limits | None = None

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        # secret(role) returns a token by role ("token", "api_key"…) from env/.env/keyring
        self.account = account
        self.secret = secret

    def _unsupported(self, what: str) -> NotSupported:
        return NotSupported(f"{self.name}: {what} is not supported by this connector")

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        return []

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        raise self._unsupported("recovery lookup")

    def verify(self) -> AccountStatus:
        raise self._unsupported("account verification")

    def account_metrics(self, day: date) -> AccountMetrics:
        raise self._unsupported("account metrics")

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        raise self._unsupported("post metrics")

    def mentions(self, since: datetime | None) -> list[Mention]:
        raise self._unsupported("mentions")

    def search(self, query: str, since: datetime | None) -> list[SearchHit]:
        raise self._unsupported("search")

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        raise self._unsupported("replies")

    def close(self) -> None:
        return None

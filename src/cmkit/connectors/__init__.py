"""The connector registry: built-ins by name, plus third-party plugins.

Built-ins are a plain dict of "module:Class" strings, imported only when used, so
`cmkit --help` never pays for httpx or a network module. Third-party connectors
register through the versioned entry-point group `cmkit.connectors.v1`:

    [project.entry-points."cmkit.connectors.v1"]
    mastodon = "my_package.connector:MyMastodon"

A plugin named like a built-in replaces it (`cmkit connectors` says so); a plugin
named like no network is listed but can only be used once cmkit knows the network.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, cast

from ..diagnostics import CmkitError

if TYPE_CHECKING:
    from ..models import Account
    from ..networks import Network
    from .base import Connector

ENTRY_POINT_GROUP = "cmkit.connectors.v1"

# network (or "outbox") → "module:Class"; a module not written yet is simply not offered
BUILTINS: dict[str, str] = {
    "outbox": "cmkit.connectors.outbox:OutboxConnector",
    "bluesky": "cmkit.connectors.bluesky:BlueskyConnector",
    "mastodon": "cmkit.connectors.mastodon:MastodonConnector",
    "facebook": "cmkit.connectors.facebook:FacebookConnector",
    "instagram": "cmkit.connectors.instagram:InstagramConnector",
    "linkedin": "cmkit.connectors.linkedin:LinkedInConnector",
    "x": "cmkit.connectors.x:XConnector",
    "threads": "cmkit.connectors.threads:ThreadsConnector",
    "telegram": "cmkit.connectors.telegram:TelegramConnector",
    "discord": "cmkit.connectors.discord:DiscordConnector",
}

# capabilities a connector may offer beyond publishing, by method name
CAPABILITIES = (
    "find_published",
    "verify",
    "account_metrics",
    "post_metrics",
    "mentions",
    "search",
    "reply",
)

SecretLookup = Callable[[str], str]


@dataclass(frozen=True)
class ConnectorInfo:
    name: str
    target: str  # "module:Class"
    origin: str  # "built-in", or the plugin's distribution and version
    replaces_builtin: bool = False

    @property
    def is_plugin(self) -> bool:
        return self.origin != "built-in"


def _module_exists(target: str) -> bool:
    module = target.partition(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@cache
def registry() -> dict[str, ConnectorInfo]:
    """Every connector cmkit can use, by name; plugins after (and over) built-ins.

    Read once per process: scanning installed distributions' entry points is slow, and
    what is installed does not change while cmkit runs."""
    found = {
        name: ConnectorInfo(name, target, "built-in")
        for name, target in BUILTINS.items()
        if _module_exists(target)
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        origin = f"{dist.name} {dist.version}" if dist is not None else "plugin"
        found[ep.name] = ConnectorInfo(ep.name, ep.value, origin, ep.name in found)
    return dict(sorted(found.items()))


def load_class(name: str) -> type[Connector]:
    """The connector class registered as `name`; a clear error when there is none."""
    info = registry().get(name)
    if info is None:
        known = ", ".join(n for n in registry()) or "none"
        raise CmkitError(
            f"no connector for '{name}' in this installation",
            f"connectors available: {known} (see `cmkit connectors`)",
        )
    module_name, _, attr = info.target.partition(":")
    try:
        module = importlib.import_module(module_name)
        cls = getattr(module, attr) if attr else module
    except (ImportError, AttributeError) as exc:
        where = "" if not info.is_plugin else f" from {info.origin}"
        raise CmkitError(
            f"the '{name}' connector{where} cannot be loaded: {exc}",
            "reinstall or update the package that provides it",
        ) from None
    if not isinstance(cls, type):
        raise CmkitError(
            f"the '{name}' connector ({info.target}) is not a class",
            "the entry point must name the connector class",
        )
    return cls


def capabilities(cls: type) -> list[str]:
    """What a connector offers beyond publishing (what it does not leave to BaseConnector)."""
    from .base import BaseConnector

    return [
        m
        for m in CAPABILITIES
        if callable(getattr(cls, m, None))
        and getattr(cls, m) is not getattr(BaseConnector, m, None)
    ]


def get_connector(
    network: Network | str, account: Account, secret_lookup: SecretLookup
) -> Connector:
    """A ready connector for one account on one network.

    `secret_lookup(role)` returns the account's secret for a role ("token" by
    default; see cmkit.secrets) — connectors read tokens only through it.
    """
    factory = cast("Callable[[Account, SecretLookup], Connector]", load_class(str(network)))
    return factory(account, secret_lookup)


__all__ = [
    "BUILTINS",
    "ENTRY_POINT_GROUP",
    "ConnectorInfo",
    "capabilities",
    "describe",
    "get_connector",
    "load_class",
    "registry",
]


def describe() -> list[dict[str, object]]:
    """Every connector with its origin, network limits and capabilities (`cmkit connectors`),
    plus the networks no installed connector serves yet."""
    from dataclasses import asdict

    from ..networks import LIMITS, Network

    rows: list[dict[str, object]] = []
    for name, info in registry().items():
        network = next((n for n in Network if n.value == name), None)
        limits = LIMITS.get(network) if network is not None else None
        row: dict[str, object] = {
            "name": name,
            "origin": info.origin,
            "target": info.target,
            "replaces_builtin": info.replaces_builtin,
            "network": network is not None,
            "limits": _limits_json(asdict(limits)) if limits is not None else None,
            "capabilities": [],
            "error": None,
        }
        try:
            row["capabilities"] = ["publish", *capabilities(load_class(name))]
        except CmkitError as exc:
            row["error"] = exc.message
        rows.append(row)
    for network in Network:
        if network.value not in registry():
            rows.append(
                {
                    "name": network.value,
                    "origin": None,
                    "target": None,
                    "replaces_builtin": False,
                    "network": True,
                    "limits": _limits_json(asdict(LIMITS[network])),
                    "capabilities": [],
                    "error": "no connector installed for this network",
                }
            )
    return sorted(rows, key=lambda r: str(r["name"]))


def _limits_json(limits: dict[str, object]) -> dict[str, object]:
    limits.pop("network", None)
    media = limits.get("media")
    if isinstance(media, dict):
        media["formats"] = sorted(media["formats"])
    return limits

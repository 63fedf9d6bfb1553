"""What the publish ledger says went out: (post, network) → remote id, URL and time.

Metrics are keyed to these: a connector's post metrics come back by remote id, a platform
export names posts by id or permalink, and the report joins both to the post files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .. import ledger
from ..networks import Network, parse_network


@dataclass(frozen=True)
class Published:
    post: str
    network: Network
    remote_id: str
    url: str | None
    at: datetime  # when the ledger recorded it as done (UTC)


def published(data_dir: Path) -> dict[tuple[str, Network], Published]:
    """Every (post, network) the ledger records as done."""
    out: dict[tuple[str, Network], Published] = {}
    for (post, network), entry in ledger.published(data_dir).items():
        net = parse_network(network)
        if net is None or not entry.remote_id:
            continue
        out[(post, net)] = Published(post, net, entry.remote_id, entry.url, entry.ts)
    return out


def normalize_url(url: str) -> str:
    """A permalink without scheme, www., query or trailing slash: exports and APIs differ."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "twitter.com":
        host = "x.com"
    return f"{host}{parts.path.rstrip('/')}"

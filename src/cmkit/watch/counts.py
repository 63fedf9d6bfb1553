"""Competitors' public counts (followers, posts), once a day, where a network shows them.

Only networks with a public, unauthenticated profile lookup are tracked:

- Mastodon: `GET /api/v1/accounts/lookup?acct=` on the account's own server
  (https://docs.joinmastodon.org/methods/accounts/#lookup);
- Bluesky: `app.bsky.actor.getProfile` on the public AppView, https://public.api.bsky.app
  unless CMKIT_BLUESKY_APPVIEW names another
  (https://docs.bsky.app/docs/api/app-bsky-actor-get-profile).

Instagram, Facebook, LinkedIn and X give another account's counts only to approved apps or
not at all: those accounts are listed as not tracked rather than scraped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..connectors.base import ConnectorError
from ..models import Competitor
from ..networks import Network
from .sources import Outcome
from .store import CountLine

if TYPE_CHECKING:
    from ..connectors.http import HttpClient

APPVIEW = "https://public.api.bsky.app"
TRACKED = (Network.MASTODON, Network.BLUESKY)


@dataclass
class CountJob:
    client: str
    day: date
    todo: list[tuple[Competitor, Network, str]]  # competitor, network, handle
    timeout: float = 20.0
    lines: list[CountLine] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self) -> None:
        from ..connectors.http import NO_RETRY, client

        with client("watch", timeout=self.timeout, retry=NO_RETRY) as http:
            for competitor, network, handle in self.todo:
                name = f"{competitor.name} on {network}"
                try:
                    line = lookup(http, network, handle, competitor.name, self.day)
                except ConnectorError as exc:
                    self.outcomes.append(
                        Outcome(
                            self.client,
                            "counts",
                            name,
                            "failed",
                            message=exc.message,
                            hint=exc.hint,
                        )
                    )
                    continue
                self.lines.append(line)
                self.outcomes.append(Outcome(self.client, "counts", name, "ok"))


def plan(
    client: str,
    competitors: list[Competitor],
    day: date,
    done: set[tuple[str, str]],
    timeout: float,
) -> tuple[CountJob | None, list[Outcome]]:
    """The lookups still to do today, and one line for the accounts cmkit cannot track."""
    todo, untracked = [], []
    for competitor in competitors:
        for network, handle in competitor.accounts.items():
            if network not in TRACKED:
                untracked.append(f"{competitor.name} ({network})")
            elif (competitor.name, str(network)) not in done:
                todo.append((competitor, network, handle))
    skipped = []
    if untracked:
        skipped.append(
            Outcome(
                client,
                "counts",
                "competitor counts",
                "skipped",
                message="no public counts on Instagram, Facebook, LinkedIn or X for: "
                + ", ".join(untracked),
                hint="note them by hand in your weekly report; cmkit tracks Mastodon and Bluesky",
            )
        )
    return (CountJob(client, day, todo, timeout) if todo else None), skipped


def lookup(
    http: HttpClient, network: Network, handle: str, competitor: str, day: date
) -> CountLine:
    if network is Network.MASTODON:
        base, acct = mastodon_account(handle)
        data = _json(http, f"{base}/api/v1/accounts/lookup", {"acct": acct})
        return CountLine(
            day,
            competitor,
            str(network),
            handle,
            _count(data, "followers_count"),
            _count(data, "following_count"),
            _count(data, "statuses_count"),
        )
    appview = os.environ.get("CMKIT_BLUESKY_APPVIEW", APPVIEW).rstrip("/")
    data = _json(
        http, f"{appview}/xrpc/app.bsky.actor.getProfile", {"actor": bluesky_actor(handle)}
    )
    return CountLine(
        day,
        competitor,
        str(network),
        handle,
        _count(data, "followersCount"),
        _count(data, "followsCount"),
        _count(data, "postsCount"),
    )


def mastodon_account(handle: str) -> tuple[str, str]:
    """(server base URL, acct) from "@name@server" or a profile URL "https://server/@name"."""
    value = handle.strip()
    if re.match(r"https?://", value):
        parts = urlsplit(value)
        name = parts.path.strip("/").removeprefix("@")
        if name and "/" not in name:
            return f"{parts.scheme}://{parts.netloc}", name
    else:
        m = re.fullmatch(r"@?([^@\s]+)@([^@\s/]+)", value)
        if m:
            return f"https://{m.group(2)}", m.group(1)
    raise ConnectorError(
        f"'{handle}' is not a Mastodon account cmkit can look up",
        "write it as @name@server or as the profile URL (https://server/@name)",
    )


def bluesky_actor(handle: str) -> str:
    value = handle.strip()
    if re.match(r"https?://", value):
        value = urlsplit(value).path.rstrip("/").rsplit("/", 1)[-1]
    return value.removeprefix("@")


def _json(http: HttpClient, url: str, params: dict[str, str]) -> dict[str, Any]:
    data = http.call_json("GET", url, params=params)
    if not isinstance(data, dict):
        raise ConnectorError(
            f"watch: {urlsplit(url).hostname} answered something that is not a profile",
            "check the account in watch.yaml",
        )
    return data


def _count(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None

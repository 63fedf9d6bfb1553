"""Keyword searches on the networks that offer one, through each network's connector.

A search needs the client's own account on that network (Mastodon and Bluesky only search
for a logged-in user). Searches of one network run one after the other on one connector;
networks run alongside the feeds. Every search looks back `LOOKBACK`: repeated hits are
de-duplicated against what is stored, and a day without a run loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..connectors.base import Connector, NotSupported, SearchHit
from ..diagnostics import CmkitError
from ..models import Account, KeywordSearch
from ..networks import Network
from ..redaction import redact
from .dedupe import is_web, keys
from .feeds import plain_text
from .sources import Outcome
from .store import Item

LOOKBACK = timedelta(days=3)

OpenConnector = Callable[[Network, Account], Connector]


@dataclass
class SearchJob:
    """All the searches of one client on one network, and what they found."""

    client: str
    network: Network
    account: Account
    searches: list[KeywordSearch]
    hits: list[tuple[KeywordSearch, SearchHit]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, open_connector: OpenConnector, since: datetime) -> None:
        name = f"{self.network} search"
        try:
            connector = open_connector(self.network, self.account)
        except CmkitError as exc:  # a connector error, or no token for the account
            self.outcomes.append(
                Outcome(self.client, "search", name, "failed", message=_line(exc), hint=exc.hint)
            )
            return
        try:
            for search in self.searches:
                label = f"{self.network} search “{search.query}”"
                try:
                    found = connector.search(search.query, since)
                except NotSupported as exc:
                    self.outcomes.append(
                        Outcome(self.client, "search", name, "skipped", message=_line(exc))
                    )
                    return
                except CmkitError as exc:
                    self.outcomes.append(
                        Outcome(
                            self.client,
                            "search",
                            label,
                            "failed",
                            message=_line(exc),
                            hint=exc.hint,
                        )
                    )
                    if not getattr(exc, "retryable", False):
                        return  # the same refusal (credentials, permission) for every query
                    continue
                self.hits += [(search, hit) for hit in found]
                self.outcomes.append(Outcome(self.client, "search", label, "ok"))
        finally:
            connector.close()


def plan(
    client: str, searches: list[KeywordSearch], accounts: dict[Network, Account]
) -> tuple[list[SearchJob], list[Outcome]]:
    """One job per network; a network without an account is one skipped line."""
    by_network: dict[Network, list[KeywordSearch]] = {}
    for search in searches:
        for network in search.networks:
            by_network.setdefault(network, []).append(search)
    jobs, skipped = [], []
    for network, wanted in by_network.items():
        account = accounts.get(network)
        if account is None:
            queries = ", ".join(f"“{s.query}”" for s in wanted)
            skipped.append(
                Outcome(
                    client,
                    "search",
                    f"{network} search",
                    "skipped",
                    message=f"no {network} account in client.yaml to search with ({queries})",
                    hint=f"add a {network} account to client.yaml, or drop {network} from "
                    "these keywords' networks",
                )
            )
            continue
        jobs.append(SearchJob(client, network, account, wanted))
    return jobs, skipped


def hit_item(search: KeywordSearch, hit: SearchHit, seen: datetime) -> Item:
    text = plain_text(hit.text)
    title = text if len(text) <= 100 else text[:100].rsplit(" ", 1)[0] + "…"
    return Item(
        seen=seen,
        source=f"{hit.network} search “{search.query}”",
        title=title or "(no text)",
        keys=keys(hit.url, None, str(hit.network), extra=[f"post:{hit.network}:{hit.remote_id}"]),
        kind="post",
        topic=search.topic or search.query,
        link=hit.url if hit.url and is_web(hit.url) else None,
        published=hit.created_at,
        summary=plain_text(hit.text, 400),
        author=hit.author,
        network=str(hit.network),
        query=search.query,
    )


def _line(exc: Exception) -> str:
    return redact(" ".join(str(getattr(exc, "message", exc)).split()))

"""What each network's connector says offline about a post, as `check` problems.

The generic rules (length, counts, formats) live in content.py for every network;
a connector knows what only that network refuses — an image ratio Instagram
rejects, an alt text longer than Mastodon takes, a mention Bluesky cannot resolve.
Connectors that repeat a generic rule are not asked to report it twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import CmkitError, Problem, Severity
from ..models import Status
from ..networks import Network
from ..workspace import ClientSpace, Post
from .posts import LIVE

# rules content.py already applies to every network: a connector's own copy is noise.
# A connector's length rule stays: it sees more (the link appended to an image post, a
# content warning, an instance's own limit) — unless text/too-long already said it.
SAME_AS_TOO_LONG = {"bluesky/too-long", "mastodon/too-long"}
GENERIC = {
    "text/too-long",
    "text/too-many-hashtags",
    "text/too-many-links",
    "text/link-in-caption",
    "text/empty",
    "media/format",
    "media/too-many",
    "media/no-public-url",
    "bluesky/too-many-images",
    "mastodon/too-many-media",
    "bluesky/media-type",
    "mastodon/media-type",
}


def _no_secret(role: str) -> str:
    raise CmkitError("an offline check must not need a secret")


def check_connectors(space: ClientSpace, found: list[Problem]) -> Iterator[Problem]:
    """Connector problems not already among `found` (the generic rules' problems)."""
    too_long = {(p.path, p.message.split(":")[0]) for p in found if p.rule == "text/too-long"}
    from ..connectors import get_connector, registry
    from ..render import delivery

    if space.client is None:
        return
    available = registry()
    connectors: dict[Network, object] = {}
    for post in space.posts:
        if post.meta.status in (Status.CANCELLED, Status.IDEA):
            continue
        for network in post.meta.networks:
            account = space.client.accounts.get(network)
            if account is None or str(network) not in available:
                continue  # post/no-account says so
            if network not in connectors:
                connectors[network] = get_connector(network, account, _no_secret)
            try:
                sent = delivery(space, post, network, keyed=False)
            except CmkitError:
                continue  # media/missing and friends say so
            for issue in connectors[network].check(sent):  # type: ignore[attr-defined]
                if issue.rule in GENERIC or (
                    issue.rule in SAME_AS_TOO_LONG
                    and (post.rel, f"too long for {network}") in too_long
                ):
                    continue
                yield _problem(post, network, issue)


def _problem(post: Post, network: Network, issue: object) -> Problem:
    rule = str(getattr(issue, "rule", "connector/issue"))
    severity = Severity(str(getattr(issue, "severity", "error")))
    if severity is Severity.ERROR and post.meta.status not in LIVE:
        severity = Severity.WARNING  # a draft is not going out yet
    if rule.startswith("media/") and post.meta.media:
        line, col = post.line_of("media")
    elif str(network) in post.meta.variants:
        line, col = post.line_of("variants", str(network))
    else:
        line, col = post.body_line, 1
    message = str(getattr(issue, "message", ""))
    if not message.lower().startswith(str(network)):
        message = f"{network}: {message}"
    return Problem(post.rel, line, col, rule, message, str(getattr(issue, "hint", "")), severity)

"""What the ledger says was published, and posts edited since."""

from __future__ import annotations

from ..diagnostics import Problem
from ..workspace import ClientSpace


def check_published(space: ClientSpace, problems: list[Problem]) -> dict[str, set[str]]:
    """Networks each post was published on; adds edited-after-publish problems."""
    from ..ledger import published

    done: dict[str, set[str]] = {}
    for (post_id, network) in published(space.data_dir):
        done.setdefault(post_id, set()).add(network)
    return done

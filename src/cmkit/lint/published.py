"""What the ledger says was published, and posts edited since."""

from __future__ import annotations

from ..diagnostics import Problem
from ..workspace import ClientSpace


def check_published(space: ClientSpace, problems: list[Problem]) -> dict[str, set[str]]:
    """Networks each post was published on; adds `post/edited-after-publish` problems."""
    from ..ledger import ledger_path, published
    from ..render import edited_after_publish

    done: dict[str, set[str]] = {}
    if not ledger_path(space.data_dir).exists():
        return done
    for post_id, network in published(space.data_dir):
        done.setdefault(post_id, set()).add(network)
    problems += edited_after_publish(space)
    return done

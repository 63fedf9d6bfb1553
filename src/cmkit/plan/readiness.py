"""Is a post ready to go out? Approved, valid (no error from `cmkit check`), media present.

The validity check asks the linter (`cmkit.lint.check_workspace`) about the clients
concerned only, so `cmkit today` costs a fraction of a full check when few clients have
something due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..diagnostics import Problem, Severity
from ..models import Format, Status

if TYPE_CHECKING:
    from ..workspace import ClientSpace, Post, Workspace

NEEDS_MEDIA = {Format.IMAGE, Format.CAROUSEL, Format.VIDEO, Format.REEL, Format.STORY}


@dataclass(frozen=True)
class Check:
    name: str  # "approved", "valid", "media"
    ok: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "detail": self.detail}


def problems_by_file(ws: Workspace, slugs: Iterable[str]) -> dict[str, list[Problem]]:
    """Every problem `cmkit check` reports for these clients, by file."""
    wanted = sorted(set(slugs))
    found: dict[str, list[Problem]] = defaultdict(list)
    if not wanted:
        return found
    from ..lint import check_workspace

    for problem in check_workspace(ws.root, wanted):
        found[problem.path].append(problem)
    return found


def missing_media(space: ClientSpace, post: Post) -> list[str]:
    """Media files a post (or one of its network variants) names that do not exist."""
    paths: list[str] = []
    for network in post.meta.networks or [None]:
        media = post.media_for(network) if network is not None else post.meta.media
        for item in media:
            path = getattr(item, "path", None)
            if isinstance(path, str) and path not in paths:
                paths.append(path)
    return [p for p in paths if not (space.root / p).is_file()]


def checks(space: ClientSpace, post: Post, problems: list[Problem]) -> list[Check]:
    """The readiness checks of a post, in the order a CM would fix them."""
    status = post.meta.status
    out = [Check("approved", status is Status.APPROVED,
                 "" if status is Status.APPROVED else f"status is {status}")]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        out.append(Check("valid", False, f"{first.location}: [{first.rule}] {first.message}"
                         f"{more}"))
    else:
        out.append(Check("valid", True))
    missing = missing_media(space, post)
    bare = [str(n) for n in post.meta.networks if not post.media_for(n)]
    if missing:
        out.append(Check("media", False, "missing " + ", ".join(missing)))
    elif post.meta.format in NEEDS_MEDIA and (bare if post.meta.networks else not post.meta.media):
        where = f" on {', '.join(bare)}" if 0 < len(bare) < len(post.meta.networks) else ""
        out.append(Check("media", False, f"an {post.meta.format} post without media{where}"
                         if str(post.meta.format)[0] in "aeiou" else
                         f"a {post.meta.format} post without media{where}"))
    else:
        out.append(Check("media", True))
    if not post.meta.networks:
        out.append(Check("networks", False, "no network to publish on"))
    return out

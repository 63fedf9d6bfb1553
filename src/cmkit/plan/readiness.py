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

if TYPE_CHECKING:
    from .index import PlanClient, PlanPost, PlanWorkspace

NEEDS_MEDIA = {"image", "carousel", "video", "reel", "story"}


@dataclass(frozen=True)
class Check:
    name: str  # "approved", "valid", "media"
    ok: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "detail": self.detail}


def problems_by_file(ws: PlanWorkspace, slugs: Iterable[str]) -> dict[str, list[Problem]]:
    """Every problem `cmkit check` reports for these clients, by file."""
    wanted = sorted(set(slugs))
    found: dict[str, list[Problem]] = defaultdict(list)
    if not wanted:
        return found
    from ..lint import check_workspace

    for problem in check_workspace(ws.root, wanted):
        found[problem.path].append(problem)
    return found


def missing_media(space: PlanClient, post: PlanPost) -> list[str]:
    """Media files a post (or one of its network variants) names that do not exist."""
    paths = dict.fromkeys(path for group in post.media.values() for path in group)
    return [p for p in paths if not (space.root / p).is_file()]


def checks(space: PlanClient, post: PlanPost, problems: list[Problem]) -> list[Check]:
    """The readiness checks of a post, in the order a CM would fix them."""
    status = post.status
    out = [
        Check(
            "approved",
            status == "approved",
            "" if status == "approved" else f"status is {status}",
        )
    ]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        out.append(Check("valid", False, f"{first.location}: [{first.rule}] {first.message}{more}"))
    else:
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        out.append(
            Check(
                "valid",
                True,
                f"{len(warnings)} warning(s), e.g. [{warnings[0].rule}] {warnings[0].message}"
                if warnings
                else "",
            )
        )
    missing = missing_media(space, post)
    bare = [str(n) for n in post.networks if not post.media_for(n)]
    if missing:
        out.append(Check("media", False, "missing " + ", ".join(missing)))
    elif post.format in NEEDS_MEDIA and (bare if post.networks else not post.media.get("")):
        where = f" on {', '.join(bare)}" if 0 < len(bare) < len(post.networks) else ""
        out.append(Check("media", False, f"no media for this {post.format} post{where}"))
    else:
        out.append(Check("media", True))
    if not post.networks:
        out.append(Check("networks", False, "no network to publish on"))
    return out

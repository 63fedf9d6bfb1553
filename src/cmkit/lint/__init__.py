"""`cmkit check`: load every client, run every rule, collect every problem.

Three things keep it fast enough for a pre-commit hook on a large workspace:
clients are linted in parallel processes when there is enough work; each client's
result is cached outside the workspace, keyed by the size and mtime of every file
in it (plus cmkit's own code), so an unchanged client is not re-read; and the rules
that depend on the clock (lint/timed.py) run on small cached summaries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Problem
from .cache import ClientResult, PostSummary, fingerprint, load_cached, save_cached
from .timed import missed_posts, no_results_problems

PARALLEL_MIN_FILES = 600  # below this, forking workers costs more than it saves


def check_workspace(
    root: Path, clients: Iterable[str] = (), *, use_cache: bool = True
) -> list[Problem]:
    """Every schema and lint problem of the workspace (or of the named clients), sorted."""
    from ..layout import CLIENTS_DIR, client_slugs, unknown_client
    from .secrets import ask_git, env_tracked

    base = root / CLIENTS_DIR
    slugs = client_slugs(root)
    wanted = list(clients)
    for slug in wanted:
        if slug not in slugs:
            raise unknown_client(slug, slugs)
    slugs = wanted or slugs
    problems, config_fp, grace = _workspace_level(root, use_cache)
    problems += env_tracked(root)

    results: dict[str, ClientResult] = {}
    todo: list[tuple[str, str, int]] = []
    for slug in slugs:
        if not use_cache:  # neither read nor written: no need to stat every file
            todo.append((slug, "", _count_files(base / slug)))
            continue
        fp, files = fingerprint(base / slug, config_fp)
        cached = load_cached(root, slug, fp)
        if cached is not None:
            results[slug] = cached
        else:
            todo.append((slug, fp, files))
    if todo:
        ask_git(root)  # one `git ls-files`, before workers fork
    # largest clients first: the workers then finish together
    todo.sort(key=lambda job: -job[2])
    for slug, result in _lint_clients(
        root, [slug for slug, _, _ in todo], sum(n for _, _, n in todo)
    ):
        results[slug] = result
    for slug, fp, _ in todo if use_cache else ():
        save_cached(root, slug, fp, results[slug])

    from ..clock import now

    today = now().date()
    for slug in slugs:
        problems += results[slug].problems
        problems += missed_posts(results[slug].posts, grace)
        problems += no_results_problems(results[slug].campaigns, today)
    return sorted(set(problems))


def _count_files(folder: Path) -> int:
    """About how many files a client has (its posts), to decide whether to fork."""
    try:
        return sum(1 for _ in os.scandir(folder / "posts")) + 8
    except OSError:
        return 8


def _workspace_level(root: Path, use_cache: bool) -> tuple[list[Problem], str, int]:
    """cmkit.yaml's problems, its cache key, and the publishing grace it sets."""
    from ..layout import CONFIG_FILE, DEFAULT_GRACE_MINUTES
    from .cache import load_problems, save_entry

    path = root / CONFIG_FILE
    if not path.is_file():
        return [], "no-config", DEFAULT_GRACE_MINUTES
    stat = path.stat()
    fp = f"{stat.st_mtime_ns}:{stat.st_size}"
    cached = load_problems(root, "workspace", fp) if use_cache else None
    if cached is not None:
        known, facts = cached
        return known, fp, int(facts.get("grace", DEFAULT_GRACE_MINUTES))  # type: ignore[call-overload]
    from ..models import WorkspaceConfig
    from ..workspace import load_model

    problems: list[Problem] = []
    config, _ = load_model(path, root, WorkspaceConfig, problems)
    grace = (config or WorkspaceConfig()).publish.grace_minutes
    if use_cache:
        facts = {"problems": [p.to_dict() for p in problems], "grace": grace}
        save_entry(root, "workspace", fp, facts)
    return problems, fp, grace


def _lint_clients(root: Path, slugs: list[str], files: int) -> list[tuple[str, ClientResult]]:
    if not slugs:
        return []
    workers = min(len(slugs), os.cpu_count() or 1, 8)
    if workers < 2 or files < PARALLEL_MIN_FILES:
        return [(slug, lint_client(root, slug)) for slug in slugs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers inherit the imported modules instead of importing them again
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform (Windows): one process it is
        return [(slug, lint_client(root, slug)) for slug in slugs]
    import gc

    gc.freeze()  # what is loaded now is never garbage: the workers need not scan it
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # one client per task: a client's result is small, and an idle worker at
            # the end costs more than the messages
            results = pool.map(_lint_one, [(root, s) for s in slugs])
            return list(zip(slugs, results, strict=True))
    finally:
        gc.unfreeze()


def _lint_one(args: tuple[Path, str]) -> ClientResult:
    return lint_client(*args)


def lint_client(root: Path, slug: str) -> ClientResult:
    """Load one client and run every time-independent rule on it."""
    from datetime import datetime

    from ..layout import CLIENTS_DIR
    from ..models import WorkspaceConfig
    from ..workspace import Workspace, load_client, load_model
    from .campaigns import awaiting_results, check_campaigns
    from .connectors import check_connectors
    from .content import check_content
    from .plan import check_plan
    from .posts import check_posts
    from .published import check_published
    from .secrets import scan_files, workspace_files

    problems: list[Problem] = []
    config, _ = (
        load_model(root / "cmkit.yaml", root, WorkspaceConfig, [])
        if (root / "cmkit.yaml").is_file()
        else (None, None)
    )
    ws = Workspace(root, config or WorkspaceConfig())
    space = load_client(ws, root / CLIENTS_DIR / slug, problems)
    problems += check_posts(space)
    problems += check_content(space)
    problems += check_connectors(space, problems)
    problems += check_plan(space, ws.rel)
    problems += check_campaigns(space, ws.rel)
    published = check_published(space, problems)
    known = {p.rel: p.raw for p in space.posts}
    problems += scan_files(root, workspace_files(root, space.root), known)
    posts = [
        PostSummary(
            p.rel,
            *p.line_of("at"),
            p.id,
            p.at.isoformat() if p.at else None,
            str(p.meta.status),
            tuple(str(n) for n in p.meta.networks),
            tuple(sorted(published.get(p.id, ()))),
            isinstance(p.meta.at, datetime),
        )
        for p in space.posts
    ]
    return ClientResult(problems, posts, awaiting_results(space.root, root))

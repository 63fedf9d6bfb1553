"""What a cold `cmkit check` would cost without its rules: cmkit's loading alone.

    python benchmarks/load_only.py WORKSPACE

Reads, parses and validates every file of every client into cmkit's models, with the
locations problems need, in parallel processes as `check` does — then stops. Timed
beside `check --no-cache` and the parse-only baseline, it tells how much of the cold
check is loading and how much is the rules (bench_check.py prints it as context).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cmkit.diagnostics import Problem
from cmkit.layout import CLIENTS_DIR, client_slugs
from cmkit.models import WorkspaceConfig
from cmkit.workspace import Workspace, load_client


def load(args: tuple[Path, str]) -> int:
    root, slug = args
    problems: list[Problem] = []
    space = load_client(Workspace(root, WorkspaceConfig()), root / CLIENTS_DIR / slug, problems)
    return len(space.posts)


def main(root: Path) -> int:
    gc.set_threshold(100_000, 50, 1000)  # as cmkit's command line sets it
    slugs = client_slugs(root)
    gc.freeze()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(len(slugs), os.cpu_count() or 1, 8), mp_context=context) as pool:
        return sum(pool.map(load, [(root, slug) for slug in slugs]))


if __name__ == "__main__":
    print(main(Path(sys.argv[1])), "posts")

"""`cmkit calendar`, `stock` and `today` as ratios to `cmkit check`, measured in the same run
on the same generated 10,000-post workspace.

    python benchmarks/bench_plan.py [--clients 50 --posts 200 --repeat 5]

Both sides have a per-client cache outside the workspace, so each is measured twice:
cold (`--no-cache`: every file parsed) and warm (cache filled, files unchanged, which is
what a CM gets from the second run on). Target: each ≤ 1.2× check, cold against cold and
warm against warm. Runs are interleaved and the best of N kept, because the machine is
shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from generate import generate
from timing import BIN, report, run_time

TARGET = 1.2
COMMANDS = {
    "check": ["check"],
    "calendar": ["calendar", "--month", "2026-12"],
    "stock": ["stock"],
    "today": ["today"],
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        generate(ws, args.clients, args.posts)
        env = {
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "COLUMNS": "80",
            "CMKIT_NOW": "2026-11-25T09:00:00+01:00",
            "NO_COLOR": "1",
        }

        def timed(name: str, cold: bool) -> float:
            extra = ["--no-cache"] if cold else []
            return run_time([BIN / "cmkit", "-w", ws, *COMMANDS[name], *extra], env=env, ok=(0, 1))

        best: dict[tuple[str, bool], float] = {}
        for name in COMMANDS:  # fill every cache once
            timed(name, cold=False)
        for _ in range(args.repeat):
            for cold in (False, True):
                for name in COMMANDS:
                    elapsed = timed(name, cold)
                    best[(name, cold)] = min(best.get((name, cold), elapsed), elapsed)
    print(
        f"workspace: {args.clients} clients × {args.posts} posts, {os.cpu_count()} cores, "
        f"best of {args.repeat}"
    )
    results = []
    for cold in (True, False):
        label = "cold (--no-cache)" if cold else "warm (cache filled)"
        for name in ("calendar", "stock", "today"):
            results.append(
                report(f"cmkit {name}, {label}", best[(name, cold)], best[("check", cold)], TARGET)
            )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

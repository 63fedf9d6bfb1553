"""`cmkit check` and start-up, as ratios to baselines measured in the same run.

    python benchmarks/bench_check.py [--clients 50 --posts 200]

- cold `check --no-cache` on a 10,000-post workspace vs a script that only parses and
  validates each post (benchmarks/baseline_check.py)   target ≤ 1.0×; printed with it,
  cmkit's loading alone (benchmarks/load_only.py), to tell loading from the rules
- warm `check` (cache filled, files unchanged) vs the same baseline   target ≤ 0.3×
- `cmkit --help` vs `python -c "import typer"`   target ≤ 1.3×
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from generate import generate
from timing import BIN, best, report

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        generate(ws, args.clients, args.posts)
        env = {"XDG_CACHE_HOME": str(Path(tmp) / "cache"), "CMKIT_NOW": "2026-11-25T09:00:00+01:00"}
        cmkit = [BIN / "cmkit", "-w", ws, "check"]
        baseline = best([sys.executable, HERE / "baseline_check.py", ws], args.repeat)
        cold = best([*cmkit, "--no-cache"], args.repeat, env=env, ok=(0, 1))
        loading = best([sys.executable, HERE / "load_only.py", ws], args.repeat)
        best(cmkit, 1, env=env, ok=(0, 1))  # fill the cache
        warm = best(cmkit, args.repeat, env=env, ok=(0, 1))
        typer = best([sys.executable, "-c", "import typer"], 7)
        helps = best([BIN / "cmkit", "--help"], 7)
    print(f"workspace: {args.clients} clients × {args.posts} posts, {os.cpu_count()} cores")
    print(
        f"{'  of which loading alone (load_only.py)':<48} {loading:7.3f} s  "
        f"= {loading / baseline:5.2f}× the baseline; the rules: {(cold - loading) / baseline:.2f}×"
    )
    results = [
        report("cmkit check, cold (--no-cache)", cold, baseline, 1.0),
        report("cmkit check, warm (unchanged files)", warm, baseline, 0.3),
        report("cmkit --help", helps, typer, 1.3),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

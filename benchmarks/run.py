"""Run every benchmark (benchmarks/bench_*.py) and print their ratios.

    python benchmarks/run.py [NAME…]      # e.g. run.py check publish

Each benchmark measures its baseline in the same run and reports ratios, because the
machines are shared and noisy: absolute times mean little, ratios travel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed = 0
    for script in scripts:
        print(f"\n## {script.stem.removeprefix('bench_')}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

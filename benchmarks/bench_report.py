"""`cmkit report`, as ratios to baselines measured in the same run.

    python benchmarks/bench_report.py [--clients 50 --repeat 5]

- one client-month HTML report, whole process (start-up, load, model, five charts, HTML)
  vs `python -c "import matplotlib.pyplot"`                               target ≤ 2×
- 50 client-month HTML reports in one process (`cmkit report` with 50 clients: the
  matplotlib import, styles and templates are paid once) vs one report     target ≤ 15×

The workspace is the bundled example with its Sep–Nov 2026 metrics, the Boulangerie
Martin client copied 50 times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from timing import BIN, ROOT, best, report, run_time

NOW = "2026-11-25T09:05:00+01:00"


def workspace(dest: Path, clients: int) -> list[str]:
    shutil.copytree(ROOT / "examples" / "agency", dest, ignore=shutil.ignore_patterns("reports"))
    source = dest / "clients" / "boulangerie-martin"
    names = []
    for n in range(clients):
        name = f"boulangerie-{n:02d}"
        shutil.copytree(source, dest / "clients" / name)
        names.append(name)
    return names


def cpu(cmd: list[str | Path], repeat: int, env: dict[str, str]) -> float:
    """Best CPU time (user + system) of a whole-process run: steadier than wall-clock time
    on a machine shared with other work."""
    import resource

    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run_time(cmd, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        names = workspace(ws, args.clients)
        env = {
            "CMKIT_NOW": NOW,
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "NO_COLOR": "1",
            # a fresh matplotlib cache would measure its one-off font scan, not cmkit
            "MPLCONFIGDIR": str(Path(tmp) / "mpl"),
        }
        cmkit = [BIN / "cmkit", "-w", ws, "report", "--month", "2026-11", "-f", "html"]
        best([sys.executable, "-c", "import matplotlib.pyplot"], repeat=1, env=env)  # warm
        baseline = best([sys.executable, "-c", "import matplotlib.pyplot"], args.repeat, env=env)
        one = best([*cmkit, names[0]], args.repeat, env=env)
        many = best([*cmkit, *names], max(2, args.repeat // 2), env=env)
        written = sorted(ws.glob("clients/boulangerie-*/reports/2026-11.html"))
        assert len(written) == args.clients, written
        baseline_cpu = cpu([sys.executable, "-c", "import matplotlib.pyplot"], args.repeat, env)
        one_cpu = cpu([*cmkit, names[0]], args.repeat, env)
    print(
        f"example workspace, 1 and {args.clients} clients, {os.cpu_count()} cores, "
        f"best of {args.repeat}"
    )
    results = [
        report("one client-month HTML report (whole process)", one, baseline, 2.0),
        report(f"{args.clients} reports in one process vs one report", many, one, 15.0),
    ]
    print("CPU time (user + system), for reference on a busy machine:")
    report("one client-month HTML report, CPU", one_cpu, baseline_cpu, 2.0)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`cmkit watch` over 50 feeds, each answered after 100 ms, against the same run one by one.

    python benchmarks/bench_watch.py [--feeds 50 --latency 0.1 --repeat 3]

Both runs are whole processes (`cmkit -w WS watch`, then `... watch --jobs 1`) on a fresh
copy of a one-client workspace whose watch.yaml lists the feeds, served on loopback by the
tests' feed server. Targets: the concurrent run ≤ 1.5 s, and ≤ 0.15× the one-by-one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from timing import BIN, best, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "watch"))

from feedserver import Running  # noqa: E402


def workspace(folder: Path, urls: list[str]) -> Path:
    client = folder / "clients" / "veille"
    client.mkdir(parents=True)
    (folder / "cmkit.yaml").write_text("timezone: Europe/Paris\n")
    (client / "client.yaml").write_text("name: Veille\n")
    feeds = "".join(
        f'  - {{url: "{u}", name: "Site {n}", topic: "t{n % 5}"}}\n' for n, u in enumerate(urls)
    )
    (client / "watch.yaml").write_text(f"brand: [Veille]\nfeeds:\n{feeds}")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Running(latency=args.latency) as server:
        ws = workspace(
            Path(tmp) / "ws", [server.url(f"/latency/{n}.rss") for n in range(args.feeds)]
        )
        env = {"XDG_CACHE_HOME": str(Path(tmp) / "cache"), "CMKIT_NOW": "2026-11-25T09:00:00+01:00"}
        cmkit = [BIN / "cmkit", "-w", ws, "watch"]

        def fresh(cmd: list[object]) -> float:
            # every run starts with no stored item, so every feed is fetched and parsed
            def once() -> float:
                shutil.rmtree(ws / "clients" / "veille" / "data", ignore_errors=True)
                return best(cmd, 1, env=env)  # type: ignore[arg-type]

            return min(once() for _ in range(args.repeat))

        concurrent = fresh([*cmkit])
        one_by_one = fresh([*cmkit, "--jobs", "1"])
        served = len(server.requests)
    print(
        f"{args.feeds} feeds, {args.latency * 1000:.0f} ms each, {os.cpu_count()} cores, "
        f"{served} requests served"
    )
    results = [
        report("cmkit watch, concurrent vs one by one", concurrent, one_by_one, 0.15),
        concurrent <= 1.5,
    ]
    print(
        f"{'cmkit watch, whole process':<48} {concurrent:7.3f} s  (target ≤ 1.5 s) "
        f"{'ok' if results[1] else 'MISSED'}"
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

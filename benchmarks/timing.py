"""Timing helpers shared by the benchmarks: whole-process runs, best of N."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def compile_bytecode() -> None:
    """Write cmkit's .pyc files, as an installed package has them.

    An editable install compiles each module on first import, and not at all under
    PYTHONDONTWRITEBYTECODE (set on some machines): every timed run would then
    recompile ~180 modules, which no installed cmkit does."""
    import compileall

    import cmkit

    compileall.compile_dir(Path(cmkit.__file__).parent, quiet=1)


compile_bytecode()


def run_time(
    cmd: Sequence[str | Path], env: dict[str, str] | None = None, ok: Sequence[int] = (0,)
) -> float:
    """Wall-clock seconds of one whole-process run."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in cmd],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(
            f"{' '.join(map(str, cmd))} failed ({done.returncode}): {done.stderr.decode()[-500:]}"
        )
    return elapsed


def best(cmd: Sequence[str | Path], repeat: int = 5, **kwargs: object) -> float:
    """The fastest of several runs: the least disturbed by other work on a shared machine."""
    return min(run_time(cmd, **kwargs) for _ in range(repeat))  # type: ignore[arg-type]


def report(name: str, value: float, baseline: float, target: float, unit: str = "s") -> bool:
    ratio = value / baseline
    ok = ratio <= target
    print(
        f"{name:<48} {value:7.3f} {unit}  vs baseline {baseline:7.3f} {unit}  "
        f"= {ratio:5.2f}×  (target ≤ {target}×) {'ok' if ok else 'MISSED'}"
    )
    return ok

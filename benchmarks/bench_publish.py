"""`cmkit publish --due`: 200 due posts to a local peer that answers each request after
50 ms, whole process, default concurrency vs concurrency 1, measured in the same run.

    python benchmarks/bench_publish.py [--posts 200 --delay 0.05]

targets: default ≤ 0.2× the run with concurrency 1, and ≤ 2 s.
The default-concurrency run is the best of --repeat (a shared machine is noisy); each run
starts from an empty ledger and the peer counts the posts it received: the
benchmark fails if any post is missing or duplicated.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from timing import ROOT, run_time

sys.path.insert(0, str(ROOT / "tests"))
from publish_support import TOKEN, FaultPeer, PublishWs

NOW = "2026-11-25T10:00:00Z"


def publish_once(template: PublishWs, tmp: Path, name: str, peer: FaultPeer, *extra: str) -> float:
    root = tmp / name
    shutil.copytree(template.root, root)
    ws = PublishWs(root, template.plugins, template.network)
    before = len(peer.posts)
    env = {k: v for k, v in ws.env(CMKIT_NOW=NOW).items() if os.environ.get(k) != v}
    seconds = run_time(ws.command("publish", "--due", *extra), env=env)
    received = len(peer.posts) - before
    posts = len(list((root / "clients" / "acme" / "posts").glob("*.md")))
    keys = [p["key"] for p in peer.posts[before:]]
    if received != posts or len(set(keys)) != posts:
        raise SystemExit(f"{name}: the peer received {received} posts for {posts} due")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05, help="peer answer time, s")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FaultPeer(TOKEN, args.delay) as peer:
        tmp = Path(folder)
        os.environ.setdefault("XDG_CACHE_HOME", str(tmp / "cache"))
        os.environ.setdefault("XDG_STATE_HOME", str(tmp / "state"))
        template = PublishWs.create(tmp / "template", peer.url)
        for n in range(args.posts):
            minute = n % 60
            template.add_post(
                f"post-{n:03d}", f"2026-11-25 09:{minute:02d}", f"Post numéro {n} #acme"
            )
        parallel = min(
            publish_once(template, tmp, f"default-{i}", peer) for i in range(args.repeat)
        )
        serial = publish_once(template, tmp, "serial", peer, "--concurrency", "1")
    ratio = parallel / serial
    ok = ratio <= 0.2 and parallel <= 2.0
    print(
        f"{args.posts} due posts, peer answering after {args.delay * 1000:.0f} ms, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"{'cmkit publish --due, default concurrency':<48} {parallel:7.3f} s  vs "
        f"concurrency 1 {serial:7.3f} s  = {ratio:5.2f}×  (target ≤ 0.2× and ≤ 2 s) "
        f"{'ok' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

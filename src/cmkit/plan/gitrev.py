"""Reading a workspace's files at a git revision, through the `git` command.

One `git ls-tree` lists the files and one `git cat-file --batch` streams them all, so a
10,000-post workspace costs two processes, not 10,000.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from ..diagnostics import CmkitError

MAIN_BRANCHES = ("main", "master", "origin/main", "origin/master")


def git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise CmkitError("git is not installed", "install git to compare plans") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CmkitError(
            f"git {args[0]}: {message[-1] if message else 'failed'}",
            "check the revision and that the workspace is in a git repository",
        )
    return done.stdout


def toplevel(root: Path) -> tuple[Path, str]:
    """The repository's top folder, and the workspace's path inside it ('' or 'sub/')."""
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except CmkitError:
        raise CmkitError(
            f"{root} is not in a git repository",
            "cmkit diff compares the plan with a git revision: run `git init` "
            "and commit the workspace",
        ) from None
    inside = root.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if inside == "." else inside + "/"


def resolve(root: Path, rev: str) -> str:
    """A revision's commit id, or a usage error that says what was asked for."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except CmkitError:
        raise CmkitError(
            f"unknown revision '{rev}'", "give a branch, tag or commit (e.g. main, HEAD~1)"
        ) from None


def default_base(root: Path) -> tuple[str, str]:
    """(commit, how it was chosen): the merge base with the main branch, else HEAD."""
    for branch in MAIN_BRANCHES:
        try:
            git(root, "rev-parse", "--verify", "--quiet", branch)
        except CmkitError:
            continue
        try:
            base = git(root, "merge-base", "HEAD", branch).decode().strip()
        except CmkitError:
            continue
        return base, f"merge base with {branch}"
    return resolve(root, "HEAD"), "HEAD"


def files_at(
    root: Path,
    rev: str,
    prefix: str,
    paths: list[str],
    keep: Callable[[str], bool] = lambda _: True,
) -> dict[str, bytes]:
    """The files under the given paths (relative to the workspace) at a revision that
    `keep` accepts, by their path relative to the workspace."""
    listing = git(
        root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", *[prefix + p for p in paths]
    )
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        kind, obj = meta.split()[1:3]
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and path.startswith(prefix) and keep(path[len(prefix) :]):
            entries.append((path, obj.decode()))
    if not entries:
        return {}
    stream = git(
        root, "cat-file", "--batch", input="".join(f"{obj}\n" for _, obj in entries).encode()
    )
    out: dict[str, bytes] = {}
    position = 0
    for path, _ in entries:
        header_end = stream.index(b"\n", position)
        size = int(stream[position:header_end].split()[2])
        start = header_end + 1
        out[path[len(prefix) :]] = stream[start : start + size]
        position = start + size + 1  # the content is followed by a newline
    return out

"""Anything in a workspace file that looks like a token, password or private key.

A workspace is a git repo that gets pushed and shared with clients: a token in it is
a leak. Patterns are the documented shapes of the networks' tokens plus generic
`token: <long random string>` assignments; a match shows only the first characters.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Problem, relpath


class Shape(NamedTuple):
    """A documented token shape of a service a CM uses, and the markers (substrings)
    one of which any match contains — `check` scans every file, and most files hold
    none of them, so most patterns never run."""

    name: str
    pattern: re.Pattern[str]
    markers: tuple[str, ...]
    folded: bool = False  # markers are looked for in the lower-cased text


# Patterns start with a literal where they can (no leading \b): the regex engine then
# skips ahead to that literal instead of trying every position; word boundaries are
# checked on the rare match.
PATTERNS: list[Shape] = [
    Shape("a Meta (Facebook/Instagram) access token", re.compile(r"EA[A-Za-z0-9]{64,}"), ("EA",)),
    Shape("an Instagram user token", re.compile(r"IG[A-Za-z0-9_-]{82,}"), ("IG",)),
    Shape("a Telegram bot token", re.compile(r":AA[A-Za-z0-9_-]{33}\b"), (":AA",)),
    Shape(
        "a Discord webhook URL",
        re.compile(r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{50,}"),
        ("discord",),
    ),
    Shape("a Bluesky app password", re.compile(r"-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b"), ("-",)),
    Shape(
        "a GitHub token",
        re.compile(r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{60,}"),
        ("gh", "github_pat_"),
    ),
    Shape("a Slack token", re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    Shape(
        "an OpenAI/Anthropic-style API key",
        re.compile(r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}"),
        ("sk-",),
    ),
    Shape("a Google API key", re.compile(r"AIza[0-9A-Za-z_-]{35}\b"), ("AIza",)),
    Shape("an AWS access key id", re.compile(r"A(?:KIA|SIA)[0-9A-Z]{16}\b"), ("AKIA", "ASIA")),
    Shape(
        "a JSON Web Token",
        re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[\w-]{10,}"),
        ("eyJ",),
    ),
    Shape(
        "a bearer token", re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]{20,}=*"), ("bearer",), True
    ),
    Shape("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"), ("-----BEGIN",)),
    Shape(
        "a secret assigned to a key",
        re.compile(
            r"(?im)^[ \t#-]*[\w.-]*(?:token|secret|password|passwd|api_?key|app_password)\b[\w.-]*"
            r"[ \t]*[:=][ \t]*[\"']?(?=[A-Za-z0-9_./+=-]*[0-9])(?=[A-Za-z0-9_./+=-]*[A-Za-z])"
            r"([A-Za-z0-9_./+=-]{16,})"
        ),
        ("token", "secret", "passw", "api"),
        True,
    ),
]
GENERIC = PATTERNS[-1].name
# where a match really starts, for patterns anchored on a middle literal
_BACKTRACK = {
    "a Telegram bot token": re.compile(r"\d{8,10}$"),
    "a Bluesky app password": re.compile(r"[a-z2-7]{4}$"),
}

TEXT_SUFFIXES = {
    ".yaml",
    ".yml",
    ".md",
    ".markdown",
    ".txt",
    ".json",
    ".jsonl",
    ".csv",
    ".toml",
    ".ini",
    ".cfg",
    ".html",
    ".env",
    ".sh",
    "",
}
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".cmkit", "reports"}


def scan_text(text: str, rel: str) -> Iterator[Problem]:
    folded = text.lower()
    for name, pattern, markers, fold in PATTERNS:
        where = folded if fold else text
        if not any(marker in where for marker in markers):
            continue
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            start = match.start(match.lastindex or 0)
            if name in _BACKTRACK:
                head = _BACKTRACK[name].search(text, max(0, start - 10), start)
                if head is None:
                    continue
                start, value = head.start(), text[head.start() : match.end()]
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue  # inside a longer word: not a token of that shape
            if name == GENERIC and _env_var_name(value):
                continue  # `token_env: MARTIN_TOKEN` names a variable: that is the right way
            line = text.count("\n", 0, start) + 1
            col = start - (text.rfind("\n", 0, start) + 1) + 1
            shown = value[:4] + "…"
            yield Problem(
                rel,
                line,
                col,
                "secret/token",
                f"this looks like {name} ({shown}); a workspace is shared, a token in it is a leak",
                "remove it, revoke it on the network, and keep it in the environment, "
                ".env (git-ignored) or `cmkit secrets set`",
            )
            break  # one report per pattern per file is enough to act on


def _env_var_name(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value))


def tracked_files(root: Path) -> list[Path] | None:
    """Files git tracks (and untracked, not ignored) under root; None outside a git repo."""
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--full-name",
                ".",
            ],
            capture_output=True,
            check=True,
            timeout=20,
        )
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            check=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    base = Path(top.stdout.strip())
    return [base / name for name in done.stdout.decode("utf-8", "replace").split("\0") if name]


_TRACKED: dict[Path, dict[str, list[Path]] | None] = {}


def ask_git(root: Path) -> None:
    """Ask git once which files it tracks, e.g. before forking workers that all need it."""
    if root not in _TRACKED:
        tracked = tracked_files(root)
        _TRACKED[root] = None if tracked is None else _by_client(root, tracked)


def workspace_files(root: Path, folder: Path) -> list[Path]:
    """Text files under folder that would be committed (git's view when available)."""
    ask_git(root)
    by_client = _TRACKED[root]
    if by_client is None:
        files = _walk(folder)
    elif folder == root:
        files = [p for group in by_client.values() for p in group]
    else:
        files = (
            by_client.get(folder.name, [])
            if folder.parent.name == "clients"
            else [p for group in by_client.values() for p in group if folder in p.parents]
        )
    return [p for p in files if p.suffix.lower() in TEXT_SUFFIXES]


def _walk(folder: Path) -> list[Path]:
    """Every file under folder but in SKIP_DIRS (outside git, where nothing says what is
    committed)."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [Path(top) / name for name in names]
    return found


def _by_client(root: Path, files: list[Path]) -> dict[str, list[Path]]:
    """Tracked files grouped by client folder ("" for the rest): one pass, not one per client."""
    clients = str(root / "clients") + os.sep
    groups: dict[str, list[Path]] = {}
    for path in files:
        text = str(path)
        slug = text[len(clients) :].split(os.sep, 1)[0] if text.startswith(clients) else ""
        groups.setdefault(slug, []).append(path)
    return groups


def scan_files(root: Path, files: list[Path], known: dict[str, str]) -> Iterator[Problem]:
    """Scan each file; `known` holds texts already read (rel path → text)."""
    for path in files:
        rel = relpath(path, root)
        if rel in known:
            yield from scan_text(known[rel], rel)
            continue
        try:
            if path.stat().st_size > 5_000_000:
                continue
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            continue
        yield from scan_text(text, rel)


def env_tracked(root: Path) -> Iterator[Problem]:
    """A .env is for secrets: it must be ignored by git, never committed."""
    if not (root / ".env").exists():
        return  # nothing to ask git about (and no process to start on every check)
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "--error-unmatch", ".env"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return
    if done.returncode == 0:
        yield Problem(
            ".env",
            1,
            1,
            "secret/env-tracked",
            ".env is tracked by git",
            "git rm --cached .env, add .env to .gitignore, and rotate its tokens",
        )

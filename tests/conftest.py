"""Hermetic tests: a private HOME, no workspace from the environment, no traffic off-box."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not (
        isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost"))
    ):
        raise ConnectionRefusedError(f"tests are offline: refused connection to {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("CMKIT_WORKSPACE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    from cmkit.connectors import registry

    registry.cache_clear()  # a test may install a plugin connector: read entry points anew


@pytest.fixture
def example_ws(tmp_path: Path) -> Path:
    """A private copy of the bundled example workspace."""
    dest = tmp_path / "agency"
    shutil.copytree(EXAMPLES / "agency", dest, ignore=shutil.ignore_patterns("data", "reports"))
    return dest


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cmkit(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run cmkit in-process, like a user would from the shell (through main())."""
    from typer.testing import CliRunner

    from cmkit.cli import app as app_module

    def run(*args: str | Path, cwd: Path | None = None, input: str | None = None) -> Result:
        import sys

        if cwd is not None:
            monkeypatch.chdir(cwd)
        # typer's runner.invoke() wants a Typer app; main() wraps app() with the error
        # handler, so drive main() inside the runner's stream isolation instead
        runner = CliRunner()
        with runner.isolation(input=input) as (stdout, stderr, _):
            monkeypatch.setattr(sys, "argv", ["cmkit", *(str(a) for a in args)])
            try:
                app_module.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
            out, error = stdout.getvalue(), stderr.getvalue()
        return Result(code, out.decode("utf-8", "replace"), error.decode("utf-8", "replace"))

    return run


@pytest.fixture
def write(tmp_path: Path) -> Iterator[Callable[[str, str | bytes], Path]]:
    """Write a file under tmp_path (creating folders); returns its path."""

    def _write(rel: str, content: str | bytes) -> Path:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    yield _write

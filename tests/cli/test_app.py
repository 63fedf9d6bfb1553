"""The command shell: lazy loading, one-line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmkit.cli import app as app_module
from cmkit.cli.lazy import COMMANDS, load_command


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_loads_under_its_name(name: str) -> None:
    command = load_command(name)
    assert command is not None and command.name == name
    assert (command.help or "").strip(), f"{name} has no docstring for its --help"


def test_the_help_table_fits_80_columns() -> None:
    width = max(map(len, COMMANDS))
    assert all(2 + width + 2 + len(summary) <= 80 for summary in COMMANDS.values())


def test_every_command_module_is_listed() -> None:
    folder = Path(app_module.__file__).parent
    commands = {p.stem for p in folder.glob("*.py") if "\ndef register(" in p.read_text()}
    assert commands == set(COMMANDS)


def test_help_lists_commands_without_importing_them(cmkit) -> None:  # type: ignore[no-untyped-def]
    result = cmkit("--help")
    assert result.exit_code == 0
    assert all(name in result.stdout for name in COMMANDS)


def test_an_unexpected_error_is_one_line_and_logged(
    cmkit,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaboom token=abcdefgh12345678")

    monkeypatch.setattr("cmkit.lint.check_workspace", boom)
    (tmp_path / "cmkit.yaml").write_text("")
    result = cmkit("-w", tmp_path, "check")
    assert result.exit_code == 3
    assert "internal error: RuntimeError" in result.stderr and "Traceback" not in result.stderr
    assert "abcdefgh12345678" not in result.stderr  # redacted
    log = app_module.log_path().read_text()
    assert "Traceback" in log and "abcdefgh12345678" not in log


def test_usage_errors_exit_2(cmkit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cmkit("nosuchcommand").exit_code == 2
    result = cmkit("-w", tmp_path / "missing", "check")
    assert result.exit_code == 2 and "does not exist" in result.stderr

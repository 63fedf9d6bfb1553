"""`cmkit check`: validate and lint the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import Format


def check(
    ctx: typer.Context,
    clients: Annotated[
        list[str] | None,
        typer.Argument(help="Clients to check (default: all).", show_default=False),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format", "-f", help="text, json, or github (workflow annotations on a pull request)."
        ),
    ] = Format.TEXT,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every file.")] = False,
    list_rules: Annotated[
        bool,
        typer.Option(
            "--list-rules", help="List every rule id, its severity and meaning, then exit."
        ),
    ] = False,
) -> None:
    """Validate every file and lint posts against the charter and each network's rules.

    Prints one line per problem with file:line:column, the rule id and a fix hint.
    Exit code 0 when clean, 1 when there are errors, 2 on usage errors.
    """
    from ..diagnostics import Severity, has_errors, render
    from ..lint import check_workspace
    from .common import note, workspace_root

    if list_rules:
        from ..lint.rules import RULES

        if fmt is Format.JSON:
            from .common import print_json

            print_json(
                [
                    {"id": r.id, "severity": str(r.severity), "summary": r.summary}
                    for r in RULES.values()
                ]
            )
        else:
            for rule in RULES.values():
                print(f"{rule.id:<34} {rule.severity:<8} {rule.summary}")
        raise typer.Exit(0)
    problems = check_workspace(workspace_root(ctx), clients or [], use_cache=not no_cache)
    output = render(problems, str(fmt))
    if output:
        print(output)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if fmt is Format.TEXT:
        if problems:
            note(f"{errors} error(s), {warnings} warning(s)")
        else:
            note("all clean ✓")
    raise typer.Exit(1 if has_errors(problems) else 0)


def register(app: typer.Typer) -> None:
    app.command()(check)

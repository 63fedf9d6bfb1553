"""Rules about the strategy and the calendar themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..diagnostics import Problem, Severity, suggest
from ..workspace import ClientSpace


def check_plan(space: ClientSpace, rel: Callable[[Path], str]) -> Iterator[Problem]:
    strategy = space.strategy
    pillars = sorted(p.id for p in strategy.pillars) if strategy else []
    if strategy is not None:
        doc = space.docs.get(rel(space.root / "strategy.yaml"))
        for index, objective in enumerate(strategy.objectives):
            if not strategy.period.start <= objective.deadline <= strategy.period.end:
                line, col = doc.at(("objectives", index, "deadline")) if doc else (0, 0)
                yield Problem(
                    rel(space.root / "strategy.yaml"),
                    line,
                    col,
                    "strategy/deadline-outside-period",
                    f"deadline {objective.deadline} is outside the strategy's period "
                    f"({strategy.period.start} → {strategy.period.end})",
                    "move the deadline or widen the period",
                    Severity.WARNING,
                )
    if space.calendar is not None and pillars:
        doc = space.docs.get(rel(space.root / "calendar.yaml"))
        for index, slot in enumerate(space.calendar.slots):
            if slot.pillar and slot.pillar not in pillars:
                line, col = doc.at(("slots", index, "pillar")) if doc else (0, 0)
                guess = suggest(slot.pillar, pillars)
                yield Problem(
                    rel(space.root / "calendar.yaml"),
                    line,
                    col,
                    "calendar/unknown-pillar",
                    f"pillar '{slot.pillar}' is not one of the strategy's pillars",
                    f"did you mean '{guess}'?" if guess else f"use one of: {', '.join(pillars)}",
                    Severity.WARNING,
                )

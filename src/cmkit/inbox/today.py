"""The inbox's lines in `cmkit today`: how many messages wait, since when, how many complain."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ..plan.today import Item, Level, Section, TodayContext, register_section

# someone waiting longer than this is an alert (the routine says: answer before 10 h)
LATE = timedelta(hours=24)


def _complaint_words(root: Path) -> list[str]:
    from ..models import Charter
    from ..workspace import load_model

    path = root / "charter.yaml"
    if not path.is_file():
        return []
    charter, _ = load_model(path, root, Charter, [])
    return list(charter.complaint_words) if charter else []


def inbox_section(ctx: TodayContext) -> Section:
    from . import overview
    from .priority import age

    items = []
    for space in ctx.spaces:
        box = overview(space.slug, space.name, space.data_dir, _complaint_words(space.root))
        if not box.waiting or box.oldest is None:
            continue
        text = f"{len(box.waiting)} to answer, oldest waiting {age(box.oldest, ctx.now)}"
        if box.complaints:
            text += f", {box.complaints} complaint{'s' if box.complaints > 1 else ''}"
        late = ctx.now - box.oldest > LATE
        level: Level = "alert" if box.complaints or late else "todo"
        items.append(Item(text + " — cmkit inbox", level, space.slug, at=box.oldest))
    return Section("inbox", "Inbox", items, "nothing to answer")


register_section("inbox", inbox_section, before="stock")

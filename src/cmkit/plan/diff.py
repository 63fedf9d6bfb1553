"""What changed in the plan between two snapshots, in a community manager's words: posts
added, removed, moved, approved (or any status change), text edited (a short word diff),
networks added or removed, other details; slots, highlights and key dates in calendar.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal

from .snapshot import ClientSnapshot, PostView, snapshot, wanted, working_tree

CONTEXT_WORDS = 4  # words kept around each edit
MAX_DIFF_CHARS = 240  # a word diff longer than this is cut: the reviewer opens the file

Op = Literal["=", "-", "+", "…"]


@dataclass
class TextEdit:
    where: str  # "text", "variant linkedin", "thread 2"
    segments: list[tuple[Op, str]]

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "segments": [list(s) for s in self.segments]}


@dataclass
class PostChange:
    kind: Literal["added", "removed", "changed"]
    old: PostView | None
    new: PostView | None
    moved: bool = False
    status: tuple[str, str] | None = None
    networks_added: list[str] = field(default_factory=list)
    networks_removed: list[str] = field(default_factory=list)
    edits: list[TextEdit] = field(default_factory=list)
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def post(self) -> PostView:
        view = self.new or self.old
        assert view is not None
        return view

    @property
    def when(self) -> datetime | None:
        return self.post.at

    def to_dict(self) -> dict[str, Any]:
        def at(view: PostView | None) -> str | None:
            return view.at.isoformat() if view and view.at else None

        return {
            "kind": self.kind,
            "id": self.post.id,
            "path": self.post.rel,
            "at": at(self.new),
            "was_at": at(self.old) if self.moved or not self.new else None,
            "moved": self.moved,
            "status": list(self.status)
            if self.status
            else (self.post.status if self.kind != "changed" else None),
            "networks": self.post.networks,
            "networks_added": self.networks_added,
            "networks_removed": self.networks_removed,
            "edits": [e.to_dict() for e in self.edits],
            "fields": [{"field": n, "old": o, "new": v} for n, o, v in self.fields],
        }


@dataclass
class ClientDiff:
    slug: str
    name: str
    status: Literal["added", "removed", "changed"]
    posts: list[PostChange]
    calendar: list[str]  # one sentence per change

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for change in self.posts:
            out[change.kind] = out.get(change.kind, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.slug,
            "name": self.name,
            "status": self.status,
            "counts": self.counts(),
            "posts": [c.to_dict() for c in self.posts],
            "calendar": self.calendar,
        }


@dataclass
class PlanDiff:
    base: str  # the commit compared with
    base_label: str  # how it was chosen, e.g. "merge base with main"
    prefix: str  # the workspace's folder inside the repository, for annotations
    clients: list[ClientDiff]

    @property
    def empty(self) -> bool:
        return not self.clients

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "base_label": self.base_label,
            "clients": [c.to_dict() for c in self.clients],
        }


def plan_diff(root: Path, rev: str | None) -> PlanDiff:
    """The plan at `rev` (default: the merge base with main/master, else HEAD) against the
    working tree."""
    from .gitrev import default_base, files_at, resolve, toplevel

    _, prefix = toplevel(root)
    if rev:
        base, label = resolve(root, rev), rev
    else:
        base, label = default_base(root)
    old = snapshot(files_at(root, base, prefix, ["cmkit.yaml", "clients"], wanted), root)
    new = snapshot(working_tree(root), root)
    return PlanDiff(base, label, prefix, compare(old, new))


def compare(old: dict[str, ClientSnapshot], new: dict[str, ClientSnapshot]) -> list[ClientDiff]:
    out = []
    for slug in sorted(set(old) | set(new)):
        before, after = old.get(slug), new.get(slug)
        status: Literal["added", "removed", "changed"] = (
            "added" if before is None else "removed" if after is None else "changed"
        )
        posts = compare_posts(before.posts if before else {}, after.posts if after else {})
        calendar = compare_calendars(before, after) if before and after else []
        if posts or calendar or status != "changed":
            name = (after or before).name  # type: ignore[union-attr]
            out.append(ClientDiff(slug, name, status, posts, calendar))
    return out


def compare_posts(old: dict[str, PostView], new: dict[str, PostView]) -> list[PostChange]:
    changes = []
    for post_id in set(old) | set(new):
        before, after = old.get(post_id), new.get(post_id)
        if before is None:
            changes.append(PostChange("added", None, after))
        elif after is None:
            changes.append(PostChange("removed", before, None))
        else:
            change = _changed(before, after)
            if change is not None:
                changes.append(change)
    far = datetime.max.replace(tzinfo=None)
    return sorted(
        changes, key=lambda c: (c.when.replace(tzinfo=None) if c.when else far, c.post.id)
    )


def _changed(old: PostView, new: PostView) -> PostChange | None:
    change = PostChange("changed", old, new)
    change.moved = old.at != new.at
    if old.status != new.status:
        change.status = (old.status, new.status)
    change.networks_added = [n for n in new.networks if n not in old.networks]
    change.networks_removed = [n for n in old.networks if n not in new.networks]
    for key in dict.fromkeys([*old.texts, *new.texts]):
        before, after = old.texts.get(key, ""), new.texts.get(key, "")
        if before != after:
            where = "text" if key == "" else key if key.startswith("thread") else f"variant {key}"
            change.edits.append(TextEdit(where, word_diff(before, after)))
    for name in dict.fromkeys([*old.fields, *new.fields]):
        if old.fields.get(name) != new.fields.get(name):
            change.fields.append((name, old.fields.get(name), new.fields.get(name)))
    if old.rel != new.rel:
        change.fields.append(("file", old.rel, new.rel))
    has_change = (
        change.moved
        or change.status
        or change.networks_added
        or change.networks_removed
        or change.edits
        or change.fields
    )
    return change if has_change else None


_WORDS = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """A short word diff: the edits with a few words of context, cut when long."""
    # words only: a CM reviews wording, not spacing
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    segments: list[tuple[Op, str]] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            segments += _context(a[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
            continue
        if i2 > i1:
            segments.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", " ".join(b[j1:j2])))
    return _cut(segments)


def _context(tokens: list[str], *, first: bool, last: bool) -> list[tuple[Op, str]]:
    words = tokens
    keep = CONTEXT_WORDS * ((not first) + (not last))  # before the text's first edit, after
    if len(words) <= keep or (first and last):  # its last: only the side next to the edit
        return [("=", " ".join(words))] if words else []
    head: list[tuple[Op, str]] = [] if first else [("=", " ".join(words[:CONTEXT_WORDS]))]
    tail: list[tuple[Op, str]] = [] if last else [("=", " ".join(words[-CONTEXT_WORDS:]))]
    return [*head, ("…", "…"), *tail]


def _cut(segments: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    out: list[tuple[Op, str]] = []
    used = 0
    for op, text in segments:
        if used + len(text) > MAX_DIFF_CHARS:
            room = max(0, MAX_DIFF_CHARS - used)
            if room > 20:
                out.append((op, text[:room].rsplit(" ", 1)[0] + "…"))
            out.append(("…", "…"))
            break
        out.append((op, text))
        used += len(text)
    while out and out[-1][0] == "…" and len(out) > 1 and out[-2][0] == "…":
        out.pop()
    return out


def compare_calendars(old: ClientSnapshot, new: ClientSnapshot) -> list[str]:
    """calendar.yaml's slots, highlights and key dates, in sentences."""
    before, after = old.calendar, new.calendar
    if before is None or after is None:
        return (
            []
            if before is after
            else ["calendar.yaml " + ("added" if before is None else "removed or unreadable")]
        )
    out: list[str] = []

    def slot_text(slot: Any) -> str:
        days = ", ".join(str(d) for d in slot.days)
        extra = f" ({slot.format})" if slot.format else ""
        return f"{slot.network} {days} at {slot.time:%H:%M}{extra}"

    old_slots = {slot_text(s) for s in before.slots}
    new_slots = {slot_text(s) for s in after.slots}
    out += [f"slot removed: {s}" for s in sorted(old_slots - new_slots)]
    out += [f"slot added: {s}" for s in sorted(new_slots - old_slots)]
    old_h = {h.id: h for h in before.highlights}
    new_h = {h.id: h for h in after.highlights}
    for hid in sorted(set(old_h) | set(new_h)):
        h_old, h_new = old_h.get(hid), new_h.get(hid)
        if h_old is None and h_new is not None:
            out.append(f"highlight added: {h_new.name} ({_span(h_new.start, h_new.end)})")
        elif h_new is None and h_old is not None:
            out.append(f"highlight removed: {h_old.name}")
        elif h_old is not None and h_new is not None and h_old != h_new:
            if (h_old.start, h_old.end) != (h_new.start, h_new.end):
                out.append(
                    f"highlight {h_new.name} moved: {_span(h_old.start, h_old.end)} → "
                    f"{_span(h_new.start, h_new.end)}"
                )
            if h_old.brief != h_new.brief:
                wanted_old = h_old.brief.posts if h_old.brief else 0
                wanted_new = h_new.brief.posts if h_new.brief else 0
                out.append(
                    f"highlight {h_new.name}: brief changed ({wanted_old} → {wanted_new} posts)"
                    if wanted_old != wanted_new
                    else f"highlight {h_new.name}: brief changed"
                )
            if (h_old.name, h_old.kind, h_old.description, h_old.recurring) != (
                h_new.name,
                h_new.kind,
                h_new.description,
                h_new.recurring,
            ):
                out.append(f"highlight {h_new.name}: details changed")
    old_k = {(k.date, k.name): k for k in before.key_dates}
    new_k = {(k.date, k.name): k for k in after.key_dates}
    out += [f"key date removed: {d:%a %d %b %Y} {n}" for d, n in sorted(set(old_k) - set(new_k))]
    out += [f"key date added: {d:%a %d %b %Y} {n}" for d, n in sorted(set(new_k) - set(old_k))]
    return out


def _span(start: Any, end: Any) -> str:
    return f"{start:%d %b %Y}" + (f"–{end:%d %b %Y}" if end else "")

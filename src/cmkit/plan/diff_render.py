"""`cmkit diff` as plain text (terminal), Markdown (a pull request comment) or GitHub
workflow annotations (shown on the changed files of a pull request)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .diff import ClientDiff, PlanDiff, PostChange, TextEdit
from .state import excerpt


def when(at: datetime | None) -> str:
    return f"{at:%a %d %b %Y %H:%M}" if at else "no date"


def _summary(client: ClientDiff) -> str:
    counts = client.counts()
    parts = [f"{counts[k]} {k}" for k in ("added", "changed", "removed") if counts.get(k)]
    if client.calendar:
        parts.append(f"{len(client.calendar)} calendar change(s)")
    return ", ".join(parts) or "no change"


def _field(name: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "none" if value in (None, "") else str(value)


def change_lines(change: PostChange) -> Iterator[tuple[str, Any]]:
    """(label, detail) pairs describing a changed post; details are plain or word diffs."""
    old, new = change.old, change.new
    assert old is not None and new is not None
    if change.moved:
        if old.at and new.at and old.at.date() == new.at.date():
            yield "moved", f"{old.at:%H:%M} → {new.at:%H:%M}, same day"
        else:
            yield "moved", f"{when(old.at)} → {when(new.at)}"
    if change.status:
        verb = "approved" if change.status[1] == "approved" else "status"
        yield verb, f"{change.status[0]} → {change.status[1]}"
    if change.networks_added or change.networks_removed:
        parts = [f"+{n}" for n in change.networks_added] + [
            f"−{n}" for n in change.networks_removed
        ]
        yield "networks", " ".join(parts)
    for edit in change.edits:
        yield f"{edit.where} edited", edit
    for name, before, after in change.fields:
        if name == "media":
            added = [m for m in after or [] if m not in (before or [])]
            removed = [m for m in before or [] if m not in (after or [])]
            yield "media", " ".join([f"+{m}" for m in added] + [f"−{m}" for m in removed])
        else:
            yield name, f"{_field(name, before)} → {_field(name, after)}"


# --- text --------------------------------------------------------------------------------


def _glue(parts: list[str]) -> str:
    """Words with spaces, the ellipses of cut context stuck to the text they stand for."""
    text = " ".join(parts)
    if text.startswith("… "):
        text = "…" + text[2:]
    if text.endswith(" …"):
        text = text[:-2] + "…"
    return text


def _text_diff(edit: TextEdit) -> str:
    return _glue(
        [{"-": f"[-{text}-]", "+": f"{{+{text}+}}"}.get(op, text) for op, text in edit.segments]
    )


def to_text(diff: PlanDiff) -> str:
    head = f"Plan changes since {diff.base[:10]} ({diff.base_label})"
    if diff.empty:
        return head + ": none"
    lines = [head, ""]
    for client in diff.clients:
        status = {"added": " (new client)", "removed": " (client removed)"}.get(client.status, "")
        lines.append(f"{client.name}{status} — {_summary(client)}")
        for change in client.posts:
            post = change.post
            if change.kind == "added":
                lines.append(
                    f"  + {post.id}  added: {when(post.at)} · "
                    f"{', '.join(post.networks) or 'no network'} · {post.status}"
                )
                if post.texts.get(""):
                    lines.append(f'      "{excerpt(post.texts[""], 70)}"')
            elif change.kind == "removed":
                lines.append(f"  - {post.id}  removed (was {when(post.at)} · {post.status})")
            else:
                lines.append(f"  ~ {post.id}  {when(post.at)}")
                for label, detail in change_lines(change):
                    shown = _text_diff(detail) if isinstance(detail, TextEdit) else detail
                    lines.append(f"      {label}: {shown}")
        for sentence in client.calendar:
            lines.append(f"  * calendar: {sentence}")
        lines.append("")
    return "\n".join(lines).rstrip()


# --- Markdown ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md(text: str) -> str:
    """Text shown as is in Markdown (hashtags, asterisks and HTML stay literal)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _md_diff(edit: TextEdit) -> str:
    out = []
    for op, text in edit.segments:
        if op == "-":
            out.append(f"~~{md(text)}~~")
        elif op == "+":
            out.append(f"**{md(text)}**")
        else:
            out.append(md(text) if op != "…" else text)
    return _glue(out)


def to_markdown(diff: PlanDiff) -> str:
    lines = [
        "## Plan changes",
        "",
        f"Compared with `{diff.base[:10]}` ({md(diff.base_label)}).",
        "",
    ]
    if diff.empty:
        lines.append("No change to the plan.")
        return "\n".join(lines)
    for client in diff.clients:
        status = {"added": " (new client)", "removed": " (client removed)"}.get(client.status, "")
        lines += [f"### {md(client.name)}{status}", "", f"*{_summary(client)}*", ""]
        for change in client.posts:
            post = change.post
            if change.kind == "added":
                lines.append(
                    f"- **Added** `{post.id}` — {when(post.at)} · "
                    f"{md(', '.join(post.networks) or 'no network')} · {post.status}"
                )
                if post.texts.get(""):
                    lines.append(f"  > {md(excerpt(post.texts[''], 140))}")
            elif change.kind == "removed":
                lines.append(f"- **Removed** `{post.id}` (was {when(post.at)}, {post.status})")
            else:
                lines.append(f"- **Changed** `{post.id}` — {when(post.at)}")
                for label, detail in change_lines(change):
                    shown = _md_diff(detail) if isinstance(detail, TextEdit) else md(detail)
                    lines.append(f"  - {label}: {shown}")
        if client.calendar:
            lines.append("- **Calendar**")
            lines += [f"  - {md(sentence)}" for sentence in client.calendar]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- GitHub annotations ------------------------------------------------------------------


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def to_github(diff: PlanDiff) -> str:
    """One `::notice` per changed post, on its file, for the pull request's Files tab."""
    lines = []
    for client in diff.clients:
        for change in client.posts:
            post = change.post
            if change.kind == "added":
                title = "Post added"
                body = f"{when(post.at)} · {', '.join(post.networks)} · {post.status}"
            elif change.kind == "removed":
                title = "Post removed"
                body = f"was {when(post.at)} · {post.status}"
            else:
                details = list(change_lines(change))
                title = "Post " + ", ".join(label for label, _ in details)
                body = "; ".join(
                    f"{label}: {_text_diff(d) if isinstance(d, TextEdit) else d}"
                    for label, d in details
                )
            path = diff.prefix + post.rel
            lines.append(
                f"::notice file={_gh_prop(path)},line=1,title="
                f"{_gh_prop(f'{client.name}: {title}')}::{_gh_data(body)}"
            )
        if client.calendar:
            path = f"{diff.prefix}clients/{client.slug}/calendar.yaml"
            lines.append(
                f"::notice file={_gh_prop(path)},line=1,title="
                f"{_gh_prop(f'{client.name}: calendar changed')}::"
                f"{_gh_data('; '.join(client.calendar))}"
            )
    return "\n".join(lines)

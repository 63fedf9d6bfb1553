"""Rules about what a post says and shows, per network: length, hashtags, links, media."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ..diagnostics import Problem, Severity
from ..models import Charter, Status
from ..networks import LIMITS, Network
from ..workspace import ClientSpace, Post
from .posts import at, soften

VIDEO = {"mp4", "mov", "m4v", "webm"}


def check_content(space: ClientSpace) -> Iterator[Problem]:
    for post in space.posts:
        if post.meta.status is Status.CANCELLED:
            continue
        yield from _media_files(space, post)
        seen_texts: dict[str, list[Network]] = {}
        for network in post.meta.networks:
            account = space.client.accounts.get(network) if space.client else None
            text = post.text_for(network, account.locale if account else None)
            seen_texts.setdefault(text, []).append(network)
            yield from _text_rules(post, network, text, account.max_chars if account else None)
            yield from _media_network(space, post, network)
        if space.charter is not None:
            for text, networks in seen_texts.items():
                yield from _charter_rules(space.charter, post, text, networks)


def _where(post: Post, network: Network) -> tuple[str | int, ...]:
    return ("variants", str(network)) if str(network) in post.meta.variants else ()


def _body_position(post: Post, needle_at: int) -> tuple[int, int]:
    """Line and column in the file of a character offset in the post's body."""
    before = post.body[:needle_at]
    line = post.body_line + before.count("\n")
    return line, needle_at - (before.rfind("\n") + 1) + 1


def _text_rules(
    post: Post, network: Network, text: str, max_chars: int | None
) -> Iterator[Problem]:
    from .. import text as t

    loc = _where(post, network)
    if not text.strip():
        if post.meta.status is Status.APPROVED and not post.media_for(network):
            yield _at_text(
                post,
                loc,
                "text/empty",
                f"no text to publish on {network}",
                "write the post's text below the front matter",
            )
        return
    parts = [text, *post.meta.thread]
    # an account's own limit: its Mastodon instance's, or an X Premium account's
    limit = max_chars if network in (Network.MASTODON, Network.X) else None
    for index, part in enumerate(parts):
        counted = t.count(
            part,
            network,
            limit=limit,
            caption=bool(post.media_for(network)) and network is Network.TELEGRAM,
        )
        label = "" if index == 0 else f" (thread part {index + 1})"
        where = _loc_line(post, loc if index == 0 else ("thread", index - 1))
        for reason in (counted.reason or "").split("; ") if not counted.valid else []:
            if reason == "empty":
                continue  # an empty text is text/empty's business
            rule, hint = "text/too-long", f'shorten it or add `variants: {{{network}: "…"}}`'
            if "hashtag" in reason:
                rule, hint = "text/too-many-hashtags", "keep the most relevant hashtags"
            elif "link" in reason:
                rule, hint = "text/too-many-links", "keep fewer links"
            if reason.startswith("over by"):
                reason = f"{counted.length}/{counted.limit} {counted.unit}, {reason}"
            yield Problem(
                post.rel,
                *where,
                rule,
                f"too long for {network}{label}: {reason}"
                if rule == "text/too-long"
                else f"{reason} on {network}{label}",
                hint,
                soften(post, rule),
            )
        if network is Network.INSTAGRAM and counted.urls:
            yield Problem(
                post.rel,
                *_loc_line(post, loc),
                "text/link-in-caption",
                f"links are not clickable in an Instagram caption ({counted.urls[0]})",
                'write "lien en bio" and put the link in the bio or a story',
                Severity.WARNING,
            )


def _loc_line(post: Post, loc: tuple[str | int, ...]) -> tuple[int, int]:
    return post.line_of(*loc) if loc else (post.body_line, 1)


def _at_text(post: Post, loc: tuple[str | int, ...], rule: str, message: str, hint: str) -> Problem:
    return Problem(post.rel, *_loc_line(post, loc), rule, message, hint, soften(post, rule))


def _media_base(post: Post, network: Network) -> tuple[str | int, ...]:
    variant = post.meta.variants.get(str(network))
    if variant is not None and not isinstance(variant, str) and variant.media is not None:
        return ("variants", str(network), "media")
    return ("media",)


def _media_files(space: ClientSpace, post: Post) -> Iterator[Problem]:
    """Each media file once per post: inside the client folder, present, described."""
    root = os.path.normpath(space.root.absolute())
    seen: set[tuple[str | int, ...]] = set()
    for network in post.meta.networks or [None]:  # type: ignore[list-item]
        base = _media_base(post, network) if network else ("media",)
        if base in seen:
            continue
        seen.add(base)
        media = post.media_for(network) if network else post.meta.media
        for index, item in enumerate(media):
            loc = (*base, index, "path")
            target = _target(root, item.path)
            if not target.startswith(root + os.sep):
                yield at(
                    "media/outside-client",
                    post,
                    loc,
                    f"'{item.path}' points outside the client folder",
                    "keep media inside the client's media/ folder",
                )
                continue
            if space.file_stat(target) is None:
                yield at(
                    "media/missing",
                    post,
                    loc,
                    f"media file '{item.path}' does not exist",
                    "check the path (relative to the client folder, e.g. media/photo.jpg)",
                    soften(post, "media/missing"),
                )
            elif _ext(target) not in VIDEO and not item.alt:
                yield at(
                    "media/alt-missing",
                    post,
                    (*base, index),
                    f"image '{item.path}' has no alt text",
                    'add `alt: "what the image shows"` so blind users know too',
                )


def _target(root: str, path: str) -> str:
    # normpath, not resolve(): a `stat` per media file is the cost we accept, not a
    # realpath walk; a symlink pointing out of the folder is the user's own choice
    return os.path.normpath(os.path.join(root, path))  # noqa: PTH118


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower().lstrip(".")  # noqa: PTH122


def _media_network(space: ClientSpace, post: Post, network: Network) -> Iterator[Problem]:
    """What one network accepts: how many files, which formats, how large, from where."""
    media = post.media_for(network)
    if not media:
        return
    rules = LIMITS[network].media
    base = _media_base(post, network)
    if len(media) > rules.max_count:
        yield at(
            "media/too-many",
            post,
            base,
            f"{len(media)} media files, {network} accepts {rules.max_count} per post",
            "remove some or split the post",
            soften(post, "media/too-many"),
        )
    if network in (Network.INSTAGRAM, Network.THREADS) and space.client is not None:
        account = space.client.accounts.get(network)
        if not (space.client.media_base_url or (account and account.media_base_url)):
            yield at(
                "media/no-public-url",
                post,
                base,
                f"{network} fetches media from a public URL, and none is configured",
                "set media_base_url in client.yaml (where media/ is served, e.g. your site)",
                soften(post, "media/no-public-url"),
            )
    root = os.path.normpath(space.root.absolute())
    for index, item in enumerate(media):
        target = _target(root, item.path)
        stat = space.file_stat(target) if target.startswith(root + os.sep) else None
        if stat is None:
            continue  # missing or outside: reported once by _media_files
        loc = (*base, index, "path")
        ext = _ext(item.path)
        if ext not in rules.formats:
            yield at(
                "media/format",
                post,
                loc,
                f"{network} does not accept .{ext} files",
                f"use one of: {', '.join(sorted(rules.formats))}",
                soften(post, "media/format"),
            )
            continue
        video = ext in VIDEO
        limit = rules.max_video_bytes if video else rules.max_image_bytes
        # images over the limit are recompressed into a variant at publish time
        if limit and stat.st_size > limit and video:
            yield at(
                "media/too-large",
                post,
                loc,
                f"'{item.path}' is {stat.st_size / 1e6:.1f} MB, {network} accepts "
                f"{limit / 1e6:.0f} MB",
                "export a smaller file",
            )


def _charter_rules(
    charter: Charter, post: Post, text: str, networks: list[Network]
) -> Iterator[Problem]:
    from .. import text as t

    loc = _where(post, networks[0])
    on = "" if len(networks) == len(post.meta.networks) else f" (on {', '.join(networks)})"
    tags = [tag.casefold() for tag in t.extract_hashtags(text)]
    rules = charter.hashtags
    for required in rules.required:
        if required.casefold() not in tags:
            yield Problem(
                post.rel,
                *_loc_line(post, loc),
                "charter/hashtag-required",
                f"the charter requires #{required}{on}",
                f"add #{required}",
                Severity.WARNING,
            )
    for forbidden in rules.forbidden:
        if forbidden.casefold() in tags:
            yield _found(
                post,
                loc,
                text,
                f"#{forbidden}",
                "charter/hashtag-forbidden",
                f"the charter forbids #{forbidden}{on}",
                f"remove #{forbidden}",
            )
    for network in networks:
        limit = rules.per_network.get(network, rules.max)
        if limit is not None and len(tags) > limit:
            yield Problem(
                post.rel,
                *_loc_line(post, loc),
                "charter/too-many-hashtags",
                f"{len(tags)} hashtags on {network}, the charter allows {limit}",
                "keep the most relevant ones",
                Severity.WARNING,
            )
            break
    for word in charter.words.avoid:
        match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
        if match:
            yield _found(
                post,
                loc,
                text,
                match.group(0),
                "charter/word-to-avoid",
                f'the charter asks to avoid "{word}"{on}',
                _alternative(charter.words.use),
            )
    if charter.emoji.max is not None:
        emoji = t.emoji_count(text)
        if emoji > charter.emoji.max:
            yield Problem(
                post.rel,
                *_loc_line(post, loc),
                "charter/too-many-emoji",
                f"{emoji} emoji{on}, the charter allows {charter.emoji.max}",
                "remove some emoji",
                Severity.WARNING,
            )


def _alternative(use: list[str]) -> str:
    return f"rephrase; the charter prefers: {', '.join(use[:5])}" if use else "rephrase"


def _found(
    post: Post,
    loc: tuple[str | int, ...],
    text: str,
    needle: str,
    rule: str,
    message: str,
    hint: str,
) -> Problem:
    from .rules import severity

    index = post.body.find(needle) if not loc else -1
    line, col = _body_position(post, index) if index >= 0 else _loc_line(post, loc)
    return Problem(post.rel, line, col, rule, message, hint, severity(rule))

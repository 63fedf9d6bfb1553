"""From a post to what is sent on one network: a `Delivery`, and its content hash.

The content hash covers what the post says on that network — its text there,
thread, media (path, alt text, file size), link as written, content warning,
title — so an edit that changes what readers would see changes the hash, and
the ledger can tell a post edited after it went out. UTM settings are not part
of it: retuning them must not make every published post look edited.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from pathlib import Path
from typing import cast

from .connectors.base import Delivery, MediaFile
from .diagnostics import CmkitError, Problem, Severity
from .ledger import idempotency_key, published
from .links import tag
from .models import Account, Media
from .networks import Network
from .workspace import ClientSpace, Post


def account_for(space: ClientSpace, network: Network) -> Account:
    """The client's account on a network as connectors see it, once per loaded client."""
    key = ("account", network)
    if key not in space.derived:
        space.derived[key] = _account(space, network)
    return cast("Account", space.derived[key])


def _account(space: ClientSpace, network: Network) -> Account:
    if space.client is None:
        raise CmkitError(
            f"{space.slug}/client.yaml is missing or invalid",
            f"run `cmkit check {space.slug}` and fix what it says",
        )
    account = space.client.accounts.get(network)
    if account is None:
        raise CmkitError(
            f"{space.slug} has no {network} account",
            f"add `accounts: {{{network}: {{handle: …}}}}` to {space.slug}/client.yaml",
        )
    if account.media_base_url is None and space.client and space.client.media_base_url:
        # connectors that have Meta fetch media by URL read it from the account only
        account = account.model_copy(update={"media_base_url": space.client.media_base_url})
    return account


def _media(space: ClientSpace, post: Post, network: Network) -> list[Media]:
    return [m for m in post.media_for(network) if isinstance(m, Media)]


def _media_facts(space: ClientSpace, post: Post, network: Network) -> list[list[object]]:
    facts: list[list[object]] = []
    for item in _media(space, post, network):
        info = space.file_stat(space.root / item.path)
        facts.append([item.path, item.alt or "", info.st_size if info else -1])
    return facts


def content_hash(space: ClientSpace, post: Post, network: Network) -> str:
    """sha256 (first 16 hex digits) of what the post says on this network."""
    account = space.client.accounts.get(network) if space.client else None
    locale = account.locale if account else None
    payload = {
        "text": post.text_for(network, locale),
        "thread": [part.strip() for part in post.meta.thread],
        "media": _media_facts(space, post, network),
        "link": post.link_for(network),
        "cw": post.meta.content_warning,
        "title": post.meta.title,
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def delivery(space: ClientSpace, post: Post, network: Network, *, keyed: bool = True) -> Delivery:
    """Everything a connector needs to publish `post` on `network`, or a CmkitError saying
    why it cannot be sent (no account for the network, a missing media file).

    `keyed=False` leaves out the content hash and idempotency key, which only
    publishing needs: `check` renders every delivery of the workspace to lint it."""
    account = account_for(space, network)
    media: list[MediaFile] = []
    for item in _media(space, post, network):
        path = space.root / item.path
        info = space.file_stat(path)
        if info is None:
            raise CmkitError(
                f"{post.rel}: media file {item.path} is missing",
                f"add it under {space.slug}/media/ or fix the path",
            )
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # absolute, not resolve(): `check` renders every delivery, and realpath walks
        # every component of every path
        media.append(MediaFile(path.absolute(), item.alt, mime, info.st_size, info.st_mtime_ns))
    link = post.link_for(network)
    if link and space.client is not None:
        campaign = post.meta.campaign or post.meta.highlight
        link = tag(
            link,
            space.client.links.utm,
            network=str(network),
            campaign=campaign,
            client=space.slug,
            post=post.id,
        )
    digest = content_hash(space, post, network) if keyed else ""
    return Delivery(
        client=space.slug,
        post_id=post.id,
        network=network,
        text=post.text_for(network, account.locale),
        idempotency_key=idempotency_key(space.slug, post.id, str(network), digest) if keyed else "",
        account=account,
        media=tuple(media),
        link=link,
        lang=account.locale or post.meta.lang,
        thread=tuple(part.strip() for part in post.meta.thread if part.strip()),
        content_warning=post.meta.content_warning,
        title=post.meta.title,
        at=post.at,
        format=str(post.meta.format) if post.meta.format else None,
        content_hash=digest,
    )


def edited_after_publish(space: ClientSpace, data_dir: Path | None = None) -> list[Problem]:
    """Rule `post/edited-after-publish` (a warning): the post changed since it went out.

    cmkit never republishes such a post; the CM edits it on the network by hand or
    reverts the file. `cmkit check` calls this through the lint.
    """
    done = published(data_dir or space.data_dir)
    problems: list[Problem] = []
    for post in space.posts:
        for network in post.meta.networks:
            entry = done.get((post.id, str(network)))
            if entry is None or not entry.hash:
                continue
            if content_hash(space, post, network) == entry.hash:
                continue
            line, col = post.body_line, 1
            where = f" ({entry.url})" if entry.url else ""
            problems.append(
                Problem(
                    post.rel,
                    line,
                    col,
                    "post/edited-after-publish",
                    f"changed since it was published on {network} on "
                    f"{entry.ts:%Y-%m-%d %H:%M} UTC{where}; cmkit will not publish it again",
                    "edit the post on the network by hand if needed, or revert the file "
                    "to what was published",
                    Severity.WARNING,
                )
            )
    return problems

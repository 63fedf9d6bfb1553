"""Bluesky: posts through the account's AT Protocol server (PDS) with an app password.

client.yaml: `handle` (or `id`, the DID), `instance` (the server, default
https://bsky.social), `token_env` naming the variable that holds an *app
password*. The session is kept between runs (atproto_session.py).

A post is an `app.bsky.feed.post` record: text with facets (links, hashtags,
mentions resolved to DIDs, UTF-8 byte offsets), up to four images (recompressed
under 1,000,000 bytes when needed) with alt text, or a link card built from the
page's OpenGraph tags, and `langs` from the account's or post's locale. Each
record key is derived from the delivery's idempotency key (atproto_facets), so
a retry can never make a second post and recovery finds the first by key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from .. import clock
from ..models import Account
from ..networks import LIMITS, Network
from .atproto_agent import Agent, Ref, host
from .atproto_facets import (
    build_facets,
    full_link,
    language_tags,
    parse_at_uri,
    part_rkey,
    post_url,
    short_display,
    stable_rkey,
    strip_tracking,
)
from .base import (
    AccountMetrics,
    AccountStatus,
    BaseConnector,
    CheckIssue,
    ConnectorError,
    Delivery,
    MediaFile,
    Mention,
    PostMetrics,
    Progress,
    PublishResult,
    SearchHit,
)

POST = "app.bsky.feed.post"
DEFAULT_SERVER = "https://bsky.social"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def same_page(a: str, b: str) -> bool:
    """Whether two links lead to the same page (scheme, www, trailing slash and UTM
    parameters aside)."""

    def norm(url: str) -> tuple[str, str, str]:
        parts = urlsplit(strip_tracking(full_link(url)))
        return (parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), parts.query)

    return norm(a) == norm(b)


class BlueskyConnector(BaseConnector):
    name = "bluesky"
    limits = LIMITS[Network.BLUESKY]

    def __init__(self, account: Account, secret: Callable[[str], str]) -> None:
        super().__init__(account, secret)
        server = str(account.instance or DEFAULT_SERVER)
        identifier = account.handle or account.id or ""
        self.agent = Agent(server, identifier, lambda: self.secret("token"))
        self._dids: dict[str, str | None] = {}

    def close(self) -> None:
        self.agent.close()

    def xrpc(self, method: str, nsid: str, **kwargs: Any) -> Any:
        return self.agent.xrpc(method, nsid, **kwargs)

    def verify(self) -> AccountStatus:
        session = self.agent.session()
        body = self.xrpc("GET", "com.atproto.server.getSession")
        handle = body.get("handle") or session.handle
        where = host(session.pds)
        if body.get("active") is False:
            status = body.get("status", "deactivated")
            return AccountStatus(False, f"@{handle} is not active on {where} ({status})")
        configured = self.agent.identifier.lower()
        if configured not in (handle.lower(), session.did.lower()):
            return AccountStatus(
                False,
                f"the app password belongs to @{handle}, but client.yaml says @{configured}",
            )
        return AccountStatus(True, f"logged in as @{handle} on {where}")

    # -- what is sent -----------------------------------------------------------------

    @staticmethod
    def images(delivery: Delivery) -> list[MediaFile]:
        return [m for m in delivery.media if m.mime.startswith("image/")]

    def compose(self, delivery: Delivery) -> tuple[str, tuple[int, int] | None]:
        """The text as sent, and the byte span of a link cmkit appended to it (if any).

        A link already in the text stays as written (its facet points to the tagged
        link). Otherwise a post without images shows the link as a card; one with
        images — which cannot also carry a card — gets it appended, shortened for
        reading, its facet pointing to the full tagged link.
        """
        from ..text import facet_spans

        text, link = delivery.text, delivery.link
        if not link or not self.images(delivery):
            return text, None
        if any(s.kind in ("link", "url") and same_page(s.value, link) for s in facet_spans(text)):
            return text, None
        head = f"{text.rstrip()}\n\n" if text.strip() else ""
        start = len(head.encode())
        shown = short_display(link)
        return head + shown, (start, start + len(shown.encode()))

    def check(self, delivery: Delivery) -> list[CheckIssue]:
        from .bluesky_checks import check_delivery

        return check_delivery(self, delivery)

    def resolve_handle(self, handle: str) -> str | None:
        if handle not in self._dids:
            self._dids[handle] = self.agent.resolve_handle(handle)
        return self._dids[handle]

    def facets(
        self, text: str, link: str | None, appended: tuple[int, int] | None = None
    ) -> list[dict[str, Any]]:
        def link_for(found: str) -> str:
            return link if link and same_page(found, link) else full_link(found)

        body = text if appended is None else text.encode()[: appended[0]].decode()
        facets = build_facets(body, self.resolve_handle, link_for)
        if appended is not None and link:
            index = {"byteStart": appended[0], "byteEnd": appended[1]}
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": link}
            facets.append({"index": index, "features": [feature]})
        return facets

    def _embed(self, delivery: Delivery) -> dict[str, Any] | None:
        from .bluesky_embeds import images_embed, link_card

        images = self.images(delivery)
        if images:
            return images_embed(self, images)
        if delivery.link:
            return link_card(self, delivery.link, delivery.title)
        return None

    def record(
        self,
        text: str,
        facets: list[dict[str, Any]],
        langs: list[str],
        embed: dict[str, Any] | None = None,
        reply: tuple[Ref, Ref] | None = None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": iso(clock.now())}
        if facets:
            record["facets"] = facets
        if langs:
            record["langs"] = langs
        if embed:
            record["embed"] = embed
        if reply:
            record["reply"] = {"root": reply[0].strong(), "parent": reply[1].strong()}
        return record

    # -- publishing and recovery ------------------------------------------------------

    @staticmethod
    def root_rkey(delivery: Delivery) -> str:
        # the planned time, so every attempt agrees; never a time still to come
        now = clock.now()
        base = delivery.at if delivery.at is not None and delivery.at <= now else now
        return stable_rkey(delivery.idempotency_key, base)

    def _url(self, rkey: str) -> str:
        session = self.agent.session()
        return post_url(session.handle or session.did, rkey)

    def publish(self, delivery: Delivery, progress: Progress) -> PublishResult:
        did = self.agent.session().did
        langs = language_tags(delivery.lang)
        root_key = self.root_rkey(delivery)
        progress("rkey", root_key)
        text, appended = self.compose(delivery)
        root: Ref | None = None
        parent: Ref | None = None
        for index, part in enumerate([text, *delivery.thread]):
            rkey = part_rkey(root_key, index)
            ref = self.agent.get_record(did, POST, rkey)  # an earlier run may have sent it
            if ref is None:
                if root is None or parent is None:
                    facets = self.facets(part, delivery.link, appended)
                    record = self.record(part, facets, langs, self._embed(delivery))
                else:
                    facets = self.facets(part, delivery.link)
                    record = self.record(part, facets, langs, reply=(root, parent))
                ref = self.agent.create_record(POST, rkey, record)
            root = root or ref
            parent = ref
        assert root is not None
        return PublishResult(root.uri, self._url(root_key), {"cid": root.cid})

    def find_published(
        self, delivery: Delivery, since: datetime, state: dict[str, str]
    ) -> PublishResult | None:
        did = self.agent.session().did
        root_key = state.get("rkey") or self.root_rkey(delivery)
        text = self.compose(delivery)[0]
        root = self.agent.get_record(did, POST, root_key)
        if root is not None and root.value.get("text") != text:
            return None  # some other content sits at this key: not this delivery
        if root is None:
            root = self._scan(did, text, since)
            if root is None:
                return None
            root_key = parse_at_uri(root.uri)[2]
        for index in range(1, len(delivery.thread) + 1):
            if self.agent.get_record(did, POST, part_rkey(root_key, index)) is None:
                return None  # an unfinished thread: publishing again completes it
        return PublishResult(root.uri, self._url(root_key), {"cid": root.cid})

    def _scan(self, did: str, text: str, since: datetime, pages: int = 5) -> Ref | None:
        """The account's post with this text created since `since`, if any (for posts
        whose record key is not known)."""
        cursor = None
        for _ in range(pages):
            params: dict[str, Any] = {"repo": did, "collection": POST, "limit": 100}
            if cursor:
                params["cursor"] = cursor
            body = self.xrpc("GET", "com.atproto.repo.listRecords", params=params)
            for item in body.get("records", []):
                value = item.get("value", {})
                created = parse_time(value.get("createdAt"))
                if (
                    value.get("text") == text
                    and "reply" not in value
                    and created
                    and (created >= since)
                ):
                    return Ref(item["uri"], item["cid"], value)
            cursor = body.get("cursor")
            if not cursor:
                return None
        return None

    # -- reading (AppView methods, through the PDS) and answering ----------------------

    def account_metrics(self, day: date) -> AccountMetrics:
        from .bluesky_reads import account_metrics

        return account_metrics(self, day)

    def post_metrics(self, remote_ids: list[str], day: date) -> list[PostMetrics]:
        from .bluesky_reads import post_metrics

        return post_metrics(self, remote_ids, day)

    def mentions(self, since: datetime | None) -> list[Mention]:
        from .bluesky_reads import mentions

        return mentions(self, since)

    def search(self, query: str, since: datetime | None) -> list[SearchHit]:
        from .bluesky_reads import search

        return search(self, query, since)

    def reply(self, mention: Mention, text: str, idempotency_key: str) -> PublishResult:
        did = self.agent.session().did
        repo, collection, rkey = parse_at_uri(mention.remote_id)
        parent = self.agent.get_record(repo, collection, rkey)
        if parent is None:
            where = mention.url or mention.remote_id
            raise ConnectorError(f"bluesky: the post to answer is gone ({where})")
        thread_root = (parent.value.get("reply") or {}).get("root")
        root = Ref(thread_root["uri"], thread_root["cid"]) if thread_root else parent
        key = stable_rkey(idempotency_key, min(mention.created_at, clock.now()))
        ref = self.agent.get_record(did, POST, key)
        if ref is None:
            langs = language_tags(self.account.locale)
            record = self.record(text, self.facets(text, None), langs, reply=(root, parent))
            ref = self.agent.create_record(POST, key, record)
        return PublishResult(ref.uri, self._url(key), {"cid": ref.cid})

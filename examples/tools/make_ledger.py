"""Write the example's publish ledgers: what `cmkit publish` would have recorded.

Run from the repository root after editing a published example post or its pictures:
`.venv/bin/python examples/tools/make_ledger.py`. Every approved post planned before the
example's "now" (2026-11-25 09:00, Paris) gets an `intent` and a `done` line per
network, with the content hash cmkit computes today, so `cmkit check` does not report
them as missed or edited. Remote ids and URLs are made up but shaped like each
network's real ones, and derived from the post id so that re-running changes nothing.

A real workspace's ledger is written only by `cmkit publish`; never by hand.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cmkit.ledger import FILE_NAME, Entry, idempotency_key
from cmkit.models import Status
from cmkit.networks import Network
from cmkit.render import content_hash
from cmkit.workspace import ClientSpace, Post, load

AGENCY = Path(__file__).resolve().parents[1] / "agency"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 in Paris
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"

# one send that failed and was retried by the next cron run, as happens in real life
RETRIED = {
    ("2026-11-24-recrutement-apprenti", "linkedin"): "LinkedIn answered 503 Service Unavailable"
}


def digits(seed: str, count: int) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return str(number)[:count]


def letters(seed: str, count: int, alphabet: str) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    out = ""
    for _ in range(count):
        number, index = divmod(number, len(alphabet))
        out += alphabet[index]
    return out


def remote(space: ClientSpace, post: Post, network: Network) -> tuple[str, str]:
    """A plausible (remote id, public URL) for a post on a network."""
    seed = f"{space.slug}/{post.id}/{network}"
    account = space.client.accounts[network] if space.client else None
    handle = (account.handle or "") if account else ""
    if network is Network.FACEBOOK:
        page = account.id if account and account.id else digits(seed + "page", 15)
        story = "1221" + digits(seed, 11)
        return f"{page}_{story}", f"https://www.facebook.com/{page}/posts/{story}"
    if network is Network.INSTAGRAM:
        code = "D" + letters(
            seed, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        )
        return "179" + digits(seed, 14), f"https://www.instagram.com/p/{code}/"
    if network is Network.LINKEDIN:
        urn = "urn:li:share:72" + digits(seed, 17)
        return urn, f"https://www.linkedin.com/feed/update/{urn}/"
    if network is Network.BLUESKY:
        did = "did:plc:" + letters(space.slug, 24, TID_ALPHABET)
        rkey = "3lb" + letters(seed, 10, TID_ALPHABET)
        return (
            f"at://{did}/app.bsky.feed.post/{rkey}",
            f"https://bsky.app/profile/{handle}/post/{rkey}",
        )
    if network is Network.MASTODON:
        status = "1135" + digits(seed, 14)
        user = handle.lstrip("@").split("@")[0]
        instance = account.instance if account and account.instance else "https://mastodon.example"
        return status, f"{instance.rstrip('/')}/@{user}/{status}"
    raise ValueError(f"no example ids for {network}")


def lines_for(space: ClientSpace, post: Post, network: Network, index: int) -> list[Entry]:
    assert post.at is not None
    digest = content_hash(space, post, network)
    key = idempotency_key(space.slug, post.id, str(network), digest)
    # a cron run starts a few seconds past the minute and sends one network after another
    sent = post.at.astimezone(UTC) + timedelta(seconds=2 + 4 * index)
    remote_id, url = remote(space, post, network)
    out = []
    error = RETRIED.get((post.id, str(network)))
    if error:
        out.append(Entry(sent, "intent", post.id, str(network), key, digest))
        out.append(
            Entry(
                sent + timedelta(seconds=31),
                "failed",
                post.id,
                str(network),
                key,
                digest,
                {"error": error, "retryable": True},
            )
        )
        sent += timedelta(minutes=15)  # the next cron run
    out.append(Entry(sent, "intent", post.id, str(network), key, digest))
    out.append(
        Entry(
            sent + timedelta(seconds=3),
            "done",
            post.id,
            str(network),
            key,
            digest,
            {"remote_id": remote_id, "url": url},
        )
    )
    return out


def main() -> None:
    ws = load(AGENCY)
    assert not ws.problems, [p.text() for p in ws.problems]
    for space in ws.clients.values():
        due = [
            p
            for p in space.posts
            if p.meta.status is Status.APPROVED and p.at is not None and p.at < NOW
        ]
        entries: list[Entry] = []
        for post in sorted(due, key=lambda p: (p.at, p.id)):
            for index, network in enumerate(post.meta.networks):
                entries += lines_for(space, post, network, index)
        entries.sort(key=lambda e: e.ts)  # stable: a send's intent stays before its done
        path = space.data_dir / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(e.to_json() + "\n" for e in entries), encoding="utf-8")
        done = sum(e.event == "done" for e in entries)
        print(f"{path.relative_to(AGENCY)}: {len(entries)} lines, {done} published")


if __name__ == "__main__":
    main()

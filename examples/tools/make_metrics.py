"""Write the example's metrics: what `cmkit metrics pull` and `metrics import` would hold.

Run from the repository root after changing the example's published posts (and the
ledger, examples/tools/make_ledger.py): `.venv/bin/python examples/tools/make_metrics.py`.

Account lines: one per network and day from 1 September to the example's "now"
(25 November 2026), as a daily cron pull leaves them. Post lines: each published post
measured one, seven and thirty days after it went out, as the daily pull's window sees
it; LinkedIn's post figures come from the page analytics export imported on the first
of each month (its API needs a partner programme). One Facebook post published by hand
(not in the ledger) comes from a Meta Business Suite export, as in real life.

The figures are made up but shaped like a small business's: a few thousand followers,
Instagram carousels and the Thursday-evening "coulisses" posts doing best, Bluesky and
Mastodon exposing no impressions. Derived from a hash of each post, so re-running
changes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cmkit.metrics.published import published
from cmkit.metrics.store import ACCOUNTS_FILE, POSTS_FILE, AccountSnapshot, PostSnapshot, encode
from cmkit.networks import Network
from cmkit.workspace import ClientSpace, load

AGENCY = Path(__file__).resolve().parents[1] / "agency"
FIRST = date(2026, 9, 1)
TODAY = date(2026, 11, 25)
AGES = (1, 7, 30)

# followers on 1 September, on 1 November and today, per client and network
FOLLOWERS = {
    ("boulangerie-martin", Network.INSTAGRAM): (2050, 2214, 2318),
    ("boulangerie-martin", Network.FACEBOOK): (1162, 1205, 1231),
    ("boulangerie-martin", Network.LINKEDIN): (296, 310, 315),
    ("boulangerie-martin", Network.BLUESKY): (402, 426, 441),
    ("cafe-erable", Network.INSTAGRAM): (2390, 2480, 2527),
    ("cafe-erable", Network.FACEBOOK): (861, 889, 902),
    ("cafe-erable", Network.MASTODON): (310, 338, 352),
}
# engagements per 100 impressions by network and format
RATE = {
    Network.INSTAGRAM: {"carousel": 4.3, "image": 3.1, "text": 2.2, "link": 1.8},
    Network.FACEBOOK: {"carousel": 3.4, "image": 3.0, "text": 2.6, "link": 1.7},
    Network.LINKEDIN: {"image": 4.6, "text": 4.0, "link": 3.1, "carousel": 4.8},
}
REACH_SHARE = {Network.INSTAGRAM: 0.34, Network.FACEBOOK: 0.42, Network.LINKEDIN: 2.6}


def noise(seed: str, spread: float = 0.25) -> float:
    """A stable factor in [1 - spread, 1 + spread] for a seed."""
    value = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return 1 - spread + 2 * spread * value


def followers_on(client: str, network: Network, day: date) -> int:
    start, november, today = FOLLOWERS[(client, network)]
    nov1 = date(2026, 11, 1)
    if day < nov1:
        share = (day - FIRST).days / (nov1 - FIRST).days
        base = start + (november - start) * share
    else:
        share = (day - nov1).days / (TODAY - nov1).days
        base = november + (today - november) * share
    wobble = (noise(f"{client}/{network}/{day}", 1.0) - 1) * 2  # ±2 a day
    return round(base + wobble) if day not in (FIRST, nov1, TODAY) else round(base)


def account_lines(space: ClientSpace) -> list[AccountSnapshot]:
    out = []
    for client, network in FOLLOWERS:
        if client != space.slug:
            continue
        day = FIRST
        while day <= TODAY:
            seed = f"{client}/{network}/{day}/account"
            count = followers_on(client, network, day)
            if network in (Network.BLUESKY, Network.MASTODON):
                out.append(AccountSnapshot(day, network, followers=count))
            else:
                weekend = 1.25 if day.weekday() >= 5 else 1.0
                reach = round(count * 0.22 * weekend * noise(seed))
                visits = (
                    None
                    if network is Network.LINKEDIN
                    else round(count * 0.012 * noise(seed + "v", 0.4))
                )
                impressions = round(reach * 1.45 * noise(seed + "i", 0.1))
                out.append(
                    AccountSnapshot(
                        day,
                        network,
                        followers=count,
                        impressions=impressions,
                        reach=None if network is Network.LINKEDIN else reach,
                        profile_visits=visits,
                    )
                )
            day += timedelta(days=1)
    return out


def lifetime(space: ClientSpace, post_id: str, network: Network, at: datetime) -> dict[str, int]:
    post = space.post(post_id)
    assert post is not None
    fmt = str(post.meta.format or "image")
    seed = f"{space.slug}/{post_id}/{network}"
    followers = followers_on(space.slug, network, at.date())
    evening = at.weekday() == 3 and at.hour >= 18  # Thursday evening "coulisses"
    boost = (1.2 if evening else 1.0) * (
        1.15 if post.meta.pillar == "equipe" and network is Network.LINKEDIN else 1.0
    )
    if network in (Network.BLUESKY, Network.MASTODON):
        weekend = 1.3 if at.weekday() >= 5 else 1.0
        per_follower = 0.032 if network is Network.BLUESKY else 0.013
        likes = round(followers * per_follower * weekend * noise(seed))
        return {
            "likes": likes,
            "comments": round(likes * 0.18 * noise(seed + "c", 0.5)),
            "shares": round(likes * 0.3 * noise(seed + "s", 0.4)),
        }
    impressions = round(followers * REACH_SHARE[network] * 1.4 * boost * noise(seed))
    engagements = impressions * RATE[network].get(fmt, 3.0) / 100 * boost * noise(seed + "e")
    out = {
        "impressions": impressions,
        "reach": round(impressions / 1.4 * noise(seed + "r", 0.05)),
        "likes": round(engagements * 0.78),
        "comments": round(engagements * 0.1 * noise(seed + "c", 0.5)),
        "shares": round(engagements * 0.06 * noise(seed + "s", 0.5)),
    }
    if network is Network.INSTAGRAM:
        out["saves"] = round(engagements * 0.09 * noise(seed + "v", 0.5))
    else:
        link = fmt == "link" or bool(post.meta.link)
        out["clicks"] = round(impressions * (0.028 if link else 0.009) * noise(seed + "k"))
    if network is Network.LINKEDIN:
        del out["reach"]
    return out


def settled(age: int) -> float:
    """Share of its lifetime counters a post has reached `age` days after it went out."""
    if age <= 1:
        return 0.62
    if age <= 7:
        return 0.62 + (0.93 - 0.62) * (age - 1) / 6
    return min(1.0, 0.93 + 0.07 * (age - 7) / 23)


def post_lines(space: ClientSpace) -> list[PostSnapshot]:
    out = []
    for (post_id, network), entry in sorted(published(space.data_dir).items()):
        at = entry.at.astimezone(space.tz)
        figures = lifetime(space, post_id, network, at)
        for age in AGES:
            day = at.date() + timedelta(days=age)
            source = "pull"
            if network is Network.LINKEDIN:
                # the page analytics export, imported on the 1st of the month (and today)
                first = (at.date().replace(day=1) + timedelta(days=32)).replace(day=1)
                day = first if age == 1 else (first + timedelta(days=32)).replace(day=1)
                source = "import:linkedin-posts"
            if day > TODAY:
                if network is Network.LINKEDIN and age == 1:
                    day = TODAY
                else:
                    continue
            share = settled((day - at.date()).days)
            values = {k: round(v * share) for k, v in figures.items()}
            if network is Network.INSTAGRAM:
                values["views"] = values.pop("impressions")
            out.append(
                PostSnapshot(day, network, entry.remote_id, post_id, source=source, **values)
            )  # type: ignore[arg-type]
    if space.slug == "boulangerie-martin":
        # a closing notice Claire posted from her phone: known only from the Meta export
        out.append(
            PostSnapshot(
                date(2026, 11, 1),
                Network.FACEBOOK,
                "104000000000001_122111430017882",
                None,
                views=688,
                reach=502,
                likes=31,
                comments=9,
                shares=4,
                clicks=3,
                published=datetime(2026, 10, 18, 19, 12, tzinfo=UTC).astimezone(space.tz),
                url="https://www.facebook.com/104000000000001/posts/122111430017882",
                source="import:meta-posts",
            )
        )
    return sorted(out, key=lambda s: (s.day, s.post or "", str(s.network)))


def main() -> None:
    ws = load(AGENCY)
    for space in ws.clients.values():
        accounts = account_lines(space)
        posts = post_lines(space)
        (space.data_dir / ACCOUNTS_FILE).write_text(
            "".join(encode(s) + "\n" for s in accounts), encoding="utf-8"
        )
        (space.data_dir / POSTS_FILE).write_text(
            "".join(encode(s) + "\n" for s in posts), encoding="utf-8"
        )
        print(f"{space.slug}: {len(accounts)} account lines, {len(posts)} post lines")


if __name__ == "__main__":
    main()

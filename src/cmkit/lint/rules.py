"""Every rule `cmkit check` knows: a stable id, a default severity, one line of meaning.

Ids are part of the user contract (CI filters, editor integrations): never rename
one; retire it instead. `docs/rules.md` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str


_RULES = [
    # reading files
    Rule("file/unreadable", E, "the file cannot be read (permissions, a folder named like a file)"),
    Rule("file/encoding", E, "the file is not valid UTF-8"),
    Rule("file/binary", E, "the file contains NUL bytes"),
    Rule("file/too-large", E, "a workspace file over 5 MB"),
    Rule("file/missing", E, "a client folder without client.yaml"),
    Rule("file/unknown", W, "a YAML file cmkit does not read (often a misspelt name)"),
    # YAML
    Rule("yaml/syntax", E, "the YAML cannot be parsed"),
    Rule("yaml/tab", E, "a tab used for indentation"),
    Rule("yaml/duplicate-key", E, "the same key twice in one mapping"),
    Rule("yaml/alias-bomb", E, "anchors and aliases that expand to an enormous document"),
    # schema
    Rule("schema/unknown-key", E, "a key the file format does not have (typo?)"),
    Rule("schema/missing-key", E, "a required key is absent"),
    Rule("schema/invalid", E, "a value of the wrong type or form"),
    Rule("schema/type", E, "the file is not a mapping of keys"),
    # posts
    Rule("post/front-matter", E, "a post without YAML front matter between --- lines"),
    Rule("post/duplicate-id", E, "two posts with the same id in one client"),
    Rule("post/no-time", E, "an approved post without a date and time"),
    Rule("post/no-networks", E, "an approved post without networks"),
    Rule("post/no-account", E, "a post for a network the client has no account on"),
    Rule("post/time-does-not-exist", E, "a local time skipped by a daylight-saving change"),
    Rule("post/time-ambiguous", W, "a local time that happens twice (clocks go back)"),
    Rule("post/missed", W, "an approved post whose time has passed and that was never published"),
    Rule("post/edited-after-publish", W, "a published post whose text or media changed since"),
    Rule("post/slot-collision", W, "two posts on the same network at the same time"),
    Rule("post/unknown-pillar", W, "a pillar the strategy does not define"),
    Rule("post/unknown-campaign", W, "a campaign with no campaigns/<id>.yaml"),
    Rule("post/unknown-highlight", W, "a highlight the calendar does not define"),
    Rule("post/variant-key", E, "a variant key that is neither a network nor a client locale"),
    Rule("post/variant-unused", W, "a variant for a network the post is not sent to"),
    Rule("post/missing-translation", W, "an account posts in a locale the post has no text for"),
    # text
    Rule("text/empty", E, "an approved post with no text for a network"),
    Rule("text/too-long", E, "text over the network's limit (counted the network's way)"),
    Rule("text/too-many-hashtags", E, "more hashtags than the network allows"),
    Rule("text/too-many-links", E, "more links than the network allows (Threads: 5)"),
    Rule("text/link-in-caption", W, "a link in an Instagram caption, where it is not clickable"),
    # media
    Rule("media/missing", E, "a media file that does not exist"),
    Rule("media/outside-client", E, "a media path that leaves the client folder"),
    Rule("media/alt-missing", W, "an image without alt text"),
    Rule("media/format", E, "a file type the network does not accept"),
    Rule("media/too-many", E, "more media than the network accepts in one post"),
    Rule("media/too-large", W, "a file over the network's size limit"),
    Rule("media/no-public-url", E, "Instagram/Threads media with no media_base_url to serve it"),
    # charter
    Rule("charter/hashtag-required", W, "a hashtag the charter requires is missing"),
    Rule("charter/hashtag-forbidden", E, "a hashtag the charter forbids"),
    Rule("charter/too-many-hashtags", W, "more hashtags than the charter allows"),
    Rule("charter/word-to-avoid", W, "a word the charter asks to avoid"),
    Rule("charter/too-many-emoji", W, "more emoji than the charter allows"),
    # strategy and calendar
    Rule("strategy/deadline-outside-period", W, "an objective's deadline outside the period"),
    Rule("calendar/unknown-pillar", W, "a slot's pillar the strategy does not define"),
    # paid campaigns
    Rule("campaign/split-over-budget", E, "a budget split adding up to more than the budget"),
    Rule("campaign/spend-outside-dates", W, "spend dated before the start or after the end"),
    Rule("campaign/overspend", W, "more spent (entered and imported) than the budget"),
    Rule("campaign/no-results", W, "a campaign ended days ago with no result entered"),
    # what only one network refuses, reported by its connector's offline check
    Rule("media/required", E, "a network that only takes posts with an image or video"),
    Rule("media/unreadable", E, "an image file that cannot be decoded"),
    Rule("media/aspect-ratio", E, "an image ratio the network refuses (Instagram 4:5–1.91:1)"),
    Rule("media/not-in-media-folder", E, "a file outside media/, which media_base_url serves"),
    Rule("link/not-sent", W, "the post's link is not sent to this network (Instagram)"),
    Rule("link/no-preview", W, "a link that shows no preview card with photos (Facebook)"),
    Rule("text/too-many-mentions", E, "more @mentions than the network allows"),
    Rule("text/one-topic-tag", W, "Threads makes only the first hashtag a topic tag"),
    Rule("thread/not-supported", E, "a thread on a network cmkit cannot thread on"),
    Rule("bluesky/content-warning", W, "a content warning Bluesky has no field for"),
    Rule("bluesky/mention-not-a-handle", W, "an @mention Bluesky cannot resolve to an account"),
    Rule("bluesky/hashtag-too-long", W, "a hashtag over 64 characters: Bluesky will not link it"),
    Rule("bluesky/media-unreadable", E, "an image Bluesky's connector cannot read"),
    Rule(
        "bluesky/media-too-large",
        E,
        "an animated image over Bluesky's 1 MB (stills are recompressed)",
    ),
    Rule("bluesky/too-long", E, "over Bluesky's limits once the link and warning are added"),
    Rule("mastodon/too-long", E, "over the instance's limit (its own max, content warning)"),
    Rule("mastodon/alt-too-long", E, "alt text over the instance's description limit"),
    Rule("mastodon/media-too-large", E, "a file over the instance's size limit"),
    Rule("mastodon/video-with-others", E, "a video with other attachments (Mastodon refuses)"),
    Rule("account/id", E, "an account id the network cannot use (LinkedIn wants an author URN)"),
    Rule("media/video-not-supported", E, "a video where cmkit publishes images only (LinkedIn, X)"),
    Rule("x/too-long-with-link", E, "over X's 280 once the post's link (23) is added to the text"),
    Rule("x/animated-gif", E, "an animated GIF: cmkit sends still images to X"),
    Rule("x/alt-too-long", E, "alt text over X's 1,000 characters"),
    Rule("telegram/too-long-with-link", E, "over Telegram's limit once the link is added"),
    Rule("discord/no-ping", W, "@everyone, @here or a mention that a scheduled post will not ping"),
    # secrets
    Rule("secret/token", E, "something in a file that looks like a token or password"),
    Rule("secret/env-tracked", E, "a .env file tracked by git"),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def severity(rule_id: str) -> Severity:
    return RULES[rule_id].severity

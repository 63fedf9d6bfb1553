"""What counting returns: a verdict per network, and byte spans for Bluesky facets."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..networks import Network


@dataclass(frozen=True)
class Count:
    """How long a text is on one network, by that network's own rule, and whether it fits."""

    network: Network
    length: int  # in `unit`
    limit: int
    valid: bool
    hashtags: list[str]  # without '#', in order
    urls: list[str]
    mentions: list[str]  # with '@': "@alice", "@alice@instance.social", "@alice.bsky.social"
    bytes: int  # UTF-8 length
    unit: str  # "weighted characters", "graphemes", "characters", …
    reason: str | None  # why invalid: "over by 12", "3012 bytes > 3000", "empty", …

    @property
    def remaining(self) -> int:
        """Characters left before the limit (negative when over)."""
        return self.limit - self.length

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["network"] = str(self.network)
        data["remaining"] = self.remaining
        return data


@dataclass(frozen=True)
class Span:
    """A link, tag or mention in a text, located by UTF-8 byte offsets (end exclusive),
    as Bluesky's app.bsky.richtext.facet index wants them."""

    kind: str  # "link" | "tag" | "mention"
    start: int
    end: int
    value: str  # the full URI (https:// added to bare domains), the tag, the handle

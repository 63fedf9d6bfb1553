"""Tracked links: UTM parameters added to a post's link, per network and campaign.

The client's `links.utm` (client.yaml) says what to add; `{network}`,
`{campaign}`, `{client}` and `{post}` in a value are filled in. A link that
already carries any `utm_` parameter was tagged by hand and is left exactly as
written, so tags are never added twice; other query parameters, their order
and encoding, and the #fragment are kept as they are.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from .models import Utm

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


def has_utm(url: str) -> bool:
    query = urlsplit(url).query
    return any(
        key.lower().startswith("utm_") for key, _ in parse_qsl(query, keep_blank_values=True)
    )


def _fill(template: str, values: dict[str, str]) -> str:
    # plain replacement, not str.format: a stray brace in a value must not raise
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template.strip()


def utm_params(
    utm: Utm, *, network: str, campaign: str | None, client: str = "", post: str = ""
) -> list[tuple[str, str]]:
    """The (key, value) pairs to add; a value whose placeholder has nothing is left out."""
    values = {"network": network, "campaign": campaign or "", "client": client, "post": post}
    wanted = [
        ("utm_source", utm.source),
        ("utm_medium", utm.medium),
        ("utm_campaign", utm.campaign),
        ("utm_content", utm.content),
    ]
    return [
        (key, filled)
        for key, template in wanted
        if template and (filled := _fill(template, values))
    ]


def tag(
    url: str,
    utm: Utm | None,
    *,
    network: str,
    campaign: str | None,
    client: str = "",
    post: str = "",
) -> str:
    """The link with UTM parameters for this network and campaign."""
    if utm is None or not utm.enabled or has_utm(url):
        return url
    params = utm_params(utm, network=network, campaign=campaign, client=client, post=post)
    if not params:
        return url
    parts = urlsplit(url)
    added = "&".join(f"{key}={quote(value, safe='')}" for key, value in params)
    existing = parts.query.rstrip("&")
    query = f"{existing}&{added}" if existing else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))

"""One story, one item: links cleaned of tracking and redirects, and the keys that identify it.

The same article reaches the CM through several doors — a Google Alert (behind a
google.com/url redirect), the competitor's own feed, a newsletter link with utm_* tags, a
Mastodon post. `clean_link` gives the link a person should open; `keys` gives every
identity of an item (its link without the noise, its guid), and an item is new only when
none of its keys was seen before, in this run or any earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that only say where a click came from; never part of what the page is
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "wt_mc",
        "at_medium",
        "at_campaign",
        "ncid",
        "cmpid",
        "xtor",
        "__s",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# redirectors that wrap the real link in a query parameter (host, path) → parameter
REDIRECTS: dict[tuple[str, str], str] = {
    ("google.com", "/url"): "url",  # Google Alerts, Google News
    ("news.google.com", "/url"): "url",
    ("l.facebook.com", "/l.php"): "u",
    ("lm.facebook.com", "/l.php"): "u",
    ("l.instagram.com", "/"): "u",
    ("out.reddit.com", "/"): "url",
}


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def unwrap(link: str) -> str:
    """The destination of a known redirector link (Google Alerts' google.com/url?…&url=)."""
    for _ in range(3):  # a redirect to a redirect, at most a few levels
        parts = urlsplit(link)
        param = REDIRECTS.get((_bare_host(parts.hostname or ""), parts.path or "/"))
        if param is None:
            return link
        target = dict(parse_qsl(parts.query)).get(param) or dict(parse_qsl(parts.query)).get("q")
        if not target or not re.match(r"https?://", target):
            return link
        link = target
    return link


def is_web(link: str) -> bool:
    return re.match(r"https?://", link.strip(), re.IGNORECASE) is not None


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def clean_link(link: str) -> str:
    """The link to show: redirect unwrapped, tracking parameters and fragment-only noise gone."""
    link = unwrap(link.strip())
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https"):
        return link
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    # the query is rebuilt only when something was removed: re-encoding can alter it
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    fragment = "" if parts.fragment.startswith(("xtor=", "utm_", ":~:")) else parts.fragment
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, fragment))


def link_key(link: str) -> str:
    """What makes two links the same page: no scheme, no www., no default port, no
    fragment, no tracking, query sorted, no trailing slash."""
    parts = urlsplit(clean_link(link))
    host = _bare_host(parts.hostname or "")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/+$", "", parts.path) or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"url:{host}{path}" + (f"?{query}" if query else "")


def guid_key(guid: str, source: str) -> str:
    """A guid that names itself (a URL, a tag: or urn: URI) is global; a bare "12" is only
    unique inside its own feed."""
    guid = guid.strip()
    if re.match(r"https?://", guid):
        return link_key(guid)
    if re.match(r"(tag|urn|at|did):", guid, re.IGNORECASE) or len(guid) >= 24:
        return f"guid:{guid}"
    return f"guid:{source}#{guid}"


def keys(
    link: str | None, guid: str | None, source: str, extra: Iterable[str] = ()
) -> tuple[str, ...]:
    found = [*extra]
    if guid:
        found.append(guid_key(guid, source))
    if link:
        found.append(link_key(link))
    return tuple(dict.fromkeys(found))


class Seen:
    """Every key stored so far; `claim` marks an item's keys and says whether it is new."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._keys = set(known)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def claim(self, item_keys: Iterable[str]) -> bool:
        item_keys = list(item_keys)
        new = not any(k in self._keys for k in item_keys)
        self._keys.update(item_keys)
        return new

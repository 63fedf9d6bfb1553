"""One story, one item: tracking parameters, redirects and guids."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from cmkit.watch.dedupe import (
    TRACKING_PARAMS,
    Seen,
    clean_link,
    guid_key,
    keys,
    link_key,
    unwrap,
)


def test_tracking_parameters_are_stripped_and_the_rest_kept() -> None:
    link = (
        "https://www.example.fr/article?id=42&utm_source=newsletter&utm_medium=email"
        "&fbclid=IwAR0abc&gclid=Cj0KCQ&mc_cid=9f&page=2"
    )
    assert clean_link(link) == "https://www.example.fr/article?id=42&page=2"


def test_a_link_without_tracking_is_left_exactly_as_it_was() -> None:
    link = "https://example.fr/recherche?q=pain+d%27%C3%A9pices&tri=date"
    assert clean_link(link) == link


def test_google_alerts_redirects_are_unwrapped() -> None:
    wrapped = (
        "https://www.google.com/url?rct=j&sa=t&url=https://www.leprogres.fr/a/b"
        "&ct=ga&cd=CAIyGjQ1&usg=AOvVaw0v"
    )
    assert unwrap(wrapped) == "https://www.leprogres.fr/a/b"
    encoded = "https://www.google.com/url?url=https://x.fr/p/%3Fid%3D3%26utm_source%3Dg&ct=ga"
    assert clean_link(encoded) == "https://x.fr/p/?id=3"


def test_a_google_search_page_is_not_mistaken_for_a_redirect() -> None:
    assert unwrap("https://www.google.com/search?q=boulangerie") == (
        "https://www.google.com/search?q=boulangerie"
    )


def test_the_same_page_written_differently_has_one_key() -> None:
    variants = [
        "https://www.example.fr/blog/buches/",
        "http://example.fr/blog/buches?utm_campaign=noel",
        "https://EXAMPLE.fr:443/blog/buches#commentaires",
        "https://example.fr/blog/buches/?fbclid=abc",
    ]
    assert len({link_key(v) for v in variants}) == 1
    assert link_key("https://example.fr/blog/buches?id=1") != link_key(
        "https://example.fr/blog/buches?id=2"
    )


def test_a_bare_guid_is_only_unique_inside_its_own_feed() -> None:
    assert guid_key("12", "https://a.fr/feed") != guid_key("12", "https://b.fr/feed")
    tag = "tag:google.com,2013:googlealerts/feed:1037456378512679"
    assert guid_key(tag, "https://a.fr/feed") == guid_key(tag, "https://b.fr/feed")
    assert guid_key("https://a.fr/?p=12", "x") == link_key("https://a.fr/?p=12")


def test_an_item_is_new_only_when_none_of_its_keys_was_seen() -> None:
    seen = Seen()
    assert seen.claim(keys("https://a.fr/x?utm_source=rss", "https://a.fr/?p=1", "feed-a"))
    # the same article met again by its guid only, then by its link only
    assert not seen.claim(keys(None, "https://a.fr/?p=1", "feed-b"))
    assert not seen.claim(keys("https://www.a.fr/x", None, "feed-c"))
    assert seen.claim(keys("https://a.fr/y", None, "feed-a"))


_names = st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=8)


@given(
    path=st.lists(_names, max_size=3),
    params=st.dictionaries(_names.filter(lambda k: k not in TRACKING_PARAMS), _names, max_size=3),
    tracking=st.dictionaries(
        st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid"]),
        _names,
        min_size=1,
    ),
)
def test_adding_tracking_parameters_never_changes_the_key(
    path: list[str], params: dict[str, str], tracking: dict[str, str]
) -> None:
    base = "https://example.fr/" + "/".join(path)
    plain = base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    tagged = base + "?" + "&".join(f"{k}={v}" for k, v in {**params, **tracking}.items())
    assert link_key(plain) == link_key(tagged)
    kept = {k for k, _ in parse_qsl(urlsplit(clean_link(tagged)).query)}
    assert kept == set(params)

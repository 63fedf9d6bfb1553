"""UTM tagging: per network and campaign, never twice, the rest of the link untouched."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from cmkit.links import has_utm, tag
from cmkit.models import Utm

UTM = Utm()


def test_adds_source_medium_and_campaign() -> None:
    url = tag("https://boulangerie-martin.fr/avent", UTM, network="instagram", campaign="noel-2026")
    assert url == (
        "https://boulangerie-martin.fr/avent?utm_source=instagram&utm_medium=social"
        "&utm_campaign=noel-2026"
    )


def test_keeps_the_query_string_its_encoding_and_the_fragment() -> None:
    url = tag(
        "https://shop.example/p?q=pain%20aux%20noix&size=2#avis",
        UTM,
        network="bluesky",
        campaign=None,
    )
    assert url == (
        "https://shop.example/p?q=pain%20aux%20noix&size=2&utm_source=bluesky"
        "&utm_medium=social#avis"
    )


def test_never_twice_and_never_over_hand_written_tags() -> None:
    once = tag("https://a.example/x", UTM, network="x", campaign="c")
    assert tag(once, UTM, network="mastodon", campaign="d") == once
    hand = "https://a.example/x?utm_source=newsletter"
    assert tag(hand, UTM, network="x", campaign="c") == hand


def test_without_a_campaign_utm_campaign_is_left_out() -> None:
    assert "utm_campaign" not in tag("https://a.example/", UTM, network="x", campaign=None)


def test_client_settings_templates_and_encoding() -> None:
    utm = Utm(
        source="{network}",
        medium="réseaux sociaux",
        campaign="{client}-{campaign}",
        content="{post}",
    )
    url = tag(
        "https://a.example/",
        utm,
        network="linkedin",
        campaign="noël",
        client="martin",
        post="2026-12-01-avent",
    )
    assert dict(parse_qsl(urlsplit(url).query)) == {
        "utm_source": "linkedin",
        "utm_medium": "réseaux sociaux",
        "utm_campaign": "martin-noël",
        "utm_content": "2026-12-01-avent",
    }
    assert " " not in url and "é" not in url


def test_disabled_or_absent_settings_leave_the_link_alone() -> None:
    assert (
        tag("https://a.example/", Utm(enabled=False), network="x", campaign="c")
        == "https://a.example/"
    )
    assert tag("https://a.example/", None, network="x", campaign="c") == "https://a.example/"


queries = st.lists(
    st.tuples(st.text("abcdefgh", min_size=1, max_size=5), st.text("xyz019", max_size=5)),
    max_size=4,
)


@given(queries, st.sampled_from(["", "#top", "#a=b"]), st.sampled_from(["x", "bluesky"]))
def test_tagging_is_idempotent_and_preserves_what_was_there(
    params: list[tuple[str, str]], fragment: str, network: str
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = "https://a.example/page" + (f"?{query}" if query else "") + fragment
    tagged = tag(url, UTM, network=network, campaign="c")
    parts = urlsplit(tagged)
    assert has_utm(tagged)
    assert tag(tagged, UTM, network=network, campaign="c") == tagged
    assert parts.fragment == fragment.lstrip("#")
    assert parts.query.startswith(query)
    assert parse_qsl(parts.query, keep_blank_values=True)[: len(params)] == params
    assert dict(parse_qsl(parts.query))["utm_source"] == network

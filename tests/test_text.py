"""cmkit.text: each network's own counting rule, entities, Bluesky facets, and `cmkit count`."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmkit.networks import LIMITS, Network
from cmkit.text import (
    count,
    emoji_count,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    facet_spans,
    grapheme_count,
    twitter,
    weighted_length,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # 7 code points, 11 UTF-16 units, 25 UTF-8 bytes
FLAG = "🇫🇷"
THUMB = "👍🏽"
HEART = "❤\ufe0f"


# --- French text, accents and normalization ---------------------------------------------------


def test_accented_french_counts_one_per_letter_everywhere() -> None:
    text = "Crème brûlée à l'été, c'est Noël !"
    for network in Network:
        assert count(text, network).length == len(text), network


def test_decomposed_accents_follow_each_networks_rule() -> None:
    text = "Cafe\u0301"  # "Café" typed with a combining accent (macOS, some keyboards)
    assert weighted_length(text) == 4  # X normalizes to NFC first
    assert count(text, Network.BLUESKY).length == 4  # one grapheme
    assert count(text, Network.MASTODON).length == 4
    assert count(text, Network.FACEBOOK).length == 5  # code points, as sent
    assert count(text, Network.BLUESKY).bytes == 6


def test_french_hashtags_keep_their_accents() -> None:
    assert extract_hashtags("Jour 1 🎄 #Noël #BoulangerieMartin #pâtisserie #123") == [
        "Noël",
        "BoulangerieMartin",
        "pâtisserie",
    ]


# --- emoji sequences ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emoji", "x", "graphemes", "threads", "telegram", "codepoints"),
    [
        (FAMILY, 2, 1, 25, 11, 7),
        (FLAG, 2, 1, 8, 4, 2),
        (THUMB, 2, 1, 8, 4, 2),
        (HEART, 2, 1, 6, 2, 2),
        ("1\ufe0f\u20e3", 2, 1, 7, 3, 3),
    ],
)
def test_an_emoji_sequence_per_network(
    emoji: str, x: int, graphemes: int, threads: int, telegram: int, codepoints: int
) -> None:
    assert count(emoji, Network.X).length == x
    assert count(emoji, Network.BLUESKY).length == graphemes
    assert count(emoji, Network.MASTODON).length == graphemes
    assert count(emoji, Network.THREADS).length == threads
    assert count(emoji, Network.TELEGRAM).length == telegram
    assert count(emoji, Network.LINKEDIN).length == codepoints
    assert emoji_count(emoji) == 1


def test_emoji_count_counts_sequences_not_code_points() -> None:
    assert emoji_count(f"Joyeux Noël {FAMILY}{FLAG} {THUMB} 🎄🎁") == 5
    assert emoji_count("Prix : 10 € © 2026") == 0  # © without the emoji selector is text
    assert emoji_count("") == 0


def test_threads_counts_emoji_as_utf8_bytes() -> None:
    assert count(f"Merci {HEART}", Network.THREADS).length == 6 + 6
    text = "a" * 476 + FAMILY  # 476 + 25 bytes for one emoji
    result = count(text, Network.THREADS)
    assert (result.length, result.valid, result.reason) == (501, False, "over by 1")


def test_threads_refuses_more_than_five_links() -> None:
    links = " ".join(f"https://example.com/{i}" for i in range(6))
    result = count(links, Network.THREADS)
    assert not result.valid
    assert result.reason == "6 links > 5"
    assert count(" ".join(["https://example.com/same"] * 6), Network.THREADS).valid


# --- CJK ------------------------------------------------------------------------------------


def test_cjk_weighs_two_on_x_and_one_elsewhere() -> None:
    text = "日本語のテキスト"
    assert weighted_length(text) == 16
    assert count(text, Network.BLUESKY).length == 8
    assert count(text, Network.BLUESKY).bytes == 24
    assert count("漢" * 140, Network.X).valid
    over = count("漢" * 141, Network.X)
    assert (over.length, over.valid, over.reason) == (282, False, "over by 2")


# --- URLs -----------------------------------------------------------------------------------


def test_x_counts_every_url_as_23_with_or_without_protocol() -> None:
    long = "https://boulangerie-martin.fr/avent/jour-1?utm_source=x&utm_medium=social"
    assert weighted_length(f"Voir {long}") == 5 + 23
    assert weighted_length("Voir boulangerie-martin.fr/avent") == 5 + 23
    assert extract_urls(f"Voir {long} et boulangerie-martin.fr/avent.") == [
        long,
        "boulangerie-martin.fr/avent",
    ]


def test_mastodon_shortens_only_links_with_a_protocol() -> None:
    assert count("Voir https://boulangerie-martin.fr/avent", Network.MASTODON).length == 5 + 23
    bare = count("Voir boulangerie-martin.fr/avent", Network.MASTODON)
    assert bare.length == 5 + 27
    assert bare.urls == []  # Mastodon does not link a bare domain


def test_not_urls() -> None:
    assert extract_urls("écrivez à contact@boulangerie.fr, fichier.tar.bz2, v1.2.3") == []


# --- Mastodon mentions and instance limits --------------------------------------------------


def test_mastodon_counts_only_the_username_of_a_remote_mention() -> None:
    result = count("Bonjour @alice@mastodon.social !", Network.MASTODON)
    assert result.length == len("Bonjour @alice !")
    assert result.mentions == ["@alice@mastodon.social"]


def test_limit_override_for_an_instance() -> None:
    text = "x" * 600
    assert not count(text, Network.MASTODON).valid
    bigger = count(text, Network.MASTODON, limit=1000)
    assert (bigger.limit, bigger.valid) == (1000, True)
    smaller = count("Bonjour @alice@mastodon.social !", Network.MASTODON, limit=10)
    assert smaller.reason == "over by 6"


# --- Bluesky: graphemes and bytes -----------------------------------------------------------


def test_bluesky_byte_limit_with_multibyte_text() -> None:
    fits = count(FAMILY * 120, Network.BLUESKY)  # 120 graphemes, 3000 bytes
    assert (fits.length, fits.bytes, fits.valid) == (120, 3000, True)
    over = count(FAMILY * 121, Network.BLUESKY)  # well under 300 graphemes, 3025 bytes
    assert (over.length, over.valid, over.reason) == (121, False, "3025 bytes > 3000")


def test_bluesky_grapheme_limit() -> None:
    assert count("é" * 300, Network.BLUESKY).valid
    result = count("é" * 301, Network.BLUESKY)
    assert (result.valid, result.reason) == (False, "over by 1")


def _byte_span(text: str, part: str, start_at: int = 0) -> tuple[int, int]:
    index = text.index(part, start_at)
    start = len(text[:index].encode("utf-8"))
    return start, start + len(part.encode("utf-8"))


def test_facet_byte_offsets_match_a_manual_utf8_encoding() -> None:
    text = (
        "Café ☕ #Noël chez @martin.bsky.social → boulangerie-martin.fr/avent, "
        "et https://exemple.fr/été. 👨‍👩‍👧 #fête!"
    )
    spans = facet_spans(text)
    assert [(s.kind, s.value) for s in spans] == [
        ("tag", "Noël"),
        ("mention", "martin.bsky.social"),
        ("link", "https://boulangerie-martin.fr/avent"),
        ("link", "https://exemple.fr/été"),
        ("tag", "fête"),
    ]
    raw = text.encode("utf-8")
    expected = [
        "#Noël",
        "@martin.bsky.social",
        "boulangerie-martin.fr/avent",
        "https://exemple.fr/été",
        "#fête",
    ]
    for span, part in zip(spans, expected, strict=True):
        assert (span.start, span.end) == _byte_span(text, part)
        assert raw[span.start : span.end].decode("utf-8") == part


def test_facets_ignore_what_bluesky_ignores() -> None:
    text = "mail contact@boulangerie.fr, @alice sans domaine, #123, fichier.pdfx et a.b"
    assert facet_spans(text) == []


def test_bluesky_count_lists_its_own_entities() -> None:
    result = count("Salut @alice.bsky.social #Noël exemple.fr/x", Network.BLUESKY)
    assert result.mentions == ["@alice.bsky.social"]
    assert result.hashtags == ["Noël"]
    assert result.urls == ["https://exemple.fr/x"]


# --- every network's limit ------------------------------------------------------------------


@pytest.mark.parametrize(
    "network",
    [
        Network.LINKEDIN,
        Network.FACEBOOK,
        Network.DISCORD,
        Network.INSTAGRAM,
        Network.X,
        Network.THREADS,
    ],
)
def test_limit_boundary(network: Network) -> None:
    limit = LIMITS[network].max_chars
    assert count("a" * limit, network).valid
    result = count("a" * (limit + 1), network)
    assert (result.valid, result.reason, result.remaining) == (False, "over by 1", -1)


def test_instagram_hashtag_limit() -> None:
    tags = " ".join(f"#tag{i}x" for i in range(LIMITS[Network.INSTAGRAM].max_hashtags or 0))
    assert count(tags, Network.INSTAGRAM).valid
    result = count(tags + " #encore", Network.INSTAGRAM)
    assert result.valid is False
    assert result.reason == f"{len(result.hashtags)} hashtags > {len(result.hashtags) - 1}"


def test_telegram_counts_utf16_and_captions_are_shorter() -> None:
    assert count("😀" * 2048, Network.TELEGRAM).valid  # 4096 UTF-16 units
    assert count("😀" * 2049, Network.TELEGRAM).reason == "over by 2"
    caption = count("a" * 1025, Network.TELEGRAM, caption=True)
    assert (caption.limit, caption.reason) == (1024, "over by 1")
    assert count("a" * 1025, Network.TELEGRAM).valid


def test_empty_text_is_invalid_unless_it_is_a_caption() -> None:
    for network in Network:
        assert count("  \n", network).reason == "empty", network
    assert count("", Network.INSTAGRAM, caption=True).valid


def test_x_refuses_its_invalid_characters() -> None:
    result = count("Bonjour\ufffe", Network.X)
    assert not result.valid
    assert result.reason == "contains U+FFFE, which X refuses"


# --- mentions in any network's form ---------------------------------------------------------


def test_extract_mentions_in_every_form() -> None:
    text = (
        "Merci @alice, @bob@mastodon.social et @carol.bsky.social. "
        "Écrire à contact@boulangerie.fr ou voir https://x.com/@dave"
    )
    assert extract_mentions(text) == ["@alice", "@bob@mastodon.social", "@carol.bsky.social"]


# --- graphemes ------------------------------------------------------------------------------


def test_grapheme_count() -> None:
    assert grapheme_count("e\u0301") == 1
    assert grapheme_count("a\r\nb") == 3
    assert grapheme_count(f"{FAMILY}{FLAG}{THUMB}") == 3
    assert grapheme_count("") == 0


# --- hostile text ---------------------------------------------------------------------------

HOSTILE = {
    "zero-width joiners": "\u200d" * 50_000,
    "rtl marks": ("\u202e\u200f" + "abc.com ") * 5_000,
    "lone surrogates": "\ud800a\udfff#tag @x " * 5_000,
    "nul": "\x00" * 50_000 + "#tag",
    "runaway periods": "http://example.com/path" + "." * 50_000,
    "cjk run with a dot": "漢字" * 30_000 + ".5元",
    "underscored labels": "a_" * 30_000 + "a.com",
    "dotted labels": "a." * 30_000,
    "nested parens": "http://example.com/" + "(a" * 25_000,
    "hashes": "#a" * 30_000,
    "emoji soup": (FAMILY + "\ufe0f\u20e3🏽") * 10_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_neither_crashes_nor_hangs(text: str) -> None:
    started = time.perf_counter()
    for network in Network:
        result = count(text, network)
        assert result.length >= 0
    facet_spans(text)
    emoji_count(text)
    assert time.perf_counter() - started < 10  # all nine networks, ~50,000 characters


# --- the fast URL scan is the plain regular expression scan ---------------------------------

_TOKENS = [
    "a",
    "x",
    "com",
    "co",
    "jp",
    "fr",
    ".",
    "-",
    "_",
    "/",
    ":",
    "http://",
    "https://",
    " ",
    "日",
    "。",
    "@",
    "#",
    "$",
    "(",
    ")",
    "?",
    "=",
    "1",
    "xn--",
    "t.co/",
    "é",
    "\u202a",
    "\u00a0",
    "\u3000",
    "\x1c",
    "\n",
]


def _naive_url_scan(text: str) -> list[tuple[int, int, str]]:
    body = twitter._url_regexes()[0]
    pre = "[^A-Za-z0-9@＠$#＃\ufffe\ufeff\uffff]"
    plain = re.compile(f"(?:({pre})|^)(?:{body.pattern})", re.IGNORECASE)
    found = []
    for m in plain.finditer(text):
        start = m.end(1) if m.group(1) is not None else m.start()
        found.append((start, m.end(), m.group(1) or ""))
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=24).map("".join))
def test_url_scan_skips_only_starts_that_cannot_match(text: str) -> None:
    fast = [
        (m.start(), m.end(), pre)
        for m, pre in twitter._url_matches(text, twitter._url_regexes()[0])
    ]
    assert fast == _naive_url_scan(text)


# --- cmkit count ----------------------------------------------------------------------------

Run = Callable[..., object]


def test_cli_prints_a_readable_block(cmkit: Run) -> None:
    r = cmkit(
        "count",
        "Jour 1 🎄 #Noël https://boulangerie-martin.fr/avent @martin.bsky.social",
        "--network",
        "bluesky",
    )
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "network   bluesky",
        "length    70 / 300 graphemes (230 left)",
        "valid     yes",
        "bytes     74 / 3000 (UTF-8)",
        "hashtags  #Noël",
        "urls      https://boulangerie-martin.fr/avent",
        "mentions  @martin.bsky.social",
    ]


def test_cli_exits_1_when_the_text_does_not_fit(cmkit: Run) -> None:
    r = cmkit("count", "é" * 290, "-n", "x")
    assert r.exit_code == 1
    assert "valid     no: over by 10" in r.stdout
    assert "290 / 280 weighted characters (10 over)" in r.stdout


def test_cli_json_reads_stdin(cmkit: Run) -> None:
    r = cmkit(
        "count",
        "-",
        "-n",
        "mastodon",
        "--limit",
        "20",
        "--json",
        input="Bonjour @alice@mastodon.social https://example.com/a/very/long/path\n",
    )
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data == {
        "network": "mastodon",
        "length": len("Bonjour @alice ") + 23,
        "limit": 20,
        "valid": False,
        "hashtags": [],
        "urls": ["https://example.com/a/very/long/path"],
        "mentions": ["@alice@mastodon.social"],
        "bytes": 67,
        "unit": "graphemes",
        "reason": "over by 18",
        "remaining": -18,
    }


def test_cli_caption(cmkit: Run) -> None:
    text = "a" * 2000
    assert cmkit("count", text, "-n", "telegram").exit_code == 0
    r = cmkit("count", text, "-n", "telegram", "--caption")
    assert r.exit_code == 1
    assert "2000 / 1024" in r.stdout


def test_cli_unknown_network_suggests_one(cmkit: Run) -> None:
    r = cmkit("count", "salut", "--network", "blusky")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert (
        r.stderr.strip() == "cmkit: error: unknown network 'blusky' (fix: did you mean 'bluesky'?)"
    )


def test_cli_accepts_network_aliases(cmkit: Run) -> None:
    r = cmkit("count", "salut", "-n", "twitter", "--json")
    assert json.loads(r.stdout)["network"] == "x"


def test_cli_rejects_text_that_is_not_utf8(cmkit: Run) -> None:
    r = cmkit("count", "-", "-n", "x", input=b"caf\xe9".decode("latin-1").encode("latin-1"))
    assert r.exit_code == 2
    assert "not UTF-8" in r.stderr


def test_nfc_is_what_x_counts() -> None:
    decomposed = unicodedata.normalize("NFD", "é" * 281)
    assert len(decomposed) == 562
    assert weighted_length(decomposed) == 281


# the shortcuts (plain-ASCII and no-joiner texts, per-character joiner test, markers
# looked for before each facet pattern) must agree with the definitions they skip
_PIECES = [
    "a",
    "é",
    "e\u0301",
    "🥖",
    "👨\u200d👩\u200d👧",
    "🇫🇷",
    "\r\n",
    "\r",
    " ",
    "#tag",
    "@a.bsky.social",
    "x.fr",
    "https://ex.org/p",
    "ﾞ",
    "\u0915\u093f",
    "한",
    "\ufe0f",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_grapheme_count_shortcuts_agree_with_full_segmentation(text: str) -> None:
    import regex

    assert grapheme_count(text) == len(regex.findall(r"\X", text, regex.DOTALL))


@given(st.one_of(st.text(), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)))
def test_facet_patterns_never_match_without_their_marker(text: str) -> None:
    from cmkit.text import bluesky

    if "@" not in text:
        assert bluesky._MENTION.search(text) is None
    if "." not in text and "://" not in text:
        assert bluesky._LINK.search(text) is None
    if "#" not in text and "＃" not in text:
        assert bluesky._tag_re().search(text) is None


_EMOJI_PIECES = [
    *_PIECES,
    "1\u20e3",
    "#\ufe0f\u20e3",
    "*",
    "©\ufe0f",
    "™",
    "☺\ufe0e",
    "👍🏽",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "\u20e3",
    "#",
]


@given(st.one_of(st.text(), st.lists(st.sampled_from(_EMOJI_PIECES), max_size=30).map("".join)))
def test_emoji_and_hashtag_scans_find_what_finditer_finds(text: str) -> None:
    from cmkit.text import twitter
    from cmkit.text.unicode import emoji_pattern, emoji_spans

    every = [m.span() for m in emoji_pattern().finditer(text) if m.group() != "\ufe0f"]
    assert emoji_spans(text) == every
    tags = [m.span() for m in twitter._hashtag_re().finditer(text)]
    assert [m.span() for m in twitter._hashtag_matches(text)] == tags

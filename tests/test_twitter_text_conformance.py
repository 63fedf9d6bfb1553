"""twitter-text's own conformance suite, run against cmkit.text (one test per case).

The YAML files are read as they are, at collection time, as the suite's README asks:
a refreshed copy of tests/conformance/twitter-text needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cmkit import text
from cmkit.text import twitter

SUITE = Path(__file__).parent / "conformance" / "twitter-text"


def _cases(file: str, section: str) -> list[Any]:
    data = yaml.safe_load((SUITE / file).read_text(encoding="utf-8"))
    cases = data["tests"][section]
    return [pytest.param(c["text"], c["expected"], id=c["description"]) for c in cases]


def _parsed(config: twitter.Config) -> Callable[[str], dict[str, Any]]:
    def parse(tweet: str) -> dict[str, Any]:
        result = twitter.parse_tweet(tweet, config)
        return {
            "weightedLength": result.weighted_length,
            "valid": result.valid,
            "permillage": result.permillage,
            "displayRangeStart": 0,
            "displayRangeEnd": result.display_range_end,
            "validRangeStart": 0,
            "validRangeEnd": result.valid_range_end,
        }

    return parse


# --- what cmkit relies on: X's weighted length (v3 config), hashtags, URLs ----------------


@pytest.mark.parametrize(
    ("tweet", "expected"), _cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest")
)
def test_weighted_length_v3(tweet: str, expected: dict[str, Any]) -> None:
    assert text.weighted_length(tweet) == expected["weightedLength"]
    assert text.count(tweet, text.Network.X).valid is expected["valid"]
    assert _parsed(twitter.V3)(tweet) == expected  # ranges and permillage too


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "hashtags"))
def test_extract_hashtags(tweet: str, expected: list[str]) -> None:
    assert text.extract_hashtags(tweet) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "urls"))
def test_extract_urls(tweet: str, expected: list[str]) -> None:
    assert text.extract_urls(tweet) == expected


# --- the rest of the suite that maps onto what cmkit implements ---------------------------


@pytest.mark.parametrize(("tweet", "expected"), _cases("validate.yml", "WeightedTweetsCounterTest"))
def test_weighted_length_v2(tweet: str, expected: dict[str, Any]) -> None:
    assert _parsed(twitter.V2)(tweet) == expected


@pytest.mark.parametrize(
    ("tweet", "expected"), _cases("validate.yml", "UnicodeDirectionalMarkerCounterTest")
)
def test_directional_markers(tweet: str, expected: dict[str, Any]) -> None:
    assert _parsed(twitter.V3)(tweet) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("validate.yml", "tweets"))
def test_valid_tweet_v1(tweet: str, expected: bool) -> None:
    assert twitter.parse_tweet(tweet, twitter.V1).valid is expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("validate.yml", "hashtags"))
def test_valid_hashtag(tweet: str, expected: bool) -> None:
    found = twitter.extract_hashtags_with_indices(tweet)
    whole = len(found) == 1 and (found[0].start, found[0].end) == (0, len(tweet))
    assert whole is expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("validate.yml", "usernames"))
def test_valid_username(tweet: str, expected: bool) -> None:
    found = twitter.extract_mentions_or_lists_with_indices(tweet)
    whole = len(found) == 1 and not found[0].list_slug and found[0].end == len(tweet)
    assert (whole and found[0].start == 0) is expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("validate.yml", "lists"))
def test_valid_list(tweet: str, expected: bool) -> None:
    found = twitter.extract_mentions_or_lists_with_indices(tweet)
    whole = len(found) == 1 and bool(found[0].list_slug)
    assert (whole and (found[0].start, found[0].end) == (0, len(tweet))) is expected


def _with_indices(key: str, entities: list[twitter.Entity]) -> list[dict[str, Any]]:
    return [{key: e.value, "indices": [e.start, e.end]} for e in entities]


@pytest.mark.parametrize(
    ("tweet", "expected"),
    [
        *_cases("extract.yml", "urls_with_indices"),
        *_cases("extract.yml", "urls_with_directional_markers"),
    ],
)
def test_urls_with_indices(tweet: str, expected: list[dict[str, Any]]) -> None:
    assert _with_indices("url", twitter.extract_urls_with_indices(tweet)) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "tco_urls_with_params"))
def test_tco_urls_with_params(tweet: str, expected: list[str]) -> None:
    assert text.extract_urls(tweet) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "hashtags_from_astral"))
def test_hashtags_from_astral(tweet: str, expected: list[str]) -> None:
    assert text.extract_hashtags(tweet) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "hashtags_with_indices"))
def test_hashtags_with_indices(tweet: str, expected: list[dict[str, Any]]) -> None:
    assert _with_indices("hashtag", twitter.extract_hashtags_with_indices(tweet)) == expected


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "mentions"))
def test_mentions(tweet: str, expected: list[str]) -> None:
    assert [e.value for e in twitter.extract_mentions_with_indices(tweet)] == expected
    # and as cmkit reports them for X
    assert text.count(tweet, text.Network.X).mentions == ["@" + name for name in expected]


@pytest.mark.parametrize(("tweet", "expected"), _cases("extract.yml", "mentions_with_indices"))
def test_mentions_with_indices(tweet: str, expected: list[dict[str, Any]]) -> None:
    found = twitter.extract_mentions_with_indices(tweet)
    assert _with_indices("screen_name", found) == expected


@pytest.mark.parametrize(
    ("tweet", "expected"), _cases("extract.yml", "mentions_or_lists_with_indices")
)
def test_mentions_or_lists_with_indices(tweet: str, expected: list[dict[str, Any]]) -> None:
    found = twitter.extract_mentions_or_lists_with_indices(tweet)
    got = [
        {"screen_name": e.value, "list_slug": e.list_slug, "indices": [e.start, e.end]}
        for e in found
    ]
    assert got == expected

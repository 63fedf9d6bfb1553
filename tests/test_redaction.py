"""Secrets never reach what cmkit writes; ordinary prose is left alone."""

from __future__ import annotations

import pytest

from cmkit.redaction import redact, register


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abcdefghijklmnopqrstu", "Authorization: Bearer [redacted]"),
        ("GET /x?access_token=EAAB1234567890&y=1", "GET /x?access_token=[redacted]&y=1"),
        ('{"token": "abcdefgh12345678"}', '{"token": "[redacted]"}'),
        ("Bearer abcdefghijklmnop1234", "Bearer [redacted]"),
        ("no token for acme/mastodon", "no token for acme/mastodon"),
        ("set the token in MARTIN_TOKEN", "set the token in MARTIN_TOKEN"),
    ],
)
def test_token_shapes_are_redacted_and_prose_is_not(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_registered_secret_is_redacted_wherever_it_appears() -> None:
    register("s3cr3t-value-42")
    assert redact("the server said: bad key s3cr3t-value-42!") == (
        "the server said: bad key [redacted]!"
    )

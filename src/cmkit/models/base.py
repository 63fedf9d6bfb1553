"""Shared pieces of the file models: strictness, names, time zones, locales."""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..diagnostics import suggest

INVALID = "cmkit_invalid"  # the error type `cmkit check` shows as message + fix hint


def invalid(message: str, hint: str) -> PydanticCustomError:
    """A validation error that says how to fix it: `cmkit check` prints the hint as the
    problem's fix, as it does for its own rules."""
    return PydanticCustomError(INVALID, "{message}", {"message": message, "hint": hint})


def ends_before_start(what: str) -> PydanticCustomError:
    return invalid(f"the {what} ends before it starts", "swap start and end, or fix the end date")


class StrictModel(BaseModel):
    """Every file model refuses unknown keys: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        guess = suggest(value, _zone_names())
        raise invalid(
            f"unknown time zone '{value}'",
            f"did you mean '{guess}'?"
            if guess
            else "use an IANA name such as Europe/Paris or America/Montreal",
        ) from None
    return value


def _check_env_name(value: str) -> str:
    if re.fullmatch(r"[A-Z_][A-Z0-9_]*", value):
        return value
    if len(value) >= 20 or re.search(r"[a-z0-9]{12,}", value):
        raise invalid(
            "this looks like a secret, not the name of an environment variable",
            "put the token in the environment (or .env / the keyring) and write its "
            "variable's NAME here, e.g. MARTIN_MASTODON_TOKEN",
        )
    raise invalid(
        f"'{value}' is not an environment variable name",
        "use UPPER_CASE letters, digits and _, e.g. MARTIN_MASTODON_TOKEN",
    )


def _parse_time(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        # `time: 0930` or a bare hour; YAML gives an int
        raise invalid(f"{value} is a number, not a time of day", 'write it quoted: "09:30"')
    if isinstance(value, str):
        m = re.fullmatch(r"([01]?\d|2[0-3])[:hH]([0-5]\d)", value.strip())
        if not m:
            raise invalid(f"'{value}' is not a time of day", 'write "HH:MM", e.g. "09:30"')
        return time(int(m.group(1)), int(m.group(2)))
    return value


def _text(value: object) -> object:
    # a French département written as `region: 57` is a number in YAML: take it as text
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _hashtag(value: object) -> object:
    if isinstance(value, str):
        return value.strip().lstrip("#＃")
    return value


Region = Annotated[str, BeforeValidator(_text), Field(examples=["QC", "57"])]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
EnvVarName = Annotated[str, AfterValidator(_check_env_name)]
Locale = Annotated[
    str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2}|-[0-9]{3})?$", examples=["fr-FR", "en-CA", "fr"])
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$", examples=["fr", "en"])]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)]
CountryCode = Annotated[
    str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{2}$", examples=["FR", "CA"])
]
Currency = Annotated[
    str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{3}$", examples=["EUR", "CAD"])
]
TimeOfDay = Annotated[time, BeforeValidator(_parse_time)]
Hashtag = Annotated[str, BeforeValidator(_hashtag), Field(min_length=1, pattern=r"^[^\s#]+$")]
Url = Annotated[
    str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$", examples=["https://example.org/page"])
]
NonNegative = Annotated[float, Field(ge=0)]

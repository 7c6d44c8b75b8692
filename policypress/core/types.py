"""Value types of the front matter, each validating itself with an "expected …, found …" message."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from babel import Locale
from pydantic import PlainValidator
from pydantic_core import PydanticCustomError

from .problems import describe
from .vocabulary import PSEUDO_TERRITORIES, REGIONS

# The error type our validators raise; the message is complete and shown as is.
ERROR_TYPE = "policypress"


def fail(expected: str, found: object, hint: str = "") -> PydanticCustomError:
    message = f"expected {expected}, found {describe(found)}"
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": f"{message}{'; ' + hint if hint else ''}"})


def nearest(word: str, choices: Collection[str]) -> str | None:
    """The closest valid spelling, for 'did you mean' hints."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return matches[0] if matches else None


@dataclass(frozen=True, order=True)
class Version:
    """A policy version: major.minor. A new major number marks a major change."""

    major: int
    minor: int

    @property
    def is_major(self) -> bool:
        return self.minor == 0

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @classmethod
    def parse(cls, value: str) -> Version:
        major, minor = value.split(".")
        return cls(int(major), int(minor))


_VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def _version(value: Any) -> Version:
    if isinstance(value, Version):
        return value
    if isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool):
        raise fail('a version "major.minor" in quotes, e.g. "2.1"', value,
                   'YAML reads an unquoted 2.10 as the number 2.1, so write version: "2.10"')
    if not isinstance(value, str) or not _VERSION_RE.match(value):
        raise fail('a version "major.minor" of whole numbers, e.g. "2.1"', value)
    return Version.parse(value)


VersionField = Annotated[Version, PlainValidator(_version)]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    expected = "a date written YYYY-MM-DD, e.g. 2026-03-01"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise fail(expected, value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise fail(expected, value, f"there is no such day ({error})") from None


DateField = Annotated[dt.date, PlainValidator(_date)]


def _text(value: Any) -> str:
    if isinstance(value, str):
        if not value.strip():
            raise fail("text", value)
        return value.strip()
    hint = "put it in quotes to make it text" if isinstance(value, (int, float, bool)) else ""
    raise fail("text", value, hint)


Text = Annotated[str, PlainValidator(_text)]


def _slug(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        return value
    raise fail("an id of lower-case letters a-z, digits and '-', e.g. 'newsletter'", value)


Slug = Annotated[str, PlainValidator(_slug)]


def _cookie_name(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.\-]+\*?", value):
        return value
    raise fail("a cookie name of letters, digits, '_', '.' and '-', optionally ending in '*' for a prefix", value)


CookieName = Annotated[str, PlainValidator(_cookie_name)]


def one_of(choices: Mapping[str, Mapping[str, str]], what: str) -> Callable[[Any], str]:
    """A validator accepting only the given terms. On a miss it suggests the nearest term, or
    the term whose label was written (`consent` or `samtycke` -> eu-gdpr:A6-1-a)."""
    by_label = {label.lower(): term for term, labels in choices.items() for label in labels.values()}

    def validate(value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return value
        listed = ", ".join(sorted(choices))
        guess = None
        if isinstance(value, str):
            guess = by_label.get(value.strip().lower()) or nearest(value, choices)
        raise fail(f"{what}, one of: {listed}", value, f"did you mean {guess!r}?" if guess else "")

    return validate


_DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration in whole units (P2Y, P6M, P30D, PT12H)."""

    text: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0

    def __str__(self) -> str:
        return self.text

    def parts(self) -> list[tuple[str, int]]:
        names = ("years", "months", "weeks", "days", "hours", "minutes")
        return [(name, getattr(self, name)) for name in names if getattr(self, name)]

    @property
    def approximate_days(self) -> float:
        return self.years * 365.25 + self.months * 30.44 + self.weeks * 7 + self.days + self.hours / 24 + self.minutes / 1440


def parse_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    match = _DURATION_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise fail("an ISO 8601 duration such as P2Y (2 years), P6M (6 months), P30D (30 days) or PT12H (12 hours)", value)
    return Duration(value, **{k: int(v) for k, v in match.groupdict().items() if v})


DurationField = Annotated[Duration, PlainValidator(parse_duration)]


def _cookie_duration(value: Any) -> Duration | str:
    if value == "session":
        return value
    if isinstance(value, str) and _DURATION_RE.match(value):
        return parse_duration(value)
    raise fail("'session' or an ISO 8601 duration such as P13M (13 months) or P1D (1 day)", value)


CookieDuration = Annotated[Duration | str, PlainValidator(_cookie_duration)]


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes, from babel's CLDR data (no hand-kept list)."""
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


def _country(value: Any) -> str:
    territories = country_codes() - PSEUDO_TERRITORIES
    if isinstance(value, str) and value in territories:
        return value
    if isinstance(value, str) and value.upper() in PSEUDO_TERRITORIES:
        raise fail("a two-letter ISO 3166 country code in capitals, e.g. SE or US", value,
                   f"{value!r} is not a country; for several countries use a region ({', '.join(REGIONS)}) "
                   f"or a list of codes")
    guess = value.upper() if isinstance(value, str) and value.upper() in territories else None
    raise fail("a two-letter ISO 3166 country code in capitals, e.g. SE or US", value,
               f"did you mean {guess!r}?" if guess else "")


Country = Annotated[str, PlainValidator(_country)]


def one_or_more(validate: Callable[[Any], str], what: str) -> Callable[[Any], tuple[str, ...]]:
    """A validator for a field that takes one value or a list of them (kept as a tuple)."""

    def many(value: Any) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        if not isinstance(value, list):
            return (validate(value),)
        if not value:
            raise fail(f"{what}, or a list of them", value)
        items = []
        for index, item in enumerate(value):
            try:
                items.append(validate(item))
            except PydanticCustomError as error:
                raise PydanticCustomError(ERROR_TYPE, "{message}",
                                          {"message": f"item {index + 1}: {error.context['message']}"}) from None
        if len(set(items)) < len(items):
            raise fail(f"{what} listed once each", value)
        return tuple(items)

    return many


def _place(value: Any) -> str:
    if isinstance(value, str) and value in REGIONS:
        return value
    return _country(value)


# Where a recipient is or data goes: one ISO code, a list of codes, or a region.
Place = Annotated[tuple[str, ...], PlainValidator(one_or_more(_place, "a two-letter ISO 3166 country code "
                                                              "(e.g. SE) or a region (EEA, third-countries, worldwide)"))]

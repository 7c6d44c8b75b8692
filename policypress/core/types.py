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

from . import vocabulary as vocab
from .problems import describe
from .vocabulary import PSEUDO_TERRITORIES, REGIONS

# The error type our validators raise; the message is complete and shown as is.
ERROR_TYPE = "policypress"


def fail(expected: str, found: object, hint: str = "") -> PydanticCustomError:
    message = f"expected {expected}, found {describe(found)}"
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": f"{message}{'; ' + hint if hint else ''}"})


# --- suggestions ------------------------------------------------------------------------------
# A hint names a term only when its words say what the editor wrote: the same words, a typo of
# them, or words that general language uses for the same thing (the tables below are about
# English words, not about any vocabulary's terms); never a term of the opposite meaning.

# Words that name the same thing, compared in the form on the left.
SAME_WORDS: dict[str, tuple[str, ...]] = {
    "identifier": ("id", "identification", "identity", "number", "nr", "num"),
    "official": ("national",),
    "telephone": ("phone", "mobile", "cellphone", "tel"),
    "picture": ("photo", "photograph", "image"),
    "postal": ("zip",),
}
# One word for two: compounds, abbreviations, irregular plurals.
WORD_PARTS: dict[str, tuple[str, ...]] = {
    "birthday": ("birth", "date"), "dob": ("birth", "date"), "postcode": ("postal", "code"),
    "zipcode": ("postal", "code"), "children": ("child",), "people": ("person",),
}
# Words that negate the word after them, words that undo the word before them (consent
# withdrawal), prefixes that negate a word (unlawful, involuntary), and words of opposite meaning.
NEGATIONS = frozenset({"non", "not", "no", "without", "never", "anti", "neither", "nor"})
REVERSALS = frozenset({"withdrawal", "withdraw", "withdrawn", "revocation", "revoke", "revoked", "refusal",
                       "refuse", "refused"})
NEGATING_PREFIXES = ("non", "un", "in", "im", "il", "ir", "dis")
ANTONYMS = frozenset(frozenset(pair.split("/")) for pair in (
    "public/private", "internal/external", "inside/outside", "within/outside", "inbound/outbound",
    "incoming/outgoing", "in/out", "explicit/implicit", "manual/automated", "manual/automatic",
    "include/exclude", "included/excluded", "inclusion/exclusion", "positive/negative", "minimum/maximum",
    "min/max", "high/low", "accept/reject", "accepted/rejected", "allow/deny", "allowed/denied",
    "permit/prohibit", "permitted/prohibited", "permission/prohibition", "start/end", "begin/end",
    "before/after", "first/last", "with/without", "increase/decrease", "enable/disable", "grant/revoke",
    "given/withdrawn", "add/remove", "added/removed", "open/close", "opened/closed", "present/absent",
    "identified/anonymous", "identifiable/anonymous", "buyer/seller", "buy/sell", "sender/recipient",
    "sender/receiver", "send/receive", "import/export", "upload/download", "input/output",
    "lender/borrower", "parent/child", "adult/child", "adult/minor", "past/current", "past/future",
    "online/offline", "on/off", "up/down", "over/under", "true/false", "success/failure",
    "mandatory/optional", "mandatory/voluntary", "required/optional", "physical/digital", "physical/virtual",
))
# Words that say nothing about which term is meant ("information about …").
STOPWORDS = frozenset({
    "information", "info", "about", "data", "detail", "personal", "the", "a", "an", "and", "or", "of", "for",
    "to", "on", "by", "from", "as", "at", "such", "used", "is", "are", "be", "its", "their", "which", "that",
    "this", "eg", "ie", "etc", "you", "your", "we", "our", "us", "it", "until", "so",
})


@dataclass(frozen=True)
class Described:
    """What a candidate term says about itself, for `nearest`."""

    labels: tuple[str, ...] = ()  # its names as readers know them (as strong as the term's own name)
    definition: str = ""          # what it means (weaker: definitions name neighbouring things too)
    breadth: int = 0              # how many narrower terms it has: of two equal fits, the broader wins


@dataclass(frozen=True)
class _Word:
    text: str     # lower case, in the form SAME_WORDS compares it in, without a plural s
    stem: str     # without the endings that vary (-e, -y, -ie)


def _camel(chunk: str) -> list[str]:
    """`IPAddress` -> IP, Address; `NonPublicDataSource` -> Non, Public, Data, Source."""
    parts, start = [], 0
    for i in range(1, len(chunk)):
        before, here, after = chunk[i - 1], chunk[i], chunk[i + 1:i + 2]
        if (before.islower() and here.isupper()) or (before.isupper() and here.isupper() and after.islower()):
            parts.append(chunk[start:i])
            start = i
    return [*parts, chunk[start:]]


def _word(text: str) -> _Word:
    return _Word(text, re.sub(r"(?:e|y|ie|i)$", "", text) if len(text) > 4 else text)


def _local(term: str) -> str:
    """A term without its CURIE prefix: `pd:Name` -> Name."""
    return re.sub(r"^[a-z][\w-]*:(?=\S)", "", term)


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[_Word, ...]:
    """The words of a term, key, id or label, as `nearest` compares them (a CURIE's prefix is not
    a word of it): `pd:NationalIdentificationNumber` -> official, identifier, identifier."""
    raw = " ".join(part.lower() for chunk in re.findall(r"[^\W\d_]+", _local(text)) for part in _camel(chunk))
    words = []
    for word in re.sub(r"\be mail\b", "email", raw).split():
        for part in WORD_PARTS.get(word, (word,)):
            part = next((same for same, others in SAME_WORDS.items() if part in others), part)
            part = part[:-1] if len(part) > 3 and part.endswith("s") and not part.endswith(("ss", "us", "is")) else part
            words.append(_word(part))
    return tuple(w for w in words if len(w.text) > 1)


def _content(words: tuple[_Word, ...]) -> list[_Word]:
    return [w for w in words if w.text not in STOPWORDS]


# For other searches of terms by their words (`policypress terms`): words compared as here.
Word = _Word


def content_words(text: str, keep_general: bool = False) -> list[Word]:
    """The words of a text as `nearest` compares them, without the general ones ("information
    about") unless `keep_general`."""
    return list(_words(text)) if keep_general else _content(_words(text))


def same_word(a: Word, b: Word) -> float:
    """1 for the same word, 0.9 for a typo of it, 0 for another word (see `_similar`)."""
    return _similar(a, b)


@functools.lru_cache(maxsize=65536)
def _similar(a: _Word, b: _Word) -> float:
    """1 for the same word, 0.9 for a typo of it, 0 for another word. A typo keeps the first
    letter and changes one letter of five or more (two of eleven or more), swaps two neighbours,
    or adds up to two at the end (a Swedish `posten` for `post`). A word inside another
    (account/accounting, nature/signature), short words one letter apart (like/life) and words
    apart at the start (height/weight, preference/reference) are other words."""
    if a.stem == b.stem:
        return 1.0
    x, y = sorted((a.text, b.text), key=len)
    if len(x) <= 3 or x[0] != y[0]:
        return 0.0
    if x in y:
        return 0.9 if y.startswith(x) and len(y) - len(x) <= 2 else 0.0
    if len(y) - len(x) > 2:
        return 0.0
    edits = _edits(x, y)
    swapped = edits == 1 and sorted(x) == sorted(y)
    return 0.9 if swapped or edits <= (2 if len(y) > 10 else 1 if len(y) > 4 else 0) else 0.0


def _edits(x: str, y: str) -> int:
    """Letters inserted, removed, changed or swapped with a neighbour to make x into y."""
    rows = [list(range(len(y) + 1))]
    for i in range(1, len(x) + 1):
        row = [i]
        for j in range(1, len(y) + 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x[i - 1] != y[j - 1])))
            if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@functools.lru_cache(maxsize=8192)
def _polarity(words: tuple[_Word, ...]) -> dict[str, bool]:
    """Each word with True where it is negated: `NonPublicDataSource` -> public: True, "neither
    the controller" -> controller: True."""
    polar: dict[str, bool] = {}
    negate, last = False, None
    for word in (w.text for w in words if w.text not in ("the", "a", "an")):
        if word in NEGATIONS:
            negate = not negate
        elif word in REVERSALS and last is not None:
            polar[last] = not polar[last]
        elif word in REVERSALS:
            negate = not negate
        else:
            polar[word], negate, last = negate, False, word
    return polar


# Antonyms that begin other words: on/off (onboarding), in/out (inbound), up/down (upload).
_PARTICLES: dict[str, tuple[str, ...]] = {}
for _pair in ANTONYMS:
    for _p, _q in (tuple(_pair), tuple(_pair)[::-1]):
        if max(len(_p), len(_q)) <= 4:
            _PARTICLES[_p] = (*_PARTICLES.get(_p, ()), _q)


@functools.lru_cache(maxsize=65536)
def _contrary(a: str, b: str) -> bool:
    """Words of opposite meaning: public/private, lawful/unlawful, employer/employee, and the
    same word after opposite particles (onboarding/offboarding, inbound/outbound)."""
    if a == b:
        return False
    if frozenset((a, b)) in ANTONYMS:
        return True
    for x, y in ((a, b), (b, a)):
        if len(y) > 3 and x.endswith(y) and x[:-len(y)] in NEGATING_PREFIXES:
            return True
        if len(x) > 5 and x.endswith(("er", "or")) and y.endswith("ee") and x[:-2] == y[:-2]:
            return True
    return any(b.startswith(q) and a[n:] == b[len(q):] and len(a) - n > 3
               for n in (2, 3, 4) for q in _PARTICLES.get(a[:n], ()))


def opposite(a: str, b: str) -> bool:
    """True if one term says the opposite of the other: the same word negated in one of them
    (`NonPublicDataSource` / `PublicDataSource`, `consent` / `consent-withdrawal`), or words of
    opposite meaning (`PrivateDataSource` / `PublicDataSource`, `Employer` / `Employee`)."""
    words_a, words_b = _words(a), _words(b)
    pa, pb = _polarity(words_a), _polarity(words_b)
    if any(pa[w] != pb[w] for w in pa.keys() & pb.keys()):
        return True
    only_a = [*(pa.keys() - pb.keys()), "".join(w.text for w in words_a)]
    only_b = [*(pb.keys() - pa.keys()), "".join(w.text for w in words_b)]
    return any(_contrary(x, y) and pa.get(x, False) == pb.get(y, False) for x in only_a for y in only_b)


@dataclass(frozen=True)
class _Profile:
    """A candidate's words, prepared once: its names' content words (and each name run together,
    `birthdate`), the words its names negate, and the words its definition affirms."""

    names: tuple[tuple[_Word, ...], ...]
    named: frozenset[_Word]
    negated: frozenset[str]
    defined: frozenset[str]


@functools.lru_cache(maxsize=8192)
def _profile(term: str, about: Described) -> _Profile:
    names = tuple(_words(name) for name in (term, *about.labels))
    # A definition names neighbouring things too, some only to exclude them ("not citizens").
    definition = tuple(_content(_words(about.definition)))
    return _Profile(
        names=tuple(tuple(_content(name)) for name in names),
        named=frozenset(w for name in names for w in (*_content(name), _word("".join(x.text for x in name)))),
        negated=frozenset(w for name in names for w, negated in _polarity(name).items() if negated),
        defined=frozenset(w.stem for w in definition if not _polarity(definition).get(w.text)),
    )


def _fit(wanted: list[_Word], term: str, about: Described) -> tuple[float, ...]:
    """How well a term's words say what was written: (2 if they say all of it, 1 if they name
    the thing itself and leave out only what was said about it, else 0; how closely; how much of
    the term was written; how broad the term is). A definition's words count half, and only
    where the term's name has another of the words."""
    profile = _profile(term, about)
    weights = []
    for word in wanted:
        by_name = max((_similar(word, w) for w in profile.named), default=0.0)
        # `PrivateDataSource` says what `NonPublicDataSource` says.
        if not by_name and any(_contrary(word.text, w) for w in profile.negated):
            by_name = 1.0
        weights.append(by_name or 0.5 * (word.stem in profile.defined))
    precision = max((sum(1 for w in name if any(_similar(w, x) for x in wanted)) / len(name)
                     for name in profile.names if name), default=0.0)
    head = weights[-1] >= 0.8 and precision == 1.0
    tier = 2 if all(weights) and max(weights) > 0.5 else 1 if head else 0
    return (tier, sum(weights) / len(wanted), precision, about.breadth)


def nearest(word: str, choices: Collection[str], about: Mapping[str, Described] | None = None) -> str | None:
    """The valid spelling meant, for 'did you mean' hints, or None when none is clearly meant.

    In order: the same term in other capitals or with another prefix; the term the value
    extends (`eu-gdpr:A6-1-b-contract-performance` -> eu-gdpr:A6-1-b); the term whose name,
    labels or definition say the same words (`NationalIdentificationNumber` -> OfficialID,
    `PhoneNumber` -> TelephoneNumber, `FirstName` -> Name); for codes, the nearest spelling. A
    term of opposite meaning is never suggested, nor one of several that fit equally well.
    """
    about = about or {}
    pool = [c for c in dict.fromkeys(choices) if not opposite(word, c)]
    same = [c for c in pool if _local(c).lower() == _local(word).lower()]
    extended = sorted((c for c in pool if word.startswith(c + "-")), key=len, reverse=True)
    if same or extended:
        return (same or extended)[0]
    wanted = list(dict.fromkeys(_content(_words(word))))
    fits = [(fit, c) for c in pool if wanted and (fit := _fit(wanted, c, about.get(c, Described())))[0]]
    if guess := _clear_winner(sorted(fits, reverse=True)):
        return guess
    if wanted and any(ch.islower() for ch in _local(word)):
        return None
    # A code (eu-gdpr:A6-1-g, legal-se:DPA-SV) or only general words (personal): the nearest
    # spelling that has every word written (of equally near codes, the last in order, as before).
    spelt = [(ratio, c) for c in pool
             if all(any(_similar(w, x) for x in _words(c)) for w in _words(word) if len(w.text) > 2)
             and (ratio := difflib.SequenceMatcher(None, word.lower(), c.lower()).ratio()) >= 0.6]
    return max(spelt)[1] if spelt else None


def _clear_winner(ranked: list[tuple[tuple[float, ...], str]]) -> str | None:
    """The best candidate, unless another fits exactly as well."""
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]


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


# ASCII digits only: Python's \d and int() also take other scripts' digits ("3.1١" would read as 3.11).
VERSION_RE = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def _version(value: Any) -> Version:
    if isinstance(value, Version):
        return value
    if isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool):
        raise fail('a version "major.minor" in quotes, e.g. "2.1"', value,
                   'YAML reads an unquoted 2.10 as the number 2.1, so write version: "2.10"')
    if not isinstance(value, str) or not VERSION_RE.match(value):
        raise fail('a version "major.minor" of whole numbers, e.g. "2.1"', value)
    return Version.parse(value)


VersionField = Annotated[Version, PlainValidator(_version)]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    expected = "a date written YYYY-MM-DD, e.g. 2026-03-01"
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
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


def listing(choices: Collection[str]) -> str:
    """The accepted values of a closed set, as every message lists them."""
    return ", ".join(sorted(choices))


def one_of(choices: Mapping[str, Mapping[str, str]], what: str) -> Callable[[Any], str]:
    """A validator accepting only the given terms. On a miss it says where a term of another field
    belongs (an Art. 6(1) basis written as a safeguard), or suggests the term whose label was
    written (`consent` or `samtycke` -> eu-gdpr:A6-1-a) or whose words are nearest."""
    by_label = {label.lower(): term for term, labels in choices.items() for label in labels.values()}
    about = {term: Described(tuple(labels.values())) for term, labels in choices.items()}

    def validate(value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return value
        listed = listing(choices)
        hint = misplaced(value, choices) if isinstance(value, str) else None
        if isinstance(value, str) and not hint:
            guess = by_label.get(value.strip().lower()) or nearest(value, choices, about)
            hint = f"did you mean {guess!r}?" if guess else None
        raise fail(f"{what}, one of: {listed}", value, hint or "")

    return validate


# What the terms of each closed set are, and where they are written (for a term written in
# another field).
HOMES: tuple[tuple[Mapping[str, Any], str, str], ...] = (
    (vocab.LEGAL_BASES, "a GDPR Art. 6(1) legal basis", "in legal_basis under processing"),
    (vocab.SPECIAL_CATEGORY_CONDITIONS, "a GDPR Art. 9(2) condition for special-category data",
     "in special_category_condition under processing"),
    (vocab.SAFEGUARDS, "a GDPR Chapter V safeguard for transfers outside the EU/EEA", "as a safeguard under transfers"),
    (vocab.RIGHTS, "a GDPR data-subject right", "in rights"),
    (vocab.REQUIREMENTS, "a statement of whether providing the data is required", "in requirement under processing"),
    (vocab.RETENTION_EVENTS, "an event a retention period counts from",
     "in retention under processing, as {{after: {term}}}"),
    (vocab.RECIPIENT_KINDS, "a kind of recipient", "as kind under recipients"),
    (vocab.DATA_SOURCES, "a data source", "in sources under processing"),
    (vocab.STORAGE_KINDS, "a place in the browser", "as storage under cookies"),
)


def misplaced(term: str, here: Mapping[str, Any] | None = None) -> str | None:
    """Where a term of another field belongs (`eu-gdpr:A6-1-a` written as a safeguard: in
    legal_basis under processing), or None. `here` is the set the field itself accepts."""
    for terms, what, where in HOMES:
        if terms is not here and term in terms:
            return f"{term} is {what}; write it {where.format(term=term)}"
    # Terms no field takes (the Art. 28 processor agreement) say what to write instead.
    for prefix, where in vocab.MISPLACED_BASES:
        if term.startswith(prefix) and not any(t.startswith(prefix) for terms, _, _ in HOMES for t in terms):
            return f"{term} {where}"
    return None


_DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?"
    r"(?:T(?=[0-9])(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?)?$"
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


# What a place is written as: the regions are a closed set, so they are listed.
PLACE = f"a two-letter ISO 3166 country code in capitals (e.g. SE or US) or a region, one of: {listing(REGIONS)}"


def _place(value: Any) -> str:
    """A country code or a region; a miss names the code or region meant (`us`, `eea`)."""
    territories = country_codes() - PSEUDO_TERRITORIES
    if isinstance(value, str) and (value in territories or value in REGIONS):
        return value
    if isinstance(value, str) and value.upper() in PSEUDO_TERRITORIES:
        raise fail(PLACE, value, f"{value!r} is not a country; for several countries use a region or a list of codes")
    regions = {region.lower(): region for region in REGIONS}
    guess = None
    if isinstance(value, str):
        guess = value.upper() if value.upper() in territories else regions.get(value.lower())
    raise fail(PLACE, value, f"did you mean {guess!r}?" if guess else "")


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


# Where a recipient is or data goes: one ISO code, a list of codes, or a region.
Place = Annotated[tuple[str, ...], PlainValidator(one_or_more(_place, "a two-letter ISO 3166 country code "
                                                              f"(e.g. SE) or a region ({listing(REGIONS)})"))]

"""One receipt, as the banner's `receipt()` sends it (banner/consent.js), checked field by field
and against what the site offered, before anything is stored.

The JSON shape is a contract with the banner: unknown fields are refused rather than dropped, so
a banner that sends something new is noticed instead of half recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .site import Offer, SiteFacts

SCHEMA = "ISO/IEC TS 27560 consent record (policypress)"
METHODS = ("accept-all", "reject-all", "settings", "settings-change", "gpc")
# How far a receipt's own clock may be from ours: the banner counts a choice from one day in the
# future up to 13 months back (consent.js `current`, MAX_AGE_DAYS), and so does the service.
FUTURE = dt.timedelta(days=1)
PAST = dt.timedelta(days=395)

# Date.prototype.toISOString(): always UTC, always milliseconds.
Time = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$")]
Term = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Refused(Exception):
    """A request the service answers with a 4xx status and stores nothing of."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- the JSON shape ---------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Notice(_Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    revision: Text
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,64}$")]


class _Purpose(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    name: Text
    # JSON.stringify leaves out what the category does not say.
    dpv: Annotated[list[Term], Field(max_length=32)] | None = None
    legal_basis: Term | Annotated[list[Term], Field(max_length=16)] | None = None
    status: Literal["given", "refused", "not-required"]


class _Body(_Strict):
    schema_: Literal["ISO/IEC TS 27560 consent record (policypress)"] = Field(alias="schema")
    record_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    timestamp: Time
    first_timestamp: Time
    method: Literal["accept-all", "reject-all", "settings", "settings-change", "gpc"]
    language: Annotated[str, StringConstraints(min_length=2, max_length=35)]
    jurisdiction: Annotated[str, StringConstraints(min_length=2, max_length=16)]
    notice: _Notice
    purposes: Annotated[list[_Purpose], Field(min_length=1, max_length=64)]


# --- what is kept -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """A validated receipt: exactly what is stored of it (besides the time it arrived, the
    optional truncated address, and the chain)."""

    consent_id: str
    given_at: str
    first_given_at: str
    method: str
    language: str
    jurisdiction: str
    notice_url: str
    revision: str
    fingerprint: str
    purposes: str  # canonical JSON: [{id, name, dpv, legal_basis, status}, ...] in the banner's order

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CONTENT}


CONTENT = ("consent_id", "given_at", "first_given_at", "method", "language", "jurisdiction",
           "notice_url", "revision", "fingerprint", "purposes")


def canonical(value: Any) -> str:
    """The one JSON text of a value: what is stored, and what is hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse(body: bytes, facts: SiteFacts, now: dt.datetime) -> Receipt:
    """The receipt in `body`, or Refused: 400 for what is not JSON, 422 for JSON that is not a
    receipt of this site."""
    try:
        # The standard parser, told to refuse what JSON does not have (NaN, Infinity) and what
        # readers of it disagree on: a key twice in one object, of which Python keeps the last,
        # other parsers the first or both.
        text = body.decode("utf-8")
        value = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_once_each)
    except _Repeated as error:
        raise Refused(400, f"expected each key once in a JSON object, found {error.key!r} twice") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(400, f"expected a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise Refused(400, "expected a JSON object")
    try:
        data = _Body.model_validate(value, by_alias=True)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise Refused(422, f"{where}: {first['msg']}") from None
    _text_only(text, value)
    offer = _offer(data, facts)
    _times(data, now)
    _purposes(data, offer)
    # The name stored is the site's own in the receipt's language, never the one sent: a client
    # cannot make a record say the visitor agreed to something the site did not offer.
    names = {c.id: c.names.get(data.language, c.id) for c in offer.categories}
    purposes = [{"id": p.id, "name": names[p.id], "dpv": p.dpv, "legal_basis": p.legal_basis, "status": p.status}
                for p in data.purposes]
    return Receipt(
        consent_id=data.record_id, given_at=data.timestamp, first_given_at=data.first_timestamp,
        method=data.method, language=data.language, jurisdiction=data.jurisdiction, notice_url=data.notice.url,
        revision=data.notice.revision, fingerprint=data.notice.fingerprint, purposes=canonical(purposes),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for key, item in pairs:
        if key in value:
            raise _Repeated(key)
        value[key] = item
    return value


# Control characters (which no label needs, and which logs and CSV readers misread) and lone
# surrogates (Unicode's category Cs, which no database can store as UTF-8) are refused wherever
# they appear. One expression for both: asking each character its category cost three quarters
# of a receipt's validation.
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# What can put one of those into a decoded string: an escape, or the character itself (tab, line
# feed and carriage return only as JSON's whitespace between values; strict JSON refuses them raw
# inside a string). A surrogate cannot arrive raw: the body is decoded as strict UTF-8.
_SUSPECT = re.compile(r"[\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text_only(text: str, body: dict[str, Any]) -> None:
    """Every key and string of the body as sent (the model holds the same, validated); walked
    only when the text could hold what is refused, which a banner's receipt never does."""
    if _SUSPECT.search(text) is None:
        return
    for value in _strings(body):
        if _BAD.search(value):
            raise Refused(422, "expected text without control characters, found some")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *_strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _offer(data: _Body, facts: SiteFacts) -> Offer:
    offer = facts.revisions.get(data.notice.revision)
    if offer is None:
        known = ", ".join(sorted(facts.revisions)) or "none"
        raise Refused(422, f"notice.revision: expected a revision of the site's consent policy ({known}), "
                           f"found {data.notice.revision!r}")
    if data.notice.fingerprint != offer.fingerprint:
        raise Refused(422, f"notice.fingerprint: expected {offer.fingerprint} for {offer.revision}, "
                           f"found {data.notice.fingerprint}")
    if data.language not in facts.languages:
        raise Refused(422, f"language: expected one of {', '.join(facts.languages)}, found {data.language!r}")
    if data.jurisdiction != facts.jurisdiction:
        raise Refused(422, f"jurisdiction: expected {facts.jurisdiction!r}, found {data.jurisdiction!r}")
    return offer


def _times(data: _Body, now: dt.datetime) -> None:
    try:
        given, first = _time(data.timestamp), _time(data.first_timestamp)
    except ValueError:
        raise Refused(422, "timestamp: expected a real date and time") from None
    if first > given:
        raise Refused(422, "first_timestamp: expected a time no later than timestamp")
    if not now - PAST <= given <= now + FUTURE:
        raise Refused(422, f"timestamp: expected a time within 13 months before now, found {data.timestamp}")


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _purposes(data: _Body, offer: Offer) -> None:
    """The categories the revision offered, each once, each as the site describes it, with a
    status its kind allows and the method implies."""
    sent = [p.id for p in data.purposes]
    expected = [c.id for c in offer.categories]
    if sorted(sent) != sorted(expected):
        raise Refused(422, f"purposes: expected the categories {', '.join(expected)} of {offer.revision}, "
                           f"found {', '.join(sent)}")
    by_id = {c.id: c for c in offer.categories}
    for purpose in data.purposes:
        category = by_id[purpose.id]
        if list(purpose.dpv or []) != list(category.dpv):
            raise Refused(422, f"purposes.{purpose.id}.dpv: expected {list(category.dpv)}, found {purpose.dpv}")
        basis = purpose.legal_basis if not isinstance(purpose.legal_basis, list) else tuple(purpose.legal_basis)
        if basis != category.legal_basis:
            raise Refused(422, f"purposes.{purpose.id}.legal_basis: expected {category.legal_basis!r}, "
                               f"found {purpose.legal_basis!r}")
        allowed = ("not-required",) if category.required else ("given", "refused")
        if purpose.status not in allowed:
            raise Refused(422, f"purposes.{purpose.id}.status: expected {' or '.join(allowed)}, found {purpose.status}")
    optional = {p.status for p in data.purposes if not by_id[p.id].required}
    implied = {"accept-all": "given", "reject-all": "refused", "gpc": "refused"}.get(data.method)
    if implied and optional - {implied}:
        raise Refused(422, f"purposes: expected every optional category {implied} after {data.method}")

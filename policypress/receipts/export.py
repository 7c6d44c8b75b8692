"""Stored receipts written out: CSV (a spreadsheet), JSON Lines (one receipt a line, for tools) and
JSON-LD following DPV's profile of ISO/IEC TS 27560 consent records
(https://w3id.org/dpv/guides/consent-27560).

JSON-LD: each receipt is a `dpv:ConsentRecord` (`dct:conformsTo` dpv-27560#record) whose
`dct:identifier` is the banner's consent id; receipts of one consent id are versions of one
record (`dct:isVersionOf`). Each category is a `dpv:Process` with its purposes and legal bases;
a consent-based one carries the event (`dpv:hasConsentStatus`: given, refused, withdrawn, given
again) with its time, who indicated it (the data subject) and how (the banner's button). The
notice is the consent policy's revision as a `dpv:ConsentNotice` in the visitor's language.
All streamed: an export of millions of rows holds one row at a time.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from ..core.jsonld import context as site_context
from ..core.jsonld import controller_id
from .store import COLUMNS, Stored

FORMATS = ("csv", "jsonl", "jsonld")
PROFILE = "https://w3id.org/dpv/schema/dpv-27560#record"
# How each of the banner's methods was indicated, in words (dpv:hasIndicationMethod is free text).
METHODS = {
    "accept-all": "'Accept all' in the consent banner",
    "reject-all": "'Reject all' in the consent banner",
    "gpc": "Global Privacy Control sent by the browser, confirmed in the consent banner",
    "settings": "'Save my choices' in the consent banner's settings",
    "settings-change": "A change saved in the consent banner's settings",
}


def write(rows: Iterable[Stored], fmt: str, out: TextIO, *, controller: str | None = None,
          site_url: str | None = None, history: Callable[[str], list[Stored]] | None = None) -> int:
    """Writes the rows in a format; returns how many."""
    if fmt == "csv":
        return write_csv(rows, out)
    if fmt == "jsonl":
        count = 0
        for row in rows:
            out.write(json.dumps(plain(row), ensure_ascii=False) + "\n")
            count += 1
        return count
    return write_jsonld(rows, out, controller=controller, site_url=site_url, history=history)


def plain(row: Stored) -> dict[str, Any]:
    """A row as data, its purposes as a list rather than the stored JSON text (the text as it is
    when it is not JSON: a row edited by hand, which `verify` names)."""
    try:
        purposes: Any = row.purpose_list()
    except (TypeError, ValueError):
        purposes = row.purposes
    return {**row.as_dict(), "purposes": purposes}


# Characters a terminal acts on rather than shows: controls, bidirectional and other format
# characters (U+202E turns the rest of a line around), surrogates, private and unassigned ones,
# line and paragraph separators.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def escaped(text: object, keep: str = "") -> str:
    """Text as a terminal should print a stored value: every hidden character (but those in
    `keep`) and the backslash written as a Python escape, so what is seen is what is stored."""
    out = []
    for char in str(text):
        if char == "\\":
            out.append("\\\\")
        elif char not in keep and unicodedata.category(char) in HIDDEN:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def escaped_json(value: Any) -> str:
    """JSON for a terminal: the same data, with hidden characters as \\u escapes."""
    out = []
    for char in json.dumps(value, ensure_ascii=False, indent=2, default=repr):
        if ord(char) > 0x7E and unicodedata.category(char) in HIDDEN:
            out.append(json.dumps(char))  # "\\u202e", or a surrogate pair beyond U+FFFF
            out[-1] = out[-1][1:-1]
        else:
            out.append(char)
    return "".join(out)


def purposes_shown(row: Stored) -> list[str]:
    """One line per category of a receipt: its id, status and name; the stored text when it is
    not the list of categories a receipt has."""
    try:
        return [f"{p['id']}: {str(p['status']).replace('-', ' ')}  ({p['name']})" for p in row.purpose_list()]
    except (TypeError, ValueError, KeyError):
        return [f"purposes (not a list of categories; `policypress receipts verify` checks the row): {row.purposes}"]


def write_csv(rows: Iterable[Stored], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        # A spreadsheet runs cells that start with = + - @ as formulas: such text is quoted with '.
        writer.writerow([_cell(row.as_dict()[name]) for name in COLUMNS])
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def write_jsonld(rows: Iterable[Stored], out: TextIO, *, controller: str | None, site_url: str | None,
                 history: Callable[[str], list[Stored]] | None) -> int:
    context = {**site_context(), "dct": "http://purl.org/dc/terms/"}
    out.write('{"@context": ' + json.dumps(context) + ',\n "@graph": [')
    count = 0
    for node in record_nodes(rows, controller=controller, site_url=site_url, history=history):
        out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(node, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def record_nodes(rows: Iterable[Stored], *, controller: str | None = None, site_url: str | None = None,
                 history: Callable[[str], list[Stored]] | None = None) -> Iterator[dict[str, Any]]:
    # The statuses each consent id had before the receipt at hand: from the rows already written,
    # or, for the first of an id in this export, from the database (a withdrawal is told apart
    # from a refusal only by what came before).
    before: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.consent_id not in before:
            earlier = [r for r in (history(row.consent_id) if history else []) if r.seq < row.seq]
            before[row.consent_id] = _statuses(earlier[-1]) if earlier else {}
        yield record_node(row, before[row.consent_id], controller=controller, site_url=site_url)
        before[row.consent_id] = _statuses(row)


def _statuses(row: Stored) -> dict[str, str]:
    return {p["id"]: p["status"] for p in row.purpose_list()}


def record_node(row: Stored, previous: dict[str, str], *, controller: str | None = None,
                site_url: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"urn:policypress:receipt:{row.hash}",
        "@type": "dpv:ConsentRecord",
        "dct:conformsTo": {"@id": PROFILE},
        "dct:identifier": row.consent_id,
        "dct:isVersionOf": {"@id": f"urn:policypress:consent:{row.consent_id}"},
        "dct:created": {"@value": row.received_at, "@type": "xsd:dateTime"},
        "dpv:hasDataSubject": {"@type": "dpv:DataSubject", "dct:identifier": row.consent_id},
        "dpv:hasJurisdiction": {"@id": f"loc:{row.jurisdiction}"},
        "dct:language": row.language,
        "dpv:hasNotice": {
            "@type": "dpv:ConsentNotice",
            "dct:identifier": row.revision,
            "dct:language": row.language,
            "url": row.notice_url,
            "identifier": {"@type": "PropertyValue", "propertyID": "policypress consent fingerprint", "value": row.fingerprint},
        },
        "dpv:hasProcess": [_process(p, row, previous.get(p["id"])) for p in row.purpose_list()],
    }
    if controller:
        node["dpv:hasDataController"] = {**({"@id": controller_id(site_url)} if site_url else {}),
                                         "@type": "dpv:DataController", "name": controller}
    return node


def _process(purpose: dict[str, Any], row: Stored, before: str | None) -> dict[str, Any]:
    bases = purpose.get("legal_basis") or []
    node: dict[str, Any] = {
        "@type": "dpv:Process",
        "dct:identifier": purpose["id"],
        "name": {"@value": purpose["name"], "@language": row.language},
        "dpv:hasPurpose": [{"@id": term} for term in purpose.get("dpv") or []],
        "dpv:hasLegalBasis": [{"@id": term} for term in ([bases] if isinstance(bases, str) else bases)],
    }
    if purpose["status"] != "not-required":
        node["dpv:hasConsentStatus"] = {
            "@type": _status(purpose["status"], before),
            "dpv:isIndicatedAtTime": {"@value": row.given_at, "@type": "xsd:dateTime"},
            "dpv:isIndicatedBy": {"@id": "dpv:DataSubject"},
            "dpv:hasIndicationMethod": METHODS.get(row.method, row.method),
        }
    return node


def _status(status: str, before: str | None) -> list[str]:
    if status == "given":
        return ["dpv:RenewedConsentGiven" if before == "given" else "dpv:ConsentGiven", "dpv:ExpressedConsent"]
    return ["dpv:ConsentWithdrawn" if before == "given" else "dpv:ConsentRefused"]

"""The processing register in readers' words: rows for the tables a policy page shows.

An editor places a placeholder on a line of its own in the policy's Markdown:

    <!-- register: purposes -->        every purpose: its data, sources and recipients, legal bases
                                       and Art. 9 condition, retention (and its statute),
                                       automated decisions and profiling
    <!-- register: data -->            the categories of personal data
    <!-- register: recipients -->      who receives data, their role and country
    <!-- register: transfers -->       transfers outside the EU/EEA and their safeguards
    <!-- register: cookies -->         every cookie; `cookies <processing id>` for one purpose
    <!-- register: rights -->          the data subject's rights
    <!-- register: sources -->         the named sources of personal data (Art. 14(2)(f)) and
                                       the purposes that use each
    <!-- register: processor-activities -->  what is processed on behalf of customers, as their processor

and the page shows that part of the revision's own register in the page's language, so the
text and the data cannot drift. Unprocessed, a placeholder is an invisible HTML comment.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.units import format_unit

from . import vocabulary as vocab
from .model import Purpose, Register
from .problems import Problem
from .texts import strings
from .types import Duration, nearest

PLACEHOLDER_RE = re.compile(r"^<!--\s*register:\s*(?P<kind>[\w-]+)(?:\s+(?P<arg>[\w-]+))?\s*-->[ \t]*$", re.M)
KINDS = ("purposes", "data", "recipients", "transfers", "cookies", "rights", "sources", "processor-activities")

UNITS = {"years": "duration-year", "months": "duration-month", "weeks": "duration-week",
         "days": "duration-day", "hours": "duration-hour", "minutes": "duration-minute"}

@dataclass(frozen=True)
class Placeholder:
    kind: str
    arg: str | None
    line: int  # in the body (1 = first line after the front matter)
    text: str


def placeholders(body: str) -> list[Placeholder]:
    return [
        Placeholder(m["kind"], m["arg"], body.count("\n", 0, m.start()) + 1, m.group(0))
        for m in PLACEHOLDER_RE.finditer(body)
    ]


def check_placeholders(body: str, register: Register, source: str, first_line: int) -> list[Problem]:
    """Unknown kinds and unknown purposes in placeholders, with their line in the file."""
    problems = []
    purposes = [p.id for p in register.processing]
    for placeholder in placeholders(body):
        line = first_line + placeholder.line - 1
        if placeholder.kind not in KINDS:
            guess = nearest(placeholder.kind, KINDS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            problems.append(Problem(source, line, "", f"expected a register placeholder ({', '.join(KINDS)}), "
                                                      f"found {placeholder.kind!r}{hint}"))
        elif placeholder.arg is not None and placeholder.kind != "cookies":
            problems.append(Problem(source, line, "", f"expected no argument after {placeholder.kind!r}, "
                                                      f"found {placeholder.arg!r}"))
        elif placeholder.arg is not None and placeholder.arg not in purposes:
            guess = nearest(placeholder.arg, purposes)
            hint = f"; did you mean {guess!r}?" if guess else ""
            problems.append(Problem(source, line, "", f"expected the id of a processing entry ({', '.join(purposes)}), "
                                                      f"found {placeholder.arg!r}{hint}"))
    return problems + unshown_cookies(body, register, source, first_line)


def unshown_cookies(body: str, register: Register, source: str, first_line: int) -> list[Problem]:
    """Cookies a page would never show: it has a table per purpose, and none for theirs."""
    tables = [p for p in placeholders(body) if p.kind == "cookies"]
    if not tables or any(table.arg is None for table in tables):
        return []
    shown = {table.arg for table in tables}
    missing: dict[str, list[str]] = {}
    for cookie in register.cookies:
        if cookie.processing not in shown:
            missing.setdefault(cookie.processing, []).append(cookie.name)
    line = first_line + tables[-1].line - 1
    return [Problem(source, line, "", f"expected a table for every purpose that has cookies, found none for "
                                      f"{purpose!r} ({', '.join(names)}); add <!-- register: cookies {purpose} --> "
                                      f"under a heading of its own")
            for purpose, names in missing.items()]


def replace_placeholders(html: str, render: Callable[[str, str | None], str]) -> str:
    """Each placeholder in a rendered page (Markdown keeps the comments as they were written)
    replaced by `render(kind, arg)`. Comments that are not a known placeholder stay comments;
    in code blocks they are escaped text and do not match."""
    def replace(match: re.Match[str]) -> str:
        return render(match["kind"], match["arg"]) if match["kind"] in KINDS else match.group(0)

    return PLACEHOLDER_RE.sub(replace, html)


# --- readable values --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def duration_text(duration: Duration, language: str) -> str:
    parts = [format_unit(amount, UNITS[unit], length="long", locale=language) for unit, amount in duration.parts()]
    return format_list(parts, locale=language)


def retention_text(purpose: Purpose, language: str) -> str:
    """How long, in words: "3 years after the purchase", "Until the contract ends", "As long as
    the law requires (Bokföringslagen (1999:1078))", or the criterion as the policy words it."""
    retention = purpose.retention
    if retention is None:
        return purpose.text[language].retention_criterion or ""
    parts = []
    if retention.duration is not None:
        parts.append(duration_text(retention.duration, language))
        if retention.after is not None:
            parts.append(vocab.label(vocab.RETENTION_EVENTS, retention.after, language))
    elif retention.after is not None:
        parts.append(vocab.label(vocab.RETENTION_UNTIL, retention.after, language))
    if retention.statute is not None:
        parts.append(strings(language)["retention_statute"].format(statute=retention.statute) if parts
                     else strings(language)["retention_by_law"].format(statute=retention.statute))
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def country_name(code: str, language: str) -> str:
    """A country's name, or a region's label, in a language."""
    if code in vocab.REGIONS:
        return vocab.label(vocab.REGIONS, code, language)
    return Locale.parse(language).territories.get(code, code)


def place_text(place: tuple[str, ...], language: str) -> str:
    return format_list([country_name(item, language) for item in place], locale=language)


def labels(terms: tuple[str, ...] | None, table: dict[str, vocab.Labels], language: str) -> list[str]:
    """Each term's label, one item each: labels are capitalised phrases, which a sentence joining
    them ("Avtal och Berättigat intresse") would misspell."""
    return [vocab.label(table, term, language) for term in terms or ()]


# --- rows for each table ------------------------------------------------------------------------

Row = dict[str, Any]


def source_name(source: str, register: Register, language: str) -> str:
    """A purpose's source in words: a named source by its name, a DPV class by its label."""
    if source in {s.id for s in register.sources}:
        return register.source(source).text[language].name
    return vocab.label(vocab.DATA_SOURCES, source, language)


def purpose_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    rows = []
    for p in register.processing:
        text = p.text[language]
        decides = register.decides_automatically(p)
        decisions = text.automated_decisions if decides else None
        rows.append({
            "id": p.id,
            "name": text.name,
            "description": text.description,
            "data": [register.category(c).text[language].name for c in p.data],
            "sources": [source_name(s, register, language) for s in p.sources],
            "recipients": [register.recipient(r).text[language].name for r in p.recipients],
            "legal_basis": labels(p.legal_basis, vocab.LEGAL_BASES, language),
            "legal_basis_term": " ".join(p.legal_basis),
            "special_category_condition": labels(p.special_category_condition, vocab.SPECIAL_CATEGORY_CONDITIONS,
                                                 language),
            "legitimate_interest": text.legitimate_interest,
            "retention": retention_text(p, language),
            "retention_note": text.retention_note,
            "requirement": vocab.label(vocab.REQUIREMENTS, p.requirement, language) if p.requirement else None,
            "automated_decisions": decides,
            "decision_logic": decisions.logic if decisions else None,
            "decision_consequences": decisions.consequences if decisions else None,
            "profiling": p.profiling,
        })
    return rows


def named(entry: Any, language: str) -> Row:
    """The id, name and description of an entry of the register, in the language."""
    text = entry.text[language]
    return {"id": entry.id, "name": text.name, "description": text.description}


def data_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    return [named(c, language) for c in register.personal_data]


def recipient_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    return [{**named(r, language), "kind": vocab.label(vocab.RECIPIENT_KINDS, r.kind, language),
             "country": place_text(r.country, language)} for r in register.recipients]


def transfer_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    everyone = strings(language)["all_recipients"]
    return [{
        "recipient": register.recipient(tr.recipient).text[language].name if tr.recipient else everyone,
        "country": place_text(tr.country, language),
        "safeguard": labels(tr.safeguard, vocab.SAFEGUARDS, language),
    } for tr in register.transfers]


def cookie_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    session = strings(language)["session"]
    return [{
        "name": c.name,
        "provider": c.provider,
        "duration": session if c.duration == "session" else duration_text(c.duration, language),  # type: ignore[arg-type]
        "description": c.text[language].description,
        "purpose": register.purpose(c.processing).text[language].name,
        "storage": vocab.label(vocab.STORAGE_KINDS, c.storage, language),
    } for c in register.cookies if arg is None or c.processing == arg]


def right_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    return [{"term": r, "name": vocab.label(vocab.RIGHTS, r, language)} for r in register.rights]


def source_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    """Each named source, and the purposes whose data comes from it."""
    return [{**named(s, language), "kind": vocab.label(vocab.DATA_SOURCES, s.kind, language),
             "purposes": [p.text[language].name for p in register.processing if s.id in p.sources]}
            for s in register.sources]


def activity_rows(register: Register, language: str, arg: str | None) -> list[Row]:
    return [named(a, language) for a in register.processor_activities]


ROWS: dict[str, Callable[[Register, str, str | None], list[Row]]] = {
    "purposes": purpose_rows, "data": data_rows, "recipients": recipient_rows, "transfers": transfer_rows,
    "cookies": cookie_rows, "rights": right_rows, "sources": source_rows, "processor-activities": activity_rows,
}


def view(kind: str, arg: str | None, register: Register, language: str) -> dict[str, Any]:
    """The rows of one register table in one language."""
    rows = ROWS[kind](register, language, arg)
    return {"kind": kind, "arg": arg, "rows": rows, "empty": strings(language)[f"no_{kind.replace('-', '_')}"],
            # A column of descriptions only where some row has one: no empty cells to read past.
            "described": any(row.get("description") for row in rows)}

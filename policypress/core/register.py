"""The processing register in readers' words: rows for the tables a policy page shows.

An editor places a placeholder on a line of its own in the policy's Markdown:

    <!-- register: purposes -->        every purpose: data, legal basis, retention
    <!-- register: data -->            the categories of personal data
    <!-- register: recipients -->      who receives data, their role and country
    <!-- register: transfers -->       transfers outside the EU/EEA and their safeguards
    <!-- register: cookies -->         every cookie; `cookies <processing id>` for one purpose
    <!-- register: rights -->          the data subject's rights
    <!-- register: sources -->         the named sources of personal data (Art. 14(2)(f))
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
    return problems


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
    the law requires (Bokföringslagen (1999:1078))"."""
    retention = purpose.retention
    if retention is None:
        return ""
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


def labels(terms: tuple[str, ...], table: dict[str, vocab.Labels], language: str) -> str:
    return format_list([vocab.label(table, term, language) for term in terms], locale=language)


# --- rows for each table ------------------------------------------------------------------------


def view(kind: str, arg: str | None, register: Register, language: str) -> dict[str, Any]:
    """The rows of one register table in one language."""
    t = strings(language)
    categories = {c.id: c.text[language].name for c in register.personal_data}
    recipients = {r.id: r.text[language].name for r in register.recipients}
    if kind == "purposes":
        rows = [{
            "id": p.id,
            "name": p.text[language].name,
            "description": p.text[language].description,
            "data": [categories[c] for c in p.data],
            "legal_basis": labels(p.legal_basis, vocab.LEGAL_BASES, language),
            "legal_basis_term": " ".join(p.legal_basis),
            "legitimate_interest": p.text[language].legitimate_interest,
            "retention": retention_text(p, language),
            "retention_note": p.text[language].retention_note,
            "recipients": [recipients[r] for r in p.recipients],
            "requirement": vocab.label(vocab.REQUIREMENTS, p.requirement, language) if p.requirement else None,
        } for p in register.processing]
    elif kind == "data":
        rows = [{"id": c.id, "name": c.text[language].name, "description": c.text[language].description}
                for c in register.personal_data]
    elif kind == "recipients":
        rows = [{
            "id": r.id,
            "name": r.text[language].name,
            "description": r.text[language].description,
            "kind": vocab.label(vocab.RECIPIENT_KINDS, r.kind, language),
            "country": place_text(r.country, language),
        } for r in register.recipients]
    elif kind == "transfers":
        rows = [{
            "recipient": recipients.get(tr.recipient, tr.recipient) if tr.recipient else t["all_recipients"],
            "country": place_text(tr.country, language),
            "safeguard": labels(tr.safeguard, vocab.SAFEGUARDS, language),
        } for tr in register.transfers]
    elif kind == "cookies":
        rows = [{
            "name": c.name,
            "provider": c.provider,
            "duration": t["session"] if c.duration == "session" else duration_text(c.duration, language),  # type: ignore[arg-type]
            "description": c.text[language].description,
            "purpose": register.purpose(c.processing).text[language].name,
            "storage": vocab.label(vocab.STORAGE_KINDS, c.storage, language),
        } for c in register.cookies if arg is None or c.processing == arg]
    elif kind == "rights":
        rows = [{"term": r, "name": vocab.label(vocab.RIGHTS, r, language)} for r in register.rights]
    elif kind == "sources":
        rows = [{"id": s.id, "name": s.text[language].name, "description": s.text[language].description,
                 "kind": vocab.label(vocab.DATA_SOURCES, s.kind, language)} for s in register.sources]
    elif kind == "processor-activities":
        rows = [{"id": a.id, "name": a.text[language].name, "description": a.text[language].description}
                for a in register.processor_activities]
    else:  # pragma: no cover - check_placeholders reports unknown kinds first
        rows = []
    return {"kind": kind, "arg": arg, "rows": rows, "empty": t[f"no_{kind.replace('-', '_')}"]}

"""Offline checks of DPV 2.3 terms against the list derived by scripts/derive_dpv_terms.py.

A term must exist, and be of the kind the field asks for: a purpose in `purpose`, a kind of
personal data in `terms`, a kind of person in `subjects`. A typo is reported with the valid term
of that kind whose name, label or definition says the same words; a term of another kind says
where it is written.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .types import Described, misplaced, nearest

TERMS_FILE = Path(__file__).resolve().parent / "data" / "dpv-2.3-terms.json"

# What each kind of field accepts: the DPV type its terms are declared as.
KINDS: dict[str, tuple[str, ...]] = {
    "purpose": ("dpv:Purpose",),
    "personal-data": ("dpv:PersonalData",),
    "subject": ("dpv:HumanSubject", "dpv:DataSubject"),
    "authority": ("eu-gdpr:DataProtectionAuthority", "dpv:DataProtectionAuthority"),
    "source": ("dpv:DataSource",),
}
# What a term of each kind is, and where a policy writes it.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "purpose": ("a purpose", "in purpose under processing"),
    "personal-data": ("a kind of personal data", "in terms under personal_data"),
    "subject": ("a kind of data subject", "in subjects under processing"),
    "source": ("a data source", "in sources under processing"),
}
SPECIAL_CATEGORY = "dpv:SpecialCategoryPersonalData"
# Top concepts that are valid DPV but state nothing where a field asks what is done.
TOO_GENERAL: dict[str, tuple[str, ...]] = {"purpose": ("dpv:Purpose",)}


@functools.cache
def _table() -> dict[str, Any]:
    return json.loads(TERMS_FILE.read_text(encoding="utf-8"))


def namespaces() -> dict[str, str]:
    return dict(_table()["namespaces"])


def _entry(curie: str) -> dict[str, Any] | None:
    prefix, _, name = curie.partition(":")
    return _table()["terms"].get(prefix, {}).get(name)


def entry(curie: str) -> dict[str, Any] | None:
    """What DPV says of a term: its kind, types, broader concepts, label and definition."""
    return _entry(curie)


def exists(curie: str) -> bool:
    return _entry(curie) is not None


def is_a(curie: str, kind: str) -> bool:
    """True if the term is a class of the kind (or the kind's own top concept)."""
    entry = _entry(curie)
    if entry is None or entry["kind"] != "class":
        return False
    wanted = KINDS[kind]
    # Declared as the kind, or below a concept of the kind (dpv:SpecialCategoryPersonalData is
    # declared with no type, but its broader concepts lead to dpv:PersonalData).
    return curie in wanted or any(t in wanted for t in entry.get("types", ())) or bool(ancestors(curie) & set(wanted))


@functools.cache
def terms_of(kind: str, prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        f"{prefix}:{name}"
        for prefix in prefixes
        for name in _table()["terms"].get(prefix, {})
        if is_a(f"{prefix}:{name}", kind)
    )


def ancestors(curie: str) -> set[str]:
    """The term and every broader concept above it."""
    seen: set[str] = set()
    todo = [curie]
    while todo:
        term = todo.pop()
        if term in seen:
            continue
        seen.add(term)
        entry = _entry(term) or {}
        todo.extend(entry.get("broader", ()))
    return seen


def is_special_category(curie: str) -> bool:
    """True for a kind of personal data GDPR Art. 9 protects (health, beliefs, biometrics …), as
    DPV declares it or any broader concept above it."""
    return any(SPECIAL_CATEGORY in (_entry(term) or {}).get("types", ()) or term == SPECIAL_CATEGORY
               for term in ancestors(curie))


@functools.cache
def _described(kind: str, prefixes: tuple[str, ...]) -> dict[str, Described]:
    """The valid terms of a kind with DPV's label and definition of each, and how many narrower
    terms of the kind each has."""
    valid = terms_of(kind, prefixes)
    below = Counter(above for term in valid for above in ancestors(term) - {term})
    return {term: Described((entry.get("label", ""),), entry.get("definition", ""), below[term])
            for term in valid if (entry := _entry(term)) is not None}


def suggest(curie: str, kind: str, prefixes: Iterable[str]) -> str | None:
    """The valid term of the kind that `curie` clearly means (its words, a typo of them, or
    general-language words for the same thing), or None."""
    described = _described(kind, tuple(prefixes))
    return nearest(curie, described, described)


def problem(curie: str, kind: str, prefixes: Iterable[str]) -> str | None:
    """None if the term is fine; otherwise why not: where a term of another kind is written, and
    the valid term meant, if one clearly is."""
    if curie in TOO_GENERAL.get(kind, ()):
        return (f"{curie} is DPV's top concept and says nothing about what is done; GDPR Art. 13(1)(c) asks for the "
                f"purpose itself, such as dpv:ServiceProvision or dpv:CustomerCare")
    if is_a(curie, kind):
        return None
    guess = suggest(curie, kind, prefixes)
    if not exists(curie):
        reason = "it is not a term of DPV 2.3"
    else:
        reason = f"it is a DPV term, but not a {kind.replace('-', ' ')} term"
        other = next((k for k in KIND_NAMES if k != kind and is_a(curie, k)), None)
        where = misplaced(curie)
        if other:
            where = f"{curie} is {KIND_NAMES[other][0]}; write it {KIND_NAMES[other][1]}"
        reason += f"; {where}" if where else ""
    hint = f"; did you mean {guess!r}?" if guess else ""
    return f"{reason}{hint}"

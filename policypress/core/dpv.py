"""Offline checks of DPV 2.3 terms against the list derived by scripts/derive_dpv_terms.py.

A term must exist, and be of the kind the field asks for: a purpose in `purpose`, a kind of
personal data in `terms`, a kind of person in `subjects`. A typo is reported with the nearest
valid term of that kind.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .types import nearest

TERMS_FILE = Path(__file__).resolve().parent / "data" / "dpv-2.3-terms.json"

# What each kind of field accepts: the DPV type its terms are declared as.
KINDS: dict[str, tuple[str, ...]] = {
    "purpose": ("dpv:Purpose",),
    "personal-data": ("dpv:PersonalData",),
    "subject": ("dpv:HumanSubject", "dpv:DataSubject"),
    "authority": ("eu-gdpr:DataProtectionAuthority", "dpv:DataProtectionAuthority"),
    "source": ("dpv:DataSource",),
}
SPECIAL_CATEGORY = "dpv:SpecialCategoryPersonalData"


@functools.cache
def _table() -> dict[str, Any]:
    return json.loads(TERMS_FILE.read_text(encoding="utf-8"))


def namespaces() -> dict[str, str]:
    return dict(_table()["namespaces"])


def _entry(curie: str) -> dict[str, Any] | None:
    prefix, _, name = curie.partition(":")
    return _table()["terms"].get(prefix, {}).get(name)


def exists(curie: str) -> bool:
    return _entry(curie) is not None


def is_a(curie: str, kind: str) -> bool:
    """True if the term is a class of the kind (or the kind's own top concept)."""
    entry = _entry(curie)
    if entry is None or entry["kind"] != "class":
        return False
    wanted = KINDS[kind]
    return curie in wanted or any(t in wanted for t in entry.get("types", ()))


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


def problem(curie: str, kind: str, prefixes: Iterable[str]) -> str | None:
    """None if the term is fine; otherwise why not, with the nearest valid term."""
    if is_a(curie, kind):
        return None
    valid = terms_of(kind, tuple(prefixes))
    guess = nearest(curie, valid)
    reason = "it is not a term of DPV 2.3" if not exists(curie) else f"it is a DPV term, but not a {kind.replace('-', ' ')} term"
    hint = f"; did you mean {guess!r}?" if guess else ""
    return f"{reason}{hint}"

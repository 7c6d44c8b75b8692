"""Whether the register's category for a cookie or key agrees with the category a source (the
Open Cookie Database) knows it under.

The database's categories are of four kinds: *necessary* (Functional, Necessary, Security: "also
known as technical, essential or strictly necessary"), *personalisation*, *analytics* and
*marketing*. A register's category is *necessary* when it needs no consent; a consent category
is of the kind its id names (`statistics`, `marketing`, `preferences`…), or of no named kind
(`video`).

- yes: the same kind; or a consent category of no named kind for anything that needs consent;
- no: another kind. Necessary in the register but analytics or marketing in the database is a
  violation: such a cookie would be set without consent;
- stricter: the register asks consent for what the database calls necessary;
- unknown: the source does not know it, or names it ambiguously.
"""

from __future__ import annotations

import re
from typing import Literal

from .identify import Identity
from .model import Declared

Kind = Literal["necessary", "personalisation", "analytics", "marketing"]
Agreement = Literal["yes", "no", "stricter", "unknown"]

DATABASE_KINDS: dict[str, Kind] = {
    "functional": "necessary", "necessary": "necessary", "security": "necessary",
    "personalization": "personalisation", "personalisation": "personalisation", "preferences": "personalisation",
    "analytics": "analytics", "marketing": "marketing",
}
# The words of a consent category's id that name a kind (English and Swedish, as sites write them).
REGISTER_WORDS: dict[str, Kind] = {
    **{word: "analytics" for word in ("analytics", "statistics", "stats", "statistik", "measurement", "performance",
                                      "analys", "matning", "audience")},
    **{word: "marketing" for word in ("marketing", "advertising", "ads", "ad", "targeting", "tracking", "social",
                                      "remarketing", "retargeting", "reklam", "annonsering", "marknadsforing")},
    **{word: "personalisation" for word in ("personalisation", "personalization", "preferences", "preference",
                                            "functional", "functionality", "personalisering", "anpassning")},
}
# Kinds that may never be declared as necessary.
NEVER_NECESSARY: frozenset[Kind] = frozenset({"analytics", "marketing"})


def database_kind(identity: Identity | None) -> Kind | None:
    """The kind of a source's category; None when unknown or ambiguous ("Marketing or Functional")."""
    return None if identity is None else DATABASE_KINDS.get(identity.category.strip().lower())


def register_kind(item: Declared) -> Kind | None:
    """The kind of a register's category; None for a consent category of no named kind."""
    if item.required:
        return "necessary"
    words = re.split(r"[^a-z]+", item.category.lower().replace("ä", "a").replace("ö", "o").replace("å", "a"))
    return next((REGISTER_WORDS[word] for word in words if word in REGISTER_WORDS), None)


def agrees(item: Declared, identity: Identity | None) -> Agreement:
    known = database_kind(identity)
    if known is None:
        return "unknown"
    declared = register_kind(item)
    if declared == known or (declared is None and known != "necessary"):
        return "yes"
    return "stricter" if known == "necessary" else "no"


def tracking_as_necessary(item: Declared | None, identity: Identity | None) -> bool:
    """Declared as necessary, known as analytics or marketing: a violation."""
    return item is not None and item.required and database_kind(identity) in NEVER_NECESSARY

"""Which term does the register want for this? A search of the terms the register accepts, by
their names, labels and definitions, for editors who do not know DPV by heart.

DPV 2.3 as shipped has no alternative labels (no skos:altLabel column in its tables), so a
term's synonyms are what its own words give: its name (`EmailAddress`), its label ("Email
Address"), its definition (where DPV names synonyms, "synonymous with Data Protection by
Design"), and, for the closed sets of the register, our labels in every language of the
catalogs ("Samtycke"). Words are compared as the hints compare them (`types.content_words`):
in any case, singular or plural, "e-mail" as "email", a typo as the word, and common synonyms
such as phone/telephone or id/identifier as one word.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from . import dpv
from . import vocabulary as vocab
from .types import Word, content_words, same_word

# Each kind of term, with where the register writes it.
KINDS: dict[str, str] = {
    "purpose": "purpose under processing",
    "data": "terms under personal_data",
    "subject": "subjects under processing",
    "legal-basis": "legal_basis under processing (an Art. 9(2) condition: special_category_condition)",
    "recipient": "kind under recipients",
    "source": "sources under processing, or kind under sources",
    "measure": "safeguard under transfers",
    "right": "rights",
}

# The terms of each kind: DPV's classes of a kind, or one of the register's closed sets.
DPV_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "purpose": ("purpose", ("dpv",)), "data": ("personal-data", ("pd", "dpv")), "subject": ("subject", ("dpv",)),
    "source": ("source", ("dpv",)),
}
CLOSED_SETS: dict[str, tuple[Mapping[str, vocab.Labels], ...]] = {
    "legal-basis": (vocab.LEGAL_BASES, vocab.SPECIAL_CATEGORY_CONDITIONS),
    "recipient": (vocab.RECIPIENT_KINDS,),
    "measure": (vocab.SAFEGUARDS,),
    "right": (vocab.RIGHTS,),
}


@dataclass(frozen=True)
class Term:
    curie: str
    kind: str
    label: str  # in English: ours for a closed set (as the register shows it), else DPV's
    names: tuple[tuple[Word, ...], ...]  # the content words of its name and of each label
    defined: frozenset[str]  # the stems of its definition's content words


def _term(curie: str, kind: str, label: str, labels: tuple[str, ...]) -> Term:
    entry = dpv.entry(curie) or {}
    written = (curie, label, *labels, entry.get("label", ""))
    names = tuple(dict.fromkeys(words for text in written if (words := tuple(content_words(text)))))
    defined = frozenset(word.stem for word in content_words(entry.get("definition", "")))
    return Term(curie, kind, label, names, defined)


@functools.cache
def terms() -> tuple[Term, ...]:
    """Every term the register accepts, in the order of KINDS."""
    found: list[Term] = []
    for kind in KINDS:
        if kind in DPV_KINDS:
            dpv_kind, prefixes = DPV_KINDS[kind]
            too_general = dpv.TOO_GENERAL.get(dpv_kind, ())
            found += [_term(curie, kind, (dpv.entry(curie) or {}).get("label", curie), ())
                      for curie in dpv.terms_of(dpv_kind, prefixes) if curie not in too_general]
        for closed in CLOSED_SETS.get(kind, ()):
            found += [_term(curie, kind, labels.message, tuple(labels.values())) for curie, labels in closed.items()]
    return tuple(found)


def _weight(word: Word, term: Term) -> float:
    """1 for a word of the term's name or a label, 0.9 for a typo of one, 0.5 for a word of its
    definition only, else 0."""
    by_name = max((same_word(word, other) for name in term.names for other in name), default=0.0)
    return by_name or 0.5 * (word.stem in term.defined)


def _rank(query: str, wanted: list[Word], term: Term) -> tuple[float, ...] | None:
    """How well a term answers the query, or None when it does not: the term written out (or
    its start: `A46`, `pd:Email`) first, then by how many words its names say, how closely, and how much of
    its best name the query says (`Email Address` before `Email Address Work`)."""
    local = term.curie.partition(":")[2].lower()
    spelt = " " not in query and (term.curie.lower().startswith(query.lower()) or local.startswith(query.lower()))
    weights = [_weight(word, term) for word in wanted]
    if not spelt and not any(weights):
        return None
    exact = query.lower() in (term.curie.lower(), local)
    covered = max((sum(1 for w in name if any(same_word(w, x) for x in wanted)) / len(name) for name in term.names),
                  default=0.0)
    return (exact, spelt, sum(w >= 0.9 for w in weights), sum(weights), covered)


def search(query: str, kind: str | None = None) -> list[Term]:
    """The terms (of one kind, or of all) that the query's words name, best first (of equal
    fits, in the order of KINDS, and each kind in its own order)."""
    query = query.strip()
    wanted = list(dict.fromkeys(content_words(query) or content_words(query, keep_general=True)))
    ranked = [(tuple(-value for value in rank), index, term) for index, term in enumerate(terms())
              if (kind is None or term.kind == kind) and (rank := _rank(query, wanted, term)) is not None]
    return [term for *_, term in sorted(ranked, key=lambda item: item[:2])]

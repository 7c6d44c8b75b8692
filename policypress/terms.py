"""`policypress terms QUERY [--kind KIND] [--all]`: the terms the register accepts, found by words,
so that an editor need not read DPV's tables or policypress's source to fill in a register."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .core.terms_search import KINDS, search

# Enough to find the term meant; --all shows the rest.
LIMIT = 20

HELP = ("Words are matched in each term's name, label and definition: in any case, singular or plural, with or "
        "without hyphens ('e-mail' is 'email'), a typo as the word, and common synonyms (phone/telephone, "
        "id/identifier) as one word. DPV 2.3 as shipped has no alternative labels (skos:altLabel), so its "
        "synonyms are those its labels and definitions name; the register's own terms (legal bases, recipient "
        "kinds, safeguards, rights) are also found by their labels in sv, en, fi and de. Where each kind is "
        "written: " + "; ".join(f"{kind}: {where}" for kind, where in KINDS.items()) + ".")


def register(commands: Any) -> None:
    terms = commands.add_parser("terms", help="search the DPV terms the register accepts, by words",
                                description="Search the terms the register accepts, best matches first. " + HELP)
    terms.add_argument("query", nargs="+", help="words, e.g. email, 'job title', consent, or a term's start, e.g. A46")
    terms.add_argument("--kind", choices=list(KINDS), help="only terms of this kind")
    terms.add_argument("--all", action="store_true", help=f"show every match, not only the first {LIMIT}")


def run(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    found = search(query, args.kind)
    if not found:
        print(f"policypress: no term the register accepts matches {query!r}{_kind(args.kind)}; "
              f"{_try_instead(query, args.kind)}", file=sys.stderr)
        return 1
    shown = found if args.all else found[:LIMIT]
    widths = [max(len(term.curie) for term in shown), max(len(term.kind) for term in shown)]
    for term in shown:
        print(f"{term.curie.ljust(widths[0])}  {term.kind.ljust(widths[1])}  {term.label}")
    if len(shown) < len(found):
        print(f"policypress: {len(found) - len(shown)} more; --all shows them", file=sys.stderr)
    return 0


def _kind(kind: str | None) -> str:
    return f" among the {kind} terms" if kind else ""


def _try_instead(query: str, kind: str | None) -> str:
    """What to do next: the kinds that have a match, or other words."""
    others = sorted({term.kind for term in search(query)}) if kind else []
    if others:
        return f"terms of other kinds match ({', '.join(others)}): leave out --kind {kind} to see them"
    return ("try other words, in English as DPV words them (e.g. 'telephone', 'location', 'marketing'), or fewer "
            "of them")

"""No way to refuse: a site where the audit found no consent banner at all, while things that need
consent happen before any choice (issue 19 §1). A visitor can then neither refuse nor withdraw,
which is a violation of its own, beside each thing found.

What needs consent, before any choice: what `compare` reports as `before-consent` there (declared
under a consent category, or a request to another origin that is not necessary or allowed), and
an undeclared cookie or key that the service catalog or the Open Cookie Database knows as
analytics or marketing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .agreement import NEVER_NECESSARY, database_kind
from .model import STORAGE_LABELS, Finding, Observations

# Things named in the finding's detail at most; the others are counted.
LISTED = 5


def needs_consent(finding: Finding) -> bool:
    return finding.state == "none" and (finding.kind == "before-consent" or (
        finding.kind == "undeclared" and database_kind(finding.identity) in NEVER_NECESSARY))


def no_way_to_refuse(observations: Observations, findings: Iterable[Finding]) -> Iterator[Finding]:
    """The finding, when no banner was found and something needs consent before any choice."""
    if observations.consent.operated != "none" or not observations.pages:
        return
    things = list(dict.fromkeys(f"{STORAGE_LABELS[f.item]} {f.name}" for f in findings if needs_consent(f)))
    if not things:
        return
    listed = ", ".join(things[:LISTED]) + (f" and {len(things) - LISTED} more" if len(things) > LISTED else "")
    first = observations.pages[0]
    yield Finding("no-way-to-refuse", "page", first, "none", first,
                  f"no consent banner ({observations.consent.note}), yet {len(things)} thing"
                  f"{'s' if len(things) != 1 else ''} that need consent happen before any choice: {listed}; a visitor "
                  f"cannot refuse or withdraw")

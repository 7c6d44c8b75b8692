"""Is a policy complete? The information GDPR Art. 13 and 14 require, checked in the data.

Each missing item is a problem naming the field to add and the article that asks for it, so
`policypress check` and strict builds fail until the policy says everything it must.
Site-wide items (controller, data protection officer, authority) are reported once, against the
plugin's options in mkdocs.yml; the rest at the field of each policy's default-language file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import dpv
from . import vocabulary as vocab
from .frontmatter import Loc, Source, read_source
from .model import Purpose, Register, Revision, Site, SiteInfo, outside_eea
from .problems import Problem, field_path
from .types import listing, nearest

# The rights Art. 13(2)(b) requires a policy to mention.
REQUIRED_RIGHTS = ("eu-gdpr:A15", "eu-gdpr:A16", "eu-gdpr:A17", "eu-gdpr:A18", "eu-gdpr:A21", "eu-gdpr:A20")
# How a purpose states its retention: a period, an event or a law, or the criterion in words.
RETENTION_EXPECTED = (f"retention: {{duration: P2Y, after: …}}, {{after: …}} or {{statute: …}}, where after is one of: "
                      f"{listing(vocab.RETENTION_EVENTS)}; or, where no period can be stated, retention_criterion: "
                      "the criterion in words")


def check_site(info: SiteInfo, config_source: str, authority_needed: bool = True) -> list[Problem]:
    """What every policy shares: the controller, its DPO and the supervisory authority."""
    problems: list[Problem] = []

    def missing(key: str, article: str, what: str, expected: str) -> None:
        problems.append(Problem(config_source, None, f"plugins.policypress.{key}",
                                f"missing: GDPR Art. {article} requires {what}; expected {expected}"))

    controller = info.controller
    if controller is None:
        missing("controller", "13(1)(a)", "the controller's identity and contact details",
                "controller: {name, email, address} under the policypress plugin")
    elif not (controller.email or controller.address):
        problems.append(Problem(config_source, None, "plugins.policypress.controller",
                                f"the controller ({controller.name}) has no e-mail or postal address: GDPR Art. 13(1)(a) "
                                "requires its contact details; expected email: … or address: {street, postal_code, "
                                "locality, country} under controller"))
    dpo = info.dpo
    if dpo is None or (dpo.appointed and not (dpo.email or dpo.address)):
        missing("dpo", "13(1)(b)", "the data protection officer's contact details",
                "dpo: {email} under the policypress plugin (or dpo: {appointed: false})")
    if info.authority is None and authority_needed:
        missing("authority", "13(2)(d)", "the supervisory authority to complain to",
                "authority: {term: legal-se:DPA-SE, name, url} under the policypress plugin")
    elif info.authority is not None and not dpv.exists(info.authority.term):
        guess = nearest(info.authority.term, dpv.terms_of("authority", ("legal-se", "eu-gdpr")))
        hint = f"; did you mean {guess!r}?" if guess else ""
        problems.append(Problem(config_source, None, "plugins.policypress.authority.term",
                                f"expected a DPV 2.3 supervisory authority such as legal-se:DPA-SE, "
                                f"found {info.authority.term!r}{hint}"))
    for index, right in enumerate(info.rights):
        if right not in vocab.RIGHTS:
            guess = nearest(right, vocab.RIGHTS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            problems.append(Problem(config_source, None, f"plugins.policypress.rights[{index}]",
                                    f"expected a GDPR data-subject right, one of: {', '.join(vocab.RIGHTS)}, "
                                    f"found {right!r}{hint}"))
    return problems


def source_language(revision: Revision) -> str:
    return next(iter(revision.texts))


def _special_and_sources(register: Register, index: int, purpose: Purpose, source: Source) -> list[Problem]:
    """Art. 9: special-category data needs a condition. Art. 14(2)(f): data not from the person
    needs its source named."""
    problems = []
    categories = {c.id: c for c in register.personal_data}
    special = sorted({t for c in purpose.data if c in categories for t in categories[c].terms if dpv.is_special_category(t)})
    if special and not purpose.special_category_condition:
        loc: Loc = ("processing", index, "special_category_condition")
        problems.append(Problem(source.shown, source.line_of(loc), field_path(loc),
                                f"missing: GDPR Art. 9(2) requires a condition for special-category data "
                                f"({', '.join(special)}) in {purpose.id!r}; expected special_category_condition: "
                                f"one of {', '.join(vocab.SPECIAL_CATEGORY_CONDITIONS)}"))
    named = {s.id for s in register.sources}
    # DPV classes other than "from the person" and "made by us" (an unknown id is reported as a reference).
    others = [s for s in purpose.sources if ":" in s and s not in (vocab.DATA_SUBJECT_SOURCE, vocab.CONTROLLER_SOURCE)]
    if others and not any(s in named for s in purpose.sources):
        loc = ("processing", index, "sources")
        problems.append(Problem(source.shown, source.line_of(loc), field_path(loc),
                                f"missing: GDPR Art. 14(2)(f) requires naming where data not collected from the person "
                                f"comes from ({', '.join(others)} in {purpose.id!r}); expected the id of an entry of "
                                "sources, e.g. sources: [{id: spar, kind: dpv:PublicDataSource, name: …}]"))
    return problems


def check_policy(revision: Revision, source: Source) -> list[Problem]:
    """What one policy must state, reported at the field of its default-language file."""
    register = revision.register
    problems: list[Problem] = []

    def missing(loc: Loc, article: str, what: str, expected: str) -> None:
        problems.append(Problem(source.shown, source.line_of(loc), field_path(loc),
                                f"missing: GDPR Art. {article} requires {what}; expected {expected}"))

    # What is done, why, on what basis.
    if not register.processing:
        missing(("processing",), "13(1)(c)", "the purposes and their legal basis", "a processing entry per purpose")
    if "recipients" not in register.stated:
        missing(("recipients",), "13(1)(e)", "the recipients or categories of recipients",
                "a recipients list (recipients: [] if nobody receives data)")
    if "transfers" not in register.stated:
        missing(("transfers",), "13(1)(f)", "transfers to countries outside the EU/EEA and their safeguards",
                "a transfers list (transfers: [] if there are none)")
    for index, recipient in enumerate(register.recipients):
        if outside_eea(recipient.country) and not register.transfers_to(recipient.id):
            missing(("recipients", index, "country"), "13(1)(f)", "a safeguard for data sent outside the EU/EEA",
                    f"a transfers entry for recipient {recipient.id!r} in {', '.join(recipient.country)}")

    language = source_language(revision)
    per_purpose: list[tuple[str, str, str, str, Callable[[Purpose], bool]]] = [
        ("retention", "13(2)(a)", "how long the data is kept, or the criteria", RETENTION_EXPECTED,
         lambda p: p.retention is not None or bool(p.text[language].retention_criterion)),
        ("requirement", "13(2)(e)", "whether providing the data is required",
         f"requirement: one of {', '.join(vocab.REQUIREMENTS)}", lambda p: p.requirement is not None),
        ("sources", "14(2)(f)", "where the data comes from", f"sources: [{vocab.DATA_SUBJECT_SOURCE}, …]",
         lambda p: bool(p.sources)),
    ]
    for index, purpose in enumerate(register.processing):
        for field, article, what, expected, present in per_purpose:
            if not present(purpose):
                missing(("processing", index, field), article, f"{what} for each purpose ({purpose.id})", expected)
        problems.extend(_special_and_sources(register, index, purpose, source))
    # Asked once: whether automated decisions (Art. 22) are made at all.
    if register.automated_decisions is None and any(p.automated_decisions is None for p in register.processing):
        missing(("automated_decisions",), "13(2)(f)", "whether automated decisions are made",
                "automated_decisions: false for the whole policy (a purpose that makes them says automated_decisions: "
                "{logic: …, consequences: …})")
    if not register.children.get(source_language(revision)) and any(
            vocab.CHILD in dpv.ancestors(term) for p in register.processing for term in p.subjects):
        missing(("children",), "8", "how consent and data are handled for children, as a purpose concerns them",
                "children: the policy's statement on children's data")

    # The data subject's rights.
    rights = set(register.rights)
    for right in REQUIRED_RIGHTS:
        if right not in rights:
            missing(("rights",), "13(2)(b)", f"the {vocab.label(vocab.RIGHTS, right, 'en').lower()}", f"{right} in rights")
    if register.consent_purposes and vocab.CONSENT_WITHDRAWAL not in rights:
        missing(("rights",), "13(2)(c)", "the right to withdraw consent, as a purpose rests on consent",
                f"{vocab.CONSENT_WITHDRAWAL} in rights")
    if vocab.COMPLAINT not in rights:
        missing(("rights",), "13(2)(d)", "the right to lodge a complaint with a supervisory authority",
                f"{vocab.COMPLAINT} in rights")
    return problems


def criterion_notes(site: Site) -> list[Problem]:
    """Notices, not problems: each purpose of a living text that gives its retention as a
    criterion in words. Art. 13(2)(a) allows criteria where no period can be stated, so nothing
    is refused; whether the words let a person work out the period only a person can judge."""
    return [note for policy in site.policies.values() for note in _criteria(policy.living, site.default_language)]


def _criteria(revision: Revision, language: str) -> list[Problem]:
    criteria = [(index, purpose.id, purpose.text[language].retention_criterion)
                for index, purpose in enumerate(revision.register.processing) if purpose.retention is None]
    criteria = [(index, pid, criterion) for index, pid, criterion in criteria if criterion]
    if not criteria:
        return []
    text = revision.texts[language]
    # The lines are read from the file itself (the model keeps none), with the same reader.
    source = read_source(text.path, text.source) if text.path else Source(Path(), text.source, None, "")
    notes = []
    for index, pid, criterion in criteria:
        loc: Loc = ("processing", index, "retention_criterion")
        notes.append(Problem(source.shown, source.line_of(loc), field_path(loc),
                             f"GDPR Art. 13(2)(a): the data of {pid!r} is kept as \"{criterion}\" says, not for a "
                             "stated period; a criterion must let the person work out the period (from which event, "
                             "and for how long); where you can, state retention: {duration: P2Y, after: "
                             "end-of-contract} or {statute: …} instead"))
    return notes

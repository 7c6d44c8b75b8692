"""The closed sets of terms a policy may use, with their labels in every language.

A label's source is English; its translations are in the gettext catalogs (see `texts`). The
GDPR's own terms (Art. 6(1) bases, Art. 9(2) conditions, Chapter III rights, Chapter V
safeguards) are worded as the regulation's official language version words them; the other
labels are ours. Term spellings follow DPV 2.3 (`eu-gdpr:` = https://w3id.org/dpv/legal/eu/gdpr#,
`dpv:` = https://w3id.org/dpv#).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .texts import languages, translate


class Labels(Mapping[str, str]):
    """A term's label by language (`labels["sv"]`), for every language with a catalog; the
    English source is the msgid."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __getitem__(self, language: str) -> str:
        return translate(language, self.message)

    def __iter__(self) -> Iterator[str]:
        return iter(languages())

    def __len__(self) -> int:
        return len(languages())

    def __repr__(self) -> str:
        return f"Labels({self.message!r})"

# GDPR Art. 6(1): the six lawful bases for processing.
LEGAL_BASES: dict[str, Labels] = {
    "eu-gdpr:A6-1-a": Labels("Consent"),
    "eu-gdpr:A6-1-b": Labels("Contract"),
    "eu-gdpr:A6-1-c": Labels("Legal obligation"),
    "eu-gdpr:A6-1-d": Labels("Vital interests"),
    "eu-gdpr:A6-1-e": Labels("Public task"),
    "eu-gdpr:A6-1-f": Labels("Legitimate interest"),
}
# GDPR Art. 9(2): the conditions under which special-category data may be processed.
SPECIAL_CATEGORY_CONDITIONS: dict[str, Labels] = {
    "eu-gdpr:A9-2-a": Labels("Explicit consent (Art. 9(2)(a))"),
    "eu-gdpr:A9-2-b": Labels("Employment and social security law (Art. 9(2)(b))"),
    "eu-gdpr:A9-2-c": Labels("Vital interests (Art. 9(2)(c))"),
    "eu-gdpr:A9-2-d": Labels("Activities of a not-for-profit body (Art. 9(2)(d))"),
    "eu-gdpr:A9-2-e": Labels("Data you have made public (Art. 9(2)(e))"),
    "eu-gdpr:A9-2-f": Labels("Legal claims (Art. 9(2)(f))"),
    "eu-gdpr:A9-2-g": Labels("Substantial public interest (Art. 9(2)(g))"),
    "eu-gdpr:A9-2-h": Labels("Health or social care (Art. 9(2)(h))"),
    "eu-gdpr:A9-2-i": Labels("Public health (Art. 9(2)(i))"),
    "eu-gdpr:A9-2-j": Labels("Archiving, research or statistics (Art. 9(2)(j))"),
}
CONSENT = "eu-gdpr:A6-1-a"
LEGITIMATE_INTEREST = "eu-gdpr:A6-1-f"
CONSENT_WITHDRAWAL = "eu-gdpr:A7-3"
CHILD = "dpv:Child"
COMPLAINT = "eu-gdpr:A77"

# GDPR Chapter V: what makes a transfer to a third country lawful.
SAFEGUARDS: dict[str, Labels] = {
    "eu-gdpr:A45-3": Labels("Adequacy decision (Art. 45)"),
    "eu-gdpr:A46-2-a": Labels("Legally binding instrument between authorities (Art. 46(2)(a))"),
    "eu-gdpr:A46-2-b": Labels("Binding corporate rules (Art. 46(2)(b))"),
    "eu-gdpr:A46-2-c": Labels("European Commission standard contractual clauses (Art. 46(2)(c))"),
    "eu-gdpr:A46-2-d": Labels("Standard contractual clauses adopted by a supervisory authority (Art. 46(2)(d))"),
    "eu-gdpr:A46-2-e": Labels("Approved code of conduct (Art. 46(2)(e))"),
    "eu-gdpr:A46-2-f": Labels("Approved certification (Art. 46(2)(f))"),
    "eu-gdpr:A46-3-a": Labels("Contractual clauses authorised by a supervisory authority (Art. 46(3)(a))"),
    "eu-gdpr:A49-1-a": Labels("Explicit consent (Art. 49(1)(a))"),
    "eu-gdpr:A49-1-b": Labels("Necessary for a contract (Art. 49(1)(b))"),
    "eu-gdpr:A49-1-c": Labels("Necessary for a contract in your interest (Art. 49(1)(c))"),
    "eu-gdpr:A49-1-d": Labels("Important reasons of public interest (Art. 49(1)(d))"),
    "eu-gdpr:A49-1-e": Labels("Legal claims (Art. 49(1)(e))"),
    "eu-gdpr:A49-1-f": Labels("Vital interests (Art. 49(1)(f))"),
    "eu-gdpr:A49-1-g": Labels("Data from a public register (Art. 49(1)(g))"),
}

# Where data goes when no single country can be named: a region instead of ISO codes.
REGIONS: dict[str, Labels] = {
    "EEA": Labels("EU/EEA"),
    "third-countries": Labels("Countries outside the EU/EEA"),
    "worldwide": Labels("Worldwide"),
}
# CLDR codes that are not countries; a region says what they were meant to.
PSEUDO_TERRITORIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

# GDPR Chapter III: the data subject's rights a policy can state.
RIGHTS: dict[str, Labels] = {
    "eu-gdpr:A15": Labels("Right of access"),
    "eu-gdpr:A16": Labels("Right to rectification"),
    "eu-gdpr:A17": Labels("Right to erasure"),
    "eu-gdpr:A18": Labels("Right to restriction of processing"),
    "eu-gdpr:A20": Labels("Right to data portability"),
    "eu-gdpr:A21": Labels("Right to object"),
    "eu-gdpr:A22": Labels("Right not to be subject to automated decisions"),
    "eu-gdpr:A7-3": Labels("Right to withdraw consent"),
    "eu-gdpr:A77": Labels("Right to lodge a complaint with a supervisory authority"),
}

# GDPR Art. 13(2)(e): whether the data subject must provide the data.
REQUIREMENTS: dict[str, Labels] = {
    "statutory": Labels("Required by law"),
    "contractual": Labels("Required by contract"),
    "contract-prerequisite": Labels("Required to enter into a contract"),
    "voluntary": Labels("Voluntary"),
}

# What a retention period is counted from.
RETENTION_EVENTS: dict[str, Labels] = {
    "collection": Labels("from collection"),
    "purchase": Labels("after the purchase"),
    "end-of-contract": Labels("after the contract ends"),
    "account-closure": Labels("after the account is closed"),
    "last-activity": Labels("after your last activity"),
    "case-closed": Labels("after the case is closed"),
    "end-of-financial-year": Labels("after the end of the financial year"),
    "consent-withdrawal": Labels("until you withdraw your consent"),
    "objection": Labels("until you object"),
}

# A retention criterion without a period: kept until the event (Art. 13(2)(a) "the criteria").
RETENTION_UNTIL: dict[str, Labels] = {
    "collection": Labels("only when collected"),
    "purchase": Labels("until the purchase is completed"),
    "end-of-contract": Labels("until the contract ends"),
    "account-closure": Labels("until the account is closed"),
    "last-activity": Labels("as long as you are active"),
    "case-closed": Labels("until the case is closed"),
    "end-of-financial-year": Labels("until the end of the financial year"),
    "consent-withdrawal": Labels("until you withdraw your consent"),
    "objection": Labels("until you object"),
}

# DPV data sources (https://w3id.org/dpv#DataSource subclasses).
DATA_SOURCES: dict[str, Labels] = {
    "dpv:DataSubjectDataSource": Labels("From you"),
    "dpv:ThirdPartyDataSource": Labels("From third parties"),
    "dpv:PublicDataSource": Labels("From public sources"),
    "dpv:DataControllerDataSource": Labels("Generated by us"),
    "dpv:NonPublicDataSource": Labels("From non-public sources"),
    "dpv:DataSource": Labels("Other sources"),
}
DATA_SUBJECT_SOURCE = "dpv:DataSubjectDataSource"
CONTROLLER_SOURCE = "dpv:DataControllerDataSource"

# Who receives data, as DPV entity types.
RECIPIENT_KINDS: dict[str, Labels] = {
    "dpv:DataProcessor": Labels("Processor"),
    "dpv:DataController": Labels("Independent controller"),
    "dpv:JointDataControllers": Labels("Joint controller"),
    "dpv:GovernmentalOrganisation": Labels("Public authority"),
}

# Terms that are not Art. 6(1) bases but are often written as one: where each belongs.
MISPLACED_BASES: tuple[tuple[str, str], ...] = (
    ("eu-gdpr:A9-", "is an Art. 9(2) condition for special-category data; write it in special_category_condition "
                    "and keep the Art. 6(1) basis here"),
    ("eu-gdpr:A28", "is the Art. 28 processor agreement, not a legal basis; work you do for your customers goes in "
                    "processor_activities, and a processor you use is a recipient with kind dpv:DataProcessor"),
    ("eu-gdpr:A49-", "is an Art. 49 derogation for transfers outside the EU/EEA; write it as a safeguard under "
                     "transfers"),
    ("eu-gdpr:A46-", "is an Art. 46 safeguard for transfers outside the EU/EEA; write it as a safeguard under "
                     "transfers"),
    ("eu-gdpr:A45", "is an Art. 45 adequacy decision for transfers; write it as a safeguard under transfers"),
    ("eu-gdpr:A7-3", "is the right to withdraw consent; write it in rights and eu-gdpr:A6-1-a here"),
)

# Where a cookie-like item lives in the browser.
STORAGE_KINDS: dict[str, Labels] = {
    "cookie": Labels("Cookie"),
    "local-storage": Labels("Local storage"),
    "session-storage": Labels("Session storage"),
}

# Prefixes a term may use, with their namespaces (DPV 2.3, https).
PREFIXES: dict[str, str] = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "legal-eu": "https://w3id.org/dpv/legal/eu#",
    "legal-se": "https://w3id.org/dpv/legal/se#",
    "loc": "https://w3id.org/dpv/loc#",
    "tech": "https://w3id.org/dpv/tech#",
}

# The EU/EEA: a transfer to any other country is a third-country transfer (GDPR Chapter V).
EEA_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO".split()
)


def label(labels: Mapping[str, Labels], term: str, language: str) -> str:
    """A term's label in a language (a term without one is shown as it is written)."""
    entry = labels.get(term)
    return term if entry is None else entry[language]

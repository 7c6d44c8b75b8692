"""The closed sets of terms a policy may use, with the labels we supply in each language.

DPV has no Swedish labels; these are ours. Term spellings follow DPV 2.3
(`eu-gdpr:` = https://w3id.org/dpv/legal/eu/gdpr#, `dpv:` = https://w3id.org/dpv#).
"""

from __future__ import annotations

from collections.abc import Mapping

Labels = Mapping[str, str]  # language -> text

# GDPR Art. 6(1): the six lawful bases for processing.
LEGAL_BASES: dict[str, Labels] = {
    "eu-gdpr:A6-1-a": {"sv": "Samtycke", "en": "Consent"},
    "eu-gdpr:A6-1-b": {"sv": "Avtal", "en": "Contract"},
    "eu-gdpr:A6-1-c": {"sv": "Rättslig förpliktelse", "en": "Legal obligation"},
    "eu-gdpr:A6-1-d": {"sv": "Grundläggande intressen", "en": "Vital interests"},
    "eu-gdpr:A6-1-e": {"sv": "Allmänt intresse eller myndighetsutövning", "en": "Public task"},
    "eu-gdpr:A6-1-f": {"sv": "Berättigat intresse", "en": "Legitimate interest"},
}
# GDPR Art. 9(2): the conditions under which special-category data may be processed.
SPECIAL_CATEGORY_CONDITIONS: dict[str, Labels] = {
    "eu-gdpr:A9-2-a": {"sv": "Uttryckligt samtycke (art. 9.2 a)", "en": "Explicit consent (Art. 9(2)(a))"},
    "eu-gdpr:A9-2-b": {"sv": "Arbetsrätt och social trygghet (art. 9.2 b)", "en": "Employment and social security law (Art. 9(2)(b))"},
    "eu-gdpr:A9-2-c": {"sv": "Grundläggande intressen (art. 9.2 c)", "en": "Vital interests (Art. 9(2)(c))"},
    "eu-gdpr:A9-2-d": {"sv": "Ideell organisations verksamhet (art. 9.2 d)", "en": "Activities of a not-for-profit body (Art. 9(2)(d))"},
    "eu-gdpr:A9-2-e": {"sv": "Uppgifter som du själv offentliggjort (art. 9.2 e)", "en": "Data you have made public (Art. 9(2)(e))"},
    "eu-gdpr:A9-2-f": {"sv": "Rättsliga anspråk (art. 9.2 f)", "en": "Legal claims (Art. 9(2)(f))"},
    "eu-gdpr:A9-2-g": {"sv": "Viktigt allmänintresse (art. 9.2 g)", "en": "Substantial public interest (Art. 9(2)(g))"},
    "eu-gdpr:A9-2-h": {"sv": "Hälso- och sjukvård (art. 9.2 h)", "en": "Health or social care (Art. 9(2)(h))"},
    "eu-gdpr:A9-2-i": {"sv": "Folkhälsa (art. 9.2 i)", "en": "Public health (Art. 9(2)(i))"},
    "eu-gdpr:A9-2-j": {"sv": "Arkiv, forskning och statistik (art. 9.2 j)", "en": "Archiving, research or statistics (Art. 9(2)(j))"},
}
CONSENT = "eu-gdpr:A6-1-a"
LEGITIMATE_INTEREST = "eu-gdpr:A6-1-f"
CONSENT_WITHDRAWAL = "eu-gdpr:A7-3"
CHILD = "dpv:Child"
COMPLAINT = "eu-gdpr:A77"

# GDPR Chapter V: what makes a transfer to a third country lawful.
SAFEGUARDS: dict[str, Labels] = {
    "eu-gdpr:A45-3": {"sv": "Beslut om adekvat skyddsnivå (art. 45)", "en": "Adequacy decision (Art. 45)"},
    "eu-gdpr:A46-2-a": {"sv": "Rättsligt bindande instrument mellan myndigheter (art. 46.2 a)", "en": "Legally binding instrument between authorities (Art. 46(2)(a))"},
    "eu-gdpr:A46-2-b": {"sv": "Bindande företagsbestämmelser (art. 46.2 b)", "en": "Binding corporate rules (Art. 46(2)(b))"},
    "eu-gdpr:A46-2-c": {"sv": "EU-kommissionens standardavtalsklausuler (art. 46.2 c)", "en": "European Commission standard contractual clauses (Art. 46(2)(c))"},
    "eu-gdpr:A46-2-d": {"sv": "Standardavtalsklausuler från en tillsynsmyndighet (art. 46.2 d)", "en": "Standard contractual clauses adopted by a supervisory authority (Art. 46(2)(d))"},
    "eu-gdpr:A46-2-e": {"sv": "Godkänd uppförandekod (art. 46.2 e)", "en": "Approved code of conduct (Art. 46(2)(e))"},
    "eu-gdpr:A46-2-f": {"sv": "Godkänd certifiering (art. 46.2 f)", "en": "Approved certification (Art. 46(2)(f))"},
    "eu-gdpr:A46-3-a": {"sv": "Avtalsklausuler godkända av tillsynsmyndighet (art. 46.3 a)", "en": "Contractual clauses authorised by a supervisory authority (Art. 46(3)(a))"},
    "eu-gdpr:A49-1-a": {"sv": "Uttryckligt samtycke (art. 49.1 a)", "en": "Explicit consent (Art. 49(1)(a))"},
    "eu-gdpr:A49-1-b": {"sv": "Nödvändigt för att fullgöra avtal (art. 49.1 b)", "en": "Necessary for a contract (Art. 49(1)(b))"},
    "eu-gdpr:A49-1-c": {"sv": "Nödvändigt för avtal i ditt intresse (art. 49.1 c)", "en": "Necessary for a contract in your interest (Art. 49(1)(c))"},
    "eu-gdpr:A49-1-d": {"sv": "Viktiga skäl av allmänintresse (art. 49.1 d)", "en": "Important reasons of public interest (Art. 49(1)(d))"},
    "eu-gdpr:A49-1-e": {"sv": "Rättsliga anspråk (art. 49.1 e)", "en": "Legal claims (Art. 49(1)(e))"},
    "eu-gdpr:A49-1-f": {"sv": "Grundläggande intressen (art. 49.1 f)", "en": "Vital interests (Art. 49(1)(f))"},
    "eu-gdpr:A49-1-g": {"sv": "Uppgifter ur ett offentligt register (art. 49.1 g)", "en": "Data from a public register (Art. 49(1)(g))"},
}

# Where data goes when no single country can be named: a region instead of ISO codes.
REGIONS: dict[str, Labels] = {
    "EEA": {"sv": "EU/EES", "en": "EU/EEA"},
    "third-countries": {"sv": "Länder utanför EU/EES", "en": "Countries outside the EU/EEA"},
    "worldwide": {"sv": "Hela världen", "en": "Worldwide"},
}
# CLDR codes that are not countries; a region says what they were meant to.
PSEUDO_TERRITORIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

# GDPR Chapter III: the data subject's rights a policy can state.
RIGHTS: dict[str, Labels] = {
    "eu-gdpr:A15": {"sv": "Rätt till tillgång", "en": "Right of access"},
    "eu-gdpr:A16": {"sv": "Rätt till rättelse", "en": "Right to rectification"},
    "eu-gdpr:A17": {"sv": "Rätt till radering", "en": "Right to erasure"},
    "eu-gdpr:A18": {"sv": "Rätt till begränsning av behandling", "en": "Right to restriction of processing"},
    "eu-gdpr:A20": {"sv": "Rätt till dataportabilitet", "en": "Right to data portability"},
    "eu-gdpr:A21": {"sv": "Rätt att invända", "en": "Right to object"},
    "eu-gdpr:A22": {"sv": "Rätt att inte bli föremål för automatiserade beslut", "en": "Right not to be subject to automated decisions"},
    "eu-gdpr:A7-3": {"sv": "Rätt att återkalla samtycke", "en": "Right to withdraw consent"},
    "eu-gdpr:A77": {"sv": "Rätt att klaga hos en tillsynsmyndighet", "en": "Right to lodge a complaint with a supervisory authority"},
}

# GDPR Art. 13(2)(e): whether the data subject must provide the data.
REQUIREMENTS: dict[str, Labels] = {
    "statutory": {"sv": "Krävs enligt lag", "en": "Required by law"},
    "contractual": {"sv": "Krävs enligt avtal", "en": "Required by contract"},
    "contract-prerequisite": {"sv": "Krävs för att ingå avtal", "en": "Required to enter into a contract"},
    "voluntary": {"sv": "Frivilligt", "en": "Voluntary"},
}

# What a retention period is counted from.
RETENTION_EVENTS: dict[str, Labels] = {
    "collection": {"sv": "från insamlingen", "en": "from collection"},
    "purchase": {"sv": "efter köpet", "en": "after the purchase"},
    "end-of-contract": {"sv": "efter avtalets slut", "en": "after the contract ends"},
    "account-closure": {"sv": "efter att kontot avslutats", "en": "after the account is closed"},
    "last-activity": {"sv": "efter din senaste aktivitet", "en": "after your last activity"},
    "case-closed": {"sv": "efter att ärendet avslutats", "en": "after the case is closed"},
    "end-of-financial-year": {"sv": "efter räkenskapsårets slut", "en": "after the end of the financial year"},
    "consent-withdrawal": {"sv": "tills du återkallar ditt samtycke", "en": "until you withdraw your consent"},
    "objection": {"sv": "tills du invänder", "en": "until you object"},
}

# A retention criterion without a period: kept until the event (Art. 13(2)(a) "the criteria").
RETENTION_UNTIL: dict[str, Labels] = {
    "collection": {"sv": "bara vid insamlingen", "en": "only when collected"},
    "purchase": {"sv": "tills köpet är genomfört", "en": "until the purchase is completed"},
    "end-of-contract": {"sv": "tills avtalet upphör", "en": "until the contract ends"},
    "account-closure": {"sv": "tills kontot avslutas", "en": "until the account is closed"},
    "last-activity": {"sv": "så länge du är aktiv", "en": "as long as you are active"},
    "case-closed": {"sv": "tills ärendet är avslutat", "en": "until the case is closed"},
    "end-of-financial-year": {"sv": "till räkenskapsårets slut", "en": "until the end of the financial year"},
    "consent-withdrawal": {"sv": "tills du återkallar ditt samtycke", "en": "until you withdraw your consent"},
    "objection": {"sv": "tills du invänder", "en": "until you object"},
}

# DPV data sources (https://w3id.org/dpv#DataSource subclasses).
DATA_SOURCES: dict[str, Labels] = {
    "dpv:DataSubjectDataSource": {"sv": "Från dig", "en": "From you"},
    "dpv:ThirdPartyDataSource": {"sv": "Från andra", "en": "From third parties"},
    "dpv:PublicDataSource": {"sv": "Från offentliga källor", "en": "From public sources"},
    "dpv:DataControllerDataSource": {"sv": "Skapas av oss", "en": "Generated by us"},
    "dpv:NonPublicDataSource": {"sv": "Från källor som inte är offentliga", "en": "From non-public sources"},
    "dpv:DataSource": {"sv": "Andra källor", "en": "Other sources"},
}
DATA_SUBJECT_SOURCE = "dpv:DataSubjectDataSource"
CONTROLLER_SOURCE = "dpv:DataControllerDataSource"

# Who receives data, as DPV entity types.
RECIPIENT_KINDS: dict[str, Labels] = {
    "dpv:DataProcessor": {"sv": "Personuppgiftsbiträde", "en": "Processor"},
    "dpv:DataController": {"sv": "Självständigt personuppgiftsansvarig", "en": "Independent controller"},
    "dpv:GovernmentalOrganisation": {"sv": "Myndighet", "en": "Public authority"},
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
    "cookie": {"sv": "Kaka", "en": "Cookie"},
    "local-storage": {"sv": "Lokal lagring", "en": "Local storage"},
    "session-storage": {"sv": "Sessionslagring", "en": "Session storage"},
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
    """A term's label in a language, falling back to English, then to the term itself."""
    entry = labels.get(term, {})
    return entry.get(language) or entry.get("en") or term

"""What the register reference says of each field beyond what the schema states: what a field
means where the schema gives no description, advice, and an example as it is written in the
front matter of the default-language file.

An example is a YAML mapping of keys of the entry the field sits in (or of the front matter, for a
field at the top); the documentation's test validates each against the schema, so no example can
show a value `policypress check` would refuse."""

from __future__ import annotations

# What a field is, where the schema's own description is missing (the schema's wins).
MEANINGS: dict[str, str] = {
    "rights": "the data subject's rights this policy states (default: rights under the policypress plugin)",
    "personal_data": "the categories of personal data, each once: the purposes name them by id",
    "personal_data.description": "more about the category, shown with its name",
    "processing": "one entry per purpose: what is done, why, on what legal basis, with which data, for how long",
    "processing.subjects": "whose data it is, as DPV terms (dpv:Customer, dpv:Employee, dpv:Child …)",
    "processing.sources": "where the data comes from: DPV data sources, or ids of entries of sources",
    "processing.retention.duration": "the period, as an ISO 8601 duration",
    "processing.retention.after": "the event the period counts from, or, without a duration, lasts until",
    "processing.requirement": "whether the person must provide the data, and why",
    "processing.profiling": "true when the purpose profiles people without a legal or similarly significant effect",
    "recipients": "who receives personal data: processors, independent or joint controllers, authorities",
    "recipients.description": "what the recipient does with the data",
    "transfers": "every transfer of personal data outside the EU/EEA, with its Chapter V safeguard",
    "cookies": "every cookie and browser storage key the website sets, with the purpose it serves",
    "cookies.storage": "where the browser keeps it",
    "sources": "named sources of personal data not collected from the person (Art. 14(2)(f))",
    "sources.description": "more about the source",
    "processor_activities": "work the company does on behalf of its customers, as their processor (Art. 28)",
    "authority.url": "the authority's website",
}

# Advice beyond what a value is: when a field is needed, and what follows from it.
NOTES: dict[str, str] = {
    "version": "Raise it for every change: a new major number (\"3.0\") marks a major change, which readers of "
               "the major-changes feed hear about; the minor number (\"2.2\") a small one.",
    "effective": "A version released with a later date is announced on the policy page until that day, and takes "
                 "effect on the site when it is built on or after it.",
    "rights": "Art. 13(2)(b) asks for access, rectification, erasure, restriction, objection and portability; a "
              "policy with a consent-based purpose also needs eu-gdpr:A7-3, and every policy eu-gdpr:A77.",
    "processing.legal_basis": "eu-gdpr:A6-1-f (legitimate interest) needs legitimate_interest in every language; "
                              "eu-gdpr:A6-1-a (consent) makes the purpose a category of the cookie banner when "
                              "cookies serve it.",
    "processing.special_category_condition": "Required when any of the purpose's data is special-category data "
                                             "(pd:Health and every term DPV files under special categories).",
    "processing.sources": "Data not collected from the person (anything but dpv:DataSubjectDataSource and "
                          "dpv:DataControllerDataSource) needs a named source: the id of an entry of sources.",
    "processing.retention": "A period with the event it counts from, an event alone (kept until then), a law alone "
                            "(as long as that law requires), or all three. Where no period can be stated, write "
                            "retention_criterion in every language instead.",
    "processing.automated_decisions": "Asked once: state automated_decisions at the top of the policy, and here "
                                      "only for a purpose that differs. Where decisions are made, their logic and "
                                      "consequences are required in every language.",
    "processing.retention_criterion": "check accepts it and prints a note: a criterion must let the person work out "
                                      "the period.",
    "recipients.country": "A recipient outside the EU/EEA needs an entry under transfers. Codes that are no "
                          "country (EU, UN, ZZ …) are refused: use a region.",
    "transfers.recipient": "Left out, the safeguard covers every recipient in those countries.",
    "cookies.name": "A name ending in * declares every name that starts so (_ga_*), for the banner and the audit.",
    "cookies.processing": "The purpose's legal basis decides the banner: a consent-based purpose is a category the "
                          "visitor chooses, the others are necessary.",
    "children": "Required when a purpose's subjects include dpv:Child or a narrower term.",
    "authority": "Overrides authority under the policypress plugin for this policy only.",
    "sha256": "Never edit a released file: the build refuses one whose content no longer matches its hash.",
    "previous": "The chain of seals: deleting, replacing or reordering a released revision breaks it.",
}

ORDERS = """\
- id: orders
  purpose: [dpv:CustomerOrderManagement]
  legal_basis: eu-gdpr:A6-1-b
  data: [contact]
  subjects: [dpv:Customer]
  sources: [dpv:DataSubjectDataSource]
  recipients: [payments]
  retention: {duration: P3Y, after: purchase}
  requirement: contract-prerequisite
  automated_decisions: false
  name: Beställningar
  description: Vi skickar det du har köpt.
"""
DECISIONS = """\
automated_decisions:
  logic: Vi räknar fram en poäng från din betalhistorik.
  consequences: Med låg poäng erbjuder vi bara förskottsbetalning.
"""
RETENTION = 'retention: {duration: P7Y, after: end-of-financial-year, statute: "Bokföringslagen (1999:1078)"}\n'
AUTHORITY = "authority: {term: legal-se:DPA-SE, name: Integritetsskyddsmyndigheten (IMY), url: https://www.imy.se/}\n"

EXAMPLES: dict[str, str] = {
    "policy": "policy: privacy\n",
    "title": "title: Integritetspolicy\n",
    "version": 'version: "2.1"\n',
    "summary": "summary: Vi sparar kundtjänstärenden kortare tid.\n",
    "effective": "effective: 2026-03-01\n",
    "rights": "rights: [eu-gdpr:A15, eu-gdpr:A16, eu-gdpr:A17, eu-gdpr:A18, eu-gdpr:A20, eu-gdpr:A21, eu-gdpr:A7-3, "
              "eu-gdpr:A77]\n",
    "personal_data": "personal_data:\n  - id: contact\n    terms: [pd:Name, pd:EmailAddress]\n"
                     "    name: Kontaktuppgifter\n",
    "personal_data.id": "id: contact\n",
    "personal_data.terms": "terms: [pd:Name, pd:EmailAddress]\n",
    "personal_data.name": "name: Kontaktuppgifter\n",
    "personal_data.description": "description: Namn, e-postadress och telefonnummer.\n",
    "processing": "processing:\n" + "".join(f"  {line}\n" for line in ORDERS.splitlines()),
    "processing.id": "id: orders\n",
    "processing.purpose": "purpose: [dpv:CustomerOrderManagement]\n",
    "processing.legal_basis": "legal_basis: [eu-gdpr:A6-1-b, eu-gdpr:A6-1-c]\n",
    "processing.special_category_condition": "special_category_condition: eu-gdpr:A9-2-a\n",
    "processing.data": "data: [contact, purchases]\n",
    "processing.subjects": "subjects: [dpv:Customer]\n",
    "processing.sources": "sources: [dpv:DataSubjectDataSource, spar]\n",
    "processing.recipients": "recipients: [payments, carriers]\n",
    "processing.retention": RETENTION,
    "processing.retention.duration": "retention: {duration: P3Y, after: purchase}\n",
    "processing.retention.after": "retention: {after: end-of-contract}\n",
    "processing.retention.statute": 'retention: {statute: "Kreditupplysningslagen (1973:1173)"}\n',
    "processing.requirement": "requirement: contract-prerequisite\n",
    "processing.automated_decisions": DECISIONS,
    "processing.automated_decisions.logic": DECISIONS,
    "processing.automated_decisions.consequences": DECISIONS,
    "processing.profiling": "profiling: true\n",
    "processing.name": "name: Beställningar\n",
    "processing.description": "description: Vi skickar det du har köpt och tar hand om returer.\n",
    "processing.legitimate_interest": "legitimate_interest: Att skydda dig och oss mot bedrägerier.\n",
    "processing.retention_note": "retention_note: Kvitton sparar vi så länge bokföringslagen kräver.\n",
    "processing.retention_criterion": "retention_criterion: Så länge du är kund hos oss.\n",
    "recipients": "recipients:\n  - id: payments\n    kind: dpv:DataProcessor\n    country: SE\n"
                  "    name: Nordbetal AB\n",
    "recipients.id": "id: payments\n",
    "recipients.kind": "kind: dpv:DataProcessor\n",
    "recipients.country": "country: [SE, GB]\n",
    "recipients.name": "name: Nordbetal AB\n",
    "recipients.description": "description: Hanterar kortbetalningar åt oss.\n",
    "transfers": "transfers:\n  - {recipient: partners, country: [US, IN], safeguard: [eu-gdpr:A46-2-c, eu-gdpr:A49-1-a]}\n"
                 "  - {country: third-countries, safeguard: eu-gdpr:A46-2-c}\n",
    "transfers.recipient": "recipient: partners\n",
    "transfers.country": "country: US\n",
    "transfers.safeguard": "safeguard: [eu-gdpr:A46-2-c, eu-gdpr:A49-1-a]\n",
    "cookies": "cookies:\n  - name: pp_consent\n    processing: consent-record\n    provider: solvikkaffe.example\n"
               "    duration: P6M\n    description: Sparar dina cookieval.\n",
    "cookies.name": "name: _pk_id*\n",
    "cookies.processing": "processing: statistics\n",
    "cookies.provider": "provider: solvikkaffe.example\n",
    "cookies.duration": "duration: P13M\n",
    "cookies.storage": "storage: local-storage\n",
    "cookies.description": "description: Sparar dina cookieval.\n",
    "automated_decisions": "automated_decisions: false\n",
    "sources": "sources:\n  - {id: spar, kind: dpv:PublicDataSource, name: SPAR, "
               "description: Statens person- och adressregister.}\n",
    "sources.id": "id: spar\n",
    "sources.kind": "kind: dpv:PublicDataSource\n",
    "sources.name": "name: SPAR\n",
    "sources.description": "description: Statens person- och adressregister.\n",
    "processor_activities": "processor_activities:\n  - {id: hosting, name: Webbhotell, "
                            "description: Vi lagrar kundernas webbplatser och e-post för deras räkning.}\n",
    "processor_activities.id": "id: hosting\n",
    "processor_activities.name": "name: Webbhotell\n",
    "processor_activities.description": "description: Vi lagrar kundernas webbplatser och e-post för deras räkning.\n",
    "children": "children: Våra tjänster riktar sig inte till barn under 13 år.\n",
    "authority": AUTHORITY,
    "authority.term": AUTHORITY,
    "authority.name": AUTHORITY,
    "authority.url": AUTHORITY,
    "published": "published: 2026-11-20\n",
    "sha256": "sha256: ff4dad6220c3c06318ae0342178bd208377e3045eb84c1315d936df87132e0bd\n",
    "language": 'language: "sv"\n',
    "previous": "previous: 2.1 bea54a6b210ba73e6a8d596cc5df09a391d192047189641a485eae947088bee9\n",
}

"""Hints that help (issue 11): a suggestion is a term of the kind the field takes and never one of
opposite meaning; a term written in the wrong field says where it belongs; a list where one value
is expected, or text where a mapping is expected, shows the accepted forms; a DPV term that does
not exist is answered with the term DPV has for it, found in DPV's own labels and definitions.

CASES is one table: each case edits a copy of the minimal fixture site once and lists the exact
messages that must come out. The unit tests below it pin the suggestion function itself.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic_core import PydanticCustomError

from conftest import ROOT, FixtureSite
from policypress.core import dpv
from policypress.core import vocabulary as vocab
from policypress.core.types import (
    ANTONYMS,
    HOMES,
    SAME_WORDS,
    WORD_PARTS,
    Described,
    misplaced,
    nearest,
    one_of,
    opposite,
)

SV = "docs/privacy/index.sv.md"
SV_FILE = "privacy/index.sv.md"

LEGAL_BASES = ("expected a GDPR Art. 6(1) legal basis, one of: eu-gdpr:A6-1-a, eu-gdpr:A6-1-b, eu-gdpr:A6-1-c, "
               "eu-gdpr:A6-1-d, eu-gdpr:A6-1-e, eu-gdpr:A6-1-f")
SAFEGUARDS = ("expected a GDPR Chapter V safeguard, one of: " + ", ".join(sorted(vocab.SAFEGUARDS)))
ART9 = "expected a GDPR Art. 9(2) condition, one of: " + ", ".join(sorted(vocab.SPECIAL_CATEGORY_CONDITIONS))
REQUIREMENTS = ("expected whether providing the data is required, one of: contract-prerequisite, contractual, "
                "statutory, voluntary")
EVENTS = "expected the event retention counts from, one of: " + ", ".join(sorted(vocab.RETENTION_EVENTS))
RECIPIENT_KIND = ("expected a kind of recipient, one of: dpv:DataController, dpv:DataProcessor, "
                  "dpv:GovernmentalOrganisation, dpv:JointDataControllers")
PERSONAL_DATA = "expected a kind of personal data: a DPV 2.3 term such as pd:EmailAddress"
RETENTION_FORMS = ('expected a mapping: {duration: P2Y, after: end-of-contract}, {after: end-of-contract} (kept until '
                   'then), {statute: "Bokföringslagen (1999:1078)"} (as long as that law requires) or {duration: P7Y, '
                   'after: end-of-financial-year, statute: …}, where after is one of: account-closure, case-closed, '
                   'collection, consent-withdrawal, end-of-contract, end-of-financial-year, last-activity, objection, '
                   'purchase')
SOURCES = ("expected a data source, one of: dpv:DataControllerDataSource, dpv:DataPublishedByDataSubject, "
           "dpv:DataSource, dpv:DataSubjectDataSource, dpv:NonPublicDataSource, dpv:PublicDataSource, "
           "dpv:ThirdPartyDataSource")
NOT_DPV = "it is not a term of DPV 2.3"
A28 = ("eu-gdpr:A28 is the Art. 28 processor agreement, not a legal basis; work you do for your customers goes in "
       "processor_activities, and a processor you use is a recipient with kind dpv:DataProcessor")


@dataclass(frozen=True)
class Case:
    """One replacement in the Swedish (default-language) file, and the exact messages."""

    id: str
    old: str
    new: str
    messages: tuple[str, ...]
    unreleased: bool = False  # a valid edit: remove the released revisions, which it would differ from


@dataclass(frozen=True)
class Field:
    """A field of the fixture's Swedish file: where it is, the text a case replaces, how a value
    is written there, and what the field expects."""

    line: int
    path: str
    old: str
    write: str
    expected: str

    def __call__(self, id: str, value: str, hint: str = "", expected: str = "") -> Case:
        message = f"{SV}:{self.line}: {self.path}: {expected or self.expected}, found text {value!r}"
        return Case(id, self.old, self.write.format(value=value), (message + (f"; {hint}" if hint else ""),))

    def found(self, id: str, value: str, found: str) -> Case:
        """A value that is not text (a list, a mapping): the message after "found"."""
        message = f"{SV}:{self.line}: {self.path}: {self.expected}, found {found}"
        return Case(id, self.old, self.write.format(value=value), (message,))

    def listed(self, id: str, items: str, one: str) -> Case:
        """A list of `items` where one value is expected."""
        count = len(items.split(", "))
        found = f"a list of {count} item{'s' if count > 1 else ''}; {one} one value, not a list"
        return self.found(id, f"[{items}]", found)


LEGAL_BASIS = Field(15, "processing[0].legal_basis", "legal_basis: eu-gdpr:A6-1-b", "legal_basis: {value}", LEGAL_BASES)
ART9_CONDITION = Field(16, "processing[0].special_category_condition", "legal_basis: eu-gdpr:A6-1-b",
                       "legal_basis: eu-gdpr:A6-1-b\n    special_category_condition: {value}", ART9)
SAFEGUARD = Field(53, "transfers[0].safeguard", "safeguard: eu-gdpr:A46-2-c", "safeguard: {value}", SAFEGUARDS)
RIGHT = Field(7, "rights[0]", "rights: [eu-gdpr:A15,", "rights: [{value},",
              "expected a GDPR data-subject right, one of: " + ", ".join(sorted(vocab.RIGHTS)))
REQUIREMENT = Field(20, "processing[0].requirement", "requirement: contract-prerequisite", "requirement: {value}",
                    REQUIREMENTS)
RETENTION = Field(18, "processing[0].retention", "retention: {duration: P3Y, after: purchase}", "retention: {value}",
                  RETENTION_FORMS)
AFTER = Field(18, "processing[0].retention.after", "retention: {duration: P3Y, after: purchase}",
              "retention: {{duration: P3Y, after: {value}}}", EVENTS)
KIND = Field(47, "recipients[0].kind", "kind: dpv:DataController", "kind: {value}", RECIPIENT_KIND)
TERM = Field(10, "personal_data[0].terms[1]", "terms: [pd:Name, pd:EmailAddress]", "terms: [pd:Name, {value}]",
             PERSONAL_DATA)
SOURCE = Field(19, "processing[0].sources[0]", "sources: [dpv:DataSubjectDataSource]", "sources: [{value}]", SOURCES)
SUBJECT = Field(17, "processing[0].subjects[0]", "    data: [contact]\n    recipients: [post]",
                "    data: [contact]\n    subjects: [{value}]\n    recipients: [post]",
                "expected a kind of data subject: a DPV 2.3 term such as dpv:Customer")
TRANSFER = Field(51, "transfers[0]", "transfers:\n  - recipient: post",
                 "transfers:\n  - {value}\n  - recipient: post",
                 "expected a mapping of keys to values such as {country: …, safeguard: …}")
TRANSFER_RECIPIENT = Field(51, "transfers[0].recipient", "  - recipient: post\n", "  - recipient: {value}\n",
                           "expected an id of lower-case letters a-z, digits and '-', e.g. 'newsletter'")
NESTED_TERM = Field(10, "personal_data[0].terms[0]", TERM.old, "terms: [{value}]",
                    "expected a kind of personal data: a DPV term such as pd:EmailAddress")
DECISIONS = Field(6, "automated_decisions", "effective: 2026-03-01\n",
                  "effective: 2026-03-01\nautomated_decisions: {value}\n", "expected true or false")
PURPOSE = Field(14, "processing[0].purpose[0]", "purpose: [dpv:ServiceProvision]", "purpose: [{value}]",
                "expected a purpose: a DPV 2.3 term such as dpv:ServiceProvision")
PLACE = Field(48, "recipients[0].country", "    country: NO", "    country: {value}",
              "expected a two-letter ISO 3166 country code in capitals (e.g. SE or US) or a region, one of: EEA, "
              "third-countries, worldwide")
STORAGE = Field(59, "cookies[0].storage", "    duration: P6M\n    description: Kommer",
                "    duration: P6M\n    storage: {value}\n    description: Kommer",
                "expected where the item is stored, one of: cookie, local-storage, session-storage")


def other_kind(kind: str, value: str, what: str, where: str, guess: str = "") -> str:
    """The hint for an existing DPV term of another kind than the field takes."""
    return (f"it is a DPV term, but not a {kind} term; {value} is {what}; write it {where}"
            + (f"; did you mean {guess!r}?" if guess else ""))


CASES = [
    # --- only terms of the same kind, never one of opposite meaning -----------------------------------
    Case("non_public_source_is_accepted", SOURCE.old, "sources: [dpv:NonPublicDataSource]", (), unreleased=True),
    SOURCE("misspelt_non_public_source_keeps_its_negation", "dpv:NonPublicDataSorce",
           f"{NOT_DPV}; did you mean 'dpv:NonPublicDataSource'?"),
    SOURCE("private_source_is_the_non_public_one", "dpv:PrivateDataSource",
           f"{NOT_DPV}; did you mean 'dpv:NonPublicDataSource'?"),
    SUBJECT("employer_is_not_employee", "dpv:Employer", NOT_DPV),
    REQUIREMENT("non_contractual_is_not_contractual", "non-contractual"),
    REQUIREMENT("involuntary_is_not_voluntary", "involuntary"),
    AFTER("consent_is_not_its_withdrawal", "consent"),
    KIND("non_governmental_is_not_governmental", "dpv:NonGovernmentalOrganisation"),
    REQUIREMENT("several_equal_fits_suggest_none", "required"),
    LEGAL_BASIS("a_label_suggests_its_term", "legitimate interests", "did you mean 'eu-gdpr:A6-1-f'?"),
    LEGAL_BASIS("a_dpv_legal_basis_suggests_the_gdpr_one", "dpv:Consent", "did you mean 'eu-gdpr:A6-1-a'?"),
    LEGAL_BASIS("a_narrower_dpv_basis_suggests_the_article", "eu-gdpr:A6-1-b-contract-performance",
                "did you mean 'eu-gdpr:A6-1-b'?"),

    # --- DPV terms of another kind say where they are written --------------------------------------
    TERM("a_subject_in_personal_data", "dpv:Customer",
         other_kind("personal data", "dpv:Customer", "a kind of data subject", "in subjects under processing")),
    SUBJECT("personal_data_as_a_subject", "pd:Health",
            other_kind("subject", "pd:Health", "a kind of personal data", "in terms under personal_data")),
    SOURCE("a_subject_as_a_source_and_the_source_meant", "dpv:DataSubject",
           other_kind("source", "dpv:DataSubject", "a kind of data subject", "in subjects under processing",
                      "dpv:DataSubjectDataSource")),
    SOURCE("a_recipient_kind_as_a_source", "dpv:DataProcessor",
           other_kind("source", "dpv:DataProcessor", "a kind of recipient", "as kind under recipients")),
    PURPOSE("a_legal_basis_as_a_purpose", "eu-gdpr:A6-1-b",
            other_kind("purpose", "eu-gdpr:A6-1-b", "a GDPR Art. 6(1) legal basis", "in legal_basis under processing")),

    # --- terms of other articles in legal_basis: every misplaced prefix ---------------------------
    LEGAL_BASIS("art9_condition_as_legal_basis", "eu-gdpr:A9-2-a",
                "eu-gdpr:A9-2-a is an Art. 9(2) condition for special-category data; write it in "
                "special_category_condition and keep the Art. 6(1) basis here"),
    LEGAL_BASIS("art28_as_legal_basis", "eu-gdpr:A28", A28),
    LEGAL_BASIS("art49_derogation_as_legal_basis", "eu-gdpr:A49-1-a",
                "eu-gdpr:A49-1-a is an Art. 49 derogation for transfers outside the EU/EEA; write it as a "
                "safeguard under transfers"),
    LEGAL_BASIS("art46_safeguard_as_legal_basis", "eu-gdpr:A46-2-c",
                "eu-gdpr:A46-2-c is an Art. 46 safeguard for transfers outside the EU/EEA; write it as a safeguard "
                "under transfers"),
    LEGAL_BASIS("art45_adequacy_as_legal_basis", "eu-gdpr:A45-3",
                "eu-gdpr:A45-3 is an Art. 45 adequacy decision for transfers; write it as a safeguard under "
                "transfers"),
    LEGAL_BASIS("withdrawal_right_as_legal_basis", "eu-gdpr:A7-3",
                "eu-gdpr:A7-3 is the right to withdraw consent; write it in rights and eu-gdpr:A6-1-a here"),
    Case("misplaced_term_in_a_list_of_bases", LEGAL_BASIS.old, "legal_basis: [eu-gdpr:A6-1-b, eu-gdpr:A28]",
         (f"{SV}:15: processing[0].legal_basis: item 2: {LEGAL_BASES}, found text 'eu-gdpr:A28'; {A28}",)),
    LEGAL_BASIS("a_right_as_legal_basis", "eu-gdpr:A15",
                "eu-gdpr:A15 is a GDPR data-subject right; write it in rights"),

    # --- the same terms in other fields say where they belong -------------------------------------
    SAFEGUARD("legal_basis_as_a_safeguard", "eu-gdpr:A6-1-b",
              "eu-gdpr:A6-1-b is a GDPR Art. 6(1) legal basis; write it in legal_basis under processing"),
    SAFEGUARD("art9_condition_as_a_safeguard", "eu-gdpr:A9-2-a",
              "eu-gdpr:A9-2-a is a GDPR Art. 9(2) condition for special-category data; write it in "
              "special_category_condition under processing"),
    Case("art28_as_a_safeguard", SAFEGUARD.old, "safeguard: [eu-gdpr:A46-2-c, eu-gdpr:A28]",
         (f"{SV}:53: transfers[0].safeguard: item 2: {SAFEGUARDS}, found text 'eu-gdpr:A28'; {A28}",)),
    ART9_CONDITION("legal_basis_as_an_art9_condition", "eu-gdpr:A6-1-a",
                   "eu-gdpr:A6-1-a is a GDPR Art. 6(1) legal basis; write it in legal_basis under processing"),
    ART9_CONDITION("art49_derogation_as_an_art9_condition", "eu-gdpr:A49-1-a",
                   "eu-gdpr:A49-1-a is a GDPR Chapter V safeguard for transfers outside the EU/EEA; write it as "
                   "a safeguard under transfers"),
    RIGHT("legal_basis_as_a_right", "eu-gdpr:A6-1-a",
          "eu-gdpr:A6-1-a is a GDPR Art. 6(1) legal basis; write it in legal_basis under processing"),
    AFTER("requirement_as_a_retention_event", "statutory",
          "statutory is a statement of whether providing the data is required; write it in requirement under "
          "processing"),
    REQUIREMENT("retention_event_as_a_requirement", "end-of-contract",
                "end-of-contract is an event a retention period counts from; write it in retention under "
                "processing, as {after: end-of-contract}"),
    KIND("a_source_as_a_recipient_kind", "dpv:ThirdPartyDataSource",
         "dpv:ThirdPartyDataSource is a data source; write it in sources under processing"),

    # --- a list where one value is expected, text where a mapping is expected -------------------------
    REQUIREMENT.listed("list_of_requirements", "statutory, contractual", "requirement takes"),
    KIND.listed("list_of_recipient_kinds", "dpv:DataController, dpv:DataProcessor", "kind takes"),
    TRANSFER_RECIPIENT.listed("list_of_transfer_recipients", "post", "recipient takes"),
    NESTED_TERM.listed("list_inside_a_list", "pd:Name, pd:EmailAddress", "each item of terms is"),
    DECISIONS.listed("list_for_true_or_false", "false", "automated_decisions takes"),
    RETENTION.found("retention_in_words", '"as long as you are a customer"',
                    "text 'as long as you are a customer'; where no period can be stated, write these words as "
                    "retention_criterion instead of retention"),
    RETENTION("retention_as_a_bare_duration", "P2Y", "did you mean {duration: P2Y}?"),
    RETENTION("retention_as_a_bare_event", "end-of-contract", "did you mean {after: end-of-contract}?"),
    RETENTION.found("retention_as_a_list", "[P7Y, end-of-financial-year]",
                    "a list of 2 items; did you mean {duration: P7Y, after: end-of-financial-year}?"),
    TRANSFER.found("register_entry_as_text", "post", "text 'post'"),

    # --- every closed set lists the values it accepts, also where the field is missing ----------------
    AFTER("an_unknown_event_lists_the_events", "sale"),
    REQUIREMENT("an_unknown_requirement_lists_the_statements", "mandatory"),
    KIND("an_unknown_role_lists_the_kinds", "dpv:Recipient"),
    PLACE("a_continent_lists_the_regions", "Europe"),
    PLACE("a_region_in_other_capitals", "eea", "did you mean 'EEA'?"),
    PLACE("a_pseudo_territory_is_not_a_country", "EU",
          "'EU' is not a country; for several countries use a region or a list of codes"),
    SAFEGUARD("an_unknown_safeguard_lists_the_safeguards", "SCC"),
    RIGHT("a_right_in_words_lists_the_rights", "access", "did you mean 'eu-gdpr:A15'?"),
    STORAGE("an_unknown_storage_lists_the_places", "indexeddb"),
    SOURCE("an_unknown_source_lists_the_sources", "dpv:Rumour", NOT_DPV),
    Case("a_missing_role_lists_the_kinds", "    kind: dpv:DataController\n", "",
         (f"{SV}:46: recipients[0].kind: required field is missing; {RECIPIENT_KIND}",)),
    Case("a_missing_safeguard_lists_the_safeguards", "    safeguard: eu-gdpr:A46-2-c\n", "",
         (f"{SV}:51: transfers[0].safeguard: required field is missing; {SAFEGUARDS}, "
          "or a list of them",)),
    Case("an_empty_retention_lists_the_forms_and_events", RETENTION.old, "retention: {}",
         (f"{SV}:18: processing[0].retention: {RETENTION_FORMS.replace('a mapping: ', 'one of: ')}, found a mapping "
          "(key: value pairs)",)),
    Case("a_criterion_inside_retention_is_written_beside_it", RETENTION.old, "retention: {criterion: Så länge du är kund}",
         (f"{SV}:18: processing[0].retention.criterion: unknown key 'criterion'; did you mean 'retention_criterion', "
          "beside retention rather than inside it? expected one of: duration, after, statute",)),

    # --- DPV's own words: the term DPV has for what was written --------------------------------------
    TERM("national_identification_number", "pd:NationalIdentificationNumber",
         f"{NOT_DPV}; did you mean 'pd:OfficialID'?"),
    TERM("phone_number", "pd:PhoneNumber", f"{NOT_DPV}; did you mean 'pd:TelephoneNumber'?"),
    TERM("e_mail", "pd:E-mail", f"{NOT_DPV}; did you mean 'pd:EmailAddress'?"),
    TERM("a_word_dpv_does_not_have_suggests_nothing", "pd:IBAN", NOT_DPV),
]


@pytest.mark.parametrize("hint", CASES, ids=[c.id for c in CASES])
def test_hint(minimal: FixtureSite, hint: Case) -> None:
    minimal.replace(SV_FILE, hint.old, hint.new)
    if hint.unreleased:
        minimal.unrelease()
    assert minimal.problems() == list(hint.messages)


# --- the suggestion function -----------------------------------------------------------------------

# What editors write for personal data, and the DPV 2.3 term suggested: a term of the same kind
# that says the same thing (the broader term where DPV has no narrower one), or nothing.
SPELLINGS = [
    ("pd:NationalIdentificationNumber", "pd:OfficialID"),
    ("pd:NationalID", "pd:OfficialID"),
    ("pd:SocialSecurityNumber", "pd:Identifier"),
    ("pd:PersonalNumber", "pd:Identifier"),
    ("pd:PersonalIdentityNumber", "pd:Identifier"),
    ("pd:CustomerNumber", "pd:Identifier"),
    ("pd:PhoneNumber", "pd:TelephoneNumber"),
    ("pd:Phone", "pd:TelephoneNumber"),
    ("pd:MobileNumber", "pd:TelephoneNumber"),
    ("pd:Email", "pd:EmailAddress"),
    ("pd:EMail", "pd:EmailAddress"),
    ("pd:E-mail", "pd:EmailAddress"),
    ("pd:EmailAdress", "pd:EmailAddress"),
    ("pd:HomeAddress", "pd:HomeLocation"),
    ("pd:Address", "pd:PhysicalAddress"),
    ("pd:PostalAddress", None),
    ("pd:StreetAddress", None),
    ("pd:CreditCard", "pd:CreditCardNumber"),
    ("pd:BankAccountNumber", "pd:AccountIdentifier"),
    ("pd:IBAN", None),
    ("pd:Birthday", "pd:BirthDate"),
    ("pd:DateOfBirth", "pd:BirthDate"),
    ("pd:IpAddress", "pd:IPAddress"),
    ("pd:IPAdress", "pd:IPAddress"),
    ("pd:FirstName", "pd:Name"),
    ("pd:FullName", "pd:Name"),
    ("pd:Photo", "pd:Picture"),
    ("pd:ZipCode", "pd:PostalCode"),
    ("pd:PostCode", "pd:PostalCode"),
    ("pd:GeoLocation", "pd:Location"),
    ("pd:LoginHistory", "pd:AuthenticationHistory"),
    ("pd:PurchaseHistory", None),
    ("pd:MedicalRecord", None),
    ("pd:HealthData", "pd:Health"),
    ("pd:Genders", "pd:Gender"),
    ("pd:Nationalitet", "pd:Nationality"),
    ("pd:Sex", None),  # not pd:Sexual
    ("pd:Signature", None),  # not pd:Picture
    ("dpv:EmailAddress", "pd:EmailAddress"),  # the term under its own prefix
]


@pytest.mark.parametrize(("written", "meant"), SPELLINGS, ids=[w for w, _ in SPELLINGS])
def test_a_personal_data_term_editors_write(written: str, meant: str | None) -> None:
    assert dpv.suggest(written, "personal-data", ("pd", "dpv")) == meant


OTHER_KINDS = [
    ("dpv:Customers", "subject", "dpv:Customer"),
    ("dpv:Children", "subject", "dpv:Child"),
    ("dpv:WebsiteVisitor", "subject", "dpv:Visitor"),
    ("dpv:Employer", "subject", None),  # not dpv:Employee
    ("dpv:Kid", "subject", None),
    ("dpv:NonCustomer", "subject", None),
    ("dpv:ServiceProvison", "purpose", "dpv:ServiceProvision"),
    ("dpv:FraudPrevention", "purpose", "dpv:FraudPreventionAndDetection"),
    ("dpv:Accounting", "purpose", None),  # not dpv:AccountManagement
    ("dpv:Bookkeeping", "purpose", None),
    ("dpv:PersonelOffboarding", "purpose", "dpv:PersonnelOffboarding"),  # not its opposite, Onboarding
    ("dpv:PublicSource", "source", "dpv:PublicDataSource"),
    ("dpv:NonPublicSource", "source", "dpv:NonPublicDataSource"),
    ("dpv:PrivateSource", "source", "dpv:NonPublicDataSource"),
    ("dpv:ThirdParty", "source", "dpv:ThirdPartyDataSource"),
    ("dpv:ControllerDataSource", "source", "dpv:DataControllerDataSource"),
]


@pytest.mark.parametrize(("written", "kind", "meant"), OTHER_KINDS, ids=[w for w, _, _ in OTHER_KINDS])
def test_a_term_of_another_kind_editors_write(written: str, kind: str, meant: str | None) -> None:
    assert dpv.suggest(written, kind, ("dpv",)) == meant


@pytest.mark.parametrize("kind", ["personal-data", "subject", "purpose", "source"])
def test_no_term_is_answered_with_its_opposite(kind: str) -> None:
    """Every valid term negated (dpv:NonCustomer, dpv:Citizen for dpv:NonCitizen), and every term
    with a negated twin as if DPV lacked it (by name alone): the term suggested never says the
    opposite."""
    prefixes = ("pd", "dpv") if kind == "personal-data" else ("dpv",)
    terms = dpv.terms_of(kind, prefixes)
    for written in terms:
        prefix, _, name = written.partition(":")
        negated = f"{prefix}:{name[3:]}" if name.startswith("Non") else f"{prefix}:Non{name}"
        guess = dpv.suggest(negated, kind, prefixes)
        assert guess != written and (guess is None or not opposite(negated, guess)), (negated, guess)
        if negated in terms:
            others = {t: Described() for t in terms if t != negated}
            guess = nearest(negated, others, others)
            assert guess is None or not opposite(negated, guess), (negated, guess)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("dpv:NonPublicDataSource", "dpv:PublicDataSource", True),
    ("dpv:PrivateDataSource", "dpv:PublicDataSource", True),
    ("dpv:PrivateDataSource", "dpv:NonPublicDataSource", False),  # two negations: the same thing
    ("nonpublicdatasource", "dpv:PublicDataSource", True),
    ("dpv:NonPublicSource", "dpv:NonPublicDataSource", False),
    ("dpv:ForProfitOrganisation", "dpv:NonProfitOrganisation", True),
    ("consent", "consent-withdrawal", True),
    ("non-contractual", "contractual", True),
    ("not-required", "required", True),
    ("involuntary", "voluntary", True),
    ("unlawful", "lawful", True),
    ("dpv:Employer", "dpv:Employee", True),
    ("dpv:PersonnelOffboarding", "dpv:PersonnelOnboarding", True),
    ("opt-in", "opt-out", True),
    ("eu-gdpr:A6-1-a-non-explicit-consent", "eu-gdpr:A6-1-a", False),  # regular consent is consent
    ("eu-gdpr:A6-1-a-non-explicit-consent", "eu-gdpr:A6-1-a-explicit-consent", True),
    ("dpv:DataSubjectDataSource", "dpv:DataControllerDataSource", False),
    ("eu-gdpr:A6-1-a", "eu-gdpr:A9-2-a", False),
])
def test_opposite(a: str, b: str, expected: bool) -> None:
    assert opposite(a, b) is expected
    assert opposite(b, a) is expected


@pytest.mark.parametrize(("written", "choices", "meant"), [
    ("sumary", ["summary", "title", "version"], "summary"),
    ("retension", ["retention", "requirement", "recipients"], "retention"),
    ("polcy", ["policy", "processing", "policy"], "policy"),  # a choice listed twice is one choice
    ("nmae", ["name", "id"], "name"),
    ("posten", ["post"], "post"),
    ("newsleter", ["orders", "newsletter", "fraud"], "newsletter"),
    ("us", ["SE", "US"], "US"),
    ("legal-se:DPA-SV", ["legal-se:DPA-SE", "eu-gdpr:DataProtectionAuthority"], "legal-se:DPA-SE"),
    ("height", ["weight"], None),  # a different word, not a typo
    ("region", ["religion"], None),
    ("reference", ["preference"], None),
    ("like", ["life"], None),
])
def test_nearest_spelling(written: str, choices: list[str], meant: str | None) -> None:
    assert nearest(written, choices) == meant


def rejection(validate: Callable[[object], str], value: object) -> str:
    with pytest.raises(PydanticCustomError) as error:
        validate(value)
    return str(error.value.context["message"])


@pytest.mark.parametrize(("home", "what", "where"), HOMES, ids=[what for _, what, _ in HOMES])
def test_every_closed_set_term_elsewhere_says_where_it_belongs(home: Mapping[str, object], what: str,
                                                                where: str) -> None:
    """Each term of each closed set, written in every other closed-set field."""
    for field, _, _ in HOMES:
        if field is home:
            continue
        validate = one_of(field, "x")
        for written in set(home) - set(field):
            hint = f"; {written} is {what}; write it {where.format(term=written)}"
            assert rejection(validate, written).endswith(hint), (written, field)


def test_a_term_no_field_takes_says_what_to_write_instead() -> None:
    """Of the terms often written as a legal basis, the Art. 28 processor agreement is the one no
    field takes: in any field it says what to write instead."""
    untaken = [(prefix, where) for prefix, where in vocab.MISPLACED_BASES
               if not any(t.startswith(prefix) for terms, _, _ in HOMES for t in terms)]
    assert [prefix for prefix, _ in untaken] == ["eu-gdpr:A28"]
    for terms, _, _ in HOMES:
        assert misplaced("eu-gdpr:A28", terms) == A28
    assert misplaced("eu-gdpr:A6-1-a", vocab.LEGAL_BASES) is None  # in its own field it is no misplacement


def test_the_word_tables_are_about_words_not_terms() -> None:
    """The general-language tables hold lower-case English words, never a vocabulary's term."""
    words = [*SAME_WORDS, *(w for ws in SAME_WORDS.values() for w in ws), *WORD_PARTS,
             *(w for ws in WORD_PARTS.values() for w in ws), *(w for pair in ANTONYMS for w in pair)]
    assert all(re.fullmatch(r"[a-z]+", word) for word in words), [w for w in words if not re.fullmatch(r"[a-z]+", w)]


DERIVE = ROOT / "scripts" / "derive_dpv_terms.py"


def test_the_term_list_is_derived_from_dpv_with_labels_and_definitions(tmp_path: Path) -> None:
    """The committed list is what the script derives from the W3C tables, notice included."""
    spec = importlib.util.spec_from_file_location("derive_dpv_terms", DERIVE)
    assert spec and spec.loader
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    if not (derive.SOURCE / "dpv.csv").exists():
        pytest.skip(f"the W3C tables are not at {derive.SOURCE}")
    derive.TARGET = tmp_path
    assert derive.main(derive.SOURCE) == 0
    committed = dpv.TERMS_FILE.read_text(encoding="utf-8")
    assert (tmp_path / "dpv-2.3-terms.json").read_text(encoding="utf-8") == committed
    table = json.loads(committed)
    assert "labels and definitions are kept" in table["notice"]
    assert "W3C Software and Document license" in table["notice"]
    assert table["terms"]["pd"]["OfficialID"]["label"] == "Official ID"

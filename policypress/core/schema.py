"""The front-matter schema of a policy, in two shapes.

A policy is one Markdown file per language. The default-language file holds the
*facts* of the revision (dates, legal bases, data, retention, recipients, transfers,
cookies) and its own labels; every other language holds only *labels* (titles, names,
descriptions), keyed by the same ids. Facts are therefore written once and cannot drift
between languages; a translation that states a fact is an error that points to the
default-language file.

Each register entry is split the same way: `XFacts` (language-neutral), `XText`
(per language). `XEntry` = both, for the default-language file (bases listed so that
pydantic orders the fact fields first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictBool, model_validator

from . import dpv
from . import vocabulary as vocab
from .types import (
    CookieDuration,
    CookieName,
    DateField,
    DurationField,
    Place,
    Slug,
    Text,
    VersionField,
    fail,
    listing,
    one_of,
    one_or_more,
)


def dpv_term(kind: str, prefixes: tuple[str, ...], what: str, example: str, listed: bool = False):
    """A validator for a DPV 2.3 term of one kind (checked offline against the derived list). A
    kind with few terms (`listed`) names them all; the others, one example."""

    def validate(value: object) -> str:
        expected = (f"{what}, one of: {listing(dpv.terms_of(kind, prefixes))}" if listed
                    else f"{what}: a DPV 2.3 term such as {example}")
        if not isinstance(value, str) or ":" not in value:
            raise fail(expected if listed else f"{what}: a DPV term such as {example}", value)
        problem = dpv.problem(value, kind, prefixes)
        if problem:
            raise fail(expected, value, problem)
        return value

    return validate


def legal_basis(value: object) -> str:
    """An Art. 6(1) basis; a term of another article says where that term belongs."""
    if isinstance(value, str):
        for prefix, where in vocab.MISPLACED_BASES:
            if value.startswith(prefix):
                raise fail(f"a GDPR Art. 6(1) legal basis, one of: {listing(vocab.LEGAL_BASES)}", value, f"{value} {where}")
    return _one_of_bases()(value)


# Made once: making it translates every basis's label into every language.
@functools.cache
def _one_of_bases() -> Callable[[object], str]:
    return one_of(vocab.LEGAL_BASES, "a GDPR Art. 6(1) legal basis")


def data_source(value: object) -> str:
    """A DPV DataSource class (dpv:PublicDataSource), or the id of a named source (spar)."""
    if isinstance(value, str) and ":" not in value:
        return _slug_or(value, f"a data source, one of: {listing(dpv.terms_of('source', ('dpv',)))}, or the id of an "
                               "entry of sources")
    return dpv_term("source", ("dpv",), "a data source", "dpv:DataSubjectDataSource", listed=True)(value)


def _slug_or(value: str, expected: str) -> str:
    if value and value == value.lower() and all(c.isalnum() or c == "-" for c in value):
        return value
    raise fail(expected, value)


LegalBases = Annotated[tuple[str, ...], PlainValidator(one_or_more(legal_basis, "a GDPR Art. 6(1) legal basis"))]
Art9Conditions = Annotated[tuple[str, ...], PlainValidator(one_or_more(
    one_of(vocab.SPECIAL_CATEGORY_CONDITIONS, "a GDPR Art. 9(2) condition"), "a GDPR Art. 9(2) condition"))]
Safeguard = Annotated[str, PlainValidator(one_of(vocab.SAFEGUARDS, "a GDPR Chapter V safeguard"))]
Safeguards = Annotated[tuple[str, ...], PlainValidator(one_or_more(
    one_of(vocab.SAFEGUARDS, "a GDPR Chapter V safeguard"), "a GDPR Chapter V safeguard"))]
Right = Annotated[str, PlainValidator(one_of(vocab.RIGHTS, "a GDPR data-subject right"))]
Requirement = Annotated[str, PlainValidator(one_of(vocab.REQUIREMENTS, "whether providing the data is required"))]
RetentionEvent = Annotated[str, PlainValidator(one_of(vocab.RETENTION_EVENTS, "the event retention counts from"))]
DataSource = Annotated[str, PlainValidator(data_source)]
SourceKind = Annotated[str, PlainValidator(dpv_term("source", ("dpv",), "a data source", "dpv:PublicDataSource",
                                                   listed=True))]
RecipientKind = Annotated[str, PlainValidator(one_of(vocab.RECIPIENT_KINDS, "a kind of recipient"))]
StorageKind = Annotated[str, PlainValidator(one_of(vocab.STORAGE_KINDS, "where the item is stored"))]
PurposeTerm = Annotated[str, PlainValidator(dpv_term("purpose", ("dpv",), "a purpose", "dpv:ServiceProvision"))]
PersonalDataTerm = Annotated[str, PlainValidator(dpv_term("personal-data", ("pd", "dpv"), "a kind of personal data", "pd:EmailAddress"))]
SubjectTerm = Annotated[str, PlainValidator(dpv_term("subject", ("dpv",), "a kind of data subject", "dpv:Customer"))]

OptionalText = Text | None


class Strict(BaseModel):
    """Unknown keys are errors (typos must not vanish); validated objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# --- personal-data categories -------------------------------------------------------------


class DataCategoryText(Strict):
    id: Slug = Field(description="the id of a personal_data entry of the default-language file")
    name: Text = Field(description="the category's name, e.g. 'Contact details'")
    description: OptionalText = None


class DataCategoryFacts(Strict):
    id: Slug = Field(description="an id for this category, e.g. 'contact'")
    terms: list[PersonalDataTerm] = Field(min_length=1, description="a list of DPV personal-data terms, e.g. [pd:Name, pd:EmailAddress]")


class DataCategoryEntry(DataCategoryText, DataCategoryFacts):
    pass


# --- processing purposes --------------------------------------------------------------------


RETENTION_FORMS = ("{duration: P2Y, after: end-of-contract}, {after: end-of-contract} (kept until then), "
                   "{statute: \"Bokföringslagen (1999:1078)\"} (as long as that law requires) or "
                   "{duration: P7Y, after: end-of-financial-year, statute: …}, where after is one of: "
                   f"{listing(vocab.RETENTION_EVENTS)}")


class Retention(Strict):
    """How long data is kept: a period, the event it counts from or until, the law that sets it."""

    duration: DurationField | None = None
    after: RetentionEvent | None = None
    statute: Text | None = Field(default=None, description="the law that sets the period, e.g. 'Bokföringslagen (1999:1078)'")

    @model_validator(mode="after")
    def _some(self) -> Retention:
        if self.duration is None and self.after is None and self.statute is None:
            raise fail(f"one of: {RETENTION_FORMS}", {})
        return self


class AutomatedDecisionsText(Strict):
    """Art. 13(2)(f): meaningful information about the logic, and the consequences."""

    logic: Text = Field(description="how the decision is reached, in plain words")
    consequences: Text = Field(description="what the decision means for the person")


class PurposeText(Strict):
    id: Slug = Field(description="the id of a processing entry of the default-language file")
    name: Text = Field(description="the purpose as readers know it, e.g. 'Delivering your order'")
    description: Text = Field(description="what is done with the data for this purpose")
    legitimate_interest: OptionalText = Field(default=None, description="the interest pursued, required when legal_basis is eu-gdpr:A6-1-f")
    retention_note: OptionalText = Field(default=None, description="more about how long the data is kept")
    # Art. 13(2)(a) allows "the criteria used to determine that period" where no period can be
    # stated: the criterion as the policy words it, in every language, in place of `retention`.
    retention_criterion: OptionalText = Field(
        default=None, description="how long the data is kept, in words, where no period can be stated "
                                  "(e.g. 'as long as you are a customer'), in place of retention")
    automated_decisions: AutomatedDecisionsText | None = Field(
        default=None, description="{logic: …, consequences: …} when automated decisions are made for this purpose")


class PurposeFacts(Strict):
    id: Slug = Field(description="an id for this purpose, e.g. 'orders'")
    purpose: list[PurposeTerm] = Field(min_length=1, description="a list of DPV purposes, e.g. [dpv:ServiceProvision]")
    legal_basis: LegalBases = Field(description=f"a GDPR Art. 6(1) legal basis, one of: {listing(vocab.LEGAL_BASES)}, "
                                                "or a list of them")
    special_category_condition: Art9Conditions | None = Field(
        default=None, description="a GDPR Art. 9(2) condition such as eu-gdpr:A9-2-a, or a list of them")
    data: list[Slug] = Field(default_factory=list, description="ids of personal_data categories")
    subjects: list[SubjectTerm] = Field(default_factory=list)
    sources: list[DataSource] = Field(default_factory=list)
    recipients: list[Slug] = Field(default_factory=list, description="ids of recipients")
    retention: Retention | None = Field(default=None, description=f"a mapping: {RETENTION_FORMS}")
    requirement: Requirement | None = None
    automated_decisions: StrictBool | None = None
    profiling: StrictBool | None = None


def decisions(value: object) -> bool | AutomatedDecisionsText:
    """`automated_decisions` in the default-language file: true or false, or the text about the
    decisions (which says they are made)."""
    if isinstance(value, (bool, AutomatedDecisionsText)):
        return value
    expected = "true or false, or {logic: …, consequences: …} when automated decisions are made"
    if not isinstance(value, dict):
        raise fail(expected, value)
    keys = set(AutomatedDecisionsText.model_fields)
    unknown = [k for k in value if k not in keys]
    missing = [k for k in sorted(keys) if k not in value]
    if unknown or missing:
        raise fail(expected, value, "; ".join(
            ([f"unknown key(s) {', '.join(map(repr, unknown))}"] if unknown else []) +
            ([f"missing {', '.join(missing)}"] if missing else [])))
    texts = {}
    for key in sorted(keys):
        item = value[key]
        if not isinstance(item, str) or not item.strip():
            raise fail(f"text under automated_decisions.{key}", item)
        texts[key] = item.strip()
    return AutomatedDecisionsText.model_construct(**texts)


class PurposeEntry(PurposeText, PurposeFacts):
    """A purpose in the default-language file (facts and this language's labels)."""

    automated_decisions: Annotated[bool | AutomatedDecisionsText, PlainValidator(decisions)] | None = Field(  # type: ignore[assignment]
        default=None, description="true or false, or {logic: …, consequences: …} when decisions are made")


# --- recipients and transfers ---------------------------------------------------------------


class RecipientText(Strict):
    id: Slug = Field(description="the id of a recipients entry of the default-language file")
    name: Text = Field(description="who receives the data, e.g. 'Nordpay AB' or 'Carriers'")
    description: OptionalText = None


class RecipientFacts(Strict):
    id: Slug = Field(description="an id for this recipient, e.g. 'payments'")
    kind: RecipientKind = Field(description=f"a kind of recipient, one of: {listing(vocab.RECIPIENT_KINDS)}")
    country: Place = Field(description="where the recipient is: an ISO code (SE), a list of codes, or a region, "
                                        f"one of: {listing(vocab.REGIONS)}")


class RecipientEntry(RecipientText, RecipientFacts):
    pass


class Transfer(Strict):
    """A transfer of personal data outside the EU/EEA (facts only). Without `recipient`, the
    safeguard covers every recipient in those countries."""

    recipient: Slug | None = Field(default=None, description="the id of a recipient")
    country: Place = Field(description="the third country (US), a list of them, or third-countries / worldwide")
    safeguard: Safeguards = Field(description=f"a GDPR Chapter V safeguard, one of: {listing(vocab.SAFEGUARDS)}, "
                                              "or a list of them")


# --- the supervisory authority, when a policy names its own ---------------------------------


class AuthorityFacts(Strict):
    """The supervisory authority data subjects can complain to (default: the plugin's `authority`)."""

    term: Annotated[str, PlainValidator(dpv_term("authority", ("legal-se", "eu-gdpr", "dpv"), "a supervisory authority",
                                                 "legal-se:DPA-SE"))] = Field(description="a DPV supervisory authority, e.g. legal-se:DPA-SE")
    name: Text = Field(description="its name, e.g. 'Integritetsskyddsmyndigheten (IMY)'")
    url: OptionalText = None


# --- named sources and work done for customers ----------------------------------------------


class SourceText(Strict):
    id: Slug = Field(description="the id of a sources entry of the default-language file")
    name: Text = Field(description="the source's name, e.g. 'SPAR, the state person and address register'")
    description: OptionalText = None


class SourceFacts(Strict):
    id: Slug = Field(description="an id for this source, e.g. 'spar'")
    kind: SourceKind = Field(description="a DPV data source, e.g. dpv:PublicDataSource or dpv:ThirdPartyDataSource")


class SourceEntry(SourceText, SourceFacts):
    pass


class ProcessorActivityText(Strict):
    """Processing the company does on behalf of its customers (as their processor, Art. 28)."""

    id: Slug = Field(description="an id for this activity, e.g. 'hosting'")
    name: Text = Field(description="the service, e.g. 'Web hosting'")
    description: Text = Field(description="what you do with your customers' data and on whose instructions")


# --- cookies and similar storage ------------------------------------------------------------


class CookieText(Strict):
    name: CookieName = Field(description="the name of a cookie of the default-language file")
    description: Text = Field(description="what the cookie is for")


class CookieFacts(Strict):
    name: CookieName = Field(description="the cookie's name, e.g. '_pk_id*'")
    processing: Slug = Field(description="the id of the processing entry the cookie serves")
    provider: Text = Field(description="who sets it: our own domain or the third party's")
    duration: CookieDuration = Field(description="'session' or an ISO 8601 duration, e.g. P13M")
    storage: StorageKind = "cookie"


class CookieEntry(CookieText, CookieFacts):
    pass


# --- whole documents ------------------------------------------------------------------------


class _Document(Strict):
    """What every language's file states about itself."""

    policy: Slug = Field(description="the policy's id, the same in every language, e.g. 'privacy'")
    title: Text = Field(description="the policy's title in this language")
    version: VersionField = Field(description='the version as "major.minor" in quotes, e.g. "2.1"')
    summary: Text = Field(description="what changed in this version, in this language")


class TranslationSource(_Document):
    """Front matter of a policy in a language other than the default: labels only."""

    personal_data: list[DataCategoryText] = Field(default_factory=list)
    processing: list[PurposeText] = Field(default_factory=list)
    recipients: list[RecipientText] = Field(default_factory=list)
    cookies: list[CookieText] = Field(default_factory=list)
    sources: list[SourceText] = Field(default_factory=list)
    processor_activities: list[ProcessorActivityText] = Field(default_factory=list)
    children: OptionalText = Field(default=None, description="how you handle data about children (Art. 8)")


class PolicySource(_Document):
    """Front matter of a policy in the default language: facts and labels."""

    effective: DateField = Field(description="the date this version takes effect, YYYY-MM-DD")
    rights: list[Right] = Field(default_factory=list)
    personal_data: list[DataCategoryEntry] = Field(default_factory=list)
    processing: list[PurposeEntry] = Field(default_factory=list)
    recipients: list[RecipientEntry] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    cookies: list[CookieEntry] = Field(default_factory=list)
    automated_decisions: StrictBool | None = Field(
        default=None, description="true or false for the whole policy (a purpose may say otherwise)")
    sources: list[SourceEntry] = Field(default_factory=list)
    processor_activities: list[ProcessorActivityText] = Field(default_factory=list)
    children: OptionalText = Field(default=None, description="how you handle data about children (Art. 8)")
    authority: AuthorityFacts | None = Field(default=None, description="the supervisory authority, when this policy "
                                             "names its own (default: authority under the policypress plugin)")


class _Sealed(Strict):
    """What `policypress release` adds to a released revision's front matter."""

    published: DateField = Field(description="the day the revision was released, YYYY-MM-DD")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="the hash written by policypress release")
    # Written since the chain of seals (revisions released before it have neither); their
    # values are checked against the file's name and the history in load._check_seals.
    language: OptionalText = Field(default=None, description="the language the text was released in")
    previous: OptionalText = Field(default=None, description="the version and sha256 of the revision released before")


class ReleasedPolicySource(PolicySource, _Sealed):
    """A released revision in the default language (written by `policypress release`)."""


class ReleasedTranslationSource(TranslationSource, _Sealed):
    """A released revision in another language (written by `policypress release`)."""


# The key of each register list: entries in different languages are matched by it.
LIST_KEYS: dict[str, str] = {"personal_data": "id", "processing": "id", "recipients": "id", "cookies": "name",
                             "sources": "id", "processor_activities": "id"}

# Keys MkDocs and Material read from front matter; allowed on policy pages, ignored here.
PAGE_KEYS = frozenset(
    {"description", "hide", "template", "icon", "status", "search", "tags", "subtitle", "social", "comments", "robots"}
)

# Keys that only make sense on a policy page: seeing one (or a near spelling of one) without
# `policy:` means the `policy` line is missing or misspelt. Generic words are left out.
POLICY_KEYS = frozenset(PolicySource.model_fields) - {"title", "summary"}

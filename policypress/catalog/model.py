"""A service of the catalog: the register entries it brings, in the register's own schema.

A catalog entry is written like a policy's register, split the same way: the facts once (the
recipient, its transfers, the personal data, the processing, the cookies) and the labels per
language (sv, en, fi, de). Every fact is validated by the same field types as a policy's front
matter (`core.schema`), so what `policypress add` writes into a register is valid there by
construction. Each entry names the provider documentation its facts come from and the day they
were checked.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..core.schema import (
    DataCategoryFacts,
    DataSource,
    LegalBases,
    PurposeTerm,
    RecipientKind,
    Requirement,
    Retention,
    Safeguards,
    StorageKind,
    Strict,
    SubjectTerm,
)
from ..core.types import CookieDuration, CookieName, DateField, Place, Slug, Text, fail

# The languages every entry is written in: those `policypress new` makes sites in.
LANGUAGES = ("sv", "en", "fi", "de")

# What a service is for, as `policypress services` lists it; `consent` says whether a site
# needs the visitor's consent before the service runs (its cookies go to a consent category).
CATEGORIES = {
    "analytics": "Analytics",
    "advertising": "Advertising",
    "video": "Video and media",
    "marketing": "Marketing and e-mail",
    "support": "Customer support",
    "payments": "Payments",
    "infrastructure": "Platforms and infrastructure",
    "security": "Security",
    "bookkeeping": "Bookkeeping",
}

# The facts a source can vouch for.
Fact = Literal["company", "recipient", "transfers", "personal_data", "processing", "cookies", "hosts"]


class ServiceSource(Strict):
    """Where the facts come from: the provider's own documentation, and when it was read."""

    url: Text = Field(description="the provider's page, https://…")
    facts: list[Fact] = Field(min_length=1, description="which facts of the entry the page states")
    # Left out when the fact was written from what is commonly known and the page itself has not
    # been read yet: `policypress services --unchecked` lists those entries.
    checked: DateField | None = Field(default=None, description="the day the page was read, YYYY-MM-DD")

    @model_validator(mode="after")
    def _https(self) -> ServiceSource:
        if not self.url.startswith("https://"):
            raise fail("an https:// address of the provider's documentation", self.url)
        return self


class ServiceRecipient(Strict):
    """The recipient as a register states it (its id is the service's)."""

    kind: RecipientKind = Field(description="dpv:DataProcessor, dpv:DataController or dpv:JointDataControllers")
    country: Place = Field(description="where the data is processed: codes or a region")


class ServiceTransfer(Strict):
    """A transfer outside the EEA to the service (its recipient is the service)."""

    country: Place
    safeguard: Safeguards = Field(description="e.g. eu-gdpr:A45-3 (adequacy, the EU-US Data Privacy Framework "
                                              "for a certified company) or eu-gdpr:A46-2-c (standard contractual clauses)")


class ServiceProcessing(Strict):
    """The purpose a new processing entry gets when the service is not attached to an existing one."""

    id: Slug = Field(description="the id a new processing entry gets, e.g. statistics")
    purpose: list[PurposeTerm] = Field(min_length=1)
    legal_basis: LegalBases
    subjects: list[SubjectTerm] = Field(default_factory=list)
    sources: list[DataSource] = Field(default_factory=list)
    retention: Retention
    requirement: Requirement


class ServiceCookie(Strict):
    """A cookie or storage key the service sets. `first_party`: set on the company's own domain
    (the register's provider is then the site's domain), else on `provider`'s."""

    name: CookieName
    duration: CookieDuration
    storage: StorageKind = "cookie"
    first_party: bool = False
    provider: Text | None = Field(default=None, description="the domain a third-party cookie is set on")

    @model_validator(mode="after")
    def _provider(self) -> ServiceCookie:
        if not self.first_party and self.provider is None:
            raise fail("a provider domain for a cookie that is not first-party", None)
        return self


class LabelText(Strict):
    name: Text
    description: Text


class PurposeLabels(LabelText):
    legitimate_interest: Text | None = None


class ServiceTexts(Strict):
    """One language's labels: the service's own words, never a provider's."""

    recipient: LabelText
    processing: PurposeLabels
    personal_data: dict[Slug, LabelText] = Field(default_factory=dict)
    cookies: dict[CookieName, Text] = Field(default_factory=dict)


class Service(Strict):
    """One entry of the catalog."""

    id: Slug
    name: Text = Field(description="the product, e.g. 'Google Analytics 4'")
    company: Text = Field(description="the legal entity EU customers contract with")
    category: Literal[tuple(CATEGORIES)]  # type: ignore[valid-type]
    consent: bool = Field(description="whether the service needs the visitor's consent before it runs")
    hosts: list[Text] = Field(default_factory=list, description="domains its scripts and requests come from")
    recipient: ServiceRecipient
    transfers: list[ServiceTransfer] = Field(default_factory=list)
    personal_data: list[DataCategoryFacts] = Field(min_length=1)
    processing: ServiceProcessing
    cookies: list[ServiceCookie] = Field(default_factory=list)
    texts: dict[Literal[LANGUAGES], ServiceTexts]  # type: ignore[valid-type]
    sources: list[ServiceSource] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Service:
        """Every language labels every data category and cookie, and nothing else."""
        problems = [f"no texts in {language}" for language in LANGUAGES if language not in self.texts]
        data = {category.id for category in self.personal_data}
        cookies = {cookie.name for cookie in self.cookies}
        for language, texts in self.texts.items():
            if set(texts.personal_data) != data:
                problems.append(f"texts.{language}.personal_data labels {sorted(texts.personal_data)}, "
                                f"expected one for each of {sorted(data)}")
            if set(texts.cookies) != cookies:
                problems.append(f"texts.{language}.cookies describes {sorted(texts.cookies)}, "
                                f"expected one for each of {sorted(cookies)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def countries(self) -> tuple[str, ...]:
        return self.recipient.country

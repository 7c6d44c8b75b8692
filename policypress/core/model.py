"""The validated policy model every output reads: site -> policies -> revisions -> register.

Facts are stored once per revision; labels are stored per language in `text[lang]`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .schema import (
    CookieFacts,
    CookieText,
    DataCategoryFacts,
    DataCategoryText,
    ProcessorActivityText,
    PurposeFacts,
    PurposeText,
    RecipientFacts,
    RecipientText,
    SourceFacts,
    SourceText,
    Transfer,
)
from .types import Version
from .vocabulary import CONSENT, EEA_COUNTRIES


class DataCategory(DataCategoryFacts):
    text: dict[str, DataCategoryText]


class Purpose(PurposeFacts):
    text: dict[str, PurposeText]

    @property
    def needs_consent(self) -> bool:
        """A purpose that rests on consent: a banner category, withdrawable at any time."""
        return CONSENT in self.legal_basis


class Recipient(RecipientFacts):
    text: dict[str, RecipientText]


class Cookie(CookieFacts):
    text: dict[str, CookieText]


class NamedSource(SourceFacts):
    """A named source of personal data (Art. 14(2)(f)): a register, a partner, a credit agency."""

    text: dict[str, SourceText]


class ProcessorActivity(BaseModel):
    """Processing done on behalf of customers, as their processor: no Art. 13 items apply."""

    id: str
    text: dict[str, ProcessorActivityText]


def outside_eea(place: tuple[str, ...]) -> bool:
    """True if a place (codes or a region) reaches beyond the EU/EEA."""
    return any(item != "EEA" and item not in EEA_COUNTRIES for item in place)


Entity = TypeVar("Entity", bound=BaseModel)


def merge(entity: type[Entity], facts: BaseModel, texts: Mapping[str, BaseModel], **overrides: object) -> Entity:
    """Join an entry's facts (from the default language) with its labels per language."""
    fields = {name: getattr(facts, name) for name in entity.model_fields if name != "text"}
    return entity.model_construct(**{**fields, **overrides}, text=dict(texts))


@dataclass(frozen=True)
class Register:
    """The processing register of one revision: what is processed, why, for how long, by whom."""

    rights: tuple[str, ...] = ()
    stated: frozenset[str] = frozenset()  # the lists the source wrote, even empty ones
    personal_data: tuple[DataCategory, ...] = ()
    processing: tuple[Purpose, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    cookies: tuple[Cookie, ...] = ()
    sources: tuple[NamedSource, ...] = ()
    processor_activities: tuple[ProcessorActivity, ...] = ()
    automated_decisions: bool | None = None  # for every purpose that does not say otherwise
    children: Mapping[str, str | None] = field(default_factory=dict)  # language -> the Art. 8 statement
    authority: Authority | None = None  # when the policy names its own supervisory authority

    def category(self, id: str) -> DataCategory:
        return next(c for c in self.personal_data if c.id == id)

    def purpose(self, id: str) -> Purpose:
        return next(p for p in self.processing if p.id == id)

    def recipient(self, id: str) -> Recipient:
        return next(r for r in self.recipients if r.id == id)

    def cookies_for(self, purpose_id: str) -> tuple[Cookie, ...]:
        return tuple(c for c in self.cookies if c.processing == purpose_id)

    def source(self, id: str) -> NamedSource:
        return next(s for s in self.sources if s.id == id)

    def transfers_to(self, recipient_id: str) -> tuple[Transfer, ...]:
        """Transfers naming the recipient, and those without a recipient that cover where it is."""
        place = next((r.country for r in self.recipients if r.id == recipient_id), ())

        def covers(transfer: Transfer) -> bool:
            if transfer.recipient is not None:
                return transfer.recipient == recipient_id
            if not outside_eea(place):
                return False
            anywhere = {"third-countries", "worldwide"}
            return bool(anywhere & {*transfer.country, *place}) or bool(set(transfer.country) & set(place))

        return tuple(t for t in self.transfers if covers(t))

    def decides_automatically(self, purpose: Purpose) -> bool | None:
        """Whether automated decisions (Art. 22) are made for a purpose: its own answer, else the policy's."""
        return self.automated_decisions if purpose.automated_decisions is None else purpose.automated_decisions

    @property
    def consent_purposes(self) -> tuple[Purpose, ...]:
        return tuple(p for p in self.processing if p.needs_consent)


@dataclass(frozen=True)
class RevisionText:
    """One language's text of a revision."""

    language: str
    title: str
    summary: str
    body: str  # the Markdown after the front matter
    source: str  # the file, as shown in messages
    path: Path | None = None


@dataclass(frozen=True)
class Revision:
    policy: str
    version: Version
    effective: dt.date
    register: Register
    texts: Mapping[str, RevisionText]
    published: dt.date | None = None  # set when the revision is released into the archive

    @property
    def is_major(self) -> bool:
        return self.version.is_major

    @property
    def is_released(self) -> bool:
        return self.published is not None


@dataclass(frozen=True)
class Policy:
    """A policy in every language: its living text and the revisions released so far."""

    id: str
    living: Revision
    revisions: tuple[Revision, ...] = ()  # released, oldest first
    paths: Mapping[str, Path] = field(default_factory=dict)  # language -> living source file
    edited: bool = False  # the living text was changed without a new version (a problem; previewed)

    @property
    def latest(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def draft(self) -> Revision | None:
        """The living text when it is newer than every released revision (not yet released)."""
        latest = self.latest
        return self.living if latest is None or self.living.version > latest.version else None

    def revision(self, version: Version) -> Revision:
        return next(r for r in self.revisions if r.version == version)


@dataclass(frozen=True)
class SourceRef:
    """What a Markdown source is: a policy's living text, or one of its released revisions."""

    policy: str
    language: str
    version: Version | None = None  # None for the living text


# --- who is responsible: written once for the whole site ----------------------------------------


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    locality: str
    country: str  # ISO 3166 alpha-2


@dataclass(frozen=True)
class Organisation:
    """The data controller."""

    name: str
    identifier: str | None = None  # e.g. the Swedish organisationsnummer
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    address: Address | None = None


@dataclass(frozen=True)
class DataProtectionOfficer:
    appointed: bool = True
    name: str | None = None
    email: str | None = None
    address: Address | None = None


@dataclass(frozen=True)
class Authority:
    """The supervisory authority data subjects can complain to."""

    term: str  # a DPV term, e.g. legal-se:DPA-SE (IMY)
    name: str
    url: str | None = None
    address: Address | None = None


@dataclass(frozen=True)
class SiteInfo:
    controller: Organisation | None = None
    dpo: DataProtectionOfficer | None = None
    authority: Authority | None = None
    privacy_policy: str = "privacy"  # the id of the policy `<link rel="privacy-policy">` points to
    rights: tuple[str, ...] = ()  # the rights every policy states unless it lists its own
    consent_cookie: str | None = None  # the cookie the consent banner keeps its record in (None: no banner)


@dataclass(frozen=True)
class Site:
    languages: tuple[str, ...]
    default_language: str
    policies: Mapping[str, Policy] = field(default_factory=dict)
    sources: Mapping[Path, SourceRef] = field(default_factory=dict)  # resolved path -> what it is
    info: SiteInfo = field(default_factory=lambda: SiteInfo())

    def source(self, path: Path) -> SourceRef | None:
        # Keys are resolved paths, and MkDocs gives them so: resolving (system calls per folder,
        # for every page of every pass) only for a path written otherwise.
        return self.sources.get(path) or self.sources.get(path.resolve())

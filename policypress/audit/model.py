"""What an audit observes and what it finds, as plain data: the browser fills the first, the
comparison the second, and every report reads both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlsplit

State = Literal["none", "reject", "accept", "withdrawn"]
Party = Literal["first", "third"]
Storage = Literal["cookie", "local-storage", "session-storage"]
Kind = Literal["before-consent", "survives-withdrawal", "undeclared", "lifetime", "provider", "miscategorised",
               "no-way-to-refuse", "never-seen"]
# How the audit made the choices: the policypress banner's own API, autoconsent's rules for
# another consent manager, the --accept/--reject selectors, or not at all (no banner found).
Operated = Literal["policypress API", "rules", "selectors", "none"]

# The order every report lists the states in, with the words it uses for them.
STATES: dict[State, str] = {
    "none": "before any choice",
    "reject": "after reject all",
    "accept": "after accept all",
    "withdrawn": "after withdrawal",
}

# The violations and the notice, named as issues 15 and 19 name them.
KINDS: dict[Kind, str] = {
    "before-consent": "a non-necessary cookie, storage key or third-party request before a choice or after rejection",
    "survives-withdrawal": "a cookie that survives withdrawal of its category",
    "undeclared": "a cookie that is not declared at all",
    "lifetime": "a cookie whose lifetime exceeds its declared duration",
    "provider": "a cookie set by a provider other than the one declared",
    "miscategorised": "a cookie or key declared as necessary that the service catalog or the Open Cookie Database knows as marketing or analytics",
    "no-way-to-refuse": "no consent banner to refuse with, while things that need consent happen before any choice",
    "never-seen": "a declared cookie never seen",
}
NOTICES: frozenset[Kind] = frozenset({"never-seen"})

STORAGE_LABELS: dict[str, str] = {"cookie": "cookie", "local-storage": "localStorage key",
                                  "session-storage": "sessionStorage key", "request": "request", "page": "page"}


class CannotRun(Exception):
    """The audit cannot run (exit 2): a wrong option, no browser, no register, no page. Each line
    is printed."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-case, as browsers compare origins."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def same_site(host: str, domain: str) -> bool:
    """Whether a host and a cookie domain are one another's (sub)domain."""
    host, domain = host.lower().lstrip("."), domain.lower().lstrip(".")
    return host == domain or host.endswith("." + domain) or domain.endswith("." + host)


# --- the register ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """One cookie or storage key as the cookie policy lists it."""

    name: str  # a trailing `*` matches a prefix, as in the banner
    category: str  # "necessary" or the id of a purpose that needs consent
    required: bool  # needs no consent
    provider: str
    storage: Storage
    duration: str  # as written in the register
    days: float | None  # None: a session cookie, or a duration that could not be read
    session: bool = False


@dataclass(frozen=True)
class Register:
    """What the audit compares the site with."""

    items: tuple[Declared, ...]
    consent_cookie: str  # the banner's own record: necessary, whatever the register says
    source: str  # where it was read, for the reports
    notes: tuple[str, ...] = ()  # what could not be read (the check it affects is skipped)
    consent_origins: tuple[str, ...] = ()  # the policy site and the receipts endpoint: the consent mechanism

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(item.category for item in self.items))


# --- observations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CookieSeen:
    """A cookie as the browser holds it, with the page after whose visit it first appeared."""

    name: str
    domain: str
    path: str
    expires: float | None  # seconds since 1970; None for a session cookie
    http_only: bool
    secure: bool
    same_site: str
    party: Party
    page: str
    seen_at: float  # when it was read: a lifetime is measured from here
    carried: bool = False  # after withdrawal: still there, unchanged, from before the withdrawal

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.domain, self.path)

    @property
    def lifetime_days(self) -> float | None:
        return None if self.expires is None else max(0.0, (self.expires - self.seen_at) / 86400)


@dataclass(frozen=True)
class StorageSeen:
    """A localStorage or sessionStorage key of the page or one of its frames."""

    storage: Storage
    origin: str
    key: str
    party: Party
    page: str
    carried: bool = False

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.storage, self.origin, self.key)


@dataclass(frozen=True)
class RequestSeen:
    """A request to an origin other than the audited ones, and the page that made it."""

    url: str
    origin: str
    resource_type: str
    page: str


@dataclass(frozen=True)
class PageProblem:
    """A page that could not be audited (or was not visited), and why: reported, not fatal."""

    url: str
    reason: str


@dataclass
class StateRecord:
    """Everything one state showed. `note` says why a state was not (fully) visited."""

    state: State
    cookies: list[CookieSeen] = field(default_factory=list)
    storage: list[StorageSeen] = field(default_factory=list)
    requests: list[RequestSeen] = field(default_factory=list)
    screenshot: bytes | None = None
    note: str | None = None


@dataclass(frozen=True)
class ConsentManager:
    """The consent manager found on the first page, and how the audit operated it."""

    name: str  # autoconsent's name of it ("Klaro", "cookieconsent3"), "policypress", "another banner", or "none"
    operated: Operated
    note: str = ""  # the rules' version; or, for none, what was looked for and why no banner started


POLICYPRESS = ConsentManager("policypress", "policypress API")


@dataclass
class Observations:
    origins: tuple[str, ...]
    pages: list[str]  # audited, in the order of the crawl
    problems: list[PageProblem]
    states: dict[State, StateRecord]
    banner: str  # how choices were made: "policypress", "selectors", "rules" or "none"
    seconds: float = 0.0
    embedded: str | None = None  # the banner configuration found on the first page, if any
    loader: str | None = None  # the policy site's script that configured the banner there (the one-tag snippet)
    consent: ConsentManager = POLICYPRESS

    def in_order(self) -> list[StateRecord]:
        """The states that were visited, in the order of STATES."""
        return [self.states[state] for state in STATES if state in self.states]

    @property
    def visits(self) -> int:
        """Page loads the audit made: every page in three states, and the reload after withdrawal."""
        return 3 * len(self.pages) + (1 if "withdrawn" in self.states and not self.states["withdrawn"].note else 0)


# --- findings ----------------------------------------------------------------------------------


OPEN_COOKIE_DATABASE = "Open Cookie Database"


@dataclass(frozen=True)
class Identity:
    """Who is behind a cookie, key or request, as one source (the Open Cookie Database) knows it."""

    platform: str
    company: str
    category: str  # the source's own word: Functional, Analytics, Marketing, Security, Personalization…
    retention: str = ""
    privacy: str = ""  # the company's privacy page
    description: str = ""
    source: str = OPEN_COOKIE_DATABASE
    match: str = ""  # how it was found: name, prefix, domain (or another source's word)


@dataclass(frozen=True)
class Options:
    """What the command line adds to the comparison."""

    first_party: frozenset[str] = frozenset()  # hosts the audited origins stand for
    allowed: frozenset[str] = frozenset()  # origins, or hosts on any port, a page may contact before a choice
    consent: frozenset[str] = frozenset()  # origins of the consent mechanism: the policy site, the receipts
    known: tuple[Source, ...] = ()  # sources that name things before the Open Cookie Database (the catalog)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    item: str  # cookie, local-storage, session-storage or request
    name: str  # the cookie's name, the key, or the URL
    state: State | None
    page: str | None
    detail: str
    identity: Identity | None = None  # who is behind it; None: unknown

    @property
    def violation(self) -> bool:
        return self.kind not in NOTICES

    @property
    def title(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Result:
    """One audit: what was seen, what it was compared with, and what was found."""

    observations: Observations
    register: Register
    findings: tuple[Finding, ...]
    options: Options = Options()

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.violation]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if not f.violation]

    @property
    def exit_code(self) -> int:
        return 1 if self.violations else 0


@dataclass(frozen=True)
class Sighting:
    """What is to be named: a cookie (its domain as host), a storage key or a request (the host and
    origin it was sent to)."""

    item: str  # cookie, local-storage, session-storage or request
    name: str  # the cookie's name, the key, or the URL
    host: str = ""
    origin: str = ""


class Source(Protocol):
    """Anything that can name a sighting (the service catalog implements this too)."""

    def lookup(self, seen: Sighting) -> Identity | None: ...

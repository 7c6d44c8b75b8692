"""Observations + the register → findings. Pure: no browser, no files, no clock.

What counts as what:
- *necessary*: a declared item of a required category, and the banner's own record (its cookie,
  and Material's `__consent` key it writes); a request to an origin other than the audited
  ones is necessary when it goes to the consent mechanism (the policy site, the receipts
  endpoint), when its host is the declared provider of a necessary cookie, or when `--allow`
  allows it (`origins`).
- A cookie or key declared as necessary that the service catalog or the Open Cookie Database knows as marketing or
  analytics is *miscategorised* (`agreement`): it would be set without consent.
- A cookie's *provider* is checked when the register names a host in it ("solvikkaffe.example",
  "Reelhouse (reelhouse.example)"): a first-party cookie must be declared with a first-party
  host (an audited host, one given with `--first-party`, or the host the register gives for the
  banner's own cookie, which the site always sets itself); a third-party cookie with its own.
- A third party's cookie cannot be deleted by the site: after withdrawal it counts as withdrawn
  when the site no longer contacts that party (a request to it would be reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..core.consent import matches
from .agreement import tracking_as_necessary
from .identify import Sighting, identify, sighting
from .model import (KINDS, STATES, CookieSeen, Declared, Finding, Identity, Kind, Observations, Options, Register,
                    RequestSeen, State, StorageSeen, host_of, same_site)
from .origins import allows, canonical, sources
from .origins import is_record as record
from .refusal import no_way_to_refuse

# A cookie may outlive its declared duration by this much: browsers and scripts count months and
# years their own way, and a cookie is read a moment after it was set.
TOLERANCE_DAYS = 1.0
TOLERANCE_SHARE = 0.02

_HOST_RE = re.compile(r"localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")


def hosts_in(provider: str) -> list[str]:
    """The host names in a declared provider ("Reelhouse Inc. (reelhouse.example)")."""
    return _HOST_RE.findall(provider.lower())


def declaration(register: Register, storage: str, name: str) -> Declared | None:
    """The register's entry for a cookie or key: an exact name first, else the longest pattern."""
    found = [item for item in register.items if item.storage == storage and matches(item.name, name)]
    return max(found, key=lambda item: (not item.name.endswith("*"), len(item.name)), default=None)


def is_record(register: Register, storage: str, name: str) -> bool:
    """The banner's own record of the choice: its cookie, and Material's consent key."""
    return record(register.consent_cookie, storage, name)


def consent_category(register: Register, storage: str, name: str) -> str | None:
    """The category an item is declared under, when that category needs consent (an undeclared
    item is reported as such, not guessed at)."""
    item = declaration(register, storage, name)
    return None if item is None or item.required or is_record(register, storage, name) else item.category


def first_party_hosts(observations: Observations, register: Register, options: Options) -> set[str]:
    """Hosts a first-party cookie's provider may name."""
    hosts = {host_of(origin) for origin in observations.origins} | set(options.first_party)
    hosts.update(host for item in register.items if item.storage == "cookie" and item.name == register.consent_cookie
                 for host in hosts_in(item.provider))
    return hosts


def necessary_hosts(register: Register) -> set[str]:
    """Hosts the register names as providers of necessary cookies: a page may contact them."""
    return {host for item in register.items if item.required for host in hosts_in(item.provider)}


def may_contact(origin: str, register: Register, options: Options) -> bool:
    """A request before any choice that is no finding: to the consent mechanism, to a necessary
    provider, or allowed with --allow."""
    return (canonical(origin) in options.consent or allows(options.allowed, origin)
            or any(same_site(host_of(origin), name) for name in necessary_hosts(register)))


def named(seen: CookieSeen | StorageSeen | RequestSeen, register: Register, options: Options) -> Identity | None:
    return identify(sighting(seen), sources(options, register))


def compare(observations: Observations, register: Register, options: Options = Options()) -> list[Finding]:
    """Every finding, in the order of the states, then of the pages."""
    findings = [*before_consent(observations, register, options), *withdrawal(observations, register, options),
                *per_cookie(observations, register, options), *never_seen(observations, register, options)]
    findings += no_way_to_refuse(observations, findings)
    order = {page: index for index, page in enumerate(observations.pages)}
    states = list(STATES)
    return sorted(findings, key=lambda f: (f.state is None, states.index(f.state) if f.state else 0,
                                           order.get(f.page or "", len(order)), list(KINDS).index(f.kind)))


def before_consent(observations: Observations, register: Register, options: Options) -> Iterator[Finding]:
    """What needs consent but was there before a choice, after rejection, or was set again after
    withdrawal."""
    for state in ("none", "reject", "withdrawn"):
        record = observations.states.get(state)
        if record is None:
            continue
        why = {"none": "before any choice", "reject": "after rejection", "withdrawn": "after withdrawal"}[state]
        for cookie in record.cookies:
            category = None if cookie.carried else consent_category(register, "cookie", cookie.name)
            if category is not None:
                yield Finding("before-consent", "cookie", cookie.name, state, cookie.page,
                              f"set {why}; declared under {category!r}, which needs consent", named(cookie, register, options))
        for item in record.storage:
            category = None if item.carried else consent_category(register, item.storage, item.key)
            if category is not None:
                yield Finding("before-consent", item.storage, item.key, state, item.page,
                              f"written {why} by {item.origin}; declared under {category!r}, which needs consent",
                              named(item, register, options))
        for request in first_requests(record.requests):
            if not may_contact(request.origin, register, options):
                origin = canonical(request.origin) or request.origin
                yield Finding("before-consent", "request", request.url, state, request.page,
                              f"{request.resource_type} from {origin} {why}; no necessary cookie of the register "
                              f"names this provider (if this is your own service, pass --allow {origin})",
                              named(request, register, options))


def first_requests(requests: Iterable[RequestSeen]) -> list[RequestSeen]:
    """One request per origin and page: the first."""
    seen: dict[tuple[str, str], RequestSeen] = {}
    for request in requests:
        seen.setdefault((request.origin, request.page), request)
    return list(seen.values())


def withdrawal(observations: Observations, register: Register, options: Options) -> Iterator[Finding]:
    """First-party cookies and keys of a withdrawn category still there after the reload."""
    record = observations.states.get("withdrawn")
    if record is None:
        return
    for cookie in record.cookies:
        category = consent_category(register, "cookie", cookie.name) if cookie.carried and cookie.party == "first" else None
        if category is not None:
            yield Finding("survives-withdrawal", "cookie", cookie.name, "withdrawn", cookie.page,
                          f"still set after consent to {category!r} was withdrawn and the page reloaded "
                          f"(domain {cookie.domain}, path {cookie.path})", named(cookie, register, options))
    for item in record.storage:
        category = consent_category(register, item.storage, item.key) if item.carried and item.party == "first" else None
        if category is not None:
            yield Finding("survives-withdrawal", item.storage, item.key, "withdrawn", item.page,
                          f"still in {item.origin} after consent to {category!r} was withdrawn and the page reloaded",
                          named(item, register, options))


def sightings(observations: Observations) -> Iterator[tuple[State, CookieSeen | StorageSeen]]:
    """Every cookie and key, in the order of the states."""
    for record in observations.in_order():
        yield from ((record.state, cookie) for cookie in record.cookies)
        yield from ((record.state, item) for item in record.storage)


def per_cookie(observations: Observations, register: Register, options: Options) -> Iterator[Finding]:
    """What is wrong with a cookie or key itself, reported once: in the first state and on the
    first page it was seen (or, for its lifetime, first seen too long)."""
    first_party = first_party_hosts(observations, register, options)
    reported: set[tuple[Kind, tuple[str, ...]]] = set()

    def once(kind: Kind, ident: tuple[str, ...]) -> bool:
        if (kind, ident) in reported:
            return False
        reported.add((kind, ident))
        return True

    for state, seen in sightings(observations):
        storage, name, ident = ((seen.storage, seen.key, seen.ident) if isinstance(seen, StorageSeen)
                                else ("cookie", seen.name, seen.key))
        item = declaration(register, storage, name)
        identity = named(seen, register, options)
        if item is None:
            if not is_record(register, storage, name) and once("undeclared", ident):
                where = (f"written by {seen.origin} ({seen.party} party)" if isinstance(seen, StorageSeen)
                         else f"set on {seen.domain} ({seen.party} party), {lifetime_text(seen)}")
                yield Finding("undeclared", storage, name, state, seen.page, f"{where}; not in the register", identity)
            continue
        if (tracking_as_necessary(item, identity) and not is_record(register, storage, name)
                and identity is not None and once("miscategorised", ident)):
            yield Finding("miscategorised", storage, name, state, seen.page,
                          f"declared under {item.category!r}, which needs no consent; the {identity.source} lists "
                          f"it as {identity.category} ({identity.platform}, {identity.company})", identity)
        if isinstance(seen, StorageSeen):
            continue
        if too_long(seen, item) and once("lifetime", seen.key):
            yield Finding("lifetime", "cookie", seen.name, state, seen.page,
                          f"{lifetime_text(seen)}; declared: {item.duration}", identity)
        if wrong_provider(seen, item, first_party) and once("provider", seen.key):
            yield Finding("provider", "cookie", seen.name, state, seen.page,
                          f"set by {seen.domain.lstrip('.')} ({seen.party} party); declared provider: {item.provider}",
                          identity)


def lifetime_text(cookie: CookieSeen) -> str:
    days = cookie.lifetime_days
    if days is None:
        return "a session cookie"
    return f"lives {days:.0f} days" if days >= 1 else f"lives {days * 24:.1f} hours"


def too_long(cookie: CookieSeen, item: Declared) -> bool:
    days = cookie.lifetime_days
    if days is None:
        return False
    if item.session:
        return days > TOLERANCE_DAYS
    return item.days is not None and days > item.days + max(TOLERANCE_DAYS, item.days * TOLERANCE_SHARE)


def wrong_provider(cookie: CookieSeen, item: Declared, first_party: set[str]) -> bool:
    declared = hosts_in(item.provider)
    if not declared:
        return False  # a provider named without a host cannot be compared
    if cookie.party == "first":
        return not any(same_site(host, name) for host in declared for name in first_party)
    return not any(same_site(host, cookie.domain) for host in declared)


def never_seen(observations: Observations, register: Register, options: Options) -> Iterator[Finding]:
    """Declared items that no state showed: a notice (the register may list more than these pages
    use, or the site may have stopped using them)."""
    seen = [(s.storage, s.key) if isinstance(s, StorageSeen) else ("cookie", s.name) for _, s in sightings(observations)]
    for item in register.items:
        if not any(storage == item.storage and matches(item.name, name) for storage, name in seen):
            provider = next(iter(hosts_in(item.provider)), "")
            yield Finding("never-seen", item.storage, item.name, None, None,
                          f"declared under {item.category!r} (provider {item.provider}, {item.duration}); not set on "
                          f"any audited page in any state",
                          identify(Sighting(item.storage, item.name.rstrip("*"), provider), sources(options, register)))

"""Observations + the register → findings. Pure: no browser, no files, no clock.

What counts as what:
- *necessary*: a declared item of a required category, and the banner's own record (its cookie,
  and Material's `__consent` key it writes); a request to an origin other than the audited
  ones is necessary when its host is the declared provider of a necessary cookie, or allowed
  with `--allow`.
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
from dataclasses import dataclass

from ..core.consent import matches
from .model import (KINDS, STATES, CookieSeen, Declared, Finding, Kind, Observations, Register, RequestSeen, State, StorageSeen,
                    host_of)

# A cookie may outlive its declared duration by this much: browsers and scripts count months and
# years their own way, and a cookie is read a moment after it was set.
TOLERANCE_DAYS = 1.0
TOLERANCE_SHARE = 0.02

_HOST_RE = re.compile(r"localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")


@dataclass(frozen=True)
class Options:
    first_party: frozenset[str] = frozenset()  # hosts the audited origins stand for
    allowed: frozenset[str] = frozenset()  # third parties a page may contact before a choice


def hosts_in(provider: str) -> list[str]:
    """The host names in a declared provider ("Reelhouse Inc. (reelhouse.example)")."""
    return _HOST_RE.findall(provider.lower())


def same_site(host: str, domain: str) -> bool:
    """Whether a host and a cookie domain are one another's (sub)domain."""
    host, domain = host.lower().lstrip("."), domain.lower().lstrip(".")
    return host == domain or host.endswith("." + domain) or domain.endswith("." + host)


def declaration(register: Register, storage: str, name: str) -> Declared | None:
    """The register's entry for a cookie or key: an exact name first, else the longest pattern."""
    found = [item for item in register.items if item.storage == storage and matches(item.name, name)]
    return max(found, key=lambda item: (not item.name.endswith("*"), len(item.name)), default=None)


def is_record(register: Register, storage: str, name: str) -> bool:
    """The banner's own record of the choice: its cookie, and Material's consent key."""
    if storage == "cookie":
        return name == register.consent_cookie
    return storage == "local-storage" and (name == "__consent" or name.endswith(".__consent"))


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


def allowed_hosts(register: Register, options: Options) -> set[str]:
    """Third parties a page may contact before any choice."""
    return set(options.allowed) | {host for item in register.items if item.required for host in hosts_in(item.provider)}


def compare(observations: Observations, register: Register, options: Options = Options()) -> list[Finding]:
    """Every finding, in the order of the states, then of the pages."""
    findings = [*before_consent(observations, register, options), *withdrawal(observations, register),
                *per_cookie(observations, register, options), *never_seen(observations, register)]
    order = {page: index for index, page in enumerate(observations.pages)}
    states = list(STATES)
    return sorted(findings, key=lambda f: (f.state is None, states.index(f.state) if f.state else 0,
                                           order.get(f.page or "", len(order)), list(KINDS).index(f.kind)))


def before_consent(observations: Observations, register: Register, options: Options) -> Iterator[Finding]:
    """What needs consent but was there before a choice, after rejection, or was set again after
    withdrawal."""
    allowed = allowed_hosts(register, options)
    for state in ("none", "reject", "withdrawn"):
        record = observations.states.get(state)
        if record is None:
            continue
        why = {"none": "before any choice", "reject": "after rejection", "withdrawn": "after withdrawal"}[state]
        for cookie in record.cookies:
            category = None if cookie.carried else consent_category(register, "cookie", cookie.name)
            if category is not None:
                yield Finding("before-consent", "cookie", cookie.name, state, cookie.page,
                              f"set {why}; declared under {category!r}, which needs consent")
        for item in record.storage:
            category = None if item.carried else consent_category(register, item.storage, item.key)
            if category is not None:
                yield Finding("before-consent", item.storage, item.key, state, item.page,
                              f"written {why} by {item.origin}; declared under {category!r}, which needs consent")
        for request in first_requests(record.requests):
            if not any(same_site(host_of(request.origin), name) for name in allowed):
                yield Finding("before-consent", "request", request.url, state, request.page,
                              f"{request.resource_type} from {request.origin} {why}; no necessary cookie of the "
                              f"register names this provider")


def first_requests(requests: Iterable[RequestSeen]) -> list[RequestSeen]:
    """One request per origin and page: the first."""
    seen: dict[tuple[str, str], RequestSeen] = {}
    for request in requests:
        seen.setdefault((request.origin, request.page), request)
    return list(seen.values())


def withdrawal(observations: Observations, register: Register) -> Iterator[Finding]:
    """First-party cookies and keys of a withdrawn category still there after the reload."""
    record = observations.states.get("withdrawn")
    if record is None:
        return
    for cookie in record.cookies:
        category = consent_category(register, "cookie", cookie.name) if cookie.carried and cookie.party == "first" else None
        if category is not None:
            yield Finding("survives-withdrawal", "cookie", cookie.name, "withdrawn", cookie.page,
                          f"still set after consent to {category!r} was withdrawn and the page reloaded "
                          f"(domain {cookie.domain}, path {cookie.path})")
    for item in record.storage:
        category = consent_category(register, item.storage, item.key) if item.carried and item.party == "first" else None
        if category is not None:
            yield Finding("survives-withdrawal", item.storage, item.key, "withdrawn", item.page,
                          f"still in {item.origin} after consent to {category!r} was withdrawn and the page reloaded")


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
        if isinstance(seen, StorageSeen):
            if (declaration(register, seen.storage, seen.key) is None and not is_record(register, seen.storage, seen.key)
                    and once("undeclared", seen.ident)):
                yield Finding("undeclared", seen.storage, seen.key, state, seen.page,
                              f"written by {seen.origin} ({seen.party} party); not in the register")
            continue
        item = declaration(register, "cookie", seen.name)
        if item is None:
            if not is_record(register, "cookie", seen.name) and once("undeclared", seen.key):
                yield Finding("undeclared", "cookie", seen.name, state, seen.page,
                              f"set on {seen.domain} ({seen.party} party), {lifetime_text(seen)}; not in the register")
            continue
        if too_long(seen, item) and once("lifetime", seen.key):
            yield Finding("lifetime", "cookie", seen.name, state, seen.page,
                          f"{lifetime_text(seen)}; declared: {item.duration}")
        if wrong_provider(seen, item, first_party) and once("provider", seen.key):
            yield Finding("provider", "cookie", seen.name, state, seen.page,
                          f"set by {seen.domain.lstrip('.')} ({seen.party} party); declared provider: {item.provider}")


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


def never_seen(observations: Observations, register: Register) -> Iterator[Finding]:
    """Declared items that no state showed: a notice (the register may list more than these pages
    use, or the site may have stopped using them)."""
    seen = [(s.storage, s.key) if isinstance(s, StorageSeen) else ("cookie", s.name) for _, s in sightings(observations)]
    for item in register.items:
        if not any(storage == item.storage and matches(item.name, name) for storage, name in seen):
            yield Finding("never-seen", item.storage, item.name, None, None,
                          f"declared under {item.category!r} (provider {item.provider}, {item.duration}); not set on "
                          f"any audited page in any state")

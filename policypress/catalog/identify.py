"""The catalog as a source the audit asks before the Open Cookie Database: a cookie, storage key or
request host that a catalog service sets or serves is named by that service, so that `audit
--suggest` can propose `policypress add` for it."""

from __future__ import annotations

from collections.abc import Iterable

from ..audit.model import Identity, Sighting
from .model import Service

SOURCE = "policypress catalog"

# The catalog's categories in the database's words, which the audit's agreement check reads.
DATABASE_WORDS = {
    "analytics": "Analytics", "advertising": "Marketing", "video": "Marketing", "marketing": "Marketing",
    "support": "Functional", "payments": "Functional", "infrastructure": "Functional", "security": "Security",
    "bookkeeping": "Functional",
}


class CatalogSource:
    """Names what a catalog service sets (its cookie names and patterns) or serves (its hosts)."""

    def __init__(self, services: Iterable[Service]) -> None:
        # name -> [(service, duration, the domain a third-party cookie is set on, or "" for first-party)]
        self.exact: dict[str, list[tuple[Service, str, str]]] = {}
        self.patterns: list[tuple[str, Service, str, str]] = []  # (prefix, ...), longest first
        self.hosts: list[tuple[str, Service]] = []
        for service in services:
            for cookie in service.cookies:
                duration, domain = str(cookie.duration), "" if cookie.first_party else (cookie.provider or "").lower()
                if cookie.name.endswith("*"):
                    self.patterns.append((cookie.name[:-1], service, duration, domain))
                else:
                    self.exact.setdefault(cookie.name, []).append((service, duration, domain))
            self.hosts += [(host.lower(), service) for host in service.hosts]
        self.patterns.sort(key=lambda pattern: -len(pattern[0]))

    def lookup(self, seen: Sighting) -> Identity | None:
        if seen.item == "request":
            host = seen.host.lower()
            found = next((service for name, service in self.hosts if on(host, name)), None)
            return None if found is None else identity(found, "host", "")
        # A third-party cookie's name is only the service's on the service's own domain: `player`
        # set by vimeo.com is Vimeo's, one set by the shop is not.
        host = seen.host.lower().lstrip(".")
        for service, duration, domain in self.exact.get(seen.name, ()):
            if not domain or on(host, domain):
                return identity(service, "name", duration)
        for prefix, service, duration, domain in self.patterns:
            if prefix and seen.name.startswith(prefix) and (not domain or on(host, domain)):
                return identity(service, "prefix", duration)
        return None


def on(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def identity(service: Service, how: str, retention: str) -> Identity:
    return Identity(service.name, service.company, DATABASE_WORDS[service.category], retention,
                    service.sources[0].url, "", SOURCE, f"{how}; policypress add {service.id}")


def service_of(found: Identity | None) -> str | None:
    """The catalog id behind an identity the catalog gave, else None."""
    if found is None or found.source != SOURCE:
        return None
    return found.match.rpartition("policypress add ")[2] or None

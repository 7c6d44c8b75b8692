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
        self.exact: dict[str, tuple[Service, str]] = {}
        self.patterns: list[tuple[str, Service, str]] = []  # (prefix, service, duration), longest first
        self.hosts: list[tuple[str, Service]] = []
        for service in services:
            for cookie in service.cookies:
                duration = str(cookie.duration)
                if cookie.name.endswith("*"):
                    self.patterns.append((cookie.name[:-1], service, duration))
                else:
                    self.exact.setdefault(cookie.name, (service, duration))
            self.hosts += [(host.lower(), service) for host in service.hosts]
        self.patterns.sort(key=lambda pattern: -len(pattern[0]))

    def lookup(self, seen: Sighting) -> Identity | None:
        if seen.item == "request":
            host = seen.host.lower()
            found = next((service for name, service in self.hosts if host == name or host.endswith("." + name)), None)
            return None if found is None else identity(found, "host", "")
        if seen.name in self.exact:
            service, duration = self.exact[seen.name]
            return identity(service, "name", duration)
        for prefix, service, duration in self.patterns:
            if prefix and seen.name.startswith(prefix):
                return identity(service, "prefix", duration)
        return None


def identity(service: Service, how: str, retention: str) -> Identity:
    return Identity(service.name, service.company, DATABASE_WORDS[service.category], retention,
                    service.sources[0].url, "", SOURCE, f"{how}; policypress add {service.id}")


def service_of(found: Identity | None) -> str | None:
    """The catalog id behind an identity the catalog gave, else None."""
    if found is None or found.source != SOURCE:
        return None
    return found.match.rpartition("policypress add ")[2] or None

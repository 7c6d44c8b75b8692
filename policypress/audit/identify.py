"""Who is behind a cookie, a storage key or a request to another origin: its platform, the company
that controls the data, the category it is known under, its retention and privacy link.

The facts come from the Open Cookie Database, shipped with the package as derived data
(`data/open-cookie-database.json`, Apache-2.0, refreshed by scripts/refresh_cookie_database.py),
and from any other source the caller knows first (`identify(..., known=...)`: the consent
mechanism itself, and the service catalog).

How an entry of the database applies:
- by name: the exact name, or for a wildcard entry (or one ending in `*`) the name's prefix;
- an entry with a domain (the database's "the domain the cookie is set on") applies on that
  domain and its subdomains; elsewhere only when its name is distinctive: three characters or
  more with a digit, a sign (`_fbp`, `_hjSession_`) or an inner capital (`CookieConsent`).
  Plain words (`lang`, `token`, `c`) name nothing off their domain;
- an entry without a domain (set first party) applies wherever its name has three characters or
  more;
- the best match wins: on its domain before elsewhere, an exact name before a prefix, a longer
  prefix before a shorter. Entries that tie are named together ("Adform or Xandr");
- a request's host is named by the entries whose domain it is or lies under, the most specific
  domain first, and among them the platform most of them name.

Nothing here needs a browser: lookups are dictionary reads (by name, by each prefix length, by
each suffix of a host), never a scan of the database.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .model import OPEN_COOKIE_DATABASE as DATABASE
from .model import CannotRun, CookieSeen, Identity, RequestSeen, Sighting, Source, StorageSeen, host_of, same_site

DATA = Path(__file__).resolve().parent / "data" / "open-cookie-database.json"
_HOST_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
_IP_RE = re.compile(r"[0-9.]+|\[?[0-9a-f]*:[0-9a-f:]*\]?")


def sighting(seen: CookieSeen | StorageSeen | RequestSeen) -> Sighting:
    """What the audit saw, as a source is asked about it."""
    if isinstance(seen, CookieSeen):
        return Sighting("cookie", seen.name, seen.domain.lstrip("."))
    if isinstance(seen, StorageSeen):
        return Sighting(seen.storage, seen.key, host_of(seen.origin), seen.origin)
    return Sighting("request", seen.url, host_of(seen.origin), seen.origin)


@dataclass(frozen=True)
class Entry:
    """One row of the database."""

    platform: str
    category: str
    name: str
    wildcard: bool
    domain: str
    description: str
    retention: str
    controller: str
    privacy: str
    hosts: tuple[str, ...]  # the host names in its domain column

    @property
    def key(self) -> str:
        """The name, or for a wildcard the prefix it stands for."""
        return self.name.rstrip("*") if self.wildcard else self.name


def distinctive(key: str) -> bool:
    """A name that stands for its platform wherever it is set."""
    return len(key) >= 3 and bool(re.search(r"[^A-Za-z]|[a-z][A-Z]", key))


def hosts_of(domain: str) -> tuple[str, ...]:
    """The host names in a domain column ("bing.com (3rd party) or .microsoft.com (3rd party)")."""
    return tuple(dict.fromkeys(_HOST_RE.findall(domain.lower())))


def combined(values: Iterable[str]) -> str:
    """Values of entries named together: one if they agree, else each once ("A or B")."""
    return " or ".join(dict.fromkeys(value for value in values if value))


class Database:
    """The Open Cookie Database, indexed by exact name, by prefix and by host."""

    def __init__(self, entries: Sequence[Entry], source: dict[str, str]) -> None:
        self.entries = entries
        self.source = source
        self.exact: dict[str, list[Entry]] = {}
        self.prefixes: dict[str, list[Entry]] = {}
        self.domains: dict[str, list[Entry]] = {}
        for entry in entries:
            (self.prefixes if entry.wildcard else self.exact).setdefault(entry.key, []).append(entry)
            for host in entry.hosts:
                self.domains.setdefault(host, []).append(entry)
        self.lengths = sorted({len(key) for key in self.prefixes}, reverse=True)
        self.cache: dict[Sighting, Identity | None] = {}

    def lookup(self, seen: Sighting) -> Identity | None:
        if seen not in self.cache:
            self.cache[seen] = self.by_host(seen.host) if seen.item == "request" else self.by_name(seen.name, seen.host)
        return self.cache[seen]

    def by_name(self, name: str, host: str) -> Identity | None:
        host = host.lower().lstrip(".")
        best: tuple[bool, bool, int] | None = None
        found: list[Entry] = []
        candidates = [(entry, True) for entry in self.exact.get(name, ())]
        candidates += [(entry, False) for size in self.lengths if size <= len(name)
                       for entry in self.prefixes.get(name[:size], ())]
        for entry, exact in candidates:
            on_domain = bool(host) and any(same_site(host, domain) for domain in entry.hosts)
            if not (on_domain or distinctive(entry.key) or (not entry.hosts and len(entry.key) >= 3)):
                continue
            rank = (on_domain, exact, len(entry.key))
            if best is None or rank > best:
                best, found = rank, [entry]
            elif rank == best:
                found.append(entry)
        if not found:
            return None
        how = "name" if best and best[1] else "prefix"
        if len({entry.platform for entry in found}) == 1:
            return identity(found[0], how)
        return Identity(combined(e.platform or e.controller for e in found), combined(e.controller for e in found),
                        combined(e.category for e in found), combined(e.retention for e in found), "", "", DATABASE, how)

    def by_host(self, host: str) -> Identity | None:
        host = host.lower().strip(".")
        if not host or _IP_RE.fullmatch(host):
            return None
        labels = host.split(".")
        for start in range(len(labels) - 1):
            entries = self.domains.get(".".join(labels[start:]))
            if entries:
                platform = Counter(e.platform or e.controller for e in entries).most_common(1)[0][0]
                own = [e for e in entries if (e.platform or e.controller) == platform]
                company = Counter(e.controller for e in own).most_common(1)[0][0]
                category = Counter(e.category for e in own).most_common(1)[0][0]
                return Identity(platform, company, category, "", own[0].privacy, "", DATABASE, "domain")
        return None


def identity(entry: Entry, how: str) -> Identity:
    return Identity(entry.platform or entry.controller, entry.controller, entry.category, entry.retention,
                    entry.privacy, entry.description, DATABASE, how)


def entry_of(facts: dict[str, Any]) -> Entry:
    name = str(facts["name"])
    return Entry(str(facts["platform"]), str(facts["category"]), name, bool(facts["wildcard"]) or name.endswith("*"),
                 str(facts["domain"]), str(facts["description"]), str(facts["retention"]), str(facts["controller"]),
                 str(facts["privacy"]), hosts_of(str(facts["domain"])))


@functools.cache
def database() -> Database:
    """The shipped database, read once."""
    try:
        document = json.loads(DATA.read_text(encoding="utf-8"))
        fields = document["fields"]
        entries = [entry_of(dict(zip(fields, row, strict=True))) for row in document["entries"]]
        source = {key: str(value) for key, value in document["source"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CannotRun(f"{DATA}: the {DATABASE} shipped with policypress could not be read ({error}); reinstall "
                        f"policypress") from None
    return Database(entries, source)


def identify(seen: Sighting, known: Sequence[Source] = ()) -> Identity | None:
    """The first source that names it, the database last; None: unknown."""
    for source in (*known, database()):
        found = source.lookup(seen)
        if found is not None:
            return found
    return None

"""Other origins a page may contact before any choice without a finding.

- The consent mechanism itself: the policy site (the origin of its `site_url`, from which the
  one-tag snippet loads `consent/<lang>.js` and the banner's files) and the receipts endpoint.
  The audit learns them from the register (`--site`: `site_url` and `consent.endpoint`; a banner
  configuration: its absolute notice and endpoint URLs, and the address it was read from) and
  from the page (the policypress loader that configured the banner there).
- `--allow`: an origin, `scheme://host[:port]`, allows exactly that origin; a bare host allows
  that host and its subdomains on every port and scheme.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .identify import Sighting, Source
from .model import Identity, Observations, Options, Register

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_HOST_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.?")
_IPV6_RE = re.compile(r"\[[0-9a-f:.]+\]")


def canonical(url: str) -> str | None:
    """scheme://host[:port] of a URL as browsers compare origins (lower case, no default port), or
    None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else "")


def allow_value(text: str) -> str:
    """An `--allow` value as compared: a canonical origin, or a lower-case host. ValueError says
    what was expected."""
    value = text.strip().lower()
    if "://" in value:
        origin = canonical(value)
        parts = urlsplit(value) if origin is not None else None
        if parts is None or origin is None or parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
            raise ValueError(f"--allow {text}: expected an origin, scheme://host[:port] with http, https, ws or wss "
                             f"and nothing after the port, or a bare host")
        return origin
    if _HOST_RE.fullmatch(value) or _IPV6_RE.fullmatch(value):
        return value.rstrip(".")
    if re.fullmatch(r"(.+):([0-9]+)", value):
        raise ValueError(f"--allow {text}: a host with a port; to allow one port give its origin (--allow "
                         f"http://{value} or https://{value}); a bare host allows every port and scheme")
    raise ValueError(f"--allow {text}: expected a host (cdn.example.com) or an origin (https://cdn.example.com:8443)")


def allows(allowed: Iterable[str], origin: str) -> bool:
    """Whether an `--allow` value covers a request's origin."""
    exact = canonical(origin)
    host = urlsplit(origin).hostname or ""
    host = f"[{host}]" if ":" in host else host
    for value in allowed:
        if "://" in value:
            if value == exact:
                return True
        elif host == value or host.endswith("." + value):
            return True
    return False


def consent_origins(register: Register, observations: Observations) -> frozenset[str]:
    """The consent mechanism's origins: those the register gives, and the loader's on the page."""
    found = {canonical(url) for url in (*register.consent_origins, observations.loader or "")}
    return frozenset(origin for origin in found if origin is not None)


def in_config(config: dict[str, object]) -> tuple[str, ...]:
    """The origins a banner configuration names absolutely: its notice's and its endpoint's."""
    found = (canonical(value) for value in (config.get("notice"), config.get("endpoint")) if isinstance(value, str))
    return tuple(dict.fromkeys(origin for origin in found if origin is not None))


def is_record(consent_cookie: str, storage: str, name: str) -> bool:
    """The banner's own record of the choice: its cookie, and Material's consent key it writes."""
    if storage == "cookie":
        return name == consent_cookie
    return storage == "local-storage" and (name == "__consent" or name.endswith(".__consent"))


@dataclass(frozen=True)
class ConsentMechanism:
    """Names the consent mechanism: requests to its origins (the banner, its configuration, the
    receipts) and the record of the choice it keeps on the site."""

    origins: frozenset[str]
    cookie: str  # the banner's cookie

    def lookup(self, seen: Sighting) -> Identity | None:
        if seen.item == "request" and canonical(seen.origin) in self.origins:
            how, what = "origin", "the consent banner, its configuration and its receipts"
        elif seen.item != "request" and is_record(self.cookie, seen.item, seen.name):
            how, what = "name", "the record of the visitor's choice"
        else:
            return None
        return Identity("policypress consent banner", "this company", "Functional", description=what,
                        source="policypress", match=how)


def sources(options: Options, register: Register) -> tuple[Source, ...]:
    """Who names things before the Open Cookie Database: the consent mechanism, then the caller's."""
    return (ConsentMechanism(options.consent, register.consent_cookie), *options.known)

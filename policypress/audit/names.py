"""The columns every report adds to what the audit saw: who is behind each cookie, key and request
(platform, company, the source's category) and whether the register's category agrees."""

from __future__ import annotations

from .agreement import agrees
from .compare import declaration, named
from .identify import database
from .model import STORAGE_LABELS, CookieSeen, Finding, Identity, RequestSeen, Result, StorageSeen

UNKNOWN = "unknown"


def columns(identity: Identity | None) -> dict[str, str]:
    """Platform, company and category as the reports print them ("unknown" when no source knows it)."""
    if identity is None:
        return {"platform": UNKNOWN, "company": "", "category": "", "source": ""}
    return {"platform": identity.platform, "company": identity.company, "category": identity.category,
            "source": identity.source}


def agreement(result: Result, item: str, name: str, identity: Identity | None) -> tuple[str, str]:
    """The register's category for a cookie or key and whether it agrees; nothing for a request."""
    if item == "request":
        return "", ""
    declared = declaration(result.register, item, name)
    return ("not declared", "") if declared is None else (declared.category, agrees(declared, identity))


def finding_columns(result: Result, finding: Finding) -> dict[str, str]:
    register, agreed = agreement(result, finding.item, finding.name, finding.identity)
    return {**columns(finding.identity), "register": register, "agrees": agreed}


def rows(result: Result) -> list[dict[str, str]]:
    """One row per cookie, key and origin contacted, in the order the states first showed them."""
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for record in result.observations.in_order():
        seen: list[CookieSeen | StorageSeen | RequestSeen] = [*record.cookies, *record.storage, *record.requests]
        for thing in seen:
            if isinstance(thing, CookieSeen):
                key, item, name, where = ("cookie", thing.name, thing.domain), "cookie", thing.name, thing.domain
            elif isinstance(thing, StorageSeen):
                key, item, name, where = thing.ident, thing.storage, thing.key, thing.origin
            else:
                key, item, name, where = ("request", thing.origin), "request", thing.origin, thing.origin
            if key in found:
                continue
            identity = named(thing, result.register, result.options)
            register, agreed = agreement(result, item, name, identity)
            found[key] = {"what": f"{STORAGE_LABELS[item]} {name}", "item": item, "name": name, "where": where,
                          **columns(identity), "register": register, "agrees": agreed}
    return list(found.values())


def source_line() -> str:
    """Where the names come from, for the reports' footnote."""
    source = database().source
    return (f"Names from the Open Cookie Database ({source['url']}, commit {source['commit'][:12]} of {source['date']}, "
            f"{source['licence']}), policypress's service catalog, and policypress for its own consent banner.")

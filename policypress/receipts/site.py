"""What the service knows of the site it keeps receipts for: every revision of the consent policy a
receipt may name, with the categories the banner offered under it; the site's languages and
jurisdiction; the origins its pages come from; the path receipts are sent to.

It is read from the site's own sources (`--site mkdocs.yml`): the same load and the same banner
configuration (`core.consent.config`) the build uses, so a receipt is checked against exactly
what the banner was built from. Released revisions stay known after a newer one is published,
since open pages may still send receipts for them.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core import consent, texts
from ..core.model import Revision, Site

# Where receipts are taken when the site names no endpoint (consent.endpoint in mkdocs.yml).
DEFAULT_PATH = "/receipts"


@dataclass(frozen=True)
class Category:
    """A category as the banner offered it: the facts a receipt repeats, and its name in each of
    the site's languages (what is stored, whatever name a receipt sends)."""

    id: str
    required: bool
    dpv: tuple[str, ...]
    legal_basis: str | tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Offer:
    """One revision of the consent policy, as a receipt names it ("cookies 1.1")."""

    revision: str
    fingerprint: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class SiteFacts:
    revisions: Mapping[str, Offer]
    languages: tuple[str, ...]
    jurisdiction: str
    origins: tuple[str, ...] = ()  # scheme://host[:port] of the site's pages, for CORS
    path: str = DEFAULT_PATH  # where the banner sends receipts
    controller: str | None = None  # the controller's name, for the JSON-LD export
    site_url: str | None = None
    policy: str = ""  # the consent policy's id


class SiteError(Exception):
    """The site cannot tell what a receipt may contain: printed as it is, exit status 2."""


def offer(policy_id: str, revision: Revision, languages: Sequence[str]) -> Offer:
    """The categories of a revision as `core.consent.config` gives them to the banner in each
    language: the facts (the same in every language), and the names."""
    built = {language: _config(policy_id, revision, language) for language in languages}
    first = built[languages[0]]
    categories = tuple(
        Category(c["id"], bool(c.get("required")), tuple(c.get("dpv", ())),
                 c["legalBasis"] if isinstance(c["legalBasis"], str) else tuple(c["legalBasis"]),
                 {language: config["categories"][i]["name"] for language, config in built.items()})
        for i, c in enumerate(first["categories"]))
    return Offer(first["revision"], first["fingerprint"], categories)


def _config(policy_id: str, revision: Revision, language: str) -> dict[str, Any]:
    # The interface strings of the language (the necessary category's name is one), without the
    # others the banner needs and a receipt does not repeat.
    try:
        strings: Mapping[str, str] = texts.strings(language)
    except texts.NoCatalog:
        strings = collections.defaultdict(str)
    return consent.config(policy_id, revision, language, strings, notice="", cookie="",
                          max_age_days=consent.MAX_AGE_DAYS, endpoint=None, jurisdiction="", consent_mode=False)


def facts_from_site(site: Site, policy_id: str, *, jurisdiction: str, endpoint: str | None = None,
                    origins: Sequence[str] = (), site_url: str | None = None) -> SiteFacts:
    """The facts of a loaded site, for the policy whose categories the banner offers."""
    policy = site.policies.get(policy_id)
    if policy is None:
        raise SiteError(f"the site has no policy {policy_id!r} (it has {', '.join(site.policies) or 'none'})")
    revisions = [*policy.revisions, *([policy.draft] if policy.draft is not None else [])]
    languages = [site.default_language, *(lang for lang in site.languages if lang != site.default_language)]
    offers = {o.revision: o for o in (offer(policy_id, r, languages) for r in revisions)}
    found = [origin(u) for u in [site_url, *origins] if u]
    controller = site.info.controller.name if site.info.controller is not None else None
    return SiteFacts(offers, tuple(site.languages), jurisdiction, tuple(dict.fromkeys(found)),
                     endpoint_path(endpoint), controller, site_url, policy_id)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, as browsers send it in Origin."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteError(f"expected an origin such as https://www.example.com, found {url!r}")
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def endpoint_path(endpoint: str | None) -> str:
    """The path part of consent.endpoint: a full URL when the service runs on another host, or a
    path on the site's own host."""
    if not endpoint:
        return DEFAULT_PATH
    path = urlsplit(endpoint).path or "/"
    return path if path.startswith("/") else "/" + path


def load_facts(config_file: Path, origins: Sequence[str] = ()) -> SiteFacts:
    """The facts of the site whose mkdocs.yml this is, read as `policypress check` reads it (the
    MkDocs configuration is read by the command line's own functions; nothing here imports
    MkDocs)."""
    from ..siteconfig import UsageError, read_config, validated
    from ..core.load import load_site
    from ..core.problems import format_problems

    try:
        config = read_config(config_file)
        settings = validated(config, config_file)
    except UsageError as error:
        raise SiteError("\n".join(error.lines)) from None
    options = config.plugins["policypress"].config.consent  # type: ignore[attr-defined]
    result = load_site(settings.docs_dir, settings.languages, settings.default, root=config_file.resolve().parent,
                       info=settings.info, config_source=config_file.name)
    if result.problems:
        raise SiteError(f"{config_file}: the site has problems; `policypress check` lists them\n"
                        + format_problems(result.problems))
    policy_id = options.policy or next((pid for pid, p in result.site.policies.items() if p.living.register.cookies), None)
    if not options.enabled or policy_id is None:
        raise SiteError(f"{config_file}: the site has no consent banner (no policy lists cookies, or consent is off)")
    return facts_from_site(result.site, policy_id, jurisdiction=options.jurisdiction, endpoint=options.endpoint,
                           origins=origins, site_url=config.get("site_url") or None)

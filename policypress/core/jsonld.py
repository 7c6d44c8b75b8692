"""JSON-LD for policy pages: schema.org for the page, W3C DPV 2.3 for the processing.

The same register that renders the tables is described here: every purpose is a `dpv:Process`
with its purposes, legal basis, personal data, data subjects, sources, recipients, storage
condition, the cross-border transfers it involves and the cookies it uses. Node ids come from
the revision's permanent URL in the default language, so the Swedish and the English page of
a revision describe the same graph; only the language-tagged labels differ. A page about a
released revision describes that revision's processing, not today's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import vocabulary as vocab
from .model import Address, Policy, Purpose, Register, Revision, SiteInfo
from .register import retention_text

CONTEXT_FILE = Path(__file__).resolve().parent.parent / "assets" / "context.jsonld"

Node = dict[str, Any]


@cache
def context() -> dict[str, Any]:
    """Our @context (DPV publishes none): schema.org as vocabulary plus the DPV prefixes."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def ref(iri: str) -> Node:
    return {"@id": iri}


def text(value: str, language: str) -> Node:
    return {"@value": value, "@language": language}


@dataclass(frozen=True)
class PageUrls:
    """Absolute URLs the adapter knows and the core does not."""

    page: str  # the page being described
    translations: Mapping[str, str]  # language -> the same page in that language
    revision: str  # the revision's permanent URL in the default language (base of node ids)
    site: str  # the site's home, base of the controller's id


def site_nodes(info: SiteInfo, site: str) -> list[Node]:
    """The controller, its data protection officer and the supervisory authority."""
    nodes: list[Node] = []
    controller = info.controller
    if controller is not None:
        node: Node = {"@id": controller_id(site), "@type": ["Organization", "dpv:DataController"],
                      "name": controller.name, "legalName": controller.name}
        for key, value in (("identifier", controller.identifier), ("email", controller.email),
                           ("telephone", controller.phone), ("url", controller.url)):
            if value:
                node[key] = value
        if controller.address:
            node["address"] = _address(controller.address)
        if info.dpo is not None and info.dpo.appointed:
            node["dpv:hasDataProtectionOfficer"] = ref(f"{site}#dpo")
        nodes.append(node)
    if info.dpo is not None and info.dpo.appointed:
        dpo: Node = {"@id": f"{site}#dpo", "@type": "dpv:DataProtectionOfficer"}
        for key, value in (("name", info.dpo.name), ("email", info.dpo.email)):
            if value:
                dpo[key] = value
        if info.dpo.address:
            dpo["address"] = _address(info.dpo.address)
        nodes.append(dpo)
    if info.authority is not None:
        authority: Node = {"@id": info.authority.term, "@type": ["GovernmentOrganization", "eu-gdpr:DataProtectionAuthority"],
                           "name": info.authority.name}
        if info.authority.url:
            authority["url"] = info.authority.url
        if info.authority.address:
            authority["address"] = _address(info.authority.address)
        nodes.append(authority)
    return nodes


def controller_id(site: str) -> str:
    return f"{site}#controller"


def _address(address: Address) -> Node:
    return {"@type": "PostalAddress", "streetAddress": address.street, "postalCode": address.postal_code,
            "addressLocality": address.locality, "addressCountry": address.country}


def register_nodes(register: Register, language: str, base: str, controller: str | None) -> list[Node]:
    """Every processing activity of a revision, with what it involves."""
    nodes: list[Node] = []
    transfers: dict[str, list[str]] = {}
    for transfer in register.transfers:
        node_id = f"{base}#transfer-{transfer.recipient}-{transfer.country.lower()}"
        transfers.setdefault(transfer.recipient, []).append(node_id)
        nodes.append({"@id": node_id, "@type": "dpv:CrossBorderTransfer",
                      "dpv:hasRecipient": ref(f"{base}#recipient-{transfer.recipient}"),
                      "dpv:hasThirdCountry": ref(f"loc:{transfer.country}"),
                      "dpv:hasLegalBasis": ref(transfer.safeguard)})
    for recipient in register.recipients:
        node: Node = {"@id": f"{base}#recipient-{recipient.id}", "@type": recipient.kind,
                      "name": text(recipient.text[language].name, language),
                      "dpv:hasCountry": ref(f"loc:{recipient.country}")}
        if recipient.text[language].description:
            node["description"] = text(recipient.text[language].description, language)
        nodes.append(node)
    for cookie in register.cookies:
        node = {"@id": f"{base}#cookie-{cookie.name}", "@type": "tech:Cookie", "name": cookie.name,
                "description": text(cookie.text[language].description, language)}
        if cookie.duration != "session":
            node["dpv:hasDuration"] = {"@value": str(cookie.duration), "@type": "xsd:duration"}
        nodes.append(node)
    nodes += [process_node(register, purpose, language, base, controller, transfers) for purpose in register.processing]
    return nodes


def process_node(register: Register, purpose: Purpose, language: str, base: str, controller: str | None,
                 transfers: dict[str, list[str]]) -> Node:
    """One purpose as a `dpv:Process`; `transfers` are the ids of the transfer nodes per recipient."""
    categories = {c.id: c for c in register.personal_data}
    process: Node = {
        "@id": f"{base}#process-{purpose.id}",
        "@type": "dpv:Process",
        "name": text(purpose.text[language].name, language),
        "description": text(purpose.text[language].description, language),
        "dpv:hasPurpose": [ref(term) for term in purpose.purpose],
        "dpv:hasLegalBasis": [ref(purpose.legal_basis)],
        "dpv:hasPersonalData": [ref(term) for c in purpose.data for term in categories[c].terms],
    }
    interest = purpose.text[language].legitimate_interest
    if purpose.legal_basis == vocab.LEGITIMATE_INTEREST and interest:
        process["dpv:hasLegalBasis"].append({"@type": "dpv:LegitimateInterestOfController",
                                             "description": text(interest, language)})
    if controller:
        process["dpv:hasDataController"] = ref(controller)
    if purpose.subjects:
        process["dpv:hasDataSubject"] = [ref(term) for term in purpose.subjects]
    if purpose.sources:
        process["dpv:hasDataSource"] = [ref(term) for term in purpose.sources]
    if purpose.recipients:
        process["dpv:hasRecipient"] = [ref(f"{base}#recipient-{r}") for r in purpose.recipients]
        involved = [t for r in purpose.recipients for t in transfers.get(r, [])]
        if involved:
            process["dpv:hasProcess"] = [ref(t) for t in involved]
    if purpose.retention is not None:
        condition: Node = {"@type": "dpv:StorageDuration" if purpose.retention.duration else "dpv:StorageCondition",
                           "description": text(retention_text(purpose, language), language)}
        if purpose.retention.duration:
            condition["dpv:hasDuration"] = {"@value": str(purpose.retention.duration), "@type": "xsd:duration"}
        process["dpv:hasStorageCondition"] = condition
    if purpose.automated_decisions:
        process["dpv:hasProcessing"] = ref("dpv:AutomatedDecisionMaking")
    cookies = register.cookies_for(purpose.id)
    if cookies:
        process["dpv:isImplementedUsingTechnology"] = [ref(f"{base}#cookie-{c.name}") for c in cookies]
    return process


def page_document(
    info: SiteInfo,
    policy: Policy,
    revision: Revision,
    language: str,
    default_language: str,
    urls: PageUrls,
    published: str | None,
    modified: str | None,
) -> dict[str, Any]:
    """The JSON-LD of one policy page: the page itself and the processing it describes."""
    processing = register_nodes(revision.register, language, urls.revision,
                                controller_id(urls.site) if info.controller else None)
    page: Node = {
        "@id": urls.page,
        "@type": ["WebPage", "dpv:PrivacyNotice"],
        "name": revision.texts[language].title,
        "url": urls.page,
        "version": str(revision.version),
        "inLanguage": language,
        "about": [ref(node["@id"]) for node in processing if node["@type"] == "dpv:Process"],
    }
    if published and modified:  # a draft has neither
        page["datePublished"], page["dateModified"] = published, modified
    if info.controller is not None:
        page["publisher"] = ref(controller_id(urls.site))
        page["dpv:hasDataController"] = ref(controller_id(urls.site))
    if language == default_language:
        others = [ref(url) for lang, url in urls.translations.items() if lang != language]
        if others:
            page["workTranslation"] = others
    elif default_language in urls.translations:
        page["translationOfWork"] = ref(urls.translations[default_language])
    if revision.register.rights:
        page["dpv:hasRight"] = [ref(right) for right in revision.register.rights]
    if info.authority is not None:
        page["dpv:hasAuthority"] = ref(info.authority.term)
    return {"@context": context(), "@graph": [page, *site_nodes(info, urls.site), *processing]}


def processing_document(
    info: SiteInfo,
    described: Sequence[tuple[Revision, str, str]],
    language: str,
    site: str,
    context_url: str,
) -> dict[str, Any]:
    """Everything processed today, site-wide: (revision, its page URL, its id base) for each
    policy in force."""
    graph: list[Node] = site_nodes(info, site)
    controller = controller_id(site) if info.controller else None
    for revision, page_url, base in described:
        processing = register_nodes(revision.register, language, base, controller)
        graph.append({"@id": page_url, "@type": ["WebPage", "dpv:PrivacyNotice"], "name": revision.texts[language].title,
                      "version": str(revision.version), "inLanguage": language,
                      "about": [ref(n["@id"]) for n in processing if n["@type"] == "dpv:Process"]})
        graph.extend(processing)
    return {"@context": context_url, "@graph": graph}

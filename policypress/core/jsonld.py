"""JSON-LD for policy pages: schema.org for the page, W3C DPV 2.3 for the processing.

The same register that renders the tables is described here: every purpose is a `dpv:Process`
with its purposes, legal basis, personal data, data subjects, sources, recipients, storage
condition, the cross-border transfers it involves and the cookies it uses. Node ids come from
the revision's permanent URL in the default language, so the Swedish and the English page of
a revision describe the same graph; only the language-tagged labels differ. A page about a
released revision describes that revision's processing, not today's.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import vocabulary as vocab
from .model import Address, Policy, ProcessorActivity, Purpose, Register, Revision, SiteInfo
from .schema import Transfer
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


def one_or_list(nodes: list[Node]) -> Node | list[Node]:
    return nodes[0] if len(nodes) == 1 else nodes


def place_node(item: str, language: str) -> Node:
    """A country as its DPV location concept; a region as DPV's concept where it has one (the EEA),
    else as a described node."""
    if item == "EEA":
        return ref("loc:EEA")
    if item in vocab.REGIONS:
        node: Node = {"@type": "dpv:ThirdCountry" if item == "third-countries" else "dpv:Location",
                      "description": text(vocab.label(vocab.REGIONS, item, language), language)}
        if item == "worldwide":
            node["dpv:hasGeographicCoverage"] = ref("dpv:GlobalScale")
        return node
    return ref(f"loc:{item}")


def transfer_id(base: str, transfer: Transfer) -> str:
    return f"{base}#transfer-{transfer.recipient or 'any'}-{'-'.join(c.lower() for c in transfer.country)}"


def register_nodes(register: Register, language: str, base: str, controller: str | None) -> list[Node]:
    """Every processing activity of a revision, with what it involves."""
    nodes: list[Node] = []
    for transfer in register.transfers:
        node: Node = {"@id": transfer_id(base, transfer), "@type": "dpv:CrossBorderTransfer"}
        if transfer.recipient:
            node["dpv:hasRecipient"] = ref(f"{base}#recipient-{transfer.recipient}")
        node["dpv:hasThirdCountry"] = one_or_list([place_node(c, language) for c in transfer.country])
        node["dpv:hasLegalBasis"] = one_or_list([ref(term) for term in transfer.safeguard])
        nodes.append(node)
    for recipient in register.recipients:
        node = {"@id": f"{base}#recipient-{recipient.id}", "@type": recipient.kind,
                "name": text(recipient.text[language].name, language)}
        if len(recipient.country) == 1 and recipient.country[0] not in vocab.REGIONS:
            node["dpv:hasCountry"] = ref(f"loc:{recipient.country[0]}")
        else:
            node["dpv:hasLocation"] = one_or_list([place_node(c, language) for c in recipient.country])
        if recipient.text[language].description:
            node["description"] = text(recipient.text[language].description, language)
        nodes.append(node)
    for source in register.sources:
        node = {"@id": f"{base}#source-{source.id}", "@type": source.kind, "name": text(source.text[language].name, language)}
        if source.text[language].description:
            node["description"] = text(source.text[language].description, language)
        nodes.append(node)
    for cookie in register.cookies:
        node = {"@id": f"{base}#cookie-{cookie.name}", "@type": "tech:Cookie", "name": cookie.name,
                "description": text(cookie.text[language].description, language)}
        if cookie.duration != "session":
            node["dpv:hasDuration"] = {"@value": str(cookie.duration), "@type": "xsd:duration"}
        nodes.append(node)
    nodes += [process_node(register, purpose, language, base, controller) for purpose in register.processing]
    nodes += [processor_node(activity, language, base, controller) for activity in register.processor_activities]
    return nodes


def processor_node(activity: ProcessorActivity, language: str, base: str, controller: str | None) -> Node:
    """Work done for customers: the organisation is their processor (Art. 28), not the controller."""
    node: Node = {"@id": f"{base}#processor-{activity.id}", "@type": "dpv:Process",
                  "name": text(activity.text[language].name, language),
                  "description": text(activity.text[language].description, language)}
    if controller:
        node["dpv:hasDataProcessor"] = ref(controller)
    return node


def process_node(register: Register, purpose: Purpose, language: str, base: str, controller: str | None) -> Node:
    """One purpose as a `dpv:Process` with its bases, data, subjects, sources and recipients."""
    categories = {c.id: c for c in register.personal_data}
    named = {s.id for s in register.sources}
    process: Node = {
        "@id": f"{base}#process-{purpose.id}",
        "@type": "dpv:Process",
        "name": text(purpose.text[language].name, language),
        "description": text(purpose.text[language].description, language),
        "dpv:hasPurpose": [ref(term) for term in purpose.purpose],
        "dpv:hasLegalBasis": [ref(term) for term in (*purpose.legal_basis, *(purpose.special_category_condition or ()))],
        "dpv:hasPersonalData": [ref(term) for c in purpose.data for term in categories[c].terms],
    }
    interest = purpose.text[language].legitimate_interest
    if vocab.LEGITIMATE_INTEREST in purpose.legal_basis and interest:
        process["dpv:hasLegalBasis"].append({"@type": "dpv:LegitimateInterestOfController",
                                             "description": text(interest, language)})
    if controller:
        process["dpv:hasDataController"] = ref(controller)
    if purpose.subjects:
        process["dpv:hasDataSubject"] = [ref(term) for term in purpose.subjects]
    if purpose.sources:
        process["dpv:hasDataSource"] = [ref(f"{base}#source-{s}" if s in named else s) for s in purpose.sources]
    if purpose.recipients:
        process["dpv:hasRecipient"] = [ref(f"{base}#recipient-{r}") for r in purpose.recipients]
        involved = [transfer_id(base, t) for r in purpose.recipients for t in register.transfers_to(r)]
        if involved:
            process["dpv:hasProcess"] = [ref(t) for t in dict.fromkeys(involved)]
    # A stated retention, or its criterion in words (no duration to state: a plain condition).
    if retention := retention_text(purpose, language):
        duration = purpose.retention.duration if purpose.retention else None
        condition: Node = {"@type": "dpv:StorageDuration" if duration else "dpv:StorageCondition",
                           "description": text(retention, language)}
        if duration:
            condition["dpv:hasDuration"] = {"@value": str(duration), "@type": "xsd:duration"}
        process["dpv:hasStorageCondition"] = condition
    handling = [ref("dpv:AutomatedDecisionMaking")] if register.decides_automatically(purpose) else []
    handling += [ref("dpv:Profiling")] if purpose.profiling else []
    if handling:
        process["dpv:hasProcessing"] = one_or_list(handling)
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
    # A policy that names its own supervisory authority overrides the site's.
    info = dataclasses.replace(info, authority=revision.register.authority or info.authority)
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

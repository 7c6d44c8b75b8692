"""Unit tests of policypress.core.jsonld and htmljson on the example site's model, without MkDocs.

The documents are made by the core directly, for every released revision of every policy in
every language, and read the way processors read them: pyld turns them into RDF (offline),
rdflib holds the graph. Every assertion compares the graph with the model it was made from.
`test_jsonld.py` checks the same documents inside a full build.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
import rdflib
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from rdflib.compare import isomorphic

from conftest import TODAY, example_info, plugin_options
from policypress.core import dpv, jsonld
from policypress.core import vocabulary as vocab
from policypress.core.htmljson import script_json
from policypress.core.model import Policy, Revision, Site, SiteInfo
from policypress.core.timeline import Timeline

# The adapter decides the URLs; any absolute ones do for the core.
SITE = "https://policies.test/"
CONTEXT_URL = SITE + "context.jsonld"
LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]
DEFAULT = next(language["locale"] for language in plugin_options("i18n")["languages"] if language.get("default"))
DPV = rdflib.Namespace("https://w3id.org/dpv#")
TECH = rdflib.Namespace("https://w3id.org/dpv/tech#")
SCHEMA = rdflib.Namespace("https://schema.org/")
RDF = rdflib.RDF


def expand(curie: str) -> rdflib.URIRef:
    """A term as processors read it, through the context the site publishes."""
    prefix, name = curie.split(":", 1)
    return rdflib.URIRef(jsonld.context()[prefix] + name)


def offline(url: str, options: dict) -> dict:
    """pyld's document loader: only our own context, from the package, never the network."""
    assert url == CONTEXT_URL, f"the JSON-LD needed {url}, which is not local"
    document = json.loads(jsonld.CONTEXT_FILE.read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def to_graph(document: dict) -> rdflib.Graph:
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": offline})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")  # everything is in the default graph
    return graph


def page_url(policy: Policy, revision: Revision, language: str, site: Site) -> str:
    prefix = "" if language == site.default_language else f"{language}/"
    return f"{SITE}{prefix}{policy.id}/{revision.version}/"


def page_urls(policy: Policy, revision: Revision, language: str, site: Site) -> jsonld.PageUrls:
    return jsonld.PageUrls(
        page=page_url(policy, revision, language, site),
        translations={lang: page_url(policy, revision, lang, site) for lang in site.languages},
        revision=page_url(policy, revision, site.default_language, site),
        site=SITE,
    )


@dataclasses.dataclass(frozen=True)
class Described:
    """One page's JSON-LD, made by the core, and its RDF graph."""

    policy: Policy
    revision: Revision
    language: str
    urls: jsonld.PageUrls
    document: dict
    graph: rdflib.Graph

    @property
    def page(self) -> rdflib.URIRef:
        return rdflib.URIRef(self.urls.page)

    def named(self, name: str, kind: rdflib.URIRef, labelled: bool = True) -> rdflib.term.Node:
        """The one node of a type with this name (a label in the page's language, or plain text)."""
        literal = rdflib.Literal(name, lang=self.language if labelled else None)
        nodes = [s for s in self.graph.subjects(SCHEMA.name, literal)
                 if (s, RDF.type, kind) in self.graph]
        assert len(nodes) == 1, (name, nodes)
        return nodes[0]


def objects(graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef) -> set:
    return set(graph.objects(node, predicate))


def describe(site: Site, policy: Policy, revision: Revision, language: str) -> Described:
    urls = page_urls(policy, revision, language, site)
    first, own = policy.revisions[0].published, revision.published
    assert first is not None and own is not None
    document = jsonld.page_document(site.info, policy, revision, language, site.default_language, urls,
                                    published=first.isoformat(), modified=own.isoformat())
    return Described(policy, revision, language, urls, document, to_graph(document))


@pytest.fixture(scope="module")
def described(example_model: Site) -> list[Described]:
    """Every released revision of every policy, in every language."""
    return [describe(example_model, policy, revision, language)
            for policy in example_model.policies.values() for revision in policy.revisions for language in LANGUAGES]


def each(described: list[Described], language: str) -> Iterator[Described]:
    pages = [d for d in described if d.language == language]
    assert len(pages) >= 2 * len({d.policy.id for d in described})  # every policy has a history
    yield from pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_purpose_is_a_process_with_its_legal_basis_data_and_retention(described: list[Described], language: str) -> None:
    for page in each(described, language):
        register, graph = page.revision.register, page.graph
        processes = len(register.processing) + len(register.processor_activities)
        assert len(set(graph.subjects(RDF.type, DPV.Process))) == processes
        named = {s.id: page.named(s.text[language].name, expand(s.kind)) for s in register.sources}
        for purpose in register.processing:
            text = purpose.text[language]
            process = page.named(text.name, DPV.Process)
            assert (process, SCHEMA.description, rdflib.Literal(text.description, lang=language)) in graph
            assert objects(graph, process, DPV.hasPurpose) == {expand(term) for term in purpose.purpose}
            bases = objects(graph, process, DPV.hasLegalBasis)
            # Every Art. 6(1) basis, and the Art. 9(2) condition where special-category data is processed.
            assert {b for b in bases if isinstance(b, rdflib.URIRef)} == {
                expand(term) for term in (*purpose.legal_basis, *(purpose.special_category_condition or ()))}
            interests = {b for b in bases if (b, RDF.type, DPV.LegitimateInterestOfController) in graph}
            if vocab.LEGITIMATE_INTEREST in purpose.legal_basis:
                assert [objects(graph, b, SCHEMA.description) for b in interests] == [
                    {rdflib.Literal(text.legitimate_interest, lang=language)}]
            else:
                assert interests == set()
            assert objects(graph, process, DPV.hasPersonalData) == {
                expand(term) for category in purpose.data for term in register.category(category).terms}
            assert objects(graph, process, DPV.hasDataSubject) == {expand(term) for term in purpose.subjects}
            # Named sources are nodes of their own; DPV's classes are referred to as they are.
            assert objects(graph, process, DPV.hasDataSource) == {
                named[s] if s in named else expand(s) for s in purpose.sources}
            automated = (process, DPV.hasProcessing, DPV.AutomatedDecisionMaking) in graph
            assert automated == bool(register.decides_automatically(purpose))
            assert ((process, DPV.hasProcessing, DPV.Profiling) in graph) == bool(purpose.profiling)
        for activity in register.processor_activities:
            # Work done for customers: the company is their processor, not the controller.
            process = page.named(activity.text[language].name, DPV.Process)
            assert objects(graph, process, DPV.hasDataController) == set()
            assert len(objects(graph, process, DPV.hasDataProcessor)) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_storage_conditions_are_the_retention(described: list[Described], language: str) -> None:
    for page in each(described, language):
        graph = page.graph
        for purpose in page.revision.register.processing:
            process = page.named(purpose.text[language].name, DPV.Process)
            (condition,) = objects(graph, process, DPV.hasStorageCondition)
            assert purpose.retention is not None
            duration = purpose.retention.duration
            # rdflib reads an xsd:duration as a duration (P13M == P1Y1M): compare as RDF reads it.
            expected = {rdflib.Literal(str(duration), datatype=rdflib.XSD.duration)} if duration else set()
            assert objects(graph, condition, DPV.hasDuration) == expected
            kind = DPV.StorageDuration if duration else DPV.StorageCondition
            assert objects(graph, condition, RDF.type) == {kind}
            (description,) = objects(graph, condition, SCHEMA.description)
            assert description.language == language and str(description)


@pytest.mark.parametrize("language", LANGUAGES)
def test_recipients_transfers_and_cookies_of_each_process(described: list[Described], language: str) -> None:
    for page in each(described, language):
        register, graph = page.revision.register, page.graph
        for purpose in register.processing:
            process = page.named(purpose.text[language].name, DPV.Process)
            recipients = {page.named(register.recipient(r).text[language].name, expand(register.recipient(r).kind))
                          for r in purpose.recipients}
            assert objects(graph, process, DPV.hasRecipient) == recipients
            for r in purpose.recipients:
                node = page.named(register.recipient(r).text[language].name, expand(register.recipient(r).kind))
                country = register.recipient(r).country
                assert objects(graph, node, DPV.hasCountry) == {expand(f"loc:{code}") for code in country}
            transfers = {(frozenset(objects(graph, t, DPV.hasThirdCountry)), frozenset(objects(graph, t, DPV.hasLegalBasis)))
                         for t in objects(graph, process, DPV.hasProcess)}
            assert transfers == {(frozenset(expand(f"loc:{c}") for c in t.country), frozenset(map(expand, t.safeguard)))
                                 for r in purpose.recipients for t in register.transfers_to(r)}
            cookies = objects(graph, process, DPV.isImplementedUsingTechnology)
            assert all((c, RDF.type, TECH.Cookie) in graph for c in cookies)
            assert {str(next(iter(objects(graph, c, SCHEMA.name)))) for c in cookies} == {
                c.name for c in register.cookies_for(purpose.id)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_node_describes_the_page(described: list[Described], language: str) -> None:
    info = example_info()
    for page in each(described, language):
        graph, revision, node = page.graph, page.revision, page.page
        assert objects(graph, node, RDF.type) == {SCHEMA.WebPage, DPV.PrivacyNotice}
        assert objects(graph, node, SCHEMA.name) == {rdflib.Literal(revision.texts[language].title)}
        assert objects(graph, node, SCHEMA.version) == {rdflib.Literal(str(revision.version))}
        assert objects(graph, node, SCHEMA.inLanguage) == {rdflib.Literal(language)}
        assert objects(graph, node, SCHEMA.about) == set(graph.subjects(RDF.type, DPV.Process))
        assert objects(graph, node, SCHEMA.datePublished) == {rdflib.Literal(page.policy.revisions[0].published.isoformat())}
        assert objects(graph, node, SCHEMA.dateModified) == {rdflib.Literal(revision.published.isoformat())}
        controller = page.named(info.controller.name, SCHEMA.Organization, labelled=False)
        assert objects(graph, node, SCHEMA.publisher) == objects(graph, node, DPV.hasDataController) == {controller}
        assert objects(graph, node, DPV.hasRight) == {expand(right) for right in revision.register.rights}
        assert objects(graph, node, DPV.hasAuthority) == {expand(info.authority.term)}
        others = {rdflib.URIRef(url) for lang, url in page.urls.translations.items() if lang != language}
        if language == DEFAULT:
            assert objects(graph, node, SCHEMA.workTranslation) == others
            assert objects(graph, node, SCHEMA.translationOfWork) == set()
        else:
            assert objects(graph, node, SCHEMA.translationOfWork) == {rdflib.URIRef(page.urls.translations[DEFAULT])}
            assert objects(graph, node, SCHEMA.workTranslation) == set()


def test_the_controller_dpo_and_authority_are_those_of_mkdocs_yml(described: list[Described]) -> None:
    info = example_info()
    for page in described:
        graph = page.graph
        controller = page.named(info.controller.name, SCHEMA.Organization, labelled=False)
        assert (controller, RDF.type, DPV.DataController) in graph
        for predicate, value in ((SCHEMA.identifier, info.controller.identifier), (SCHEMA.email, info.controller.email),
                                 (SCHEMA.url, info.controller.url), (SCHEMA.legalName, info.controller.name)):
            assert objects(graph, controller, predicate) == {rdflib.Literal(value)}
        (address,) = objects(graph, controller, SCHEMA.address)
        assert {(p, str(o)) for p, o in graph.predicate_objects(address) if p != RDF.type} == {
            (SCHEMA.streetAddress, info.controller.address.street), (SCHEMA.postalCode, info.controller.address.postal_code),
            (SCHEMA.addressLocality, info.controller.address.locality),
            (SCHEMA.addressCountry, info.controller.address.country)}
        (dpo,) = objects(graph, controller, DPV.hasDataProtectionOfficer)
        assert objects(graph, dpo, SCHEMA.email) == {rdflib.Literal(info.dpo.email)}
        authority = expand(info.authority.term)
        assert objects(graph, authority, SCHEMA.name) == {rdflib.Literal(info.authority.name)}
        assert objects(graph, authority, SCHEMA.url) == {rdflib.Literal(info.authority.url)}
        processor_work = set(graph.subjects(DPV.hasDataProcessor, controller))
        for process in set(graph.subjects(RDF.type, DPV.Process)) - processor_work:
            assert objects(graph, process, DPV.hasDataController) == {controller}


def without_labels_and_page(page: Described) -> rdflib.Graph:
    """The graph minus language-tagged literals and the page's own node (its URL is per language)."""
    kept = rdflib.Graph()
    for s, p, o in page.graph:
        if s != page.page and not (isinstance(o, rdflib.Literal) and o.language):
            kept.add((s, p, o))
    return kept


def test_every_language_describes_the_same_graph_apart_from_labels(described: list[Described]) -> None:
    by_revision: dict[tuple[str, str], list[Described]] = {}
    for page in described:
        by_revision.setdefault((page.policy.id, str(page.revision.version)), []).append(page)
    for pages in by_revision.values():
        assert [p.language for p in pages] == LANGUAGES
        first, *others = [without_labels_and_page(p) for p in pages]
        assert len(first) > 50
        for other in others:
            assert isomorphic(first, other)


def test_each_revision_describes_its_own_processing(described: list[Described]) -> None:
    for page in described:
        names = {str(n) for p in page.graph.subjects(RDF.type, DPV.Process) for n in page.graph.objects(p, SCHEMA.name)}
        register = page.revision.register
        assert names == {p.text[page.language].name for p in (*register.processing, *register.processor_activities)}
    versions = {(p.policy.id, frozenset(q.id for q in p.revision.register.processing)) for p in described}
    assert len(versions) > len({p.policy.id for p in described}), "the example's purposes change between revisions"


def test_every_dpv_term_used_exists(described: list[Described]) -> None:
    namespaces = {namespace: prefix for prefix, namespace in dpv.namespaces().items()}
    used = {str(node) for page in described for triple in page.graph for node in triple if isinstance(node, rdflib.URIRef)}
    terms = {f"{prefix}:{iri[len(namespace):]}" for iri in used for namespace, prefix in namespaces.items()
             if iri.startswith(namespace)}
    assert len(terms) > 30
    assert [term for term in sorted(terms) if not dpv.exists(term)] == []


def test_without_site_info_there_is_no_controller(example_model: Site) -> None:
    policy = example_model.policies["privacy"]
    revision = policy.revisions[-1]
    urls = page_urls(policy, revision, "en", example_model)
    document = jsonld.page_document(SiteInfo(), policy, revision, "en", example_model.default_language, urls,
                                    published=None, modified=None)
    graph = to_graph(document)
    assert set(graph.subjects(RDF.type, SCHEMA.Organization)) == set()
    assert set(graph.objects(None, DPV.hasDataController)) == set()
    assert set(graph.objects(None, SCHEMA.publisher)) == set()
    # A draft (no publication) has no dates.
    assert set(graph.objects(None, SCHEMA.datePublished)) == set(graph.objects(None, SCHEMA.dateModified)) == set()
    assert len(set(graph.subjects(RDF.type, DPV.Process))) == len(revision.register.processing) + len(
        revision.register.processor_activities)
    assert set(graph.objects(None, DPV.hasDataProcessor)) == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_site_wide_document_lists_what_is_in_force(example_model: Site, language: str) -> None:
    in_force = [(policy, Timeline(policy, TODAY).in_force) for policy in example_model.policies.values()]
    described_ = [(revision, page_url(policy, revision, language, example_model),
                   page_url(policy, revision, example_model.default_language, example_model))
                  for policy, revision in in_force if revision is not None]
    assert len(described_) == len(example_model.policies)
    document = jsonld.processing_document(example_model.info, described_, language, SITE, CONTEXT_URL)
    assert document["@context"] == CONTEXT_URL
    graph = to_graph(document)
    for revision, url, _ in described_:
        about = objects(graph, rdflib.URIRef(url), SCHEMA.about)
        assert {str(next(iter(objects(graph, p, SCHEMA.name)))) for p in about} == {
            p.text[language].name for p in (*revision.register.processing, *revision.register.processor_activities)}
        assert objects(graph, rdflib.URIRef(url), SCHEMA.version) == {rdflib.Literal(str(revision.version))}
    assert len(set(graph.subjects(RDF.type, DPV.Process))) == sum(
        len(r.register.processing) + len(r.register.processor_activities) for r, _, _ in described_)


# --- JSON inside <script> -------------------------------------------------------------------------


def embedded(encoded: str) -> list[tuple[str, str]]:
    """The elements (and their text) that HTML parsers find in a page carrying `encoded` in a
    script element: Python's parser and libxml2's, which ends a script at any `</`."""
    page = f'<!DOCTYPE html><html><head><script type="application/ld+json">{encoded}</script></head><body></body></html>'
    parsed = []
    for soup in (BeautifulSoup(page, "html.parser"), BeautifulSoup(page, "lxml")):
        parsed.append([(element.name, element.string or "") for element in soup.find_all(True)
                       if element.name not in ("html", "head", "body")])
    assert parsed[0] == parsed[1]
    return parsed[0]


HOSTILE = ["</script><script>alert(1)</script>", "<!-- <script>", "a & b > c < d", "</SCRIPT >", "&amp; &lt;", "]]>"]


@pytest.mark.parametrize("value", HOSTILE)
def test_script_json_cannot_leave_the_script_element(value: str) -> None:
    document = {"name": value, "nested": [{"description": value}], value: value}
    encoded = script_json(document)
    assert not {"<", ">", "&"} & set(encoded)
    assert json.loads(encoded) == document
    assert embedded(encoded) == [("script", encoded)]


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=12))
def test_script_json_is_the_same_json_without_markup_characters(value) -> None:
    encoded = script_json({"value": value})
    assert not {"<", ">", "&"} & set(encoded)
    assert json.loads(encoded) == {"value": value}


def test_hostile_labels_stay_inside_the_page_s_json_ld(example_model: Site) -> None:
    policy = example_model.policies["privacy"]
    revision = policy.revisions[-1]
    register = revision.register
    processing = tuple(
        p.model_copy(update={"text": {lang: t.model_copy(update={"name": f"{HOSTILE[i % len(HOSTILE)]} {i}",
                                                                   "description": HOSTILE[(i + 1) % len(HOSTILE)]})
                                      for lang, t in p.text.items()}})
        for i, p in enumerate(register.processing))
    hostile = dataclasses.replace(revision, register=dataclasses.replace(register, processing=processing))
    page = describe(example_model, policy, hostile, "en")
    encoded = script_json(page.document)
    assert embedded(encoded) == [("script", encoded)]
    assert json.loads(encoded) == page.document
    assert {str(n) for p in page.graph.subjects(RDF.type, DPV.Process) for n in page.graph.objects(p, SCHEMA.name)} == {
        p.text["en"].name for p in (*processing, *register.processor_activities)}

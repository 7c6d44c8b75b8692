"""JSON-LD read the way processors read it: pulled from the HTML, expanded with pyld (offline),
loaded into rdflib and queried with SPARQL; what describes the policy in force, on each day the
example site changes state (EXAMPLE_DAYS in conftest)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from pathlib import Path
from urllib.parse import urldefrag

import pytest
import rdflib
from bs4 import BeautifulSoup
from pyld import jsonld as pyld
from rdflib.compare import isomorphic

from conftest import FIXTURES, Build, copy_site, in_force
from policypress.core import dpv
from policypress.core.htmljson import script_json as script_text
from policypress.core.typography import typeset_html

SITE = "https://integritet.solvikkaffe.example/"
CONTEXT_URL = SITE + "assets/policypress/context.jsonld"
DPV = rdflib.Namespace("https://w3id.org/dpv#")
PREFIXES = """
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def offline_loader(site: Path):
    """A pyld document loader that never touches the network: only our published context."""

    def load(url: str, options: dict) -> dict:
        if url == CONTEXT_URL:
            document = json.loads((site / "assets/policypress/context.jsonld").read_text())
            return {"contextUrl": None, "documentUrl": url, "document": document}
        raise AssertionError(f"the JSON-LD needed {url}, which is not local")

    return load


def to_graph(document: dict, site: Path) -> rdflib.Graph:
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": offline_loader(site)})
    assert nquads
    graph = rdflib.Graph()
    # Everything is in the default graph, so the N-Quads are N-Triples.
    graph.parse(data=nquads, format="nt")
    return graph


def page_document(build: Build, page: str) -> dict:
    scripts = build.html(page).select('script[type="application/ld+json"]')
    assert len(scripts) == 1, f"{page} has {len(scripts)} JSON-LD scripts"
    return json.loads(scripts[0].string)


def page_graph(build: Build, page: str) -> rdflib.Graph:
    return _graph(build.site, page)


@functools.cache
def _graph(site: Path, page: str) -> rdflib.Graph:
    """Parsed once per page (several tests read the same page; callers must not change it)."""
    return to_graph(page_document(Build(0, "", site), page), site)


def activity(iri: rdflib.term.Node) -> str:
    """What a dpv:Process names, by the fragment of its IRI: `process-<purpose id>` for a purpose of
    the controller, `processor-<activity id>` for work done for customers as their processor."""
    return urldefrag(str(iri)).fragment


def activities(revision) -> set[str]:
    """The fragments of every dpv:Process a revision's JSON-LD must have."""
    register = revision.register
    return {f"process-{p.id}" for p in register.processing} | {f"processor-{a.id}" for a in register.processor_activities}


def process_facts(graph: rdflib.Graph) -> dict[str, dict[str, set[str]]]:
    """Per process (by the fragment of its id): legal bases, personal data, durations."""
    rows = graph.query(PREFIXES + """
        SELECT ?process ?basis ?data ?duration WHERE {
            ?process a dpv:Process ; dpv:hasLegalBasis ?basis ; dpv:hasPersonalData ?data ;
                     dpv:hasStorageCondition ?storage .
            FILTER(isIRI(?basis))
            OPTIONAL { ?storage dpv:hasDuration ?duration }
        }""")
    facts: dict[str, dict[str, set[str]]] = {}
    for process, basis, data, duration in rows:
        entry = facts.setdefault(activity(process), {"basis": set(), "data": set(), "duration": set()})
        entry["basis"].add(str(basis))
        entry["data"].add(str(data))
        if duration is not None:
            entry["duration"].add(str(duration))
    return facts


def expand(curie: str) -> str:
    prefix, name = curie.split(":", 1)
    return dpv.namespaces()[prefix] + name


def expected_facts(revision) -> dict[str, dict[str, set[str]]]:
    register = revision.register
    return {
        f"process-{p.id}": {
            "basis": {expand(b) for b in (*p.legal_basis, *(p.special_category_condition or ()))},
            "data": {expand(t) for c in p.data for t in register.category(c).terms},
            # Compared as RDF reads it (rdflib normalises P13M to P1Y1M, the same duration).
            "duration": {str(rdflib.Literal(str(p.retention.duration), datatype=rdflib.XSD.duration))}
                        if p.retention and p.retention.duration else set(),
        }
        for p in register.processing
    }


@pytest.mark.parametrize("page", ["privacy/index.html", "en/privacy/index.html", "cookies/index.html"])
def test_every_purpose_appears_with_legal_basis_data_and_retention(example_day: dt.date, dated_build: Build, page: str) -> None:
    policy = page.split("/")[-2]
    assert process_facts(page_graph(dated_build, page)) == expected_facts(in_force(policy, example_day))


def test_page_metadata_is_schema_org(example_build: Build) -> None:
    graph = page_graph(example_build, "en/privacy/index.html")
    row = next(iter(graph.query(PREFIXES + """
        SELECT ?name ?version ?published ?modified ?language ?publisher ?original WHERE {
            ?page a schema:WebPage ; schema:name ?name ; schema:version ?version ; schema:datePublished ?published ;
                  schema:dateModified ?modified ; schema:inLanguage ?language ; schema:publisher ?publisher ;
                  schema:translationOfWork ?original .
        }""")))
    assert [str(v) for v in row] == [
        "Privacy policy", "2.0", "2024-02-01", "2025-04-15", "en", SITE + "#controller", SITE + "privacy/",
    ]
    sv = page_graph(example_build, "privacy/index.html")
    assert (rdflib.URIRef(SITE + "privacy/"), rdflib.URIRef("https://schema.org/workTranslation"),
            rdflib.URIRef(SITE + "en/privacy/")) in sv
    controller = next(iter(sv.query(PREFIXES + """
        SELECT ?name ?email ?dpo WHERE { ?c a dpv:DataController ; schema:name ?name ; schema:email ?email ;
                                             dpv:hasDataProtectionOfficer ?dpo . }""")))
    assert [str(v) for v in controller] == ["Solvik Kaffe AB", "integritet@solvikkaffe.example", SITE + "#dpo"]


def without_labels_and_page(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph minus language-tagged literals and the page's own (language-specific) node."""
    pages = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://schema.org/WebPage")))
    kept = rdflib.Graph()
    for s, p, o in graph:
        if s in pages or (isinstance(o, rdflib.Literal) and o.language):
            continue
        kept.add((s, p, o))
    return kept


@pytest.mark.parametrize("pages", [("privacy/index.html", "en/privacy/index.html"),
                                   ("privacy/1.1/index.html", "en/privacy/1.1/index.html"),
                                   ("cookies/index.html", "en/cookies/index.html")])
def test_swedish_and_english_pages_give_the_same_graph_apart_from_labels(dated_build: Build, pages: tuple[str, str]) -> None:
    sv, en = (without_labels_and_page(page_graph(dated_build, page)) for page in pages)
    assert len(sv) > 50
    assert isomorphic(sv, en)


def test_archived_pages_describe_their_own_revision(example_day: dt.date, dated_build: Build) -> None:
    def processes(page: str) -> set[str]:
        graph = page_graph(dated_build, page)
        return {activity(s) for s in graph.subjects(rdflib.RDF.type, DPV.Process)}

    assert "process-newsletter" not in processes("privacy/1.0/index.html")
    assert "process-newsletter" in processes("privacy/2.0/index.html")
    assert "process-recommendations" in processes("en/privacy/3.0/index.html")
    assert "processor-office-coffee" in processes("privacy/3.1/index.html")  # 3.1 is the first to be a processor
    # The stable URL describes the revision in force: 3.0 brings recommendations on 2027-01-01.
    assert processes("privacy/index.html") == activities(in_force("privacy", example_day))
    assert ("process-recommendations" in processes("privacy/index.html")) == (example_day >= dt.date(2027, 1, 1))
    support = {p: process_facts(page_graph(dated_build, p))["process-support"]["duration"]
               for p in ("privacy/1.0/index.html", "privacy/1.1/index.html")}
    assert support == {"privacy/1.0/index.html": {"P3Y"}, "privacy/1.1/index.html": {"P2Y"}}
    version = next(page_graph(dated_build, "privacy/1.0/index.html").objects(None, rdflib.URIRef("https://schema.org/version")))
    assert str(version) == "1.0"


def test_transfers_and_cookies(dated_build: Build) -> None:
    graph = page_graph(dated_build, "privacy/index.html")
    transfers = {tuple(str(v) for v in row) for row in graph.query(PREFIXES + """
        SELECT ?country ?safeguard WHERE {
            ?process dpv:hasProcess ?transfer .
            ?transfer a dpv:CrossBorderTransfer ; dpv:hasThirdCountry ?country ; dpv:hasLegalBasis ?safeguard .
        }""")}
    assert transfers == {
        ("https://w3id.org/dpv/loc#US", "https://w3id.org/dpv/legal/eu/gdpr#A46-2-c"),
        ("https://w3id.org/dpv/loc#GB", "https://w3id.org/dpv/legal/eu/gdpr#A45-3"),
    }
    cookies = page_graph(dated_build, "cookies/index.html")
    used = {(activity(p), str(name)) for p, name in cookies.query(PREFIXES + """
        SELECT ?process ?name WHERE { ?process dpv:isImplementedUsingTechnology ?c .
                                      ?c a <https://w3id.org/dpv/tech#Cookie> ; schema:name ?name . }""")}
    assert ("process-statistics", "bs_id") in used and ("process-video", "rh_visitor") in used


def test_every_dpv_term_used_exists(dated_build: Build) -> None:
    namespaces = {ns: prefix for prefix, ns in dpv.namespaces().items()}
    graph = page_graph(dated_build, "privacy/index.html") + page_graph(dated_build, "cookies/index.html")
    used = {str(node) for triple in graph for node in triple if isinstance(node, rdflib.URIRef)}
    dpv_terms = [iri for iri in used for ns in namespaces if iri.startswith(ns)]
    assert len(dpv_terms) > 30
    for iri in dpv_terms:
        ns = next(ns for ns in namespaces if iri.startswith(ns))
        assert dpv.exists(f"{namespaces[ns]}:{iri[len(ns):]}"), iri


@pytest.mark.parametrize("language", ["sv", "en"])
def test_site_wide_processing_file(example_day: dt.date, dated_build: Build, language: str) -> None:
    prefix = "" if language == "sv" else "en/"
    document = json.loads((dated_build.site / f"{prefix}processing.jsonld").read_text())
    assert document["@context"] == CONTEXT_URL  # our own context, published with the site
    graph = to_graph(document, dated_build.site)
    # Each process as <policy>/<version>/<fragment>, from the revision page its IRI is on.
    processes = {urldefrag(str(s)).url.removeprefix(SITE) + activity(s) for s in graph.subjects(rdflib.RDF.type, DPV.Process)}
    expected = {f"{policy}/{in_force(policy, example_day).version}/{name}"
                for policy in ("privacy", "cookies") for name in activities(in_force(policy, example_day))}
    assert processes == expected
    links = dated_build.html(f"{prefix}index.html").select('link[rel="describedby"][type="application/ld+json"]')
    assert [link["href"] for link in links] == ["processing.jsonld"]


def test_privacy_policy_link_on_every_page(example_build: Build) -> None:
    pages = sorted(example_build.site.rglob("index.html"))
    assert len(pages) > 20
    for page in pages:
        link = BeautifulSoup(page.read_text(), "lxml").select_one('link[rel="privacy-policy"]')
        target = (page.parent / link["href"] / "index.html").resolve()
        english = page.relative_to(example_build.site).parts[0] == "en"
        assert target == (example_build.site / ("en/privacy" if english else "privacy") / "index.html").resolve(), page


# --- hostile labels ------------------------------------------------------------------------------

HOSTILE = {
    "name": "Orders </script><script>alert('name')</script>",
    "description": '<img src=x onerror="alert(1)"> "quoted" & \'single\' <!-- comment',
    "interest": "</SCRIPT ><b>bold</b>",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("hostile") / "site")
    site.unrelease()

    def label(meta: dict) -> None:
        orders = next(p for p in meta["processing"] if p["id"] == "orders")
        orders["name"], orders["description"] = HOSTILE["name"], HOSTILE["description"]
        next(p for p in meta["processing"] if p["id"] == "fraud")["legitimate_interest"] = HOSTILE["interest"]

    site.edit_meta("privacy/index.en.md", label)
    assert site.policypress("release", "privacy", "--date", "2026-02-01").returncode == 0
    build = site.build()
    assert build.returncode == 0, build.output
    return build


def test_hostile_labels_stay_inside_the_json_ld(hostile: Build) -> None:
    html = hostile.html("en/privacy/index.html")
    document = page_document(hostile, "en/privacy/index.html")
    names = {node["name"]["@value"] for node in document["@graph"] if node.get("@type") == "dpv:Process"}
    assert HOSTILE["name"] in names
    raw = (hostile.site / "en/privacy/index.html").read_text()
    script = raw[raw.index('<script type="application/ld+json">'):]
    script = script[: script.index("</script>")]
    assert "<" not in script.removeprefix('<script type="application/ld+json">')
    # No element was created from a label: no extra script, no <img>, no <b>.
    assert html.select("img") == [] and html.select("article b") == []
    carrying = [s.get("type") for s in html.select("script") if "alert" in (s.string or "")]
    assert carrying == ["application/ld+json"]


def test_hostile_labels_are_text_in_the_tables(hostile: Build) -> None:
    row = hostile.html("en/privacy/index.html").select_one('tr[data-pp-purpose="orders"]')
    # As text, with quotation marks as English writes them (issue 21).
    shown = {key: html.unescape(typeset_html(html.escape(value), "en")) for key, value in HOSTILE.items()}
    assert shown["name"] in row.get_text() and shown["description"] in row.get_text()
    fraud = hostile.html("en/privacy/index.html").select_one('tr[data-pp-purpose="fraud"]')
    assert shown["interest"] in fraud.get_text()


def test_script_text_escapes_markup() -> None:
    document = {"name": "</script><!--<script>", "other": "a & b > c"}
    encoded = script_text(document)
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == document


@pytest.mark.browser
def test_hostile_labels_never_run_in_a_browser(hostile: Build, page) -> None:
    from conftest import serve

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(hostile.site) as url:
        for path in ("/en/privacy/", "/en/privacy/2.1/", "/en/privacy/changelog/"):
            page.goto(url + path)
            page.wait_for_load_state("load")
        page.goto(url + "/en/privacy/")
        expect_text = page.locator('tr[data-pp-purpose="orders"] th').inner_text()
    assert dialogs == []
    assert "alert(‘name’)" in expect_text  # shown as text (its quotes typeset: issue 21), not run

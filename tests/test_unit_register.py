"""Unit tests of policypress.core.register on the example site's model, without MkDocs.

Every table (`register.view`) of every revision of every policy, in every language, row by row
against the model: names and descriptions from the revision's texts in that language, labels
from the vocabulary's own entry for that language (never a fallback to English or to the bare
term), countries and durations as CLDR (babel) writes them in that language. The same checks run
on a small site that uses every new form of the register (Art. 9 conditions, automated decisions,
profiling, regions, a transfer without a recipient), loaded without a build. Then
`replace_placeholders` on the policies' rendered Markdown. `test_register.py` checks the tables
on built pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pytest
from babel import Locale
from babel.lists import format_list
from babel.units import format_unit
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURE_INFO, markdown_html, plugin_options
from policypress.core import register
from policypress.core import vocabulary as vocab
from policypress.core.model import Purpose, Register, Revision, Site
from policypress.core.texts import strings
from policypress.core.types import Duration, Version
from test_register import new_forms_site

LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]


def own_label(labels: Mapping[str, Mapping[str, str]], term: str, language: str) -> str:
    """The vocabulary's label for a term in exactly this language (a KeyError if it has none)."""
    return labels[term][language]


def own_labels(labels: Mapping[str, Mapping[str, str]], terms: tuple[str, ...] | None, language: str) -> list[str]:
    return [own_label(labels, term, language) for term in terms or ()]


def revisions(site: Site) -> Iterator[Revision]:
    for policy in site.policies.values():
        yield from policy.revisions
        yield policy.living


@pytest.fixture(scope="module")
def new_forms(tmp_path_factory: pytest.TempPathFactory) -> Register:
    """The register of a small site with every new form, loaded as the plugin loads it."""
    result = new_forms_site(tmp_path_factory.mktemp("new-forms") / "site").load(FIXTURE_INFO)
    assert [str(problem) for problem in result.problems] == []
    return result.site.policies["privacy"].living.register


def registers(site: Site, new_forms: Register) -> Iterator[Register]:
    """Every register of the example site, and the new forms' one."""
    yield from (revision.register for revision in revisions(site))
    yield new_forms


def rows(kind: str, reg: Register, language: str, arg: str | None = None) -> list[dict]:
    view = register.view(kind, arg, reg, language)
    empty = strings(language)[f"no_{kind.replace('-', '_')}"]
    assert (view["kind"], view["arg"], view["empty"]) == (kind, arg, empty)
    return view["rows"]


def says_duration(text: str, duration: Duration, language: str) -> bool:
    """The text gives each part of the duration as CLDR writes it in the language."""
    return all(format_unit(amount, f"duration-{unit.removesuffix('s')}", length="long", locale=language).lower()
               in text.lower() for unit, amount in duration.parts())


def says_retention(text: str, purpose: Purpose, language: str) -> bool:
    """A period counts from its event; an event alone is kept until it; the statute is named."""
    retention = purpose.retention
    assert retention is not None
    events = vocab.RETENTION_EVENTS if retention.duration is not None else vocab.RETENTION_UNTIL
    after = own_label(events, retention.after, language) if retention.after else ""
    duration = retention.duration is None or says_duration(text, retention.duration, language)
    statute = retention.statute is None or retention.statute in text
    return duration and statute and after.lower() in text.lower() and text[:1] == text[:1].upper()


def place(codes: tuple[str, ...], language: str) -> str:
    """Countries as CLDR names them, regions by the vocabulary's label, as a list in the language."""
    territories = Locale.parse(language).territories
    names = [own_label(vocab.REGIONS, code, language) if code in vocab.REGIONS else territories[code] for code in codes]
    return format_list(names, locale=language)


def source(reg: Register, term: str, language: str) -> str:
    """A purpose's source: a named source by its name in the language, a DPV class by its label."""
    named = {s.id: s.text[language].name for s in reg.sources}
    return named[term] if term in named else own_label(vocab.DATA_SOURCES, term, language)


def check_purposes(reg: Register, language: str) -> None:
    table = rows("purposes", reg, language)
    assert [row["id"] for row in table] == [p.id for p in reg.processing]
    for row, purpose in zip(table, reg.processing):
        text = purpose.text[language]
        assert (row["name"], row["description"], row["legitimate_interest"], row["retention_note"]) == (
            text.name, text.description, text.legitimate_interest, text.retention_note)
        assert row["data"] == [reg.category(c).text[language].name for c in purpose.data]
        assert row["recipients"] == [reg.recipient(r).text[language].name for r in purpose.recipients]
        assert row["sources"] == [source(reg, s, language) for s in purpose.sources]
        assert row["legal_basis_term"] == " ".join(purpose.legal_basis)
        assert row["legal_basis"] == own_labels(vocab.LEGAL_BASES, purpose.legal_basis, language)
        assert row["special_category_condition"] == own_labels(
            vocab.SPECIAL_CATEGORY_CONDITIONS, purpose.special_category_condition, language)
        assert row["requirement"] == own_label(vocab.REQUIREMENTS, purpose.requirement, language)
        assert says_retention(row["retention"], purpose, language), row["retention"]
        decides = reg.automated_decisions if purpose.automated_decisions is None else purpose.automated_decisions
        assert row["automated_decisions"] is decides
        said = text.automated_decisions if decides else None
        assert (row["decision_logic"], row["decision_consequences"]) == (
            (said.logic, said.consequences) if said else (None, None))
        assert row["profiling"] is purpose.profiling


def check_other_tables(reg: Register, language: str) -> None:
    assert rows("data", reg, language) == [
        {"id": c.id, "name": c.text[language].name, "description": c.text[language].description}
        for c in reg.personal_data]
    assert rows("recipients", reg, language) == [
        {"id": r.id, "name": r.text[language].name, "description": r.text[language].description,
         "kind": own_label(vocab.RECIPIENT_KINDS, r.kind, language), "country": place(r.country, language)}
        for r in reg.recipients]
    assert rows("transfers", reg, language) == [
        {"recipient": reg.recipient(t.recipient).text[language].name if t.recipient
         else strings(language)["all_recipients"],
         "country": place(t.country, language), "safeguard": own_labels(vocab.SAFEGUARDS, t.safeguard, language)}
        for t in reg.transfers]
    assert rows("rights", reg, language) == [
        {"term": r, "name": own_label(vocab.RIGHTS, r, language)} for r in reg.rights]
    assert rows("sources", reg, language) == [
        {"id": s.id, "name": s.text[language].name, "description": s.text[language].description,
         "kind": own_label(vocab.DATA_SOURCES, s.kind, language),
         "purposes": [p.text[language].name for p in reg.processing if s.id in p.sources]}
        for s in reg.sources]
    assert rows("processor-activities", reg, language) == [
        {"id": a.id, "name": a.text[language].name, "description": a.text[language].description}
        for a in reg.processor_activities]


@pytest.mark.parametrize("language", LANGUAGES)
def test_purposes_rows_are_the_register(example_model: Site, new_forms: Register, language: str) -> None:
    for reg in registers(example_model, new_forms):
        check_purposes(reg, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_tables_rows_are_the_register(example_model: Site, new_forms: Register, language: str) -> None:
    for reg in registers(example_model, new_forms):
        check_other_tables(reg, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cookie_rows_are_the_register_per_purpose_and_together(example_model: Site, new_forms: Register,
                                                                language: str) -> None:
    session = strings(language)["session"]
    checked = 0
    for reg in registers(example_model, new_forms):
        every = rows("cookies", reg, language)
        assert [row["name"] for row in every] == [c.name for c in reg.cookies]
        for row, cookie in zip(every, reg.cookies):
            assert (row["provider"], row["description"]) == (cookie.provider, cookie.text[language].description)
            assert row["purpose"] == reg.purpose(cookie.processing).text[language].name
            assert row["storage"] == own_label(vocab.STORAGE_KINDS, cookie.storage, language)
            if cookie.duration == "session":
                assert row["duration"] == session
            else:
                assert says_duration(row["duration"], cookie.duration, language), row["duration"]
            checked += 1
        per_purpose = [rows("cookies", reg, language, p.id) for p in reg.processing]
        assert [[row["name"] for row in table] for table in per_purpose] == [
            [c.name for c in reg.cookies_for(p.id)] for p in reg.processing]
        assert sorted(row["name"] for table in per_purpose for row in table) == sorted(c.name for c in reg.cookies)
    assert checked > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_example_s_privacy_policy_3_1_shows_its_new_forms(example_model: Site, language: str) -> None:
    """Several bases for support, a statute for bookkeeping, named sources for orders, a
    processor activity and automated decisions answered once for the policy."""
    reg = example_model.policies["privacy"].revision(Version.parse("3.1")).register
    table = {row["id"]: row for row in rows("purposes", reg, language)}
    support, bookkeeping, orders = reg.purpose("support"), reg.purpose("bookkeeping"), reg.purpose("orders")
    assert len(support.legal_basis) > 1
    assert table["support"]["legal_basis"] == own_labels(vocab.LEGAL_BASES, support.legal_basis, language)
    assert bookkeeping.retention is not None and bookkeeping.retention.statute
    assert bookkeeping.retention.statute in table["bookkeeping"]["retention"]
    named = [s for s in orders.sources if s in {n.id for n in reg.sources}]
    assert named
    assert {reg.source(s).text[language].name for s in named} <= set(table["orders"]["sources"])
    assert [row["purposes"] for row in rows("sources", reg, language)] == [
        [p.text[language].name for p in reg.processing if s.id in p.sources] for s in reg.sources]
    assert [row["name"] for row in rows("processor-activities", reg, language)] == [
        a.text[language].name for a in reg.processor_activities] != []
    assert reg.automated_decisions is False
    assert all(row["automated_decisions"] is False and row["decision_logic"] is None for row in table.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_forms_rows(new_forms: Register, language: str) -> None:
    """Each new form on its own row, as the fixture site writes it."""
    reg = new_forms
    table = {row["id"]: row for row in rows("purposes", reg, language)}
    allergies, instalments = reg.purpose("allergies"), reg.purpose("instalments")
    assert allergies.special_category_condition
    assert table["allergies"]["special_category_condition"] == own_labels(
        vocab.SPECIAL_CATEGORY_CONDITIONS, allergies.special_category_condition, language)
    decisions = instalments.text[language].automated_decisions
    assert decisions is not None and reg.decides_automatically(instalments) is True
    assert (table["instalments"]["automated_decisions"], table["instalments"]["decision_logic"],
            table["instalments"]["decision_consequences"], table["instalments"]["profiling"]) == (
        True, decisions.logic, decisions.consequences, True)
    assert table["instalments"]["legal_basis"] == own_labels(vocab.LEGAL_BASES, instalments.legal_basis, language)
    assert len(table["instalments"]["legal_basis"]) == 2
    assert reg.source("bureau").text[language].name in table["instalments"]["sources"]
    assert {row["id"]: row["automated_decisions"] for row in table.values()} == {
        p.id: p.id == "instalments" for p in reg.processing}
    partners = next(row for row in rows("recipients", reg, language) if row["id"] == "partners")
    assert partners["country"] == own_label(vocab.REGIONS, "third-countries", language)
    everyone = [row for row in rows("transfers", reg, language) if row["recipient"] == strings(language)["all_recipients"]]
    territories = Locale.parse(language).territories
    assert [row["country"] for row in everyone] == [format_list([territories["US"], territories["CA"]], locale=language)]
    assert len(everyone[0]["safeguard"]) == 2


def test_the_languages_share_the_facts_and_differ_in_the_words(example_model: Site, new_forms: Register) -> None:
    for reg in registers(example_model, new_forms):
        for kind in register.KINDS:
            tables = {language: rows(kind, reg, language) for language in LANGUAGES}
            counts = {language: len(table) for language, table in tables.items()}
            assert len(set(counts.values())) == 1, (kind, counts)
        purposes = {language: rows("purposes", reg, language) for language in LANGUAGES}
        bases = {language: {tuple(row["legal_basis"]) for row in table} for language, table in purposes.items()}
        assert len({frozenset(b) for b in bases.values()}) == len(LANGUAGES), "legal bases are labelled per language"


def test_every_kind_has_its_rows_and_its_empty_text() -> None:
    assert tuple(register.ROWS) == register.KINDS
    for language in LANGUAGES:
        for kind in register.KINDS:
            assert rows(kind, Register(), language) == []


# --- placeholders ---------------------------------------------------------------------------------

# A placeholder as the README documents it: on a line of its own, a kind and an optional argument.
WRITTEN = re.compile(r"^<!-- register: ([a-z-]+)(?: ([a-z0-9-]+))? -->$", re.M)


def rendered(kind: str, arg: str | None) -> str:
    return f'<div data-kind="{kind}" data-arg="{arg or ""}"></div>'


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_placeholder_of_a_page_becomes_its_table_in_place(example_model: Site, language: str) -> None:
    for revision in revisions(example_model):
        body = revision.texts[language].body
        written = [(kind, arg or "") for kind, arg in WRITTEN.findall(body)]
        assert written, revision.policy
        page = lxml_html.fragment_fromstring(
            register.replace_placeholders(markdown_html(body), rendered), create_parent="div")
        assert [(div.get("data-kind"), div.get("data-arg")) for div in page.iter("div") if div.get("data-kind")] == written
        assert [c.text for c in page.iter(etree.Comment) if "register:" in c.text] == []


def test_what_is_not_a_placeholder_stays_as_written() -> None:
    calls: list[tuple[str, str | None]] = []

    def render(kind: str, arg: str | None) -> str:
        calls.append((kind, arg))
        return rendered(kind, arg)

    unchanged = [
        "<!-- register: purpses -->",  # not a kind: left for check_placeholders to report
        "<p>Text <!-- register: data --> inline</p>",  # not on a line of its own
        "<!-- a comment about the register: data -->",
    ]
    for html in unchanged:
        assert register.replace_placeholders(html, render) == html
    quoted = markdown_html("Quoted in a code block:\n\n    <!-- register: purposes -->\n")
    assert "&lt;!-- register: purposes --&gt;" in quoted
    assert register.replace_placeholders(quoted, render) == quoted
    assert calls == []
    assert register.replace_placeholders("<!-- register: cookies video -->", render) == rendered("cookies", "video")
    assert calls == [("cookies", "video")]


def test_the_example_s_placeholders_are_all_valid(example_model: Site) -> None:
    for revision in revisions(example_model):
        for language in LANGUAGES:
            text = revision.texts[language]
            assert register.check_placeholders(text.body, revision.register, text.source, 1) == []

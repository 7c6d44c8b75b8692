"""Unit tests of policypress.core.register on the example site's model, without MkDocs.

Every table (`register.view`) of every revision of every policy, in every language, row by row
against the model: names and descriptions from the revision's texts in that language, labels
from the vocabulary's own entry for that language (never a fallback to English or to the bare
term), countries and durations as CLDR (babel) writes them in that language. Then
`replace_placeholders` on the policies' rendered Markdown. `test_register.py` checks the tables
on built pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pytest
from babel import Locale
from babel.units import format_unit
from lxml import etree
from lxml import html as lxml_html

from conftest import markdown_html, plugin_options
from policypress.core import register
from policypress.core import vocabulary as vocab
from policypress.core.model import Purpose, Revision, Site
from policypress.core.texts import strings
from policypress.core.types import Duration

LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]


def own_label(labels: Mapping[str, Mapping[str, str]], term: str, language: str) -> str:
    """The vocabulary's label for a term in exactly this language (a KeyError if it has none)."""
    return labels[term][language]


def revisions(site: Site) -> Iterator[Revision]:
    for policy in site.policies.values():
        yield from policy.revisions
        yield policy.living


def rows(kind: str, revision: Revision, language: str, arg: str | None = None) -> list[dict]:
    view = register.view(kind, arg, revision.register, language)
    assert (view["kind"], view["arg"], view["empty"]) == (kind, arg, strings(language)[f"no_{kind}"])
    return view["rows"]


def says_duration(text: str, duration: Duration, language: str) -> bool:
    """The text gives each part of the duration as CLDR writes it in the language."""
    return all(format_unit(amount, f"duration-{unit.removesuffix('s')}", length="long", locale=language).lower()
               in text.lower() for unit, amount in duration.parts())


def says_retention(text: str, purpose: Purpose, language: str) -> bool:
    retention = purpose.retention
    assert retention is not None
    after = own_label(vocab.RETENTION_EVENTS, retention.after, language) if retention.after else ""
    duration = retention.duration is None or says_duration(text, retention.duration, language)
    return duration and after.lower() in text.lower() and text[:1] == text[:1].upper()


def country(code: str, language: str) -> str:
    return Locale.parse(language).territories[code]


@pytest.mark.parametrize("language", LANGUAGES)
def test_purposes_rows_are_the_register(example_model: Site, language: str) -> None:
    for revision in revisions(example_model):
        reg = revision.register
        table = rows("purposes", revision, language)
        assert [row["id"] for row in table] == [p.id for p in reg.processing]
        for row, purpose in zip(table, reg.processing):
            text = purpose.text[language]
            assert (row["name"], row["description"], row["legitimate_interest"], row["retention_note"]) == (
                text.name, text.description, text.legitimate_interest, text.retention_note)
            assert row["data"] == [reg.category(c).text[language].name for c in purpose.data]
            assert row["recipients"] == [reg.recipient(r).text[language].name for r in purpose.recipients]
            assert row["legal_basis_term"] == purpose.legal_basis
            assert row["legal_basis"] == own_label(vocab.LEGAL_BASES, purpose.legal_basis, language)
            assert row["requirement"] == own_label(vocab.REQUIREMENTS, purpose.requirement, language)
            assert says_retention(row["retention"], purpose, language), row["retention"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_data_recipients_transfers_and_rights_rows_are_the_register(example_model: Site, language: str) -> None:
    for revision in revisions(example_model):
        reg = revision.register
        assert rows("data", revision, language) == [
            {"id": c.id, "name": c.text[language].name, "description": c.text[language].description}
            for c in reg.personal_data]
        assert rows("recipients", revision, language) == [
            {"id": r.id, "name": r.text[language].name, "description": r.text[language].description,
             "kind": own_label(vocab.RECIPIENT_KINDS, r.kind, language), "country": country(r.country, language)}
            for r in reg.recipients]
        assert rows("transfers", revision, language) == [
            {"recipient": reg.recipient(t.recipient).text[language].name, "country": country(t.country, language),
             "safeguard": own_label(vocab.SAFEGUARDS, t.safeguard, language)}
            for t in reg.transfers]
        assert rows("rights", revision, language) == [
            {"term": r, "name": own_label(vocab.RIGHTS, r, language)} for r in reg.rights]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cookie_rows_are_the_register_per_purpose_and_together(example_model: Site, language: str) -> None:
    session = strings(language)["session"]
    checked = 0
    for revision in revisions(example_model):
        reg = revision.register
        every = rows("cookies", revision, language)
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
        per_purpose = [rows("cookies", revision, language, p.id) for p in reg.processing]
        assert [[row["name"] for row in table] for table in per_purpose] == [
            [c.name for c in reg.cookies_for(p.id)] for p in reg.processing]
        assert sorted(row["name"] for table in per_purpose for row in table) == sorted(c.name for c in reg.cookies)
    assert checked > 0


def test_the_languages_share_the_facts_and_differ_in_the_words(example_model: Site) -> None:
    for revision in revisions(example_model):
        for kind in register.KINDS:
            tables = {language: rows(kind, revision, language) for language in LANGUAGES}
            counts = {language: len(table) for language, table in tables.items()}
            assert len(set(counts.values())) == 1, (kind, counts)
        purposes = {language: rows("purposes", revision, language) for language in LANGUAGES}
        bases = {language: {row["legal_basis"] for row in table} for language, table in purposes.items()}
        assert len({frozenset(b) for b in bases.values()}) == len(LANGUAGES), "legal bases are labelled per language"


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

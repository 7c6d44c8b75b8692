"""The validated model: facts once per revision, labels per language, sources as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOT, FixtureSite
from policypress.core.frontmatter import read_source
from policypress.core.load import language_of, load_site
from policypress.core.model import SourceRef
from policypress.core.types import Duration, Version, parse_duration


def test_minimal_policy_model(minimal: FixtureSite) -> None:
    site = minimal.load().site
    assert site.languages == ("sv", "en") and site.default_language == "sv"
    policy = site.policies["privacy"]
    revision = policy.living
    assert (revision.version, revision.effective, revision.is_major) == (Version(2, 1), dt.date(2026, 3, 1), False)
    assert revision.texts["sv"].title == "Integritetspolicy"
    assert revision.texts["en"].summary == "The newsletter has a row of its own."
    assert "## Your rights" in revision.texts["en"].body
    assert set(policy.paths) == {"sv", "en"}


def test_facts_come_once_and_labels_per_language(minimal: FixtureSite) -> None:
    register = minimal.load().site.policies["privacy"].living.register
    orders = register.purpose("orders")
    assert orders.legal_basis == ("eu-gdpr:A6-1-b",)  # one term, read as a list of one
    assert orders.retention is not None and orders.retention.after == "purchase"
    assert orders.retention.duration == Duration("P3Y", years=3)
    assert {lang: text.name for lang, text in orders.text.items()} == {"sv": "Beställningar", "en": "Orders"}
    assert register.purpose("fraud").text["en"].legitimate_interest == "Protecting customers."
    assert [p.id for p in register.consent_purposes] == ["newsletter"]
    assert [c.name for c in register.cookies_for("newsletter")] == ["news_seen"]
    assert register.transfers_to("post")[0].safeguard == ("eu-gdpr:A46-2-c",)
    assert register.cookies[0].text["en"].description == "Remembers that you saw the offer."


def test_country_code_no_stays_norway(minimal: FixtureSite) -> None:
    # YAML 1.1 would read NO as false; our loader keeps only true/false as booleans.
    assert minimal.load().site.policies["privacy"].living.register.recipient("post").country == ("NO",)


def test_sources_are_known_by_file(minimal: FixtureSite) -> None:
    site = minimal.load().site
    assert site.source(minimal.path("privacy/index.en.md")) == SourceRef("privacy", "en")
    assert site.source(minimal.path("privacy/2.1.sv.md")) == SourceRef("privacy", "sv", Version(2, 1))
    assert site.source(minimal.path("index.sv.md")) is None


def test_example_site_is_valid_and_complete() -> None:
    result = load_site(ROOT / "docs", ["sv", "en"], "sv", root=ROOT)
    assert result.problems == []
    privacy = result.site.policies["privacy"].living.register
    assert {b for p in privacy.processing for b in p.legal_basis} >= {"eu-gdpr:A6-1-a", "eu-gdpr:A6-1-b", "eu-gdpr:A6-1-c", "eu-gdpr:A6-1-f"}
    # The current text uses the new forms: several bases, a statute, named sources, processor work.
    assert privacy.purpose("support").legal_basis == ("eu-gdpr:A6-1-b", "eu-gdpr:A6-1-f")
    bookkeeping = privacy.purpose("bookkeeping").retention
    assert bookkeeping is not None and bookkeeping.statute == "bokföringslagen (1999:1078)"
    assert {s.id for s in privacy.sources} <= set(privacy.purpose("orders").sources)
    assert [a.id for a in privacy.processor_activities] == ["office-coffee"]
    assert privacy.automated_decisions is False
    assert privacy.transfers and all(t.safeguard for t in privacy.transfers)
    cookies = result.site.policies["cookies"].living.register
    assert [p.id for p in cookies.consent_purposes] == ["statistics", "video"]
    assert all(cookies.cookies_for(p.id) for p in cookies.consent_purposes)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("privacy/index.en.md", ("en", "privacy/index.md")),
        ("privacy/index.sv.md", ("sv", "privacy/index.md")),
        ("privacy/index.md", ("sv", "privacy/index.md")),
        ("notes.de.md", ("sv", "notes.de.md")),
    ],
)
def test_language_from_file_name(name: str, expected: tuple[str, str]) -> None:
    language, stem = language_of(Path(name), ["sv", "en"], "sv")  # type: ignore[arg-type]
    assert (language, str(stem)) == expected


def test_versions_order_numerically() -> None:
    assert Version.parse("1.10") > Version.parse("1.9")
    assert Version.parse("2.0").is_major and not Version.parse("2.1").is_major


def test_iso_durations() -> None:
    assert parse_duration("P1Y6M").parts() == [("years", 1), ("months", 6)]
    assert parse_duration("PT30M").parts() == [("minutes", 30)]
    for bad in ("P", "PT", "P1.5Y", "1Y", "P1H"):
        with pytest.raises(Exception):
            parse_duration(bad)


def test_front_matter_reader_keeps_dates_as_text_and_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: A\nwhen: 2026-01-02\nflag: yes\nlist:\n  - a\n  - b\n---\nBody\n", encoding="utf-8")
    source = read_source(page, "page.md")
    assert source.meta == {"title": "A", "when": "2026-01-02", "flag": "yes", "list": ["a", "b"]}
    assert source.line_of(("list", 1)) == 7 and source.line_of(("when",)) == 3
    assert source.body == "Body\n"


def test_page_without_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Just text\n", encoding="utf-8")
    source = read_source(page, "page.md")
    assert source.meta is None and source.problems == [] and source.body == "# Just text\n"


def test_every_closed_set_term_exists_in_dpv() -> None:
    from policypress.core import dpv, vocabulary

    sets = (vocabulary.LEGAL_BASES, vocabulary.SAFEGUARDS, vocabulary.RIGHTS, vocabulary.DATA_SOURCES, vocabulary.RECIPIENT_KINDS)
    terms = [term for labels in sets for term in labels]
    assert len(terms) > 30
    assert [term for term in terms if not dpv.exists(term)] == []
    # Every closed-set term has a label in every language policypress has a catalog for.
    from policypress.core.texts import languages
    assert [term for labels in sets for term, text in labels.items()
            if set(text) != set(languages()) or not all(text.values())] == []

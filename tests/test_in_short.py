"""The short layer ("In short", issue 13): made from the register, shown above each policy's text
with links to the sections that say more, and published as summary.json."""

from __future__ import annotations

import json

import pytest

from conftest import TODAY, Build, example_options
from policypress.core import vocabulary as vocab
from policypress.core.model import Site
from policypress.core.register import retention_text
from policypress.core.summary import summary
from policypress.core.texts import strings
from policypress.core.timeline import Timeline
from policypress.plugins.config import site_info

LANGUAGES = ["sv", "en"]


def in_force(site: Site) -> list:
    return [Timeline(policy, TODAY).in_force for policy in site.policies.values()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_is_the_register_in_brief(example_model: Site, language: str) -> None:
    info = example_model.info
    for revision in in_force(example_model):
        register, s = revision.register, summary(info, revision, language)
        assert s["controller"]["name"] == info.controller.name and s["controller"]["email"] == info.controller.email
        assert s["dpo"]["email"] == info.dpo.email
        assert [p["name"] for p in s["purposes"]] == [p.text[language].name for p in register.processing]
        for row, purpose in zip(s["purposes"], register.processing):
            assert row["legal_bases"] == [vocab.label(vocab.LEGAL_BASES, b, language) for b in purpose.legal_basis]
            assert row["data"] == [register.category(c).text[language].name for c in purpose.data]
        assert [r["period"] for r in s["retention"]] == [retention_text(p, language) for p in register.processing if p.retention]
        assert [r["name"] for r in s["recipients"]] == [r.text[language].name for r in register.recipients]
        assert len(s["transfers"]) == len(register.transfers)
        assert s["rights"] == [vocab.label(vocab.RIGHTS, r, language) for r in register.rights]
        assert s["complaint"] == {"name": info.authority.name, "url": info.authority.url}


@pytest.mark.parametrize(("page", "language"), [("privacy/index.html", "sv"), ("en/privacy/index.html", "en"),
                                                ("cookies/index.html", "sv"), ("en/privacy/2.0/index.html", "en")])
def test_each_policy_page_starts_with_it_and_links_to_the_sections(example_build: Build, page: str, language: str) -> None:
    soup = example_build.html(page)
    block = soup.select_one("article .pp-in-short")
    assert block is not None and block.h2.get_text() == strings(language)["in_short"]
    # Above the text: the first heading of the policy's own text comes after it.
    assert block.find_next("h2", id=lambda value: value != "pp-in-short") is not None
    more = block.select("a.pp-in-short__more")
    assert more
    for link in more:
        target = soup.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.name == "h2", link["href"]
    purposes = [li.strong.get_text() for li in block.select("dl > div:nth-of-type(2) li")]
    text = soup.select_one("article").get_text()
    assert purposes and all(text.count(name) >= 2 for name in purposes)  # in brief, and again in the text


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_json_is_published_beside_processing_jsonld(example_build: Build, example_model: Site, language: str) -> None:
    prefix = "" if language == "sv" else "en/"
    assert (example_build.site / prefix / "processing.jsonld").is_file()
    document = json.loads((example_build.site / prefix / "summary.json").read_text(encoding="utf-8"))
    assert document["language"] == language
    # In the page's language: the authority's name as mkdocs.yml gives it for that language.
    expected = [summary(site_info(example_options(), language), r, language) for r in in_force(example_model)]
    assert [{k: v for k, v in p.items() if k != "url"} for p in document["policies"]] == expected
    assert [p["url"] for p in document["policies"]] == [
        f"https://integritet.solvikkaffe.example/{prefix}{p['policy']}/" for p in expected]

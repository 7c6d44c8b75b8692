"""Splitting mkdocs-static-i18n's merged search index into one index per language."""

from __future__ import annotations

from policypress.core.search import split_index, with_search_base

MERGED = {
    "config": {"lang": ["sv", "en"], "separator": "[\\s\\-]+"},
    "docs": [
        {"location": "", "title": "Hem", "text": ""},
        {"location": "privacy/#syfte", "title": "Syfte", "text": "a"},
        {"location": "en/", "title": "Home", "text": ""},
        {"location": "en/privacy/#purpose", "title": "Purpose", "text": "b"},
        {"location": "english-words/", "title": "A Swedish page whose path starts with 'en'", "text": ""},
    ],
}


def test_each_language_gets_its_pages_relative_to_its_root() -> None:
    indexes = split_index(MERGED, {"sv": "", "en": "en/"})
    assert [d["location"] for d in indexes["sv"]["docs"]] == ["", "privacy/#syfte", "english-words/"]
    assert [d["location"] for d in indexes["en"]["docs"]] == ["", "privacy/#purpose"]
    assert indexes["sv"]["config"] == {"lang": ["sv"], "separator": "[\\s\\-]+"}
    assert indexes["en"]["config"]["lang"] == ["en"]
    assert MERGED["docs"][3]["location"] == "en/privacy/#purpose", "the merged index is left as it was"


def test_only_the_search_base_of_materials_config_changes() -> None:
    html = ('<a data-x=\'"base": "no"\'></a><script id="__config" type="application/json">'
            '{"annotate": null, "base": "../..", "features": []}</script>')
    assert with_search_base(html, "../") == html.replace('"base": "../.."', '"base": "../"')


def test_a_page_without_materials_configuration_is_reported() -> None:
    assert with_search_base("<html><body>no config</body></html>", "../") is None

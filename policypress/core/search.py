"""One search index per language.

mkdocs-static-i18n merges every language into one Material search index at the site root, so
a reader of the English policy gets Swedish hits (and the Swedish stemmer runs over English
text). This splits that index: each language's pages go into the index under its own root,
with locations relative to that root, and each page's search looks there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Material writes its client configuration with Jinja's `tojson` (sorted keys, no HTML in it).
_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": )"[^"]*"')


def split_index(index: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Language -> search index of that language's pages. `prefixes` maps each language to its
    folder ("" for the default language, "en/" for English); a page belongs to the language
    with the longest prefix its location starts with."""
    by_length = sorted(prefixes.items(), key=lambda item: len(item[1]), reverse=True)
    docs: dict[str, list[dict[str, Any]]] = {language: [] for language in prefixes}
    for doc in index.get("docs", []):
        location = str(doc.get("location", ""))
        language, prefix = next((lang, p) for lang, p in by_length if location.startswith(p))
        docs[language].append({**doc, "location": location.removeprefix(prefix)})
    return {
        language: {**index, "config": {**index.get("config", {}), "lang": [language]}, "docs": docs[language]}
        for language in prefixes
    }


def with_search_base(html: str, base: str) -> str | None:
    """A page whose search (and search result links) use the index under `base`; None if the
    page has no Material configuration in the expected form."""
    changed, count = _CONFIG_BASE.subn(lambda match: f'{match.group(1)}"{base}"', html, count=1)
    return changed if count else None

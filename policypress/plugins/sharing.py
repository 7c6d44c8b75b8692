"""What a page tells search engines and link previews: its window title (naming the site once),
and Open Graph (`og:title`, `og:description`, `og:url`, `og:type`, `og:locale` with its
alternates, `og:site_name`). Descriptions of the pages policypress makes are in `pages`."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from babel import Locale
from babel.core import get_global
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.texts import catalog_name, date_locale

WORD_RE = re.compile(r"\w+")
SEPARATOR_RE = re.compile(r"\s+[–—|·-]\s+")  # between the parts of a site's name: "Solvik Kaffe – privacy"


def page_title(page: Page) -> str | None:
    """The page's own title as text (its front matter's, else its heading's); None for a home
    page without one."""
    title = page.meta.get("title") if page.meta else None
    if title:
        return str(title)
    if page.title and not page.is_homepage:
        return Markup(page.title).striptags()
    return None


def window_title(title: str | None, site_name: str) -> str:
    """`title – site name`, with one separator and no word said twice: a part of the site's name
    whose words the title already has is left out ("Privacy policy – Solvik Kaffe" on the site
    "Solvik Kaffe – privacy"; "Integritet hos Solvik Kaffe" alone on "Solvik Kaffe – integritet").
    The site's name alone without a title."""
    if not title:
        return site_name
    said = set(WORD_RE.findall(title.casefold()))
    parts = [part for part in SEPARATOR_RE.split(site_name) if not set(WORD_RE.findall(part.casefold())) <= said]
    return " – ".join([title, *parts])


@functools.cache
def og_locale(locale: str) -> str:
    """A locale as Open Graph writes it, language_TERRITORY: `en_GB` stays, `sv` is `sv_SE`
    (the territory CLDR finds most likely for the language)."""
    parsed = Locale.parse(catalog_name(locale))
    if parsed.territory is None:
        likely = get_global("likely_subtags").get(parsed.language)
        parsed = Locale.parse(likely) if likely else parsed
    return f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language


def open_graph(page: Page, config: MkDocsConfig, language: str, home: bool, alternates: list[dict[str, str]],
               locales: Mapping[str, str]) -> list[tuple[str, str]]:
    """The page's Open Graph properties in order, `og:locale:alternate` once per other language
    the page is in (`home`: it is a language's home page, a `website`; `alternates`: its hreflang
    links; `locales`: the site's CLDR locales)."""
    description = (page.meta.get("description") if page.meta else None) or config.site_description
    properties = [
        ("og:title", page_title(page) or config.site_name),
        ("og:type", "website" if home else "article"),
        ("og:site_name", config.site_name),
        ("og:locale", og_locale(date_locale(language, locales))),
        *(("og:locale:alternate", og_locale(date_locale(a["hreflang"], locales)))
          for a in alternates if a["hreflang"] not in (language, "x-default")),
    ]
    if description:
        properties.insert(1, ("og:description", str(description)))
    if page.canonical_url:
        properties.append(("og:url", page.canonical_url))
    return properties

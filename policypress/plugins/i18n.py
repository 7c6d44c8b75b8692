"""Everything about languages that mkdocs-static-i18n leaves to us: which languages are built,
hreflang alternates, the language switcher, theme pages per language and one search index per
language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..core import search
from ..core.texts import STRINGS, strings
from ..core.typography import smarty_options
from .config import config_problem
from .material_fix import valid_html
from .routes import relative
from .state import BuildState, PassState

log = get_plugin_logger(__name__)


def i18n_languages(config: MkDocsConfig, plugin_name: str) -> tuple[list[str], str]:
    """The languages being built and the default one, as configured for mkdocs-static-i18n. A
    language policypress has no interface texts in is refused, once, in mkdocs.yml."""
    i18n = config.plugins.get(plugin_name)
    if i18n is None:
        raise PluginError(
            f"policypress needs the mkdocs-static-i18n plugin: add '- {plugin_name}:' with your "
            f"languages under 'plugins' in {config.config_file_path} (found plugins: {', '.join(config.plugins)})"
        )
    configured = list(enumerate(i18n.config.languages))
    untranslated = [
        config_problem(config.config_file_path, ("plugins", plugin_name, "languages", index, "locale"),
                       f"expected a language policypress has interface texts in ({', '.join(STRINGS)}), found "
                       f"{lang.locale!r}: without them its pages would show policypress's headings, notices and "
                       f"banner in English; set 'build: false' for {lang.locale} until policypress has its texts")
        for index, lang in configured if lang.build and lang.locale not in STRINGS
    ]
    if untranslated:
        raise PluginError("\n".join(map(str, untranslated)))
    languages = [lang.locale for _, lang in configured if lang.build]
    default = next(lang.locale for _, lang in configured if lang.default)
    return languages, default


def pass_language(config: MkDocsConfig) -> str:
    """The language of the pass being built (set by mkdocs-static-i18n)."""
    return str(config.theme["language"])


class Ours(str):
    """A Markdown option policypress set for a language pass, told apart from the site's own."""


SMARTY_SKIP = "policypress.plugins.smarty_skip"


class OurOptions(dict[str, Any]):
    """`smarty` options policypress set for a language pass; `own` holds the site's own, if any."""

    own: dict[str, Any] | None = None


def language_markdown(config: MkDocsConfig, language: str) -> None:
    """The Markdown options that depend on the language, set at the start of each language's pass
    (every pass converts its pages with `config.mdx_configs`):

    - toc's `permalink_title`, the title of the ¶ beside each heading, in the page's language
      (unless the site gave its own);
    - `smarty`, which writes the quotation marks as the language does: the sources keep their
      straight quotes. A site's own smarty options are kept; only the quotes it left unset are
      the language's."""
    configs = config.mdx_configs
    toc = configs.setdefault("toc", {})
    if toc.get("permalink_title") is None or isinstance(toc["permalink_title"], Ours):
        toc["permalink_title"] = Ours(strings(language)["permalink"])
    current = configs.get("smarty")
    if isinstance(current, OurOptions):
        own = current.own  # an earlier pass set it: None if the site has no smarty of its own
    elif "smarty" in config.markdown_extensions:
        own = dict(current or {})
    else:
        own = None
        config.markdown_extensions.append("smarty")
    ours = smarty_options(language)
    if own is None:
        options = OurOptions(ours)
    else:
        options = OurOptions({**own, "substitutions": {**ours["substitutions"], **(own.get("substitutions") or {})}})
    options.own = own
    configs["smarty"] = options
    # After smarty, which then passes over text with nothing for it (smarty_skip.py): walking every
    # piece of text through its patterns cost a build as much as the Markdown conversion itself.
    if SMARTY_SKIP not in config.markdown_extensions:
        config.markdown_extensions.append(SMARTY_SKIP)


class Alternate:
    """A translation of a generated page, as mkdocs-static-i18n's alternates give it (`.url`)."""

    def __init__(self, url: str) -> None:
        self.url = url


def alternates(page: Page, build: BuildState, language: str, site_url: str | None) -> list[dict[str, str]]:
    """`<link rel="alternate" hreflang>` targets: every language of this page and x-default.

    Absolute when `site_url` is set (search engines ask for full URLs), else relative."""
    files: dict[str, Any] = dict(getattr(page.file, "alternates", {}) or {})
    files.setdefault(language, page.file)

    def href(file: Any) -> str:
        if site_url:
            return urljoin(site_url, file.url.removeprefix("./"))
        return get_relative_url(file.url, page.url) or "./"

    links = [{"hreflang": lang, "href": href(files[lang])} for lang in build.languages if lang in files]
    if build.default_language in files:
        links.append({"hreflang": "x-default", "href": href(files[build.default_language])})
    return links


def fix_language_switcher(page: Page, config: MkDocsConfig) -> None:
    """Point every language-switcher entry at this page's own translation, as a site-relative
    URL. mkdocs-static-i18n leaves home pages at root-absolute links ('/en/'), and does not know
    the pages policypress generates."""
    found: dict[str, Any] = getattr(page.file, "alternates", {}) or {}
    # i18n assigns the attribute (shadowing the mapping key); templates read the attribute.
    for entry in getattr(config.extra, "alternate", None) or []:
        file = found.get(entry.get("lang"))
        if file is not None:
            entry["link"] = file.url or "./"


def in_own_language(html: str, state: PassState, page_url: str) -> str:
    """A page of a language other than the default, with its search pointed at its language's
    index; a page where Material's configuration is not found keeps the merged index for the
    whole site (see `split_search`)."""
    if state.language == state.build.default_language:
        return html
    rebased = search.with_search_base(html, relative(state.build.routes.prefix(state.language), page_url))
    if rebased is None:
        state.build.merged_search = True
        return html
    return rebased


def place_theme_pages(state: PassState, static_templates: list[str], root: str) -> None:
    """Theme pages such as 404.html skip `on_post_page`, and every language pass writes them anew
    into the site root: the root keeps the default language's, the others go to their folder."""
    build, site_dir = state.build, state.site_dir
    for name in static_templates:
        path = site_dir / name
        if not name.endswith(".html") or not path.is_file():
            continue
        html = in_own_language(valid_html(path.read_text(encoding="utf-8")), state, root)
        if state.language == build.default_language or name not in build.theme_pages:
            build.theme_pages[name] = html
            path.write_text(html, encoding="utf-8")
        else:
            (site_dir / state.language / name).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / state.language / name).write_text(html, encoding="utf-8")
            path.write_text(build.theme_pages[name], encoding="utf-8")


def split_search(build: BuildState, site_dir: Path) -> None:
    """One search index per language, each under its language's root, from the index
    mkdocs-static-i18n merged."""
    if build.merged_search:
        log.info("Material's page configuration was not found on every page; search keeps one index for all languages")
        return
    merged = site_dir / "search" / "search_index.json"
    if not merged.is_file():
        return  # no search plugin
    prefixes = {language: build.routes.prefix(language) for language in build.languages}
    for language, index in search.split_index(json.loads(merged.read_text(encoding="utf-8")), prefixes).items():
        target = site_dir / prefixes[language] / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

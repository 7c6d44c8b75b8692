"""MkDocs adapter: validate the policy sources at every build and give templates the model.

mkdocs-static-i18n builds the default language first and then re-runs the whole build for
each other language; every event here therefore works on the language of the current pass
(`config.theme["language"]`, set by i18n) and keeps no state across builds except the
model it reloads in `on_pre_build`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..core.load import load_site
from ..core.model import Policy, Site
from ..core.texts import long_date, strings
from .config import PolicyConfig
from .material_fix import patched_bundle

log = get_plugin_logger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
# Stylesheets shipped with the package, served from the site's own origin.
ASSETS = {"assets/policypress/policypress.css": PACKAGE / "assets" / "policypress.css"}


def i18n_languages(config: MkDocsConfig, plugin_name: str) -> tuple[list[str], str]:
    """The languages being built and the default one, as configured for mkdocs-static-i18n."""
    i18n = config.plugins.get(plugin_name)
    if i18n is None:
        raise PluginError(
            f"policypress needs the mkdocs-static-i18n plugin: add '- {plugin_name}:' with your "
            f"languages under 'plugins' in {config.config_file_path} (found plugins: {', '.join(config.plugins)})"
        )
    languages = [lang.locale for lang in i18n.config.languages if lang.build]
    default = next(lang.locale for lang in i18n.config.languages if lang.default)
    return languages, default


class PolicyPlugin(BasePlugin[PolicyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: Site | None = None
        self.languages: list[str] = []
        self.default_language = ""
        self.bundle: tuple[str, str] | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.languages, self.default_language = i18n_languages(config, self.config.i18n_plugin)
        # Our templates sit between the site's custom_dir and the theme, so a site can still
        # override them while the theme's own files are overridden by ours.
        if str(TEMPLATES) not in config.theme.dirs:
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, str(TEMPLATES))
        for uri in ASSETS:
            if uri.endswith(".css") and uri not in config.extra_css:
                config.extra_css.append(uri)
        self.bundle = patched_bundle(config.theme.dirs)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        for uri, path in ASSETS.items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        return files

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        root = Path(config.config_file_path).parent
        result = load_site(Path(config.docs_dir), self.languages, self.default_language, root=root)
        self.site = result.site
        # Report once per build: i18n re-runs the events for every further language.
        if self.current_language(config) == self.default_language:
            for problem in result.problems:
                log.warning(str(problem))
            if self.bundle is None:
                log.info("Material's bundle has changed; its sitemap.xml requests for alternate links are not suppressed")

    @staticmethod
    def current_language(config: MkDocsConfig) -> str:
        return str(config.theme["language"])

    def policy_of(self, page: Page) -> tuple[Policy, str] | None:
        if self.site is None or not page.file.abs_src_path:
            return None
        return self.site.policy_at(Path(page.file.abs_src_path))

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if not self.config.enabled:
            return context
        language = self.current_language(config)
        info: dict[str, Any] = {
            "language": language,
            "t": strings(language),
            "alternates": self.alternates(page, config),
            "material_bundle": self.bundle[0] if self.bundle else None,
        }
        found = self.policy_of(page)
        if found:
            policy, _ = found
            revision = policy.current
            info.update(
                policy=policy,
                revision=revision,
                text=revision.texts[language],
                effective=long_date(revision.effective, language),
            )
        context["policypress"] = info
        self.fix_language_switcher(page, config)
        return context

    def fix_language_switcher(self, page: Page, config: MkDocsConfig) -> None:
        """Point every language-switcher entry at this page's own translation, as a
        site-relative URL. mkdocs-static-i18n leaves home pages at root-absolute links
        ('/en/'), which break when the site is served from a sub-path."""
        alternates: dict[str, File] = getattr(page.file, "alternates", {}) or {}
        # i18n assigns the attribute (shadowing the mapping key); templates read the attribute.
        for entry in getattr(config.extra, "alternate", None) or []:
            file = alternates.get(entry.get("lang"))
            if file is not None:
                entry["link"] = file.url or "./"

    def alternates(self, page: Page, config: MkDocsConfig) -> list[dict[str, str]]:
        """`<link rel="alternate" hreflang>` targets: every language of this page and x-default.

        Absolute when `site_url` is set (search engines ask for full URLs), else relative."""
        files: dict[str, File] = dict(getattr(page.file, "alternates", {}) or {})
        language = self.current_language(config)
        files.setdefault(language, page.file)

        def href(file: File) -> str:
            if config.site_url:
                return urljoin(config.site_url, file.url)
            return get_relative_url(file.url, page.url) or "./"

        links = [{"hreflang": lang, "href": href(files[lang])} for lang in self.languages if lang in files]
        if self.default_language in files:
            links.append({"hreflang": "x-default", "href": href(files[self.default_language])})
        return links

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Assets live once, in the default language's site root (i18n links other languages there).
        if self.config.enabled and self.bundle and self.current_language(config) == self.default_language:
            target = Path(config.site_dir) / self.bundle[0]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.bundle[1], encoding="utf-8")

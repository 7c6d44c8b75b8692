"""MkDocs adapter: validate the policy sources at every build and give templates the model.

This module only wires MkDocs' events to the adapters, one per output: `pages` (policy pages,
diffs, changelogs), `feeds`, `jsonld`, `consent`, `i18n`, `sitemap` and `theme`. State lives
in explicit objects by lifetime (see `state`): the plugin itself for the process,
`BuildState` for one build of every language, `PassState` for one language's pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import consent, feeds, i18n, jsonld, placeholders, sharing, sitemap, summary, theme
from .build import refuse_links, start_build
from .config import PolicyConfig, language_problems
from .context import not_found_context, site_context
from ..core.problems import display_path, explained
from ..core.reference import field_link
from ..core.typography import typeset_html
from .material_fix import valid_html
from .pages import PolicyPage, generated_pages
from .routes import page_path
from .state import BuildState, Command, GeneratedPage, PassState


class PolicyPlugin(BasePlugin[PolicyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        # The process: `mkdocs serve` keeps this plugin across rebuilds.
        self.command: Command = "build"
        self.languages: list[str] = []
        self.default_language = ""
        self.bundle: tuple[str, str] | None = None
        self.template_cache = theme.MemoryBytecodeCache()
        # The build and the language pass under way (None: disabled, or between builds).
        self.build: BuildState | None = None
        self.state: PassState | None = None

    def on_startup(self, *, command: Command, dirty: bool) -> None:
        self.command = command

    @event_priority(100)  # before any other plugin reads the docs folder
    def _refuse_links(self, config: MkDocsConfig) -> None:
        if self.config.enabled:
            refuse_links(config)

    def _config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.languages, self.default_language = i18n.i18n_languages(config, self.config.i18n_plugin)
        if not config.use_directory_urls:
            raise PluginError("policypress needs 'use_directory_urls: true' (the default): policy URLs end in '/' "
                              "so that they stay the same whatever serves them")
        if problems := language_problems(self.config, self.languages):
            raise PluginError("\n".join(map(explained, problems)))
        consent.check_options(self.config.consent, config)
        self.bundle = theme.add_templates(config)
        return config

    on_config = CombinedEvent(_refuse_links, _config)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        # The sources are read and checked once per build, in the default language's pass;
        # mkdocs-static-i18n's later passes for the other languages (inside it) reuse the result.
        language = i18n.pass_language(config)
        if self.build is None or language == self.default_language:
            self.build = start_build(self.command, self.config, config, self.languages, self.default_language, self.bundle)
        self.build.passes_open += 1
        i18n.language_markdown(config, language)
        # Our partials render while pages are converted, before MkDocs makes its environment.
        env = theme.cached(config.theme.get_env(), self.template_cache)
        self.state = PassState(self.build, language, env, config.site_url, Path(config.site_dir))

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        return theme.cached(env, self.template_cache) if self.config.enabled else env

    def page_of(self, file: File) -> PolicyPage | GeneratedPage | None:
        """What policypress knows a file as: a policy page, a page it generated, or nothing."""
        state = self.state
        if state is None:
            return None
        if file.generated_by:
            return state.pages.get(file.src_uri)
        ref = state.build.site.source(Path(file.abs_src_path)) if file.abs_src_path else None
        return PolicyPage.of(state.build, ref) if ref is not None else None

    @event_priority(-200)  # after mkdocs-static-i18n has chosen this language's files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if (state := self.state) is None:
            return files
        build = state.build
        for file in files.documentation_pages():
            page = self.page_of(file)
            if isinstance(page, PolicyPage) and not page.stable:
                # Revisions are reached from their policy, not the navigation; unpublished ones not at all.
                public = page.revision in build.timelines[page.policy.id].public
                file.inclusion = InclusionLevel.NOT_IN_NAV if public else InclusionLevel.EXCLUDED
            elif page is None and file.abs_src_path and Path(file.abs_src_path).resolve() in build.set_aside_revisions:
                # A policy left out for its problems: its released files are not stray pages.
                file.inclusion = InclusionLevel.NOT_IN_NAV
        for generated in generated_pages(build, state.language):
            url = generated.url_in(build.routes, state.language)
            source = build.routes.generated_source(url, state.language)
            file = File.generated(config, source, content="---\nsearch:\n  exclude: true\n---\n",
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = page_path(url)
            # Read by hreflang and the language switcher, as i18n's alternates of source pages are.
            file.alternates = {lang: i18n.Alternate(generated.url_in(build.routes, lang)) for lang in build.languages}
            files.append(file)
            state.pages[source] = generated
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        shown = self.page_of(page.file)
        if isinstance(shown, GeneratedPage):
            page.meta["title"] = shown.title()  # data, not YAML: any title comes through as written
            page.meta["description"] = shown.description(self.build, config.site_name)
            # Their body is no Markdown, so they have no table of contents: its column would stand empty.
            page.meta["hide"] = [*(page.meta.get("hide") or []), "toc"]
        if not isinstance(shown, PolicyPage):
            return markdown
        if not shown.stable:
            # Search finds the text in force; earlier and later revisions stay out of the index.
            page.meta["search"] = {"exclude": True}
            page.meta["title"] = shown.title()
            page.meta["description"] = shown.description()
        return shown.markdown(markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        shown, state = self.page_of(page.file), self.state
        if state is None:
            return html
        html = placeholders.replace(html, state, page.url)
        if isinstance(shown, PolicyPage):
            return shown.render(html, page.url, state)
        return shown.render(state, page.url) if shown is not None else html

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        if (state := self.state) is None:
            return context
        build, shown = state.build, self.page_of(page.file)
        info = site_context(state, page.url, theme.NavMemo(build.navs))
        info["alternates"] = i18n.alternates(page, build, state.language, state.site_url)
        info["window_title"] = sharing.window_title(sharing.page_title(page), config.site_name)
        home = page.is_homepage or page.url == build.routes.home(state.language)
        info["open_graph"] = sharing.open_graph(page, config, state.language, home, info["alternates"], build.options.locales)
        info["nav_key"] = theme.nav_key(page, nav, config, state.language)
        if page.file.abs_src_path and build.problems:
            shown_as = display_path(Path(page.file.abs_src_path), Path(config.config_file_path).parent)
            info["problems"] = [(str(p), field_link(p.field)) for p in build.problems.get(shown_as, [])]
        if isinstance(shown, PolicyPage):
            info.update(shown.context(page.url, page.content or ""))
            if state.site_url:
                info["jsonld"] = jsonld.page_script(shown)
        if state.site_url:
            lastmod = (shown.last_change() if isinstance(shown, PolicyPage) else
                       shown.last_change(build) if shown is not None else
                       sitemap.landing_date(build, Path(page.file.abs_src_path) if page.file.abs_src_path else None,
                                            page.markdown or ""))
            sitemap.record(build, state.site_url, page.url, lastmod, info["alternates"])
        context["policypress"] = info
        i18n.fix_language_switcher(page, config)
        return context

    def on_template_context(self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig) -> dict[str, Any]:
        if template_name == "404.html" and (state := self.state) is not None:
            context["policypress"] = not_found_context(state, site_root(config), theme.NavMemo(state.build.navs))
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if (state := self.state) is None:
            return output
        # Search looks in this language's own index (see i18n.split_search); the quotation marks
        # of texts from data (registers, summaries) are the language's, as smarty makes Markdown's.
        return typeset_html(valid_html(i18n.in_own_language(output, state, page.url)), state.language)

    def _post_build(self, *, config: MkDocsConfig) -> None:
        """What each language pass writes once its pages are built."""
        if (state := self.state) is None:
            return
        build, site_dir = state.build, state.site_dir
        i18n.place_theme_pages(state, config.theme.static_templates, site_root(config))
        if state.language == build.default_language:
            styles = [consent.STYLESHEET] if self.config.consent.enabled else []
            theme.write_assets(site_dir, build.bundle, styles)
            jsonld.write_context(site_dir)
            if self.config.consent.enabled:
                consent.write_assets(state)
        if state.site_url:
            feeds.write(build, site_dir, state.language, config.site_name, state.env, config.theme.get("favicon"),
                        config.theme.get("palette"))
            jsonld.write_processing(build, site_dir, state.language)
            summary.write(build, site_dir, state.language)
        elif state.language == build.default_language:
            feeds.log.warning("set 'site_url' in mkdocs.yml to publish the change feeds (feeds need absolute links)")

    @event_priority(-200)  # after mkdocs-static-i18n, which builds the other languages inside the first
    def after_all_languages(self, *, config: MkDocsConfig) -> None:
        """What needs every language built: the sitemap, and one search index per language."""
        if (build := self.build) is None:
            return
        build.passes_open -= 1
        if build.passes_open > 0:
            return  # a language built inside the first one's build: not every page is known yet
        site_dir = Path(config.site_dir)
        if config.site_url:
            sitemap.write(build, site_dir)
            sitemap.write_robots(site_dir, config.site_url)
        i18n.split_search(build, site_dir)

    on_post_build = CombinedEvent(_post_build, after_all_languages)

    def on_build_error(self, *, error: Exception) -> None:
        self.build = self.state = None  # `mkdocs serve` builds again after a failed build


def site_root(config: MkDocsConfig) -> str:
    """The path the site is served under ("/", "/legal/")."""
    return urlsplit(config.site_url or "/").path.rstrip("/") + "/"

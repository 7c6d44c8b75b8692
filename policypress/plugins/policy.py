"""MkDocs adapter: validate the policy sources at every build and give templates the model.

mkdocs-static-i18n builds the default language first and then re-runs the whole build for
each other language; every event here therefore works on the language of the current pass
(`config.theme["language"]`, set by i18n) and keeps no state across builds except what
`on_pre_build` reloads.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from html import escape
from pathlib import Path
from typing import Any, Callable, Literal
from urllib.parse import urljoin, urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_relative_url, normalize_url

from ..core import consent, diff, feeds, jsonld, search, sitemap
from ..core.htmljson import script_json
from ..core.load import load_site
from ..core.model import Policy, Revision, Site, SourceRef
from ..core.problems import PolicyError
from ..core.register import replace_placeholders
from ..core.register import view as register_view
from ..core.texts import long_date, strings
from ..core.timeline import Timeline, build_date
from .config import PolicyConfig, site_info
from .material_fix import patched_bundle, valid_html
from .pages import Generated, changelog_rows, feed_links, revision_context, revision_entry
from .routes import Routes, generated_source, page_path, rebase, relative

log = get_plugin_logger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
MATERIAL_TEMPLATES = Path(str(importlib.resources.files("material") / "templates"))
STYLESHEET = "assets/policypress/policypress.css"
CONTEXT = "assets/policypress/context.jsonld"
# The consent banner as shipped (built from banner/ by scripts/build_banner.py); its CSS is
# served inside policypress.css.
BANNER = {f"assets/policypress/consent/{name}": PACKAGE / "assets" / "consent" / name
          for name in ("consent.min.js", "consent.min.mjs")}
BANNER_CSS = PACKAGE / "assets" / "consent" / "consent.min.css"
BANNER_JS = "assets/policypress/consent/consent.min.js"


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


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory; Jinja checks each against its template's source."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class PolicyPlugin(BasePlugin[PolicyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.site: Site | None = None
        self.languages: list[str] = []
        self.default_language = ""
        self.bundle: tuple[str, str] | None = None
        self.today = dt.date.today()  # the build date is read when a build starts (on_pre_build)
        self.timelines: dict[str, Timeline] = {}
        self.routes: Routes | None = None
        self.env: Environment | None = None
        self.template_cache = MemoryBytecodeCache()
        self.generated: dict[str, Generated] = {}  # src_uri -> page, for the current language
        self.rendered: dict[tuple[str, str], tuple[str, str]] = {}  # (policy, version) -> (url, html)
        self.consent_policy: str | None = None
        self.sitemap: list[sitemap.Entry] = []  # every page built, in every language
        self.theme_pages: dict[str, str] = {}  # 404.html etc. of the default language
        self.navs: dict[tuple[str, ...], str] = {}  # navigation HTML shared by pages outside it
        self.passes_open = 0  # language builds started and not yet finished
        self.merged_search = False  # a page could not be pointed at its language's search index

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    # --- configuration and model ---------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.languages, self.default_language = i18n_languages(config, self.config.i18n_plugin)
        if not config.use_directory_urls:
            raise PluginError("policypress needs 'use_directory_urls: true' (the default): policy URLs end in '/' "
                              "so that they stay the same whatever serves them")
        # Our templates sit between the site's custom_dir and the theme, so a site can still
        # override them while the theme's own files are overridden by ours.
        if str(TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        banner = self.config.consent
        if banner.enabled:
            if not 1 <= banner.max_age_days <= consent.MAX_AGE_DAYS:
                raise PluginError(f"policypress: consent.max_age_days: expected 1 to {consent.MAX_AGE_DAYS} days (at most "
                                  f"13 months), found {banner.max_age_days}")
            if config.extra.get("consent"):
                log.warning("extra.consent configures Material's own consent form, which the policypress "
                            "banner replaces; remove extra.consent from mkdocs.yml")
        self.bundle = patched_bundle(config.theme.dirs)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self.passes_open += 1  # mkdocs-static-i18n builds the other languages inside the first
        # Our partials render while pages are converted, before MkDocs makes its environment.
        self.env = self.cached(config.theme.get_env())
        self.generated, self.rendered = {}, {}
        # The sources are read and checked once per build, in the default language's pass;
        # mkdocs-static-i18n's later passes for the other languages reuse the result.
        if self.language(config) != self.default_language and self.site is not None:
            return
        config_file = Path(config.config_file_path)
        result = load_site(Path(config.docs_dir), self.languages, self.default_language, root=config_file.parent,
                           info=site_info(self.config), config_source=config_file.name)
        self.site = result.site
        try:
            self.today = build_date()
        except PolicyError as error:
            raise PluginError(str(error)) from None
        self.timelines = {pid: Timeline(policy, self.today) for pid, policy in result.site.policies.items()}
        self.routes = Routes(result.site, Path(config.docs_dir), config.site_url)
        self.sitemap, self.theme_pages, self.navs, self.merged_search = [], {}, {}, False
        for problem in result.problems:
            log.warning(str(problem))
        for policy in result.site.policies.values():
            if policy.draft is not None:
                shown = self.timelines[policy.id].shown
                log.warning(f"{policy.living.texts[self.default_language].source}: {policy.id} {policy.draft.version} is not "
                            f"released yet; run `policypress release {policy.id}` to publish it (until then the site "
                            f"shows {'nothing' if shown.published is None else shown.version})")
        self.consent_policy = self.consent_policy_of(result.site)
        if self.consent_policy is not None:
            cookies = [c.name for c in result.site.policies[self.consent_policy].living.register.cookies]
            if self.config.consent.cookie not in cookies:
                log.warning(f"consent.cookie: the banner stores consent in the cookie {self.config.consent.cookie!r}, which "
                            f"policy {self.consent_policy!r} does not list in its cookies; add it there")
        if result.site.policies and self.config.privacy_policy not in result.site.policies:
            log.warning(f"privacy_policy: expected the id of a policy ({', '.join(result.site.policies)}), "
                        f"found {self.config.privacy_policy!r}; pages get no <link rel=\"privacy-policy\">")
        if self.bundle is None:
            log.info("Material's bundle has changed; its sitemap.xml requests for alternate links are not suppressed")

    def consent_policy_of(self, site: Site) -> str | None:
        """The policy whose consent-based purposes the banner offers (warned about when unclear)."""
        options = self.config.consent
        if not options.enabled or not site.policies:
            return None
        if options.policy is not None:
            if options.policy not in site.policies:
                log.warning(f"consent.policy: expected the id of the policy that lists the cookies "
                            f"({', '.join(site.policies)}), found {options.policy!r}; no consent banner")
                return None
            return options.policy
        listing = [pid for pid, policy in site.policies.items() if policy.living.register.cookies]
        if len(listing) > 1:
            log.warning(f"consent.policy: several policies list cookies ({', '.join(listing)}); name the one the "
                        f"banner follows under the policypress plugin's consent options")
            return None
        return listing[0] if listing else None

    @staticmethod
    def language(config: MkDocsConfig) -> str:
        return str(config.theme["language"])

    def ref(self, file: File) -> SourceRef | None:
        """Which policy source a file is, if any."""
        if self.site is None or not file.abs_src_path:
            return None
        return self.site.source(Path(file.abs_src_path))

    def shown(self, policy: Policy) -> Revision:
        """The revision on a policy's stable page: in force, or (while previewing) the draft."""
        if self.command == "serve" and policy.draft is not None:
            return policy.draft
        return self.timelines[policy.id].shown

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        return self.cached(env) if self.config.enabled else env

    def cached(self, env: Environment) -> Environment:
        """mkdocs-static-i18n builds each language with new environments: the templates are
        compiled once for all of them, and not looked at again for changes during a build.
        Material's own templates are also reachable as `material/...`, so that our partials can
        wrap one of them instead of copying it."""
        env.bytecode_cache = self.template_cache
        env.auto_reload = False
        if not isinstance(env.loader, ChoiceLoader):
            env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(str(MATERIAL_TEMPLATES))})])
        return env

    # --- pages -----------------------------------------------------------------------------------

    @event_priority(-200)  # after mkdocs-static-i18n has chosen this language's files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled or self.site is None or self.routes is None:
            return files
        language = self.language(config)
        for file in files.documentation_pages():
            ref = self.ref(file)
            if ref is not None and ref.version is not None:
                revision = self.site.policies[ref.policy].revision(ref.version)
                public = revision in self.timelines[ref.policy].public
                # Revisions are reached from their policy, not the navigation; unpublished ones not at all.
                file.inclusion = InclusionLevel.NOT_IN_NAV if public else InclusionLevel.EXCLUDED
        t = strings(language)
        pages = [Generated("site-changelog", language, self.routes.site_changelog(language))]
        for policy in self.site.policies.values():
            timeline = self.timelines[policy.id]
            pages.append(Generated("changelog", language, self.routes.changelog(policy, language), policy))
            for revision in timeline.public:
                if timeline.previous(revision) is not None:
                    pages.append(Generated("diff", language, self.routes.diff(policy, revision, language), policy, revision))
        for page in pages:
            title = self.generated_title(page, t)
            source = generated_source(page.url, language, self.routes)
            file = File.generated(config, source, content=f"---\ntitle: {title!r}\nsearch:\n  exclude: true\n---\n",
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = page_path(page.url)
            file.alternates = self.generated_alternates(page)  # read by hreflang and the language switcher
            files.append(file)
            self.generated[source] = page
        return files

    def generated_title(self, page: Generated, t: dict[str, str]) -> str:
        if page.kind == "site-changelog":
            return t["changelog"]
        assert page.policy is not None
        title = page.policy.living.texts[page.language].title
        if page.kind == "changelog":
            return t["changelog_of"].format(title=title)
        assert page.revision is not None
        return f"{t['diff_title'].format(version=page.revision.version)} – {title}"

    def generated_alternates(self, page: Generated) -> dict[str, Any]:
        assert self.routes is not None

        class Alternate:
            def __init__(self, url: str) -> None:
                self.url = url

        def url_in(language: str) -> str:
            if page.kind == "site-changelog":
                return self.routes.site_changelog(language)
            assert page.policy is not None
            if page.kind == "changelog":
                return self.routes.changelog(page.policy, language)
            assert page.revision is not None
            return self.routes.diff(page.policy, page.revision, language)

        return {language: Alternate(url_in(language)) for language in self.languages}

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        ref = self.ref(page.file)
        if ref is None or self.site is None:
            return markdown
        if ref.version is not None:
            # Search finds the text in force; earlier and later revisions stay out of the index.
            page.meta["search"] = {"exclude": True}
            return markdown
        # The stable page shows the revision in force, which is not always the living text.
        return self.page_revision(ref).texts[ref.language].body

    def page_revision(self, ref: SourceRef) -> Revision:
        """The revision a policy page shows: its own, or on the stable page the one in force."""
        assert self.site is not None
        policy = self.site.policies[ref.policy]
        return self.shown(policy) if ref.version is None else policy.revision(ref.version)

    def register_renderer(self, revision: Revision, language: str):
        """Renders `<!-- register: kind -->` placeholders from this revision's own data."""
        assert self.env is not None
        template = self.env.get_template("partials/policypress/register.html")
        t = strings(language)

        def render(kind: str, arg: str | None) -> str:
            return template.render(t=t, view=register_view(kind, arg, revision.register, language))

        return render

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        ref = self.ref(page.file)
        if ref is not None and self.site is not None:
            # Tables go in after Markdown, which passes the placeholder comments through as they
            # are: parsing the tables' HTML again inside Markdown would only cost time.
            html = replace_placeholders(html, self.register_renderer(self.page_revision(ref), ref.language))
            if ref.version is not None:
                self.rendered[(ref.policy, str(ref.version))] = (page.url, html)
        generated = self.generated.get(page.file.src_uri) if page.file.generated_by else None
        if generated is None or self.env is None:
            return html
        if generated.kind == "diff":
            return self.render_diff(generated, page.url)
        return self.render_changelog(generated, page.url)

    def render_diff(self, page: Generated, url: str) -> str:
        assert page.policy and page.revision and self.routes and self.env
        timeline = self.timelines[page.policy.id]
        previous = timeline.previous(page.revision)
        assert previous is not None
        old_url, old_html = self.rendered[(page.policy.id, str(previous.version))]
        new_url, new_html = self.rendered[(page.policy.id, str(page.revision.version))]
        t = strings(page.language)
        result = diff.render(old_html, new_html, t, rebase(old_url, url), rebase(new_url, url))
        context = revision_context(timeline, page.revision, "diff", page.language, self.routes, url)
        context["previous"] = revision_entry(timeline, previous, page.language, self.routes, url)
        return self.env.get_template("partials/policypress/diff.html").render(
            t=t, pp=context, diff=result.html, stats=result.stats
        )

    def render_changelog(self, page: Generated, url: str) -> str:
        assert self.routes and self.env
        timelines = [self.timelines[page.policy.id]] if page.policy else list(self.timelines.values())
        t = strings(page.language)
        return self.env.get_template("partials/policypress/changelog.html").render(
            t=t,
            rows=changelog_rows(timelines, page.language, self.routes, url),
            whole_site=page.policy is None,
            feeds=feed_links(self.routes, page.language, url),
        )

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if not self.config.enabled or self.routes is None:
            return context
        language = self.language(config)
        info = self.site_context(language, page.url, config)
        info["alternates"] = self.alternates(page, config)
        info["nav_key"] = self.nav_key(page, nav, config)
        ref = self.ref(page.file)
        if ref is not None and self.site is not None:
            policy = self.site.policies[ref.policy]
            timeline = self.timelines[policy.id]
            revision = self.page_revision(ref)
            kind = "stable" if ref.version is None else "revision"
            info.update(revision_context(timeline, revision, kind, language, self.routes, page.url))
            if ref.version is not None and revision == timeline.in_force and config.site_url:
                # The same text is at the stable URL; that is the one search engines should show.
                page.canonical_url = urljoin(config.site_url, self.routes.stable(policy, language))
            if config.site_url:
                info["jsonld"] = self.page_jsonld(policy, revision, ref.version is None, language)
        if config.site_url:
            self.sitemap.append(sitemap.Entry(
                loc=urljoin(config.site_url, page.url.removeprefix("./")),
                lastmod=self.last_change(ref, page),
                alternates=[(a["hreflang"], a["href"]) for a in info["alternates"]],
            ))
        context["policypress"] = info
        self.fix_language_switcher(page, config)
        return context

    def nav_key(self, page: Page, nav: Navigation, config: MkDocsConfig) -> tuple[str, ...] | None:
        """Pages outside the navigation (revisions, diffs, changelogs: most pages of a site with a
        history) show no active item, so their navigation differs only in its relative links:
        pages whose links come out the same share one rendering of it (`nav_once`)."""
        if any(item is page for item in nav.pages):
            return None
        urls = [str(config.extra.get("homepage") or (nav.homepage.url if nav.homepage else ""))]
        stack = list(nav.items)
        while stack:
            item = stack.pop()
            stack.extend(getattr(item, "children", None) or [])
            if getattr(item, "url", None) is not None:
                urls.append(item.url)
        return (self.language(config), *(normalize_url(url, page=page) for url in urls))

    def nav_once(self, key: tuple[str, ...] | None, caller: Callable[[], str]) -> str:
        """Renders the navigation of a page outside it once per distinct set of links (a Jinja
        `{% call %}` block: `caller` renders Material's own partial)."""
        if not isinstance(key, tuple):  # a page in the navigation, or a theme page such as 404.html
            return caller()
        if key not in self.navs:
            self.navs[key] = caller()
        return self.navs[key]

    def site_context(self, language: str, page_url: str, config: MkDocsConfig) -> dict[str, Any]:
        """What every page in a language gets: strings, feeds, the privacy policy, the banner."""
        assert self.routes is not None
        info: dict[str, Any] = {
            "language": language,
            "t": strings(language),
            "alternates": [],
            "nav_once": self.nav_once,
            "material_bundle": self.bundle[0] if self.bundle else None,
            "feeds": feed_links(self.routes, language, page_url) if config.site_url else [],
            "processing_url": relative(self.routes.processing(language), page_url) if config.site_url else None,
        }
        if self.site is not None and self.site.info.privacy_policy in self.site.policies:
            privacy = self.site.policies[self.site.info.privacy_policy]
            info["privacy_policy_url"] = relative(self.routes.stable(privacy, language), page_url)
        info.update(self.banner(language, page_url))
        return info

    @staticmethod
    def site_root(config: MkDocsConfig) -> str:
        """The path the site is served under ("/", "/legal/")."""
        return urlsplit(config.site_url or "/").path.rstrip("/") + "/"

    def on_template_context(self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig) -> dict[str, Any]:
        # The 404 page is served at any path, so its links start at the site's root. It is in the
        # pass's language, and points to the home page and every policy.
        if template_name != "404.html" or not self.config.enabled or self.routes is None or self.site is None:
            return context
        language = self.language(config)
        root = self.site_root(config)
        info = self.site_context(language, root, config)
        info["home_url"] = relative(self.routes.prefix(language), root)
        info["policies"] = [
            {"title": self.shown(policy).texts[language].title, "url": relative(self.routes.stable(policy, language), root)}
            for policy in sorted(self.site.policies.values(), key=lambda p: p.id != self.site.info.privacy_policy)
            if language in policy.paths
        ]
        context["policypress"] = info
        return context

    def last_change(self, ref: SourceRef | None, page: Page) -> dt.date:
        """When a page last changed: its revision's publication, or the newest one of its policy."""
        generated = self.generated.get(page.file.src_uri) if page.file.generated_by else None
        policy_id = ref.policy if ref else (generated.policy.id if generated and generated.policy else None)
        if generated and generated.revision and generated.revision.published:
            return generated.revision.published
        if ref and ref.version is not None and self.site:
            published = self.site.policies[ref.policy].revision(ref.version).published
            if published:
                return published
        if policy_id is None and generated is None:
            return self.today  # a page of the site's own, such as the landing page
        # A policy's stable page or changelog: its newest revision; the site changelog: the newest.
        timelines = [self.timelines[policy_id]] if policy_id else list(self.timelines.values())
        dates = [r.published for t in timelines for r in t.public if r.published]
        return max(dates) if dates else self.today

    def banner(self, language: str, page_url: str) -> dict[str, str]:
        """The consent banner's script and configuration for a page, from the consent policy's
        revision in force."""
        options = self.config.consent
        if self.consent_policy is None or self.site is None or self.routes is None:
            return {}
        policy = self.site.policies[self.consent_policy]
        revision = self.shown(policy)
        settings = consent.config(
            policy.id, revision, language, strings(language),
            notice=relative(self.routes.stable(policy, language), page_url),
            cookie=options.cookie, max_age_days=options.max_age_days, endpoint=options.endpoint,
            jurisdiction=options.jurisdiction, consent_mode=options.consent_mode,
        )
        return {"consent": script_json(settings), "consent_script": relative(BANNER_JS, page_url)}

    def page_jsonld(self, policy: Policy, revision: Revision, stable: bool, language: str) -> str:
        """The `<script type="application/ld+json">` content of a policy page."""
        assert self.routes is not None and self.site is not None
        routes, timeline = self.routes, self.timelines[policy.id]

        def url_in(lang: str) -> str:
            return routes.absolute(routes.stable(policy, lang) if stable else routes.revision(policy, revision, lang))

        urls = jsonld.PageUrls(
            page=url_in(language),
            translations={lang: url_in(lang) for lang in self.languages},
            revision=routes.absolute(routes.revision(policy, revision, self.default_language)),
            site=routes.absolute(routes.home(self.default_language)),
        )
        first = timeline.public[0].published if stable and timeline.public else revision.published
        document = jsonld.page_document(
            self.site.info, policy, revision, language, self.default_language, urls,
            published=first.isoformat() if first else None,
            modified=revision.published.isoformat() if revision.published else None,
        )
        return script_json(document)

    def fix_language_switcher(self, page: Page, config: MkDocsConfig) -> None:
        """Point every language-switcher entry at this page's own translation, as a
        site-relative URL. mkdocs-static-i18n leaves home pages at root-absolute links
        ('/en/'), and does not know the pages policypress generates."""
        alternates: dict[str, Any] = getattr(page.file, "alternates", {}) or {}
        # i18n assigns the attribute (shadowing the mapping key); templates read the attribute.
        for entry in getattr(config.extra, "alternate", None) or []:
            file = alternates.get(entry.get("lang"))
            if file is not None:
                entry["link"] = file.url or "./"

    def alternates(self, page: Page, config: MkDocsConfig) -> list[dict[str, str]]:
        """`<link rel="alternate" hreflang>` targets: every language of this page and x-default.

        Absolute when `site_url` is set (search engines ask for full URLs), else relative."""
        files: dict[str, Any] = dict(getattr(page.file, "alternates", {}) or {})
        files.setdefault(self.language(config), page.file)

        def href(file: Any) -> str:
            if config.site_url:
                return urljoin(config.site_url, file.url.removeprefix("./"))
            return get_relative_url(file.url, page.url) or "./"

        links = [{"hreflang": lang, "href": href(files[lang])} for lang in self.languages if lang in files]
        if self.default_language in files:
            links.append({"hreflang": "x-default", "href": href(files[self.default_language])})
        return links

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled or self.routes is None:
            return output
        language = self.language(config)
        if language != self.default_language:
            # Search looks in this language's own index (see split_search).
            output = self.searching_in_own_language(output, relative(self.routes.prefix(language), page.url))
        return valid_html(output)

    # --- files written after the pages -----------------------------------------------------------

    def _post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.routes is None:
            return
        site_dir = Path(config.site_dir)
        language = self.language(config)
        # Theme pages such as 404.html skip on_post_page, and every language pass writes them anew
        # into the site root: the root keeps the default language's, the others go to their folder.
        for name in config.theme.static_templates:
            path = site_dir / name
            if not name.endswith(".html") or not path.is_file():
                continue
            html = valid_html(path.read_text(encoding="utf-8"))
            if language != self.default_language:
                html = self.searching_in_own_language(html, relative(self.routes.prefix(language), self.site_root(config)))
            if language == self.default_language or name not in self.theme_pages:
                self.theme_pages[name] = html
                path.write_text(html, encoding="utf-8")
            else:
                (site_dir / language / name).parent.mkdir(parents=True, exist_ok=True)
                (site_dir / language / name).write_text(html, encoding="utf-8")
                path.write_text(self.theme_pages[name], encoding="utf-8")
        if language == self.default_language:
            # Assets live once, in the site root (i18n points the other languages there).
            (site_dir / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
            # The banner's CSS travels in the same file: one render-blocking request fewer.
            styles = [PACKAGE / "assets" / "policypress.css"] + ([BANNER_CSS] if self.config.consent.enabled else [])
            (site_dir / STYLESHEET).write_bytes(b"\n".join(path.read_bytes() for path in styles))
            if self.bundle:
                (site_dir / self.bundle[0]).write_text(self.bundle[1], encoding="utf-8")
            (site_dir / CONTEXT).write_bytes(jsonld.CONTEXT_FILE.read_bytes())
            if self.config.consent.enabled:
                for uri, source in BANNER.items():
                    (site_dir / uri).parent.mkdir(parents=True, exist_ok=True)
                    (site_dir / uri).write_bytes(source.read_bytes())
        if config.site_url:
            self.write_feeds(site_dir, language, config.site_name)
            self.write_processing(site_dir, language)
        elif language == self.default_language:
            log.warning("set 'site_url' in mkdocs.yml to publish the change feeds (feeds need absolute links)")

    def write_processing(self, site_dir: Path, language: str) -> None:
        """`processing.jsonld`: everything processed today, in this language."""
        assert self.routes is not None and self.site is not None
        routes = self.routes
        described = [
            (revision, routes.absolute(routes.stable(policy, language)),
             routes.absolute(routes.revision(policy, revision, self.default_language)))
            for policy in self.site.policies.values()
            if (revision := self.timelines[policy.id].in_force) is not None
        ]
        document = jsonld.processing_document(self.site.info, described, language,
                                              routes.absolute(routes.home(self.default_language)),
                                              routes.absolute(CONTEXT))
        target = site_dir / routes.processing(language)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def searching_in_own_language(self, html: str, base: str) -> str:
        """The page with its search pointed at its language's index; a page where Material's
        configuration is not found keeps the merged index for the whole site (see split_search)."""
        rebased = search.with_search_base(html, base)
        if rebased is None:
            self.merged_search = True
            return html
        return rebased

    @event_priority(-200)  # after mkdocs-static-i18n, which builds the other languages in its own
    def after_all_languages(self, *, config: MkDocsConfig) -> None:
        """What needs every language built: the sitemap, and one search index per language."""
        if not self.config.enabled:
            return
        self.passes_open -= 1
        if self.routes is None or self.passes_open > 0:
            return  # a language built inside the first one's build: not every page is known yet
        site_dir = Path(config.site_dir)
        if config.site_url:
            document = sitemap.sitemap(self.sitemap)
            (site_dir / "sitemap.xml").write_bytes(document)
            (site_dir / "sitemap.xml.gz").write_bytes(sitemap.gzipped(document))
        self.split_search(site_dir)

    def split_search(self, site_dir: Path) -> None:
        """One search index per language, each under its language's root, from the index
        mkdocs-static-i18n merged."""
        assert self.routes is not None
        if self.merged_search:
            log.info("Material's page configuration was not found on every page; search keeps one index for all languages")
            return
        merged = site_dir / "search" / "search_index.json"
        if not merged.is_file():
            return  # no search plugin
        prefixes = {language: self.routes.prefix(language) for language in self.languages}
        for language, index in search.split_index(json.loads(merged.read_text(encoding="utf-8")), prefixes).items():
            target = site_dir / prefixes[language] / "search" / "search_index.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    on_post_build = CombinedEvent(_post_build, after_all_languages)

    def on_build_error(self, *, error: Exception) -> None:
        self.passes_open = 0  # `mkdocs serve` builds again after a failed build

    def write_feeds(self, site_dir: Path, language: str, site_name: str) -> None:
        assert self.routes is not None
        t = strings(language)
        entries = [self.feed_entry(timeline, revision, language, t)
                   for timeline in self.timelines.values() for revision in timeline.public]
        home = self.routes.absolute(self.routes.home(language))
        outputs = {
            "atom": feeds.atom(feeds.Feed(t["feed_title"].format(site=site_name), language, home,
                                          self.routes.absolute(self.routes.feed("atom", language)), entries)),
            "json": feeds.json_feed(feeds.Feed(t["feed_title"].format(site=site_name), language, home,
                                               self.routes.absolute(self.routes.feed("json", language)), entries)).encode(),
            "major": feeds.atom(feeds.Feed(t["feed_major_title"].format(site=site_name), language, home,
                                           self.routes.absolute(self.routes.feed("major", language)),
                                           [e for e in entries if e.major])),
        }
        for kind, content in outputs.items():
            target = site_dir / self.routes.feed(kind, language)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def feed_entry(self, timeline: Timeline, revision: Revision, language: str, t: dict[str, str]) -> feeds.Entry:
        assert self.routes is not None
        policy, routes = timeline.policy, self.routes
        text = revision.texts[language]
        url = routes.absolute(routes.revision(policy, revision, language))
        diff_url = routes.absolute(routes.diff(policy, revision, language)) if timeline.previous(revision) else None
        effective = long_date(revision.effective, language)
        kind = t["change_major"] if revision.is_major else t["change_minor"]
        links = [f'<a href="{escape(url)}">{escape(t["read_version"].format(version=revision.version))}</a>']
        if diff_url:
            links.append(f'<a href="{escape(diff_url)}">{escape(t["see_changes"])}</a>')
        links_html = f"<p>{escape(kind)}. {escape(t['effective'])} {escape(effective)}.</p>\n<p>{' · '.join(links)}</p>"
        return feeds.Entry(
            policy=policy.id, version=str(revision.version), language=language,
            title=t["entry_title"].format(title=text.title, version=revision.version, date=effective),
            summary=text.summary, published=revision.published or revision.effective, effective=revision.effective,
            major=revision.is_major, url=url, diff_url=diff_url, links_html=links_html,
        )

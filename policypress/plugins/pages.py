"""The pages policypress shows, as types: each knows its URL in every language, its title, how
it renders and when it last changed, so the plugin's events only ask.

- `PolicyPage`: a Markdown source of a policy, at its stable URL (the revision in force) or at
  a released revision's permanent URL;
- `DiffPage`, `WholeChangePage`, `ChangelogPage`, `SiteChangelogPage`: the pages policypress generates.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from ..core import diff
from ..core.summary import summary
from ..core.model import Policy, Revision, SourceRef
from ..core.register import replace_placeholders
from ..core.register import view as register_view
from ..core.texts import long_date, strings
from ..core.timeline import Timeline
from ..core.whole_change import whole_change_bases
from .context import Kind, changelog_rows, dates_locale, feed_links, info_in, revision_context, revision_entry
from .routes import Routes, rebase, relative
from .state import BuildState, GeneratedPage, PassState

REGISTER_TEMPLATE = "partials/policypress/register.html"


def changed_on(build: BuildState, policies: list[Policy]) -> dt.date | None:
    """When what is shown of some policies last changed: every page lists all public revisions and
    says which is in force, so it changes when a revision is published and when one takes effect
    (None if nothing is public)."""
    dates = [d for p in policies for r in build.timelines[p.id].public
             for d in (r.published, r.effective) if d is not None and d <= build.today]
    return max(dates) if dates else None


def content_date(build: BuildState, policies: list[Policy]) -> dt.date:
    """When the pages of some policies last changed (the sitemap's lastmod; the build date if
    nothing is public)."""
    return changed_on(build, policies) or build.today


def render_register(env: Environment, revision: Revision, language: str, html: str,
                    rendered: dict[tuple[str, str], str] | None = None) -> str:
    """`<!-- register: kind -->` placeholders replaced by tables of this revision's own data.

    Tables go in after Markdown, which passes the placeholder comments through as they are:
    parsing the tables' HTML again inside Markdown would only cost time. `rendered` keeps the
    tables made so far in the build: a table is its rows (plain text, lists and flags, so their
    repr tells them apart) in one language."""
    template = env.get_template(REGISTER_TEMPLATE)
    t = strings(language)
    rendered = {} if rendered is None else rendered

    def render(kind: str, arg: str | None) -> str:
        view = register_view(kind, arg, revision.register, language)
        key = (language, repr(view))
        if key not in rendered:
            rendered[key] = template.render(t=t, view=view)
        return rendered[key]

    return replace_placeholders(html, render)


HEADING_RE = re.compile(r'<h2 id="(?P<id>[^"]+)"|class="pp-register pp-register--(?P<kind>[\w-]+)"')


def section_links(html: str) -> dict[str, str]:
    """Each register table's kind -> the id of the section (`##` heading) it stands in."""
    links: dict[str, str] = {}
    section = None
    for match in HEADING_RE.finditer(html):
        if match["id"]:
            section = match["id"]
        elif section is not None:
            links.setdefault(match["kind"], section)
    return links


@dataclass(frozen=True)
class PolicyPage:
    """A policy source page: the stable page (living file) or a released revision's own page."""

    build: BuildState
    policy: Policy
    revision: Revision  # on the stable page: the one in force (or the draft while previewing)
    language: str
    stable: bool

    @classmethod
    def of(cls, build: BuildState, ref: SourceRef) -> PolicyPage:
        policy = build.site.policies[ref.policy]
        if ref.version is None:
            return cls(build, policy, build.shown(policy), ref.language, True)
        return cls(build, policy, policy.revision(ref.version), ref.language, False)

    @property
    def kind(self) -> Kind:
        return "stable" if self.stable else "revision"

    def url_in(self, language: str) -> str:
        routes = self.build.routes
        return routes.stable(self.policy, language) if self.stable else routes.revision(self.policy, self.revision, language)

    def markdown(self, source: str) -> str:
        """The stable page shows the revision in force, which is not always the living text."""
        return self.revision.texts[self.language].body if self.stable else source

    def render(self, html: str, page_url: str, state: PassState) -> str:
        html = render_register(state.env, self.revision, self.language, html, state.build.tables)
        if not self.stable or not self.revision.is_released:  # a revision's page, or a draft previewed
            state.rendered.add(self.policy, self.revision, page_url, html)
        return html

    def context(self, page_url: str, html: str) -> dict[str, Any]:
        """The template data of the page; `html` is its converted content (the short layer links
        to the sections that hold its tables)."""
        timeline = self.build.timelines[self.policy.id]
        context = revision_context(timeline, self.revision, self.kind, self.language, self.build.routes, page_url,
                                   dates_locale(self.build, self.language))
        if self.revision.register.processing:
            context["in_short"] = summary(info_in(self.build, self.language), self.revision, self.language)
            context["in_short_links"] = section_links(html)
        return context

    def description(self) -> str | None:
        """A released revision's own page says which version it is, from when, and what changed in
        it (the stable page keeps its front matter's description)."""
        if self.stable:
            return None
        text = self.revision.texts[self.language]
        return strings(self.language)["description_revision"].format(
            title=text.title, version=self.revision.version, summary=text.summary,
            date=long_date(self.revision.effective, dates_locale(self.build, self.language)))

    def title(self) -> str | None:
        """A released revision's own page names its version (the stable page keeps its title)."""
        if self.stable:
            return None
        text = self.revision.texts[self.language]
        return strings(self.language)["revision_title"].format(title=text.title, version=self.revision.version)

    def last_change(self) -> dt.date:
        return content_date(self.build, [self.policy])


@dataclass(frozen=True)
class DiffPage(GeneratedPage):
    """A released revision compared with the one before, word by word."""

    policy: Policy
    revision: Revision
    previous: Revision

    def url_in(self, routes: Routes, language: str) -> str:
        return routes.diff(self.policy, self.revision, language)

    def title(self) -> str:
        t = strings(self.language)
        return f"{t['diff_title'].format(version=self.revision.version)} – {self.policy.living.texts[self.language].title}"

    def description(self, build: BuildState, site_name: str) -> str:
        return strings(self.language)["description_diff"].format(
            title=self.policy.living.texts[self.language].title, version=self.revision.version,
            previous=self.previous.version, summary=self.revision.texts[self.language].summary)

    def render(self, state: PassState, page_url: str) -> str:
        build, language = state.build, self.language
        timeline = build.timelines[self.policy.id]
        old_url, old_html = state.rendered.get(self.policy, self.previous)
        new_url, new_html = state.rendered.get(self.policy, self.revision)
        t, dates = strings(language), dates_locale(build, language)
        result = diff.render(old_html, new_html, t, rebase(old_url, page_url), rebase(new_url, page_url))
        context = revision_context(timeline, self.revision, "diff", language, build.routes, page_url, dates)
        context["previous"] = revision_entry(timeline, self.previous, language, build.routes, page_url, dates)
        context.update(self.around(timeline, build.routes, page_url, dates))
        return state.env.get_template("partials/policypress/diff.html").render(
            t=t, pp=context, diff=result.html, stats=result.stats, stats_text=diff.stats_text(result.stats, t)
        )

    def last_change(self, build: BuildState) -> dt.date:
        return content_date(build, [self.policy])

    def around(self, timeline: Timeline, routes: Routes, page_url: str, dates: str) -> dict[str, Any]:
        """Links to the comparisons with revisions in force while this one was announced."""
        return {"whole_changes": [
            {"version": str(base.version),
             "url": relative(routes.whole_change(self.policy, self.revision, base, self.language), page_url)}
            for base in whole_change_bases(timeline, self.revision)]}


@dataclass(frozen=True)
class WholeChangePage(DiffPage):
    """A revision compared with one in force while it was announced, earlier than the one before
    it: all that changes for a reader under that one (core/whole_change.py)."""

    def url_in(self, routes: Routes, language: str) -> str:
        return routes.whole_change(self.policy, self.revision, self.previous, language)

    def title(self) -> str:
        t = strings(self.language)
        heading = t["diff_whole_title"].format(old=self.previous.version, new=self.revision.version)
        return f"{heading} – {self.policy.living.texts[self.language].title}"

    def description(self, build: BuildState, site_name: str) -> str:
        return strings(self.language)["description_diff_whole"].format(
            title=self.policy.living.texts[self.language].title, version=self.revision.version,
            previous=self.previous.version)

    def around(self, timeline: Timeline, routes: Routes, page_url: str, dates: str) -> dict[str, Any]:
        """The versions this comparison spans, each with its summary and its own diff."""
        versions = [r.version for r in timeline.public]
        start, end = versions.index(self.previous.version) + 1, versions.index(self.revision.version) + 1
        return {"steps": [revision_entry(timeline, r, self.language, routes, page_url, dates)
                          for r in timeline.public[start:end]]}


@dataclass(frozen=True)
class ChangelogPage(GeneratedPage):
    """Every public revision of one policy, or with `policy` None of the whole site."""

    policy: Policy | None = None

    def url_in(self, routes: Routes, language: str) -> str:
        return routes.site_changelog(language) if self.policy is None else routes.changelog(self.policy, language)

    def title(self) -> str:
        t = strings(self.language)
        if self.policy is None:
            return t["changelog"]
        return t["changelog_of"].format(title=self.policy.living.texts[self.language].title)

    def description(self, build: BuildState, site_name: str) -> str:
        t, controller = strings(self.language), build.site.info.controller
        if self.policy is None:
            return t["description_site_changelog"].format(owner=controller.name if controller else site_name)
        return t["description_changelog"].format(title=self.policy.living.texts[self.language].title)

    def policies(self, build: BuildState) -> list[Policy]:
        return list(build.site.policies.values()) if self.policy is None else [self.policy]

    def render(self, state: PassState, page_url: str) -> str:
        build = state.build
        timelines = [build.timelines[p.id] for p in self.policies(build)]
        return state.env.get_template("partials/policypress/changelog.html").render(
            t=strings(self.language),
            rows=changelog_rows(timelines, self.language, build.routes, page_url, dates_locale(build, self.language)),
            whole_site=self.policy is None,
            feeds=feed_links(build.routes, self.language, page_url),
        )

    def last_change(self, build: BuildState) -> dt.date:
        return content_date(build, self.policies(build))


@dataclass(frozen=True)
class PendingChangelogPage(GeneratedPage):
    """While previewing, the changelog of a policy left out for its problems: its links keep
    working, and it says why it is empty (one cause, one message: not a warning per link)."""

    living: Path

    def url_in(self, routes: Routes, language: str) -> str:
        return routes.living_page(self.living, self.language).removesuffix("./") + "changelog/"

    def title(self) -> str:
        return strings(self.language)["changelog"]

    def description(self, build: BuildState, site_name: str) -> str:
        return strings(self.language)["changelog_pending"]

    def render(self, state: PassState, page_url: str) -> str:
        policy_url = relative(state.build.routes.living_page(self.living, self.language), page_url)
        return state.env.get_template("partials/policypress/pending.html").render(t=strings(self.language), url=policy_url)

    def last_change(self, build: BuildState) -> dt.date:
        return build.today


def generated_pages(build: BuildState, language: str) -> list[GeneratedPage]:
    """The pages policypress adds in a language: the site's changelog, each policy's changelog,
    and a diff for every public revision that has one before it."""
    pages: list[GeneratedPage] = [ChangelogPage(language)]
    for policy in build.site.policies.values():
        timeline = build.timelines[policy.id]
        pages.append(ChangelogPage(language, policy))
        # While previewing, a draft is compared with the latest public revision.
        drafts = (policy.draft,) if build.command == "serve" and policy.draft is not None else ()
        for revision in (*timeline.public, *drafts):
            previous = timeline.previous(revision)
            if previous is not None:
                pages.append(DiffPage(language, policy, revision, previous))
            pages += [WholeChangePage(language, policy, revision, base) for base in whole_change_bases(timeline, revision)]
    pages += [PendingChangelogPage(language, files[language]) for files in build.set_aside.values() if language in files]
    return pages

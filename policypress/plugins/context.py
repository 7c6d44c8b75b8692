"""What the templates of policy pages are given: plain data in, plain dicts out, with every URL
already relative to the page being rendered."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from . import consent
from ..core.model import Revision, SiteInfo
from ..core.texts import date_locale, long_date, strings
from ..core.timeline import Timeline
from ..core.whole_change import whole_change_bases
from .config import site_info
from .routes import Routes, relative
from .state import BuildState, PassState
from .theme import NavMemo

Kind = Literal["stable", "revision", "diff"]


def info_in(build: BuildState, language: str) -> SiteInfo:
    """Who is responsible, with the texts mkdocs.yml gives per language (the authority's name, a
    town) in `language`: what a page, summary or feed of that language shows."""
    return site_info(build.options, language)


def dates_locale(build: BuildState, language: str) -> str:
    """The CLDR locale of a language's dates on this site (`locales: {en: en_GB}` in mkdocs.yml)."""
    return date_locale(language, build.options.locales)


def date_info(date: dt.date | None, locale: str) -> dict[str, str] | None:
    """A date for a `<time>` element: ISO, and as the locale writes it (`locale`: see `dates_locale`)."""
    return None if date is None else {"iso": date.isoformat(), "text": long_date(date, locale)}


def revision_entry(timeline: Timeline, revision: Revision, language: str, routes: Routes, page_url: str,
                   dates: str) -> dict[str, Any]:
    """One revision as lists and notices show it, its dates in the locale `dates`."""
    policy = timeline.policy
    url = routes.revision(policy, revision, language)
    previous = timeline.previous(revision)
    return {
        "version": str(revision.version),
        "major": revision.is_major,
        # Nothing public before it: a released first version, or a draft previewed before any release.
        "first": previous is None,
        "state": timeline.state(revision),
        "title": revision.texts[language].title,
        "summary": revision.texts[language].summary,
        "effective": date_info(revision.effective, dates),
        "published": date_info(revision.published, dates),
        "until": date_info(timeline.until(revision), dates),
        "url": relative(url, page_url),
        "is_here": url == page_url,
        "diff_url": relative(routes.diff(policy, revision, language), page_url) if previous else None,
    }


def revision_context(timeline: Timeline, revision: Revision, kind: Kind, language: str, routes: Routes, page_url: str,
                     dates: str) -> dict[str, Any]:
    """Context of a page showing one revision: the stable page, a revision's own page or its diff."""
    policy = timeline.policy
    entry = revision_entry(timeline, revision, language, routes, page_url, dates)
    in_force = timeline.in_force
    return {
        "kind": kind,
        "policy": policy,
        "revision": revision,
        "text": revision.texts[language],
        "this": entry,
        "effective": entry["effective"]["text"],
        "current_url": relative(routes.stable(policy, language), page_url),
        "in_force": revision_entry(timeline, in_force, language, routes, page_url, dates) if in_force else None,
        # Announced revisions, shown as notices on the stable page.
        "announced": [
            revision_entry(timeline, r, language, routes, page_url, dates)
            for r in timeline.upcoming if kind == "stable" and r != revision
        ],
        # Announced version -> its comparison with the one in force, where versions lie between.
        "whole_changes": {
            str(r.version): relative(routes.whole_change(policy, r, in_force, language), page_url)
            for r in timeline.upcoming if kind == "stable" and in_force is not None
            and any(base.version == in_force.version for base in whole_change_bases(timeline, r))
        },
        "versions": [revision_entry(timeline, r, language, routes, page_url, dates) for r in reversed(timeline.public)],
        "changelog_url": relative(routes.changelog(policy, language), page_url),
    }


def changelog_rows(timelines: list[Timeline], language: str, routes: Routes, page_url: str, dates: str) -> list[dict[str, Any]]:
    """Every public revision of the given policies, newest first."""
    rows = []
    for timeline in timelines:
        for revision in timeline.public:
            row = revision_entry(timeline, revision, language, routes, page_url, dates)
            row["policy_title"] = revision.texts[language].title
            rows.append(row)
    return sorted(rows, key=lambda r: (r["published"]["iso"], r["effective"]["iso"], r["version"]), reverse=True)


def feed_links(routes: Routes, language: str, page_url: str) -> list[dict[str, str]]:
    t = strings(language)
    return [
        {"type": "application/atom+xml", "title": t["feed_all"], "href": relative(routes.feed("atom", language), page_url)},
        {"type": "application/feed+json", "title": t["feed_json"], "href": relative(routes.feed("json", language), page_url)},
        {"type": "application/atom+xml", "title": t["feed_major"], "href": relative(routes.feed("major", language), page_url)},
    ]


def site_context(state: PassState, page_url: str, nav_once: NavMemo) -> dict[str, Any]:
    """What every page of a language gets: strings, feeds, the privacy policy, the banner."""
    build, language = state.build, state.language
    routes = build.routes
    info: dict[str, Any] = {
        "language": language,
        "t": strings(language),
        "alternates": [],
        "nav_once": nav_once,
        "material_bundle": build.bundle[0] if build.bundle else None,
        "feeds": feed_links(routes, language, page_url) if state.site_url else [],
        "processing_url": relative(routes.processing(language), page_url) if state.site_url else None,
    }
    privacy = build.site.policies.get(build.site.info.privacy_policy)
    if privacy is not None:
        info["privacy_policy_url"] = relative(routes.stable(privacy, language), page_url)
    info.update(consent.page_context(state, page_url))
    return info


def not_found_context(state: PassState, root: str, nav_once: NavMemo) -> dict[str, Any]:
    """The 404 page is served at any path, so its links start at the site's root (`root`: "/",
    "/legal/"). It is in the pass's language, and points to the home page and every policy."""
    build, language = state.build, state.language
    info = site_context(state, root, nav_once)
    info["home_url"] = relative(build.routes.prefix(language), root)
    info["policies"] = [
        {"title": build.shown(policy).texts[language].title, "url": relative(build.routes.stable(policy, language), root)}
        for policy in sorted(build.site.policies.values(), key=lambda p: p.id != build.site.info.privacy_policy)
        if language in policy.paths
    ]
    return info

"""What the templates of policy pages are given, and the pages policypress generates.

Plain data in, plain dicts out: URLs are already relative to the page being rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from ..core.model import Policy, Revision
from ..core.texts import long_date, strings
from ..core.timeline import Timeline
from .routes import Routes, relative

Kind = Literal["stable", "revision", "diff", "changelog", "site-changelog"]


@dataclass(frozen=True)
class Generated:
    """A page policypress adds: a revision's diff, or a changelog."""

    kind: Kind
    language: str
    url: str
    policy: Policy | None = None
    revision: Revision | None = None


def date_info(date: dt.date | None, language: str) -> dict[str, str] | None:
    return None if date is None else {"iso": date.isoformat(), "text": long_date(date, language)}


def revision_entry(timeline: Timeline, revision: Revision, language: str, routes: Routes, page_url: str) -> dict[str, Any]:
    """One revision as lists and notices show it."""
    policy = timeline.policy
    url = routes.revision(policy, revision, language)
    previous = timeline.previous(revision)
    return {
        "version": str(revision.version),
        "major": revision.is_major,
        "state": timeline.state(revision),
        "title": revision.texts[language].title,
        "summary": revision.texts[language].summary,
        "effective": date_info(revision.effective, language),
        "published": date_info(revision.published, language),
        "until": date_info(timeline.until(revision), language),
        "url": relative(url, page_url),
        "is_here": url == page_url,
        "diff_url": relative(routes.diff(policy, revision, language), page_url) if previous else None,
    }


def revision_context(timeline: Timeline, revision: Revision, kind: Kind, language: str, routes: Routes, page_url: str) -> dict[str, Any]:
    """Context of a page showing one revision: the stable page or a revision's own page."""
    policy = timeline.policy
    entry = revision_entry(timeline, revision, language, routes, page_url)
    in_force = timeline.in_force
    return {
        "kind": kind,
        "policy": policy,
        "revision": revision,
        "text": revision.texts[language],
        "this": entry,
        "effective": entry["effective"]["text"],
        "current_url": relative(routes.stable(policy, language), page_url),
        "in_force": revision_entry(timeline, in_force, language, routes, page_url) if in_force else None,
        # Announced revisions, shown as notices on the stable page.
        "announced": [
            revision_entry(timeline, r, language, routes, page_url)
            for r in timeline.upcoming if kind == "stable" and r != revision
        ],
        "versions": [revision_entry(timeline, r, language, routes, page_url) for r in reversed(timeline.public)],
        "changelog_url": relative(routes.changelog(policy, language), page_url),
    }


def changelog_rows(timelines: list[Timeline], language: str, routes: Routes, page_url: str) -> list[dict[str, Any]]:
    """Every public revision of the given policies, newest first."""
    rows = []
    for timeline in timelines:
        for revision in timeline.public:
            row = revision_entry(timeline, revision, language, routes, page_url)
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

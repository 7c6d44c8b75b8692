"""The change feeds of each language: Atom and JSON Feed of every public revision, and an Atom
feed of the major changes only. They need absolute links, so `site_url`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.plugins import get_plugin_logger

from ..core import feeds, icons
from ..core.model import Revision
from ..core.texts import date_locale, long_date, strings
from ..core.timeline import Timeline
from .routes import Routes
from .state import BuildState

log = get_plugin_logger(__name__)

ENTRY_TEMPLATE = "partials/policypress/feed-entry.html"
# The feeds' 512×512 icon (JSON Feed's `icon`), drawn at build time in the site's colour.
ICON = "assets/policypress/feed-icon.png"


def entry(timeline: Timeline, revision: Revision, language: str, routes: Routes, env: Environment,
          dates: str) -> feeds.Entry:
    """One revision as a feed entry in one language, its date in the locale `dates`."""
    policy, t = timeline.policy, strings(language)
    text = revision.texts[language]
    effective = long_date(revision.effective, dates)
    fields = dict(
        policy=policy.id, version=str(revision.version), language=language,
        title=t["entry_title"].format(title=text.title, version=revision.version, date=effective),
        summary=text.summary, published=revision.published or revision.effective, effective=revision.effective,
        major=revision.is_major, url=routes.absolute(routes.revision(policy, revision, language)),
        diff_url=routes.absolute(routes.diff(policy, revision, language)) if timeline.previous(revision) else None,
        policy_title=text.title, first=timeline.previous(revision) is None,
    )
    content = env.get_template(ENTRY_TEMPLATE).render(t=t, entry=fields, effective=effective)
    return feeds.Entry(**fields, content_html=content)


def first_published(build: BuildState) -> dt.date:
    """The day the site's first policy revision was released (published): the date of the feeds'
    ids, the same in every later build (the build date while nothing is released)."""
    days = [revision.published for policy in build.site.policies.values() for revision in policy.revisions
            if revision.published is not None]
    return min(days, default=build.today)


def write(build: BuildState, site_dir: Path, language: str, site_name: str, env: Environment, favicon: str | None,
          palette: Any = None) -> None:
    """`favicon` is the theme's favicon, site-relative; `palette` the theme's, whose primary
    colour the feeds' icon is drawn in (written once, into the site root)."""
    routes, t = build.routes, strings(language)
    dates = date_locale(language, build.options.locales)
    entries = [entry(timeline, revision, language, routes, env, dates)
               for timeline in build.timelines.values() for revision in timeline.public]
    home = routes.absolute(routes.home(language))
    controller = build.site.info.controller
    author = feeds.Author(controller.name, controller.email, controller.url) if controller else None
    if language == build.default_language:
        (site_dir / ICON).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / ICON).write_bytes(icons.feed_icon(icons.primary_colour(palette)))
    since = first_published(build)

    def feed(kind: str, title: str, chosen: list[feeds.Entry]) -> feeds.Feed:
        return feeds.Feed(title.format(site=site_name), language, home, routes.absolute(routes.feed(kind, language)), chosen,
                          changelog_url=routes.absolute(routes.site_changelog(language)), author=author,
                          description=t[f"{'feed_major' if kind == 'major' else 'feed'}_description"].format(site=site_name),
                          icon=routes.absolute(ICON), favicon=routes.absolute(favicon) if favicon else None, since=since)

    outputs = {
        "atom": feeds.atom(feed("atom", t["feed_title"], entries)),
        "json": feeds.json_feed(feed("json", t["feed_title"], entries)).encode(),
        "major": feeds.atom(feed("major", t["feed_major_title"], [e for e in entries if e.major])),
    }
    for kind, content in outputs.items():
        target = site_dir / routes.feed(kind, language)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

"""Atom 1.0 and JSON Feed 1.1 of policy revisions, so customers hear about changes.

One entry per public revision, from its publication date (an announced revision appears before
it takes effect). Ids are `tag:` URIs made of facts that never change (host, publication date,
policy, version, language), so readers never see an entry twice; a feed's own id carries the day
its policies were first published. Dates are RFC 3339. Atom is
written by feedgen; JSON Feed is plain JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from feedgen.feed import FeedGenerator

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Entry:
    policy: str
    version: str
    language: str
    title: str
    summary: str
    published: dt.date
    effective: dt.date
    major: bool
    url: str  # the revision's permanent page (absolute)
    diff_url: str | None  # its comparison with the previous revision (absolute)
    content_html: str  # the entry's body: summary and links, rendered from a template
    policy_title: str = ""  # the policy's title in the entry's language (its category's label)
    first: bool = False  # the policy's first public version: neither a major nor a minor change

    @property
    def kind(self) -> str:
        return "first" if self.first else "major" if self.major else "minor"

    def tag(self, host: str) -> str:
        return f"tag:{host},{self.published.isoformat()}:{self.policy}/{self.version}/{self.language}"

    @property
    def timestamp(self) -> dt.datetime:
        return dt.datetime.combine(self.published, dt.time(), dt.timezone.utc)


@dataclass(frozen=True)
class Author:
    """Who publishes the policies: the controller."""

    name: str
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str
    language: str
    site_url: str  # the language's home page (absolute)
    self_url: str  # where this feed is published (absolute)
    entries: Sequence[Entry]
    changelog_url: str = ""  # the readable list of every change, the feed's alternate (absolute)
    author: Author | None = None
    description: str = ""
    icon: str | None = None  # JSON Feed's `icon`: a 512×512 image for readers that show one (absolute)
    favicon: str | None = None  # the site's small icon: JSON Feed's `favicon`, Atom's `icon` (absolute)
    since: dt.date | None = None  # the day the first of its policies was published: the date in its id

    @property
    def alternate(self) -> str:
        return self.changelog_url or self.site_url

    @property
    def host(self) -> str:
        return urlparse(self.site_url).hostname or "localhost"

    @property
    def updated(self) -> dt.datetime:
        """The newest entry's date; never the build time, so builds are reproducible."""
        if not self.entries:
            return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        return max(entry.timestamp for entry in self.entries)

    @property
    def id(self) -> str:
        """A `tag:` URI of the host, the day its policies were first published (a day the site
        owned the host: RFC 4151) and the feed's path; the same in every build."""
        since = self.since or min((entry.published for entry in self.entries), default=None)
        path = urlparse(self.self_url).path
        return f"tag:{self.host},{since.isoformat() if since else '1970-01-01'}:{path}"

    def ordered(self) -> list[Entry]:
        return sorted(self.entries, key=lambda e: (e.published, e.effective, e.policy, e.version), reverse=True)


def atom(feed: Feed) -> bytes:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.language(feed.language)
    generator.updated(feed.updated)
    generator.link(href=feed.self_url, rel="self", type="application/atom+xml")
    generator.link(href=feed.alternate, rel="alternate", type="text/html")
    author = feed.author or Author(feed.title)
    generator.author({key: value for key, value in (("name", author.name), ("email", author.email), ("uri", author.url)) if value})
    if feed.description:
        generator.subtitle(feed.description)
    if feed.favicon:
        generator.icon(feed.favicon)
    for item in reversed(feed.ordered()):  # feedgen prepends; reversed keeps newest first
        entry = generator.add_entry()
        entry.id(item.tag(feed.host))
        entry.title(item.title)
        entry.published(item.timestamp)
        entry.updated(item.timestamp)
        # One link per entry: feedgen 1.0 drops the attributes of entry links (python-feedgen#135),
        # so a second, `related` link would turn into another alternate. The diff link is in
        # the content instead.
        entry.link(href=item.url)
        entry.summary(item.summary)
        entry.content(item.content_html, type="html")
        entry.category(term=item.kind)
        entry.category(term=item.policy, label=item.policy_title or item.policy)
    return generator.atom_str(pretty=True)


def json_feed(feed: Feed) -> str:
    items = [
        {
            "id": item.tag(feed.host),
            "url": item.url,
            "title": item.title,
            "summary": item.summary,
            "content_html": item.content_html,
            "date_published": item.timestamp.isoformat(),
            "date_modified": item.timestamp.isoformat(),
            "language": item.language,
            "tags": [item.kind, item.policy],
        }
        for item in feed.ordered()
    ]
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.alternate,
        "feed_url": feed.self_url,
        "language": feed.language,
    }
    if feed.description:
        document["description"] = feed.description
    if feed.icon:
        document["icon"] = feed.icon
    if feed.favicon:
        document["favicon"] = feed.favicon
    if feed.author:
        document["authors"] = [{key: value for key, value in (("name", feed.author.name), ("url", feed.author.url)) if value}]
    document["items"] = items
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

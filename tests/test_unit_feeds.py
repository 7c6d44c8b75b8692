"""Unit tests of policypress.core.feeds on the example site's revisions, without MkDocs.

Entries are made from the model as the adapter makes them (one per public revision and
language, its HTML body given), the feeds are written by the core, and read back with
feedparser and, for exact text, lxml's XML parser; the JSON Feed with json. `test_revisions.py`
reads the feeds of full builds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import random

import feedparser
import pytest
from lxml import etree

from conftest import TODAY, plugin_options
from policypress.core import feeds
from policypress.core.model import Policy, Revision, Site
from policypress.core.texts import long_date, strings
from policypress.core.timeline import Timeline

SITE = "https://policies.test/"
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]


def home(language: str, site: Site) -> str:
    return SITE if language == site.default_language else f"{SITE}{language}/"


def entry(policy: Policy, revision: Revision, language: str, site: Site, has_previous: bool) -> feeds.Entry:
    url = f"{home(language, site)}{policy.id}/{revision.version}/"
    text = revision.texts[language]
    assert revision.published is not None
    return feeds.Entry(
        policy=policy.id, version=str(revision.version), language=language,
        title=strings(language)["entry_title"].format(title=text.title, version=revision.version,
                                                      date=long_date(revision.effective, language)),
        summary=text.summary, published=revision.published, effective=revision.effective, major=revision.is_major,
        url=url, diff_url=url + "changes/" if has_previous else None,
        content_html=f"<p>{html.escape(text.summary)}</p>",
    )


def entries(site: Site, language: str, today: dt.date = TODAY) -> list[feeds.Entry]:
    """One entry per revision public on `today`, of every policy."""
    out = []
    for policy in site.policies.values():
        timeline = Timeline(policy, today)
        out += [entry(policy, r, language, site, timeline.previous(r) is not None) for r in timeline.public]
    return out


def feed(site: Site, language: str, items: list[feeds.Entry], name: str = "changes.atom") -> feeds.Feed:
    return feeds.Feed(strings(language)["feed_title"].format(site="Solvik"), language, home(language, site),
                      home(language, site) + name, items)


def public(site: Site, today: dt.date = TODAY) -> dict[str, Revision]:
    """Every public revision by the URL part that names it (policy/version)."""
    return {f"{policy.id}/{r.version}": r for policy in site.policies.values() for r in Timeline(policy, today).public}


def named(url: str, language: str, site: Site) -> str:
    return url.removeprefix(home(language, site)).strip("/")


def parsed(document: bytes) -> feedparser.FeedParserDict:
    result = feedparser.parse(document)
    assert not result.bozo, result.get("bozo_exception")
    return result


def day(parsed_time) -> dt.date:
    return dt.date(*parsed_time[:3])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_revision_once_newest_first(example_model: Site, language: str) -> None:
    revisions = public(example_model)
    atom = parsed(feeds.atom(feed(example_model, language, entries(example_model, language))))
    assert sorted(named(e.link, language, example_model) for e in atom.entries) == sorted(revisions)
    published = [day(e.published_parsed) for e in atom.entries]
    assert published == sorted(published, reverse=True)
    assert published == [revisions[named(e.link, language, example_model)].published for e in atom.entries]
    json_feed = json.loads(feeds.json_feed(feed(example_model, language, entries(example_model, language))))
    dates = [item["date_published"] for item in json_feed["items"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ids_are_unique_and_stable_from_one_build_date_to_the_next(example_model: Site, language: str) -> None:
    """Built on each day a revision was published, the feed gives each revision the id it got
    the first time, so readers never see an entry twice."""
    days = sorted({r.published for r in public(example_model).values()})
    assert len(days) > 2
    seen: dict[str, str] = {}
    for today in days:
        atom = parsed(feeds.atom(feed(example_model, language, entries(example_model, language, today))))
        ids = {named(e.link, language, example_model): e.id for e in atom.entries}
        assert len(set(ids.values())) == len(atom.entries) == len(public(example_model, today))
        assert {k: v for k, v in ids.items() if k in seen} == {k: seen[k] for k in ids if k in seen}
        seen.update(ids)
    assert len(seen) == len(public(example_model))


def test_ids_differ_between_languages(example_model: Site) -> None:
    ids = [e.id for language in LANGUAGES
           for e in parsed(feeds.atom(feed(example_model, language, entries(example_model, language)))).entries]
    assert len(ids) == len(set(ids)) == len(LANGUAGES) * len(public(example_model))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_says_whether_it_is_major_and_the_major_feed_has_only_those(example_model: Site, language: str) -> None:
    revisions = public(example_model)
    items = entries(example_model, language)
    atom = parsed(feeds.atom(feed(example_model, language, items)))
    for e in atom.entries:
        revision = revisions[named(e.link, language, example_model)]
        # The kind of change, then the policy (labelled with its title) as categories.
        assert [tag.term for tag in e.tags] == ["major" if revision.is_major else "minor", revision.policy]
    major_feed = parsed(feeds.atom(feed(example_model, language, [i for i in items if i.major], "major-changes.atom")))
    assert {named(e.link, language, example_model) for e in major_feed.entries} == {
        name for name, r in revisions.items() if r.is_major}
    assert 0 < len(major_feed.entries) < len(atom.entries)
    assert {e.id for e in major_feed.entries} <= {e.id for e in atom.entries}


@pytest.mark.parametrize("language", LANGUAGES)
def test_json_feed_and_atom_agree(example_model: Site, language: str) -> None:
    items = entries(example_model, language)
    atom = parsed(feeds.atom(feed(example_model, language, items)))
    json_feed = json.loads(feeds.json_feed(feed(example_model, language, items)))
    assert json_feed["version"] == feeds.JSON_FEED_VERSION
    assert [(i["id"], i["url"], i["title"], i["summary"], dt.datetime.fromisoformat(i["date_published"]).date())
            for i in json_feed["items"]] == [
        (e.id, e.link, e.title, e.summary, day(e.published_parsed)) for e in atom.entries]
    assert (json_feed["title"], json_feed["home_page_url"], json_feed["feed_url"], json_feed["language"]) == (
        atom.feed.title, next(l.href for l in atom.feed.links if l.rel == "alternate"),
        next(l.href for l in atom.feed.links if l.rel == "self"), atom.feed.language)
    assert all(i["language"] == language for i in json_feed["items"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_entries_carry_the_revision_s_texts(example_model: Site, language: str) -> None:
    items = {i.url: i for i in entries(example_model, language)}
    revisions = public(example_model)
    document = feeds.atom(feed(example_model, language, list(items.values())))
    root = etree.fromstring(document)
    for element in root.findall("atom:entry", ATOM):
        url = element.find("atom:link", ATOM).get("href")
        revision = revisions[named(url, language, example_model)]
        assert element.findtext("atom:summary", namespaces=ATOM) == revision.texts[language].summary
        assert element.findtext("atom:content", namespaces=ATOM) == items[url].content_html
        assert revision.texts[language].title in element.findtext("atom:title", namespaces=ATOM)
    json_feed = json.loads(feeds.json_feed(feed(example_model, language, list(items.values()))))
    assert {i["url"]: i["content_html"] for i in json_feed["items"]} == {u: i.content_html for u, i in items.items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feed_is_as_new_as_its_newest_entry_and_the_same_whatever_the_order(example_model: Site, language: str) -> None:
    items = entries(example_model, language)
    document = feeds.atom(feed(example_model, language, items))
    atom = parsed(document)
    assert day(atom.feed.updated_parsed) == max(r.published for r in public(example_model).values())
    assert atom.feed.id != atom.entries[0].id
    shuffled = items[:]
    random.Random(1).shuffle(shuffled)
    assert shuffled != items
    assert feeds.atom(feed(example_model, language, shuffled)) == document
    assert feeds.json_feed(feed(example_model, language, shuffled)) == feeds.json_feed(feed(example_model, language, items))


def test_an_empty_feed_is_valid_and_dated_at_the_epoch(example_model: Site) -> None:
    atom = parsed(feeds.atom(feed(example_model, "en", [])))
    assert atom.entries == [] and day(atom.feed.updated_parsed) == dt.date(1970, 1, 1)
    assert json.loads(feeds.json_feed(feed(example_model, "en", [])))["items"] == []


def test_markup_in_texts_stays_text(example_model: Site) -> None:
    policy = example_model.policies["privacy"]
    item = entry(policy, policy.revisions[0], "en", example_model, False)
    title, summary = "Orders </title><b>&amp; & <script>", "a < b & c > d ]]>"
    hostile = dataclasses.replace(item, title=title, summary=summary, content_html=f"<p>{html.escape(summary)}</p>")
    document = feeds.atom(feed(example_model, "en", [hostile]))
    root = etree.fromstring(document)
    (element,) = root.findall("atom:entry", ATOM)
    assert element.findtext("atom:title", namespaces=ATOM) == title
    assert element.findtext("atom:summary", namespaces=ATOM) == summary
    assert element.findtext("atom:content", namespaces=ATOM) == hostile.content_html
    assert [e.title for e in parsed(document).entries] == [title]
    (item_json,) = json.loads(feeds.json_feed(feed(example_model, "en", [hostile])))["items"]
    assert (item_json["title"], item_json["summary"], item_json["content_html"]) == (title, summary, hostile.content_html)

"""Crawlers and sharing (issue 21 §5): a description of its own on every page, Open Graph on
every page, the JSON Feed's 512×512 icon and favicon, feed ids dated by the first publication,
and titles that name the site once (landing pages' sitemap dates: test_search_engines)."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import zlib
from collections import Counter

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import Build, example_site
from policypress.core import feeds
from policypress.core.icons import feed_icon, primary_colour
from policypress.core.texts import strings
from policypress.plugins.sharing import window_title

SITE = "https://integritet.solvikkaffe.example/"
SITE_NAMES = {"sv": "Solvik Kaffe – integritet", "en": "Solvik Kaffe – privacy"}
WORD_RE = re.compile(r"\w+")


def pages(build: Build) -> dict[str, BeautifulSoup]:
    """Every page a crawler is sent to (the sitemap's), by its path in the site."""
    return {path.relative_to(build.site).as_posix(): BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
            for path in sorted(build.site.rglob("index.html"))}


def meta(soup: BeautifulSoup, **attrs: str) -> list[str]:
    return [tag["content"] for tag in soup.head.find_all("meta", attrs=attrs)]


# --- descriptions -----------------------------------------------------------------------------------------


def test_every_page_has_a_description_of_its_own(example_build: Build) -> None:
    found = {path: meta(soup, name="description") for path, soup in pages(example_build).items()}
    assert len(found) > 40 and all(len(d) == 1 and d[0].strip() for d in found.values()), found
    shared = {d[0]: n for d, n in Counter(tuple(d) for d in found.values()).items() if n > 1}
    assert shared == {}


def description(build: Build, path: str) -> str:
    return meta(build.html(path), name="description")[0]


def test_descriptions_say_what_each_page_is(example_build: Build) -> None:
    privacy = example_site().policies["privacy"]
    two = privacy.revision(next(r.version for r in privacy.revisions if str(r.version) == "2.0"))
    summary_sv, summary_en = two.texts["sv"].summary, two.texts["en"].summary
    assert description(example_build, "privacy/2.0/index.html") == \
        f"Integritetspolicy, version 2.0, med verkan från 1 juni 2025: {summary_sv}"
    assert description(example_build, "en/privacy/2.0/index.html") == \
        f"Privacy policy, version 2.0, effective 1 June 2025: {summary_en}"
    assert description(example_build, "privacy/2.0/changes/index.html") == \
        f"Integritetspolicy: ändringar från version 1.1 till version 2.0. {summary_sv}"
    assert description(example_build, "en/privacy/changelog/index.html") == \
        "Privacy policy: every published version, what changed and when each takes effect."
    assert description(example_build, "changelog/index.html") == \
        "Solvik Kaffe AB: alla publicerade versioner av våra policyer, vad som ändrades och när varje version gäller från."
    # The policy's own page keeps the description its editor wrote.
    assert description(example_build, "privacy/index.html").startswith("Så behandlar Solvik Kaffe AB")


# --- Open Graph ---------------------------------------------------------------------------------------------


def test_every_page_has_open_graph(example_build: Build) -> None:
    for path, soup in pages(example_build).items():
        language = soup.html["lang"]
        og = {tag["property"]: tag["content"] for tag in soup.head.find_all("meta", property=True)}
        assert og["og:url"] == soup.head.find("link", rel="canonical")["href"], path
        assert og["og:description"] == meta(soup, name="description")[0], path
        assert og["og:site_name"] == SITE_NAMES[language], path
        assert og["og:locale"] == {"sv": "sv_SE", "en": "en_GB"}[language], path
        assert meta(soup, property="og:locale:alternate") == [{"sv": "en_GB", "en": "sv_SE"}[language]], path
        assert og["og:type"] == ("website" if path in ("index.html", "en/index.html") else "article"), path
        title = soup.title.get_text()
        assert og["og:title"] and title.startswith(og["og:title"]), (path, title, og["og:title"])


def test_open_graph_titles_are_the_pages_own(example_build: Build) -> None:
    def og_title(path: str) -> str:
        return meta(example_build.html(path), property="og:title")[0]

    assert og_title("privacy/2.0/index.html") == "Integritetspolicy, version 2.0"
    assert og_title("en/index.html") == "Privacy at Solvik Kaffe"
    assert og_title("en/changelog/index.html") == strings("en")["changelog"]


# --- titles -------------------------------------------------------------------------------------------------


def test_titles_name_the_site_once(example_build: Build) -> None:
    assert example_build.html("index.html").title.get_text() == "Integritet hos Solvik Kaffe"
    assert example_build.html("en/index.html").title.get_text() == "Privacy at Solvik Kaffe"
    for path, soup in pages(example_build).items():
        title, language = soup.title.get_text(), soup.html["lang"]
        words = Counter(WORD_RE.findall(title.casefold()))
        assert all(words[word] == 1 for word in WORD_RE.findall(SITE_NAMES[language].casefold())), (path, title)


def test_window_title() -> None:
    assert window_title("Integritet hos Solvik Kaffe", "Solvik Kaffe – integritet") == "Integritet hos Solvik Kaffe"
    assert window_title("Integritetspolicy", "Solvik Kaffe – integritet") == "Integritetspolicy – Solvik Kaffe – integritet"
    assert window_title("Privacy policy, version 2.0", "Solvik Kaffe – privacy") == \
        "Privacy policy, version 2.0 – Solvik Kaffe"
    assert window_title("Changelog", "Solvik Kaffe | privacy") == "Changelog – Solvik Kaffe – privacy"
    assert window_title(None, "Solvik Kaffe – integritet") == "Solvik Kaffe – integritet"


# --- feeds --------------------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def first_pixel(data: bytes) -> tuple[int, int, int]:
    """The top-left pixel of an 8-bit RGB PNG without interlacing (what feed_icon writes)."""
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append((kind, data[at + 8:at + 8 + length]))
        at += 12 + length
    assert dict(chunks)[b"IHDR"][8:10] == b"\x08\x02"
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert raw[0] == 0  # no filter on the first row
    return raw[1], raw[2], raw[3]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_json_feed_has_a_512_icon_and_a_favicon(example_build: Build, prefix: str) -> None:
    document = json.loads((example_build.site / prefix / "changes.json").read_text(encoding="utf-8"))
    for key, size in (("icon", (512, 512)), ("favicon", (48, 48))):
        assert document[key].startswith(SITE), key
        image = (example_build.site / document[key].removeprefix(SITE)).read_bytes()
        assert png_size(image) == size, key
    icon = (example_build.site / document["icon"].removeprefix(SITE)).read_bytes()
    assert first_pixel(icon) == (0x40, 0x51, 0xB5)  # Material's indigo, the example's (default) primary colour


def test_the_icon_is_drawn_in_the_site_s_colour_and_always_the_same() -> None:
    assert primary_colour([{"scheme": "default", "primary": "teal"}, {"primary": "red"}]) == (0x00, 0x94, 0x85)
    assert primary_colour({"primary": "custom"}) == primary_colour(None) == (0x40, 0x51, 0xB5)
    icon = feed_icon(primary_colour({"primary": "Deep Orange"}))
    assert png_size(icon) == (512, 512) and first_pixel(icon) == (0xFF, 0x6E, 0x42)
    assert icon == feed_icon((0xFF, 0x6E, 0x42))


@pytest.mark.parametrize("name", ["changes.atom", "en/changes.atom", "major-changes.atom", "en/major-changes.atom"])
def test_feed_ids_carry_the_day_the_first_policy_was_published(example_build: Build, name: str) -> None:
    first = min(r.published for p in example_site().policies.values() for r in p.revisions)
    assert first == dt.date(2024, 2, 1)
    parsed = feedparser.parse((example_build.site / name).read_bytes())
    assert parsed.bozo == 0
    assert parsed.feed.id == f"tag:integritet.solvikkaffe.example,2024-02-01:/{name}"


def test_a_feed_without_a_first_day_uses_its_oldest_entry() -> None:
    entry = feeds.Entry("privacy", "1.0", "sv", "T", "S", dt.date(2023, 5, 2), dt.date(2023, 6, 1), False,
                        "https://x.example/privacy/1.0/", None, "<p>S</p>")
    feed = feeds.Feed("T", "sv", "https://x.example/", "https://x.example/changes.atom", [entry])
    assert feed.id == "tag:x.example,2023-05-02:/changes.atom"

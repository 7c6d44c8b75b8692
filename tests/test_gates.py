"""Browser gates over every page type of the example site, in both languages; axe, the console
and the links also on each later day the site changes state (EXAMPLE_DAYS in conftest), there
in one language a day: Swedish on the first, English on the second (the states differ by day,
the strings by language, and both languages are seen on the pinned day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from conftest import EXAMPLE_DAYS, TODAY, Build, Server, in_force

PAGE_TYPES = {
    "landing": "",
    "current policy": "privacy/",
    "archived revision": "privacy/1.1/",
    "announced revision": "privacy/3.0/",
    "diff": "privacy/2.0/changes/",
    "policy changelog": "privacy/changelog/",
    "site changelog": "changelog/",
    "cookie policy": "cookies/",
    "not found": "404.html",
}
PAGES = [(kind, prefix + path) for kind, path in PAGE_TYPES.items() for prefix in ("", "en/")]
# On the later days 3.0 and then 3.1 are in force: the newest revision is a page of its own there.
DATED_PAGES = [*PAGES, ("newest revision", "privacy/3.1/"), ("newest revision", "en/privacy/3.1/")]
LATER_DAYS = [(name, day) for name, day in EXAMPLE_DAYS.items() if day != TODAY]
DAY_PAGES = [("pinned", TODAY, kind, path) for kind, path in DATED_PAGES] + [
    (name, day, kind, path) for index, (name, day) in enumerate(LATER_DAYS) for kind, path in DATED_PAGES
    if path.startswith("en/") == bool(index % 2)]


@pytest.fixture(scope="module")
def served(example_build: Build) -> Iterator[Server]:
    with Server(example_build.site) as server:
        yield server


@pytest.fixture(scope="module")
def dated_served(dated_build: Build) -> Iterator[Server]:
    with Server(dated_build.site) as server:
        yield server


def test_each_day_has_its_own_revision_in_force(example_day: dt.date, dated_build: Build) -> None:
    """The dated gates below see the states the site passes through, not the pinned one thrice."""
    expected = {dt.date(2026, 11, 22): "2.0", dt.date(2027, 1, 1): "3.0", dt.date(2027, 2, 1): "3.1"}[example_day]
    assert str(in_force("privacy", example_day).version) == expected
    for page in ("privacy/index.html", "en/privacy/index.html"):
        assert dated_build.html(page).select_one("[data-pp-version]").get_text() == expected, page


# --- in the browser ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(("example_day", "kind", "path"), [case[1:] for case in DAY_PAGES], indirect=["example_day"],
                         ids=[f"{name}-{k}-{p or 'home'}" for name, _, k, p in DAY_PAGES])
def test_page_in_chromium(browser: Browser, dated_served: Server, kind: str, path: str) -> None:
    """axe finds nothing (banner open), the console stays quiet, nothing leaves this origin, and
    every language and revision link leads to a page: on each of the example's days."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    messages: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.goto(f"{dated_served.url}/{path}")
    expect(page.locator(".ppc")).to_be_visible()
    violations = Axe().run(page).response["violations"]
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations] == []
    # Late requests (search index, worker) have had axe's run to happen; wait for quiet anyway.
    page.wait_for_load_state("networkidle")
    assert messages == []
    assert [url for url in requests if urlparse(url).hostname != "127.0.0.1"] == []
    links = page.locator(".md-select__link, .pp-not-found a, .pp-versions a, .pp-notice a, .pp-state a, .pp-revision a, .pp-diff-intro a, "
                         ".pp-changelog a, .pp-feeds a")
    hrefs = {urldefrag(href)[0] for href in links.evaluate_all("links => links.map(a => a.href)")}
    assert hrefs, "the page has language or revision links"
    for href in sorted(hrefs):
        assert context.request.get(href).status == 200, href
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["privacy/", "en/privacy/1.0/"])
def test_print_shows_the_policy_without_navigation_and_banner(browser: Browser, served: Server, path: str) -> None:
    page = browser.new_page()
    page.goto(f"{served.url}/{path}")
    expect(page.locator(".ppc")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".ppc", ".pp-consent-settings"):
        assert page.locator(hidden).evaluate_all("els => els.every(e => !e.checkVisibility())"), hidden
    for shown in ("article h1", ".pp-revision", ".pp-register table"):
        expect(page.locator(shown).first).to_be_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.close()


# Every layout shift the page makes while it loads, as the browser measures it for CLS, from the
# moment the parser has reached the scripts at the end of the body: from then on only scripts and
# styles can move anything (the banner, Material's script). Before it, on a starved CPU, Chromium
# may paint half-received flex rows that reflow as their text arrives: progressive rendering of
# the document, which no page can prevent, seen here only under the suite's load.
RECORD_SHIFTS = """window.__shifts = [];
const parsed = new MutationObserver(() => { if (document.getElementById("__config")) {
  window.__parsed = performance.now(); parsed.disconnect(); } });
parsed.observe(document, {childList: true, subtree: true});
new PerformanceObserver(list => { for (const e of list.getEntries())
  if (!e.hadRecentInput && window.__parsed !== undefined && e.startTime >= window.__parsed)
    window.__shifts.push({value: e.value, moved: e.sources.map(s => s.node ? s.node.className || s.node.nodeName : "?")}); })
  .observe({type: "layout-shift", buffered: true});"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [412, 1280])
@pytest.mark.parametrize("path", ["privacy/", "en/privacy/2.0/changes/"])
def test_nothing_moves_while_the_page_loads(browser: Browser, served: Server, path: str, width: int) -> None:
    """CLS 0 on a phone and a desktop, with the consent banner appearing."""
    context = browser.new_context(viewport={"width": width, "height": 823})
    context.add_init_script(RECORD_SHIFTS)
    page = context.new_page()
    page.goto(f"{served.url}/{path}")
    expect(page.locator(".ppc")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # let a last frame be laid out and reported
    assert page.evaluate("window.__shifts") == []
    context.close()


# Every page type, at a small and an ordinary phone width: nothing scrolls sideways.
WIDTH_PAGES = [*PAGES, ("archived diff", "privacy/1.1/changes/"), ("en archived diff", "en/privacy/1.1/changes/"),
               ("draft-free 3.1", "privacy/3.1/"), ("en cookie revision", "en/cookies/1.2/")]


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, served: Server, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = {}
    for _, path in WIDTH_PAGES:
        page.goto(f"{served.url}/{path}")
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if sizes[0] > sizes[1]:
            # Name the widest elements, to say what to fix.
            wide[path] = (sizes, page.evaluate("""w => [...document.querySelectorAll('article *')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""", width))
    context.close()
    assert wide == {}


@pytest.mark.browser
def test_touch_targets_are_large_enough_on_a_phone(browser: Browser, served: Server) -> None:
    """WCAG 2.5.8 on every page type at Lighthouse's phone width, banner showing: every link and
    button is 24 px or has that much room (axe's target-size rule, which axe leaves off unless
    asked and Lighthouse runs)."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    small = {}
    for _, path in PAGES:
        page.goto(f"{served.url}/{path}")
        expect(page.locator(".ppc")).to_be_visible()
        violations = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["target-size"]}}).response["violations"]
        if violations:
            small[path] = [node["target"] for violation in violations for node in violation["nodes"]]
    context.close()
    assert small == {}


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"

# What a reviewer looks for in a screenshot, as boxes [left, top, right, bottom] in CSS pixels: the
# header, the page's title and where the element at its middle belongs, the banner and its buttons,
# and how wide the document is.
MEASURE_LAYOUT = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom].map(Math.round); };
  const title = document.querySelector('article h1');
  const banner = document.querySelector('.ppc');
  const [left, top, right, bottom] = box(title);
  const hit = document.elementFromPoint((left + Math.min(right, left + 40)) / 2, (top + bottom) / 2);
  return {viewport: [innerWidth, innerHeight], scrollWidth: document.documentElement.scrollWidth,
          header: box(document.querySelector('.md-header')), title: box(title), titleOnTop: title.contains(hit),
          banner: box(banner), bannerPosition: getComputedStyle(banner).position,
          buttons: [...banner.querySelectorAll('.ppc-button')].map(box),
          buttonWeights: [...banner.querySelectorAll('.ppc-button')].map(b => getComputedStyle(b).fontWeight)};
}"""


def inside(inner: list[int], outer: list[int]) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def layout_problems(m: dict) -> list[str]:
    """What is wrong with a page's first screen, from MEASURE_LAYOUT's boxes; nothing if all is well."""
    width, height = m["viewport"]
    screen = [0, 0, width, height]
    header, title, banner, buttons = m["header"], m["title"], m["banner"], m["buttons"]
    problems = []
    if m["scrollWidth"] > width:
        problems.append(f"the page is {m['scrollWidth']} px wide in a {width} px window")
    if header[:3] != [0, 0, width] or not 0 < header[3] <= 80:
        problems.append(f"the header is at {header}, not a bar across the top")
    # The policy stays readable: its title below the header, above the banner, nothing over it.
    if not (inside(title, screen) and header[3] <= title[1] and title[3] <= banner[1] and m["titleOnTop"]):
        problems.append(f"the title at {title} is not clear of the header ({header}) and banner ({banner})")
    # The banner: a panel along the bottom, at most 70 % of the window high (its max-height).
    if m["bannerPosition"] != "fixed" or [banner[0], banner[2], banner[3]] != [0, width, height] or \
            banner[3] - banner[1] > 0.7 * height:
        problems.append(f"the banner is at {banner} ({m['bannerPosition']}), not a panel along the bottom")
    # Its choices: all on screen inside it, none over another, all alike (none favoured).
    if len(buttons) != 3 or not all(inside(b, banner) for b in buttons):
        problems.append(f"the banner's buttons {buttons} are not all inside it")
    if any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for i, a in enumerate(buttons) for b in buttons[i + 1:]):
        problems.append(f"the banner's buttons {buttons} overlap")
    if len({b[3] - b[1] for b in buttons}) != 1 or len(set(m["buttonWeights"])) != 1:
        problems.append(f"the banner's buttons differ in height or weight: {buttons}, {m['buttonWeights']}")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(320, 568), (390, 900), (1280, 900)], ids=["320x568", "390", "1280"])
def test_every_page_type_shows_what_its_screenshot_should(browser: Browser, served: Server, width: int, height: int) -> None:
    """Full-page screenshots of every page type in both languages, with the banner showing, are kept
    in artifacts/screenshots/<width>/ for people to review (the smallest phone at 320×568); nothing compares them with references
    (fonts and Chromium releases move pixels). What matters in them is measured instead, on the
    first screen: nothing scrolls sideways, the header is a bar across the top, the title is
    clear of the header and the banner, the banner is a panel along the bottom at most 70 % high
    with its three buttons inside it, apart and alike, and axe finds no text with too little
    contrast at this width."""
    folder = ARTIFACTS / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for kind, path in PAGES:
        page.goto(f"{served.url}/{path}")
        expect(page.locator(".ppc")).to_be_visible()
        found = layout_problems(page.evaluate(MEASURE_LAYOUT))
        contrast = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}}).response["violations"]
        found += [f"too little contrast: {node['target']}" for violation in contrast for node in violation["nodes"]]
        if found:
            problems[path] = found
        target = folder / f"{'en-' if path.startswith('en/') else 'sv-'}{kind.replace(' ', '-')}.png"
        page.screenshot(path=str(target), full_page=True)
    context.close()
    assert problems == {}

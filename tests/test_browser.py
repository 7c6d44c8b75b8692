"""The built example site in Chromium: language switching, search, and no other origin."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Request, expect

pytestmark = pytest.mark.browser


class Recorder:
    """Every request and console message of a browser context."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[str] = []
        self.console: list[str] = []
        context.on("request", self.on_request)
        context.on("console", self.on_console)
        context.on("weberror", lambda error: self.console.append(f"pageerror: {error.error}"))

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def foreign(self) -> list[str]:
        return [url for url in self.requests if urlparse(url).hostname != "127.0.0.1" and not url.startswith("data:")]


@pytest.fixture
def recorder(context: BrowserContext) -> Iterator[Recorder]:
    recorder = Recorder(context)
    yield recorder


def search(page: Page, query: str) -> Locator:
    """Type a query into Material's search the way a visitor does. (Material reads the query on
    `keyup`, so `fill()`, which sends no key events, would go unnoticed once the index is ready.)"""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    expect(results.first).to_be_visible(timeout=10_000)
    return results


def switch_language(page: Page, name: str) -> None:
    """Use Material's language selector the way a visitor does: open it, pick a language."""
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=name).click()


def test_language_switch_keeps_the_policy_and_stays_on_this_origin(page: Page, recorder: Recorder, example_url: str) -> None:
    page.goto(f"{example_url}/privacy/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("article h1")).to_have_text("Integritetspolicy")

    switch_language(page, "English")
    expect(page).to_have_url(f"{example_url}/en/privacy/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("article h1")).to_have_text("Privacy policy")
    expect(page.locator("[data-pp-version]")).to_have_text("2.0")

    switch_language(page, "Svenska")
    expect(page).to_have_url(f"{example_url}/privacy/")
    expect(page.locator("article h1")).to_have_text("Integritetspolicy")

    page.goto(f"{example_url}/en/")
    switch_language(page, "Svenska")
    expect(page).to_have_url(f"{example_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    assert len(recorder.requests) > 10, "the recorder saw the page load its assets"
    assert recorder.foreign() == []
    assert recorder.console == []


@pytest.mark.parametrize(
    ("start", "query", "hit"),
    [
        ("/privacy/", "bokföringslagen", "/privacy/"),
        ("/en/privacy/", "bookkeeping", "/en/privacy/"),
        ("/en/", "cookies", "/en/cookies/"),
        # The company's name is in both languages: each reader gets their own language only.
        ("/privacy/", "Solvik", "/privacy/"),
        ("/en/privacy/1.0/", "Solvik", "/en/privacy/"),
    ],
)
def test_search_finds_policies_in_each_language(page: Page, recorder: Recorder, example_url: str, start: str, query: str, hit: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{example_url}{start}")
    results = search(page, query)
    hrefs = [urlparse(href).path for href in results.evaluate_all("links => links.map(a => a.href)")]
    assert hit in hrefs
    assert [href for href in hrefs if href.startswith("/en/") != start.startswith("/en/")] == []
    assert recorder.foreign() == []


WALKS = {
    "sv": ("/privacy/", "Alla versioner", "Detta är en tidigare version som inte längre gäller.",
           "Se vad som ändras", "Ändringar i version 1.1 – Integritetspolicy", "Borttagen text:"),
    "en": ("/en/privacy/", "All versions", "This is an earlier version that is no longer in effect.",
           "See what changes", "Changes in version 1.1 – Privacy policy", "Removed text:"),
}


@pytest.mark.parametrize("language", list(WALKS))
def test_walk_from_the_current_policy_to_an_older_revision_and_its_diff(page: Page, recorder: Recorder, example_url: str, language: str) -> None:
    start, versions, superseded, see_changes, diff_title, removed = WALKS[language]
    page.goto(f"{example_url}{start}")
    expect(page.locator("[data-pp-version]")).to_have_text("2.0")

    # Current -> older revision, through the revision selector.
    page.locator("details.pp-versions > summary").filter(has_text=versions).click()
    page.locator(".pp-versions").get_by_role("link", name="Version 1.1", exact=True).click()
    expect(page).to_have_url(f"{example_url}{start}1.1/")
    expect(page.locator('[data-pp-state="superseded"]')).to_contain_text(superseded)
    expect(page.locator("[data-pp-version]")).to_have_text("1.1")

    # Older revision -> its diff with the one before it.
    page.locator(".pp-revision__summary").get_by_role("link", name=see_changes).click()
    expect(page).to_have_url(f"{example_url}{start}1.1/changes/")
    expect(page.locator("article h1")).to_have_text(diff_title)
    expect(page.locator(".pp-diff del").first).to_contain_text(removed)
    expect(page.locator(".pp-diff ins").first).to_be_visible()

    # And back, the way a reader would.
    page.go_back()
    expect(page).to_have_url(f"{example_url}{start}1.1/")
    page.go_back()
    expect(page).to_have_url(f"{example_url}{start}")
    expect(page.locator("[data-pp-version]")).to_have_text("2.0")
    assert recorder.foreign() == [] and recorder.console == []


def test_the_recorder_sees_foreign_requests_and_console_errors(page: Page, recorder: Recorder, example_url: str) -> None:
    """Guard for the checks above: a request elsewhere and a failed load are both caught."""
    page.goto(f"{example_url}/")
    page.evaluate("() => fetch('/no-such-file.json').catch(() => null)")
    page.evaluate("() => fetch('http://localhost:9/').catch(() => null)")
    page.wait_for_timeout(300)
    assert recorder.foreign() == ["http://localhost:9/"]
    assert any("404" in line for line in recorder.console)

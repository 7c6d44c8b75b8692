"""The policy site runs nothing but its own files (issue 22, part 7): its pages under the
Content-Security-Policy the documentation's Deploy page gives, and its 404 page's links escaped.

The example site is served by a loopback server that sends the Deploy page's policy as a response
header, and answers a missing page with the 404 page of its language, as the page's nginx
recipe does. Chromium visits every page type in both languages, before and after a choice, with
the banner's settings open and with a search; an init script listens for
`securitypolicyviolation` (Chromium also logs each violation as a console error).
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import ROOT, Build, FixtureSite, QuietHandler
from policypress.core.texts import strings

LANGUAGES = {"sv": "/", "en": "/en/"}
# One page of every type, under a language's root; the last is no page at all (the 404 page).
PAGES = ["", "privacy/", "cookies/", "privacy/1.1/", "privacy/3.0/", "privacy/1.1/changes/", "privacy/changelog/",
         "changelog/", "no/such/page/"]
LISTEN = """window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(
  e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));"""


@functools.cache
def documented_policy() -> str:
    """The Content-Security-Policy of the documentation's Deploy page, the same in its nginx recipe."""
    deploy = (ROOT / "documentation" / "docs" / "deploy.md").read_text(encoding="utf-8")
    stated = re.findall(r"(?m)^Content-Security-Policy: (.+)$", deploy)
    in_nginx = re.findall(r'(?m)^\s*add_header Content-Security-Policy "([^"]+)" always;$', deploy)
    assert len(stated) == 1 and in_nginx == stated, (stated, in_nginx)
    return stated[0]


class PolicyHandler(QuietHandler):
    """The built site with the Deploy page's policy on every answer, and a missing page answered
    with the 404 page of the language its path is in (the recipe's `error_page`)."""

    site: Path

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.site), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", documented_policy())
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        root = next(root for root in sorted(LANGUAGES.values(), key=len, reverse=True) if self.path.startswith(root))
        body = (self.site / root.lstrip("/") / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def policy_site(example_build: Build) -> Iterator[str]:
    handler = type("Handler", (PolicyHandler,), {"site": example_build.site})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Visitor:
    context: BrowserContext
    page: Page
    problems: list[str] = field(default_factory=list)  # console errors and warnings, page errors

    def visit(self, url: str) -> None:
        """A page load under the policy; it must have run without a violation or an error (but
        Chromium's report of the 404 page's own status, where that is the page asked for)."""
        response = self.page.goto(url)
        assert response is not None and response.headers["content-security-policy"] == documented_policy()
        assert response.status == (404 if url.endswith(PAGES[-1]) else 200), url
        self.page.wait_for_load_state("networkidle")
        if response.status == 404:
            self.problems.remove(f"Failed to load resource: the server responded with a status of 404 (Not Found) at {url}")
        self.check(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.violations")
        assert (violations, self.problems) == ([], []), where
        # Material's head script ran from its file, with the site's root as its storage scope.
        assert self.page.evaluate("__md_scope.pathname") == "/", where


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Visitor]:
    context = browser.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    result = Visitor(context, page)
    page.on("pageerror", lambda error: result.problems.append(str(error)))
    page.on("console", lambda message: result.problems.append(f"{message.text} at {message.location['url']}")
            if message.type in ("error", "warning") else None)
    yield result
    context.close()


def search(page: Page, query: str) -> None:
    """Material's search as a visitor uses it (it reads the query on `keyup`): its worker and
    index load under the policy."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    expect(page.locator(".md-search-result__item a.md-search-result__link").first).to_be_visible(timeout=10_000)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_runs_under_the_documented_policy(visitor: Visitor, policy_site: str, language: str) -> None:
    page, t, root = visitor.page, strings(language), policy_site + LANGUAGES[language]
    banner = page.get_by_role("region", name=t["consent_title"])
    # Before a choice: the banner on every page.
    for path in PAGES:
        visitor.visit(root + path)
        expect(banner).to_be_visible()
    # The JSON-LD of a policy page is data: present, parsed, and not refused by script-src.
    visitor.visit(root + "privacy/")
    assert json.loads(page.locator('script[type="application/ld+json"]').first.text_content())["@context"]
    # The banner's settings open, then the choice.
    banner.get_by_role("button", name=t["consent_settings"], exact=True).click()
    dialog = page.get_by_role("dialog", name=t["consent_settingsTitle"])
    expect(dialog).to_be_visible()
    visitor.check("settings open")
    dialog.get_by_role("button", name=t["consent_acceptAll"]).click()
    expect(dialog).to_be_hidden()
    visitor.check("after the choice")
    # After it: no banner, the settings button instead, and a search.
    for path in PAGES:
        visitor.visit(root + path)
        expect(banner).to_be_hidden()
    page.get_by_role("button", name=t["consent_button"]).first.click()
    expect(dialog).to_be_visible()
    visitor.check("settings reopened")
    dialog.get_by_role("button", name=t["consent_close"]).click()
    search(page, "cookie")
    visitor.check("search")


def test_no_page_holds_an_inline_script_or_style(example_build: Build) -> None:
    """What the policy allows, read from the built files: every script is a file of the site or
    data (JSON), and no page carries a `<style>` or a `style` attribute."""
    found = []
    for html_file in sorted(example_build.site.rglob("*.html")):
        document = BeautifulSoup(html_file.read_text(encoding="utf-8"), "lxml")
        name = html_file.relative_to(example_build.site).as_posix()
        found += [f"{name}: inline <script>{script.get_text()[:60]}" for script in document.find_all("script")
                  if not script.get("src") and script.get("type") not in ("application/json", "application/ld+json")]
        found += [f"{name}: <style>" for _ in document.find_all("style")]
        found += [f"{name}: style= on <{element.name}>" for element in document.find_all(style=True)]
    assert found == []
    scripts = sorted(p.name for p in (example_build.site / "assets/policypress").glob("material-*.js"))
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", name) for name in scripts if "bundle" not in name] == [
        "material-base.js", "material-content.js", "material-palette.js"]


# --- the 404 page's links ---------------------------------------------------------------------------

QUOTED = 'policy" data-injected="1'
TITLES = {"sv": "Integritetspolicy", "en": "Privacy policy"}  # the minimal site's privacy policy


def quoted_folder(site: FixtureSite) -> None:
    """The minimal site with its privacy policy in a folder whose name holds a quote: the
    policy's URL, which the 404 page links to, would end its attribute."""
    shutil.move(site.path("privacy"), site.path(QUOTED))
    for language in ("sv", "en"):
        site.replace(f"index.{language}.md", "privacy/index.md", f"<{QUOTED}/index.md>")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - privacy/index.md\n", f"  - '{QUOTED}/index.md'\n"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_404_page_links_to_a_policy_whose_url_holds_a_quote(minimal: FixtureSite, language: str) -> None:
    quoted_folder(minimal)
    build = minimal.build()
    assert build.returncode == 0, build.output
    root = LANGUAGES[language]
    not_found = build.html(root.lstrip("/") + "404.html").select_one(".pp-not-found")
    assert not_found.select("[data-injected]") == []
    assert [(a["href"], a.get_text()) for a in not_found.select("li a")] == [(f"{root}{QUOTED}/", TITLES[language])]


def test_a_site_url_whose_path_would_end_an_attribute_is_refused(minimal: FixtureSite) -> None:
    """Material writes the site's root path as it is into the 404 page's links and scripts."""
    config = minimal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://policies.fixture.example/",
                                                 'site_url: https://policies.fixture.example/a"b/'))
    refusal = ("mkdocs.yml:2: site_url: expected an address whose path has none of the characters HTML or JavaScript "
               "read as more than text (quotes, < > & \\ ` and spaces), found '\"' in '/a\"b/'; write it "
               "percent-encoded (%22)")
    build = minimal.build()
    assert build.returncode == 1 and refusal in build.output
    assert not build.site.exists()
    checked = minimal.policypress("check")
    assert (checked.returncode, checked.stderr) == (2, f"policypress: {refusal}\n")

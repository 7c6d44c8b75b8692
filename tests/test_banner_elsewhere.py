"""The consent banner on the company's main website (issue 14, part 3), in Chromium.

Three servers, all on 127.0.0.1: the policy site (the example site, built with its `site_url` on
this server), the main website (a plain HTML page with the snippet from the documentation's Banner
page, under a strict Content-Security-Policy), and the third party of consent_site.py (a tracking
script and a video, on another port). Cookies belong to a host whatever its port, so the policy
site is reached as `policies.localhost` (Chromium resolves every *.localhost name to the loopback
address without DNS) and the main website as 127.0.0.1: the tests can then tell whose cookie is
whose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import FIXTURES, ROOT, TODAY, QuietHandler, Server, copy_example, copy_site, example_options, in_force
from policypress.core import consent
from policypress.core.texts import strings
from policypress.plugins import consent as plugin

pytestmark = pytest.mark.browser

EXAMPLE_URL = "https://integritet.solvikkaffe.example"
# The day the changed cookie policy (1.3) takes effect, and the site built as of it.
CHANGED = dt.date(2026, 12, 1)


class PolicyHost:
    """The policy site as a static host serves it, with the caching the documentation recommends for
    the banner's files: the configuration scripts revalidated (here on every use, `no-cache` and
    no validators, so a new build shows at once; in production a few minutes), the versioned
    files kept for a year. It takes consent receipts with the CORS answers the receipts service
    gives the main website's origin, and can be pointed at another build while it runs."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.requests: list[str] = []
        self.posts: list[tuple[str, bytes]] = []
        host = self

        class Handler(QuietHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(host.directory), **kwargs)

            def end_headers(self) -> None:
                path = urlsplit(self.path).path
                if re.fullmatch(r"/consent/banner\.[0-9a-f]{10}\.(js|css)", path):
                    self.send_header("Cache-Control", "public, max-age=31536000, immutable")
                elif path.startswith("/consent/"):
                    self.send_header("Cache-Control", "no-cache")
                if origin := self.headers.get("Origin"):
                    self.send_header("Access-Control-Allow-Origin", origin)
                    self.send_header("Access-Control-Allow-Credentials", "true")
                super().end_headers()

            def send_header(self, keyword: str, value: str) -> None:
                if keyword != "Last-Modified":  # no validators: a changed file is always sent whole
                    super().send_header(keyword, value)

            def do_GET(self) -> None:
                host.requests.append(self.path)
                super().do_GET()

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self.send_header("Access-Control-Allow-Methods", "POST")
                self.send_header("Access-Control-Allow-Headers", "content-type")
                self.end_headers()

            def do_POST(self) -> None:
                host.posts.append((self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
                self.send_response(201)
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://policies.localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def seen(self, pattern: str) -> int:
        return sum(1 for path in list(self.requests) if re.fullmatch(pattern, urlsplit(path).path))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class PolicySite:
    host: PolicyHost
    first: Path  # built on TODAY: cookies 1.1 in force
    changed: Path  # built on CHANGED: cookies 1.3 in force, the statistics cookie bs_id lasting 12 months

    @property
    def url(self) -> str:
        return self.host.url


@pytest.fixture(scope="module")
def policy_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicySite]:
    root = tmp_path_factory.mktemp("policy-site")
    host = PolicyHost(root / "first")
    site = copy_example(root / "sources")
    config = site.root / "mkdocs.yml"
    text = config.read_text().replace(f"site_url: {EXAMPLE_URL}/", f"site_url: {host.url}/")
    config.write_text(text.replace("      privacy_policy: privacy\n",
                                   "      privacy_policy: privacy\n      consent:\n        endpoint: /consent-log\n"))
    first = site.build(site_dir=root / "first")
    assert first.returncode == 0, first.output
    # A consent-relevant change, released as policypress releases it: bs_id lasts 12 months, not 13.
    for language, summary in (("sv", "Statistikkakan bs_id sparas nu i tolv månader."),
                              ("en", "The statistics cookie bs_id now lasts twelve months.")):
        path = f"cookies/index.{language}.md"
        site.replace(path, 'version: "1.2"', 'version: "1.3"')
        site.write(path, re.sub(r"(?m)^summary: .*$", f"summary: {summary}", site.read(path), count=1))
    site.replace("cookies/index.sv.md", "effective: 2026-11-23", f"effective: {CHANGED}")
    site.replace("cookies/index.sv.md", "duration: P13M\n    description: Slumpm", "duration: P12M\n    description: Slumpm")
    released = site.policypress("release", "cookies", "--date", str(TODAY))
    assert released.returncode == 0, released.stderr
    changed = site.build(today=CHANGED, site_dir=root / "changed")
    assert changed.returncode == 0, changed.output
    yield PolicySite(host, first.site, changed.site)
    host.close()


def snippet() -> str:
    """The script tag of the snippet on the documentation's Banner page (On your other websites)."""
    banner = (ROOT / "documentation" / "docs" / "banner.md").read_text(encoding="utf-8")
    return next(line.strip() for line in banner.splitlines() if "/consent/sv.js" in line and line.strip().startswith("<script"))


MAIN_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Solvik Kaffe</title><link rel="icon" href="data:,">
{snippet}
</head><body><main><h1>Solvik Kaffe</h1><p>Nyrostat kaffe från Umeå.</p>
<script type="text/plain" data-category="statistics" src="{third}/tracker.js"></script>
<iframe data-category="video" data-src="{third}/video.html" title="Video"></iframe>
</main>
<footer><button type="button" data-pp-consent-settings hidden>Cookieinställningar</button></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def main_site(tmp_path_factory: pytest.TempPathFactory, policy_site: PolicySite, third_party: Server) -> Iterator[Server]:
    """The main website: a plain page with the Banner page's snippet, blocked items from the third
    party, and the Content-Security-Policy that page says the snippet needs (no 'unsafe-inline')."""
    folder = tmp_path_factory.mktemp("main-site")
    tag = snippet().replace(EXAMPLE_URL, policy_site.url)
    (folder / "index.html").write_text(MAIN_PAGE.format(snippet=tag, third=third_party.url), encoding="utf-8")
    # The same page with a slow script after the snippet in the head: the banner arrives first.
    slow = tag + '\n<script src="/slow.js"></script>'
    (folder / "slow.html").write_text(MAIN_PAGE.format(snippet=slow, third=third_party.url), encoding="utf-8")
    policy, third = policy_site.url, third_party.url
    csp = (f"default-src 'self'; script-src 'self' {policy} {third}; style-src 'self' {policy}; "
           f"connect-src 'self' {policy}; frame-src {third}; img-src 'self' data:")
    with Server(folder, headers={"Content-Security-Policy": csp}) as server:
        yield server


@pytest.fixture
def serving_first(policy_site: PolicySite, third_party: Server) -> PolicySite:
    policy_site.host.directory = policy_site.first
    policy_site.host.requests.clear()
    policy_site.host.posts.clear()
    third_party.requests.clear()
    return policy_site


@dataclass
class Visit:
    context: BrowserContext
    page: Page
    requests: list[str]  # every URL the page asked for, in order
    problems: list[str]  # errors and console messages (a CSP violation is one)


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    page = context.new_page()
    result = Visit(context, page, [], [])
    page.on("request", lambda request: result.requests.append(request.url))
    page.on("pageerror", lambda error: result.problems.append(str(error)))
    page.on("console", lambda message: result.problems.append(message.text) if message.type in ("error", "warning") else None)
    yield result
    context.close()


def until(page: Page, expression: str, timeout: float = 5) -> None:
    """Waits for an expression to be true. Not page.wait_for_function: it polls with an eval, which
    the main website's Content-Security-Policy refuses (page.evaluate is not bound by it)."""
    deadline = time.time() + timeout
    while not page.evaluate(expression):
        assert time.time() < deadline, f"still false: {expression}"
        time.sleep(0.05)


def first_layer(page: Page):
    return page.get_by_role("region", name="Vi använder kakor")


def accept_all(page: Page, main_site: Server) -> None:
    """A visit to the main website where the visitor accepts everything: the tracker has run."""
    page.goto(main_site.url + "/")
    first_layer(page).get_by_role("button", name="Godkänn alla").click()
    until(page, "window.trackerRuns === 1")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def cookies_by_host(context: BrowserContext) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for cookie in context.cookies():
        found.setdefault(cookie["domain"], set()).add(cookie["name"])
    return found


def record(context: BrowserContext) -> dict:
    cookie = next(c for c in context.cookies() if c["name"] == "pp_consent")
    return json.loads(unquote(cookie["value"]))


def configuration(script: Path) -> dict:
    """The settings a configuration script starts the banner with."""
    return json.loads(re.search(r"\(document,\n(.*)\n\);\n$", script.read_text(encoding="ascii")).group(1))


def expected(language: str, policy_url: str, revision=None) -> dict:
    """The banner's settings from the example site's cookie policy, as policypress.core.consent
    makes them, with the notice and the endpoint on the policy site."""
    options = example_options().consent
    notice = f"{policy_url}/cookies/" if language == "sv" else f"{policy_url}/{language}/cookies/"
    return consent.config("cookies", revision or in_force("cookies"), language, strings(language), notice=notice,
                          cookie=options.cookie, max_age_days=options.max_age_days, endpoint=f"{policy_url}/consent-log",
                          jurisdiction=options.jurisdiction, consent_mode=options.consent_mode)


# --- what the policy site publishes ----------------------------------------------------------------


def test_each_language_has_a_configuration_script_from_the_cookie_policy_in_force(policy_site: PolicySite) -> None:
    for language in ("sv", "en"):
        script = policy_site.first / f"consent/{language}.js"
        assert configuration(script) == expected(language, policy_site.url)
        script.read_text(encoding="ascii")  # whatever charset it is served with
    assert configuration(policy_site.changed / "consent/sv.js")["revision"] == "cookies 1.3"


def test_the_configuration_names_the_banner_files_by_their_content(policy_site: PolicySite) -> None:
    """A cached old banner never meets a new configuration: the banner's files are named by a
    hash of their content, and the configuration (short-cached) names the ones it works with."""
    shipped = ROOT / "policypress/assets/consent"
    text = (policy_site.first / "consent/sv.js").read_text()
    for kind, source in (("js", shipped / "consent.min.js"), ("css", shipped / "consent.min.css")):
        name = f"banner.{hashlib.sha384(source.read_bytes()).hexdigest()[:10]}.{kind}"
        assert (policy_site.first / "consent" / name).read_bytes() == source.read_bytes()
        assert json.dumps(f"{policy_site.url}/consent/{name}") in text
    named = re.findall(r"banner\.[0-9a-f]{10}\.(?:js|css)", text)
    assert sorted(p.name for p in (policy_site.first / "consent").iterdir()) == sorted(["en.js", "sv.js", *named])


def test_a_changed_banner_gets_a_new_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    before = site.build(site_dir=tmp_path / "before")
    changed = tmp_path / "consent.min.js"
    changed.write_bytes(plugin.SCRIPTS[plugin.SCRIPT].read_bytes() + b"/* a new release */\n")
    monkeypatch.setitem(plugin.SCRIPTS, plugin.SCRIPT, changed)
    after = site.build(site_dir=tmp_path / "after")
    assert before.returncode == after.returncode == 0, after.output
    old, new = ({p.name for p in (build.site / "consent").glob("banner.*.js")} for build in (before, after))
    assert len(old) == len(new) == 1 and old != new
    assert next(iter(new)) in (after.site / "consent/sv.js").read_text()


def test_without_site_url_the_build_warns_once_and_publishes_nothing_for_elsewhere(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    config = site.root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url: .*\n", "", config.read_text()))
    build = site.build()
    warning = "set 'site_url' in mkdocs.yml to use the consent banner on your other websites"
    assert build.output.count(warning) == 1, build.output
    assert not (build.site / "consent").exists()
    assert (build.site / "assets/policypress/consent/consent.min.js").exists()  # the banner on the site itself


# --- on the main website, in Chromium ----------------------------------------------------------------


def test_the_snippet_shows_the_policy_sites_banner_and_nothing_runs_before_consent(
        visit: Visit, main_site: Server, serving_first: PolicySite, third_party: Server) -> None:
    page, policy = visit.page, serving_first
    page.goto(main_site.url + "/")
    region = first_layer(page)
    expect(region).to_be_visible()
    settings = expected("sv", policy.url)
    for category in settings["categories"][1:]:
        expect(region).to_contain_text(category["name"] + ": " + category["description"])
    expect(region.get_by_role("link", name=settings["strings"]["policy"])).to_have_attribute("href", settings["notice"])
    # Its stylesheet came from the policy site (the main website allows no inline style).
    assert page.locator(".ppc").evaluate("e => getComputedStyle(e).position") == "fixed"
    region.get_by_role("button", name="Inställningar", exact=True).click()
    dialog = page.get_by_role("dialog", name="Cookieinställningar")
    for category in settings["categories"]:
        for cookie in category["cookies"]:
            expect(dialog.locator(".ppc-cookies li", has_text=cookie["name"])).to_contain_text(cookie["duration"])
    dialog.get_by_role("button", name="Stäng").click()
    page.wait_for_load_state("networkidle")
    # Before a choice: requests to the main website and the policy site only; nothing stored anywhere.
    assert {origin(url) for url in visit.requests} == {main_site.url, policy.url}
    assert third_party.requests == [] and visit.context.cookies() == []
    assert page.evaluate("[window.trackerRuns, document.querySelector('iframe').getAttribute('src')]") == [None, None]
    assert policy.host.seen(r"/consent/sv\.js") == 1 and policy.host.seen(r"/consent/banner\.\w+\.(js|css)") == 2
    assert visit.problems == []


def test_accepting_runs_the_blocked_items_and_the_record_stays_on_the_main_website(
        visit: Visit, main_site: Server, serving_first: PolicySite, third_party: Server) -> None:
    page, policy = visit.page, serving_first
    accept_all(page, main_site)
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    # The record is the main website's own cookie (host 127.0.0.1); the policy site's host has none.
    assert cookies_by_host(visit.context) == {"127.0.0.1": {"pp_consent", "bs_id", "bs_ses"}}
    assert record(visit.context)["fingerprint"] == expected("sv", policy.url)["fingerprint"]
    # The receipt went to the policy site's endpoint, naming the notice there.
    deadline = time.time() + 5
    while not policy.host.posts and time.time() < deadline:
        time.sleep(0.05)
    path, body = policy.host.posts[0]
    receipt = json.loads(body)
    assert path == "/consent-log" and receipt["method"] == "accept-all"
    assert receipt["notice"] == {"url": f"{policy.url}/cookies/", "revision": "cookies 1.1",
                                 "fingerprint": record(visit.context)["fingerprint"]}
    # The next page view: the choice counts, the banner's files come from the browser's cache and
    # only the configuration is asked for again.
    banner_files = policy.host.seen(r"/consent/banner\.\w+\.(js|css)")
    page.goto(main_site.url + "/?again")
    until(page, "window.trackerRuns === 1 && !!window.policypressConsent && !!policypressConsent.get()")
    expect(first_layer(page)).to_be_hidden()
    assert policy.host.seen(r"/consent/sv\.js") == 2
    assert policy.host.seen(r"/consent/banner\.\w+\.(js|css)") == banner_files
    assert visit.problems == []


def test_rejecting_keeps_them_blocked_and_the_settings_button_reopens_the_choice(
        visit: Visit, main_site: Server, serving_first: PolicySite, third_party: Server) -> None:
    page = visit.page
    page.goto(main_site.url + "/")
    first_layer(page).get_by_role("button", name="Avvisa alla").click()
    page.reload()
    until(page, "!!window.policypressConsent && !!policypressConsent.get()")
    expect(first_layer(page)).to_be_hidden()
    page.get_by_role("button", name="Cookieinställningar").click()
    page.get_by_role("switch", name="Inbäddade filmer").check()
    page.get_by_role("button", name="Spara mina val").click()
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    assert page.evaluate("window.trackerRuns") is None
    assert [path for path in third_party.requests] == ["/video.html"]
    assert record(visit.context)["choices"] == {"statistics": False, "video": True}
    assert visit.problems == []


def test_a_consent_relevant_change_published_on_the_policy_site_makes_the_main_website_ask_again(
        visit: Visit, main_site: Server, serving_first: PolicySite, third_party: Server) -> None:
    page, policy = visit.page, serving_first
    accept_all(page, main_site)
    accepted = record(visit.context)
    # The policy site publishes cookies 1.3 (bs_id now lasts 12 months): a new build, served as is.
    policy.host.directory = policy.changed
    page.reload()
    expect(first_layer(page)).to_be_visible()
    assert page.evaluate("[policypressConsent.get(), window.trackerRuns]") == [None, None]
    # What the lapsed consent allowed is gone; the visitor is asked about the new facts.
    assert "bs_id" not in cookies_by_host(visit.context).get("127.0.0.1", set())
    page.get_by_role("button", name="Cookieinställningar").click()
    expect(page.locator(".ppc-cookies li", has_text="bs_id")).to_contain_text("12 månader")
    page.get_by_role("dialog").get_by_role("button", name="Godkänn alla").click()
    until(page, "window.trackerRuns === 1")
    renewed = record(visit.context)
    assert renewed["revision"] == "cookies 1.3" and renewed["fingerprint"] != accepted["fingerprint"]
    assert visit.problems == []


def test_a_banner_that_arrives_before_the_body_waits_for_it(
        visit: Visit, main_site: Server, serving_first: PolicySite, third_party: Server) -> None:
    """The configuration loads the banner asynchronously, so it may start while the parser is still
    in the head: it waits for the body, then runs what the stored choice allows, parsed after it."""
    page = visit.page
    accept_all(page, main_site)

    def slow(route) -> None:
        time.sleep(1)  # the banner's files arrive meanwhile, and it starts
        route.fulfill(content_type="text/javascript",
                      body="window.startedBeforeBody = !!window.policypressConsent && !document.body;")

    page.route(main_site.url + "/slow.js", slow)
    page.goto(main_site.url + "/slow.html")
    until(page, "window.trackerRuns === 1")
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    assert page.evaluate("window.startedBeforeBody") is True
    expect(first_layer(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Cookieinställningar")).to_be_visible()
    assert visit.problems == []

"""The consent banner in Chromium, against the built example site served on 127.0.0.1.

A second server on another port plays the third party: it serves a tracking script and an
embedded video, and counts every request it gets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import ROOT, TODAY, Build, FixtureSite, Server, copy_site
from policypress.core.load import load_site
from policypress.core.timeline import Timeline

pytestmark = pytest.mark.browser

THIRD_PARTY_JS = """window.trackerRuns = (window.trackerRuns || 0) + 1;
document.cookie = "bs_id=tracked; Path=/"; document.cookie = "bs_ses=1; Path=/";"""
EMBEDS = """---
title: {title}
---

Text before the embeds.

<script type="text/plain" data-category="statistics" src="{third}/tracker.js"></script>
<script type="text/plain" data-category="statistics">window.inlineRuns = (window.inlineRuns || 0) + 1;</script>
<iframe data-category="video" data-src="{third}/video.html" title="Video"></iframe>
"""


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("third-party")
    (folder / "tracker.js").write_text(THIRD_PARTY_JS)
    (folder / "video.html").write_text("<!doctype html><title>Video</title><p>Video")
    # No caching: every load the browser makes reaches the server and is counted.
    with Server(folder, headers={"Cache-Control": "no-store"}) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, third_party: Server) -> Iterator[Server]:
    """The example site plus a page with blocked embeds from the third party, and a consent log."""
    root = tmp_path_factory.mktemp("consent-site")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("  - cookies/index.md\n", "  - cookies/index.md\n  - embeds.md\n")
    config = config.replace("      privacy_policy: privacy\n", "      privacy_policy: privacy\n      consent:\n        endpoint: /consent-log\n")
    (root / "mkdocs.yml").write_text(config)
    (root / "docs/embeds.sv.md").write_text(EMBEDS.format(title="Inbäddat", third=third_party.url))
    (root / "docs/embeds.en.md").write_text(EMBEDS.format(title="Embeds", third=third_party.url))
    build = FixtureSite(root).build()
    assert build.returncode == 0, build.output
    with Server(build.site) as server:
        yield server


@pytest.fixture
def fresh(browser: Browser, third_party: Server) -> Iterator[BrowserContext]:
    """A new visitor: no cookies, no storage; the third party's count starts at zero."""
    third_party.requests.clear()
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def visitor(fresh: BrowserContext) -> Page:
    page = fresh.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    return page


def banner(page: Page, language: str = "sv"):
    return page.get_by_role("region", name="Vi använder kakor" if language == "sv" else "We use cookies")


def consent_cookie(context: BrowserContext) -> dict | None:
    cookie = next((c for c in context.cookies() if c["name"] == "pp_consent"), None)
    if cookie is None:
        return None
    return {**cookie, "record": json.loads(unquote(cookie["value"]))}


def cookie_register():
    site = load_site(ROOT / "docs", ["sv", "en"], "sv", root=ROOT).site
    return Timeline(site.policies["cookies"], TODAY).in_force.register


# --- first layer -----------------------------------------------------------------------------------


def test_first_visit_shows_the_choices_and_stores_nothing(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/privacy/")
    region = banner(visitor)
    expect(region).to_be_visible()
    expect(visitor.locator("[aria-live=polite]")).to_have_text("Vi använder kakor")
    for purpose in cookie_register().consent_purposes:
        expect(region).to_contain_text(purpose.text["sv"].name)
    buttons = [region.get_by_role("button", name=name, exact=True) for name in ("Godkänn alla", "Avvisa alla", "Inställningar")]
    boxes = [b.bounding_box() for b in buttons]
    assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) < 1
    assert max(b["width"] for b in boxes) - min(b["width"] for b in boxes) < 2
    styles = [b.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.fontWeight, s.fontSize, s.borderTopColor] }")
              for b in buttons]
    assert styles[0] == styles[1] == styles[2], "equal prominence"
    # Ignoring it is not consent: nothing is stored, and the next page asks again.
    assert fresh.cookies() == []
    assert visitor.evaluate("localStorage.length + sessionStorage.length") == 0
    visitor.goto(site.url + "/cookies/")
    expect(banner(visitor)).to_be_visible()
    assert fresh.cookies() == [] and visitor.errors == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_settings_show_the_categories_and_cookies_from_the_data(visitor: Page, site: Server, language: str) -> None:
    visitor.goto(site.url + ("/" if language == "sv" else "/en/"))
    banner(visitor, language).get_by_role("button", name="Inställningar" if language == "sv" else "Settings", exact=True).click()
    dialog = visitor.get_by_role("dialog", name="Cookieinställningar" if language == "sv" else "Cookie settings")
    expect(dialog).to_be_visible()
    register = cookie_register()
    necessary = dialog.get_by_role("switch", name="Nödvändiga" if language == "sv" else "Necessary")
    expect(necessary).to_be_checked()
    expect(necessary).to_be_disabled()
    for purpose in register.consent_purposes:
        switch = dialog.get_by_role("switch", name=purpose.text[language].name)
        expect(switch).not_to_be_checked()
        expect(switch).to_be_enabled()
    shown = dialog.locator(".ppc-cookies code").all_text_contents()
    assert sorted(shown) == sorted(c.name for c in register.cookies)
    first = register.cookies_for("statistics")[0]
    expect(dialog).to_contain_text(first.text[language].description)


# --- blocking ------------------------------------------------------------------------------------


def test_nothing_loads_before_a_choice_or_after_reject(visitor: Page, site: Server, third_party: Server) -> None:
    visitor.goto(site.url + "/embeds/")
    visitor.wait_for_load_state("networkidle")
    assert third_party.requests == []
    banner(visitor).get_by_role("button", name="Avvisa alla").click()
    visitor.reload()
    visitor.wait_for_load_state("networkidle")
    assert third_party.requests == []
    assert visitor.evaluate("[window.trackerRuns, window.inlineRuns]") == [None, None]
    expect(banner(visitor)).to_be_hidden()


def test_accept_all_runs_each_blocked_item_exactly_once(visitor: Page, site: Server, third_party: Server) -> None:
    visitor.goto(site.url + "/embeds/")
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    expect(visitor.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    visitor.wait_for_function("window.trackerRuns === 1")
    assert visitor.evaluate("[window.trackerRuns, window.inlineRuns]") == [1, 1]
    assert (third_party.seen("/tracker.js"), third_party.seen("/video.html")) == (1, 1)
    # Every later page load runs them once more, never twice.
    visitor.reload()
    visitor.wait_for_function("window.trackerRuns === 1")
    visitor.wait_for_load_state("networkidle")
    assert (third_party.seen("/tracker.js"), third_party.seen("/video.html")) == (2, 2)


def test_accepting_one_category_loads_only_it(visitor: Page, site: Server, third_party: Server) -> None:
    visitor.goto(site.url + "/embeds/")
    banner(visitor).get_by_role("button", name="Inställningar", exact=True).click()
    visitor.get_by_role("switch", name="Statistik").check()
    visitor.get_by_role("button", name="Spara mina val").click()
    visitor.wait_for_function("window.trackerRuns === 1")
    visitor.wait_for_load_state("networkidle")
    assert third_party.seen("/tracker.js") == 1 and third_party.seen("/video.html") == 0
    assert visitor.locator("iframe[title=Video]").get_attribute("src") is None


def test_withdrawal_deletes_the_category_cookies_and_stops_loading(visitor: Page, fresh: BrowserContext, site: Server, third_party: Server) -> None:
    visitor.goto(site.url + "/embeds/")
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    visitor.wait_for_function("window.trackerRuns === 1")
    assert {"bs_id", "bs_ses"} <= {c["name"] for c in fresh.cookies()}
    # The persistent control in the footer, used from the keyboard.
    control = visitor.get_by_role("button", name="Cookieinställningar")
    control.focus()
    visitor.keyboard.press("Enter")
    visitor.get_by_role("switch", name="Statistik").uncheck()
    visitor.get_by_role("button", name="Spara mina val").click()
    assert {c["name"] for c in fresh.cookies()} == {"pp_consent"}
    assert consent_cookie(fresh)["record"]["choices"] == {"statistics": False, "video": True}
    before = third_party.seen("/tracker.js")
    visitor.reload()
    visitor.wait_for_load_state("networkidle")
    assert third_party.seen("/tracker.js") == before
    assert visitor.evaluate("window.trackerRuns") is None


def test_withdrawing_a_frame_unloads_it(visitor: Page, site: Server) -> None:
    visitor.goto(site.url + "/embeds/")
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    expect(visitor.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    visitor.evaluate("policypressConsent.showSettings()")
    visitor.get_by_role("switch", name="Inbäddade filmer").uncheck()
    visitor.get_by_role("button", name="Spara mina val").click()
    assert visitor.locator("iframe[title=Video]").get_attribute("src") == "about:blank"


# --- the record ----------------------------------------------------------------------------------


def test_consent_record_in_one_first_party_cookie(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/")
    started = time.time() * 1000
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    cookie = consent_cookie(fresh)
    assert (cookie["sameSite"], cookie["path"], cookie["secure"], cookie["httpOnly"]) == ("Lax", "/", False, False)
    assert abs(cookie["expires"] - (time.time() + 182 * 86400)) < 120
    record = cookie["record"]
    assert re.fullmatch(r"[0-9a-f]{32}", record["id"])
    assert started - 5000 < record["first"] == record["last"] < started + 5000
    config = json.loads(visitor.locator("#policypress-consent").text_content())
    assert record["revision"] == config["revision"] == "cookies 1.1"
    assert record["fingerprint"] == config["fingerprint"]
    assert record["choices"] == {"statistics": True, "video": True}
    assert [c["name"] for c in fresh.cookies()] == ["pp_consent"]


def add_consent(context: BrowserContext, site: Server, value: str) -> None:
    context.add_cookies([{"name": "pp_consent", "value": value, "url": site.url + "/"}])


@pytest.mark.parametrize(
    "value",
    [quote("not json at all"), quote('{"foreign": true}'), quote('{"id":"x","first":1,"last":1,"choices":{"statistics":"yes"}}'),
     "%E0%A4%A", quote(json.dumps({"id": "x" * 3000, "first": 1, "last": 1, "choices": {}}))],
    ids=["garbage", "foreign", "wrong-types", "broken-escape", "oversized"],
)
def test_corrupt_foreign_or_oversized_cookie_counts_as_no_consent(visitor: Page, fresh: BrowserContext, site: Server, value: str) -> None:
    add_consent(fresh, site, value)
    visitor.goto(site.url + "/")
    expect(banner(visitor)).to_be_visible()
    assert visitor.evaluate("[policypressConsent.get(), policypressConsent.has('statistics')]") == [None, False]
    assert visitor.errors == []


def record_for(site: Server, page: Page, **changes) -> str:
    config = json.loads(page.locator("#policypress-consent").text_content())
    now = time.time() * 1000
    record = {"v": 1, "id": "a" * 32, "first": now, "last": now, "revision": config["revision"],
              "fingerprint": config["fingerprint"], "choices": {"statistics": True, "video": False}, **changes}
    return quote(json.dumps(record))


def test_a_valid_record_is_respected(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/")
    add_consent(fresh, site, record_for(site, visitor))
    visitor.goto(site.url + "/embeds/")
    visitor.wait_for_function("window.trackerRuns === 1")
    expect(banner(visitor)).to_be_hidden()


def test_asks_again_when_consent_facts_changed_and_removes_what_they_allowed(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/")
    add_consent(fresh, site, record_for(site, visitor, fingerprint="0123456789abcdef"))
    fresh.add_cookies([{"name": "bs_id", "value": "old", "url": site.url + "/"}])
    visitor.goto(site.url + "/embeds/")
    expect(banner(visitor)).to_be_visible()
    assert visitor.evaluate("policypressConsent.has('statistics')") is False
    assert "bs_id" not in {c["name"] for c in fresh.cookies()}


@pytest.mark.parametrize(("days", "asked"), [(10, False), (181, False), (183, True)])
def test_asks_again_after_the_maximum_age(visitor: Page, fresh: BrowserContext, site: Server, days: int, asked: bool) -> None:
    visitor.goto(site.url + "/")
    then = (time.time() - days * 86400) * 1000
    add_consent(fresh, site, record_for(site, visitor, first=then, last=then))
    visitor.goto(site.url + "/")
    expect(banner(visitor)).to_be_visible() if asked else expect(banner(visitor)).to_be_hidden()


# --- signals -------------------------------------------------------------------------------------


def test_global_privacy_control_is_a_rejection_and_the_visitor_is_told(browser: Browser, site: Server, third_party: Server) -> None:
    third_party.requests.clear()
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})")
    page = context.new_page()
    page.goto(site.url + "/embeds/")
    region = banner(page)
    expect(region).to_contain_text("Global Privacy Control")
    expect(region.get_by_role("button", name="Godkänn alla")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert third_party.requests == [] and page.evaluate("policypressConsent.has('statistics')") is False
    region.get_by_role("button", name="OK").click()
    assert consent_cookie(context)["record"]["choices"] == {"statistics": False, "video": False}
    context.close()


def test_google_consent_mode_defaults_to_denied_and_follows_choices(visitor: Page, site: Server) -> None:
    visitor.goto(site.url + "/")
    layer = visitor.evaluate("window.dataLayer.map(entry => Array.from(entry))")
    assert layer == [["consent", "default", {"ad_storage": "denied", "analytics_storage": "denied",
                                             "ad_user_data": "denied", "ad_personalization": "denied"}]]
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    assert visitor.evaluate("Array.from(window.dataLayer.at(-1))") == [
        "consent", "update", {"ad_storage": "denied", "analytics_storage": "granted", "ad_user_data": "denied",
                              "ad_personalization": "denied"}]
    visitor.evaluate("policypressConsent.showSettings()")
    visitor.get_by_role("button", name="Avvisa alla").click()
    assert visitor.evaluate("Array.from(window.dataLayer.at(-1))")[2]["analytics_storage"] == "denied"


def test_material_consent_key_follows_the_choice(visitor: Page, site: Server) -> None:
    visitor.goto(site.url + "/privacy/")
    banner(visitor).get_by_role("button", name="Godkänn alla").click()
    stored = visitor.evaluate("__md_get('__consent')")
    assert stored == {"analytics": True, "statistics": True, "video": True}
    visitor.evaluate("policypressConsent.showSettings()")
    visitor.get_by_role("button", name="Avvisa alla").click()
    assert visitor.evaluate("__md_get('__consent')") == {"analytics": False, "statistics": False, "video": False}


# --- API and log ---------------------------------------------------------------------------------------


def test_javascript_api_and_event(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/")
    visitor.evaluate("window.events = []; document.addEventListener('policypress:consent', e => events.push(e.detail))")
    assert visitor.evaluate("[policypressConsent.get(), policypressConsent.has('necessary'), policypressConsent.has('video')]") == [None, True, False]
    banner(visitor).get_by_role("button", name="Avvisa alla").click()
    visitor.evaluate("policypressConsent.showSettings()")
    expect(visitor.get_by_role("dialog", name="Cookieinställningar")).to_be_visible()
    visitor.get_by_role("switch", name="Inbäddade filmer").check()
    visitor.get_by_role("button", name="Spara mina val").click()
    assert visitor.evaluate("policypressConsent.has('video')") is True
    events = visitor.evaluate("events.map(e => e && e.choices)")
    assert events == [{"statistics": False, "video": False}, {"statistics": False, "video": True}]
    visitor.evaluate("policypressConsent.reset()")
    assert consent_cookie(fresh) is None
    expect(banner(visitor)).to_be_visible()
    assert visitor.evaluate("[events.length, events.at(-1), policypressConsent.get()]") == [3, None, None]
    visitor.evaluate("policypressConsent.show()")
    expect(banner(visitor)).to_be_visible()


def test_consent_receipt_is_sent_to_the_log_endpoint(visitor: Page, site: Server) -> None:
    site.posts.clear()
    visitor.goto(site.url + "/en/")
    banner(visitor, "en").get_by_role("button", name="Accept all").click()
    deadline = time.time() + 5
    while not site.posts and time.time() < deadline:
        time.sleep(0.05)
    path, body = site.posts[0]
    receipt = json.loads(body)
    assert path == "/consent-log"
    assert receipt["record_id"] == consent_cookie(visitor.context)["record"]["id"]
    assert receipt["method"] == "accept-all" and receipt["language"] == "en" and receipt["jurisdiction"] == "SE"
    assert receipt["notice"]["revision"] == "cookies 1.1" and receipt["notice"]["url"] == "cookies/"
    assert dt.datetime.fromisoformat(receipt["timestamp"].replace("Z", "+00:00"))
    statuses = {p["id"]: (p["status"], p["legal_basis"]) for p in receipt["purposes"]}
    assert statuses["statistics"] == ("given", "eu-gdpr:A6-1-a")
    assert statuses["necessary"][0] == "not-required"


# --- accessibility ------------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


@pytest.mark.parametrize("path", ["/privacy/", "/en/cookies/"])
def test_axe_finds_nothing_with_the_banner_and_with_settings_open(visitor: Page, site: Server, path: str) -> None:
    visitor.goto(site.url + path)
    expect(visitor.locator(".ppc")).to_be_visible()
    assert axe_violations(visitor) == []
    visitor.locator('.ppc [data-ppc="settings"]').click()
    expect(visitor.locator("dialog.ppc-dialog")).to_be_visible()
    assert axe_violations(visitor) == []


def test_keyboard_only(visitor: Page, fresh: BrowserContext, site: Server) -> None:
    visitor.goto(site.url + "/privacy/")
    expect(banner(visitor)).to_be_visible()
    # The site's skip link stays first; the banner's choices come right after it.
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.classList.contains('md-skip')")
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.textContent") == "Godkänn alla"
    visitor.keyboard.press("Tab")
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.textContent") == "Inställningar"
    visitor.keyboard.press("Enter")
    dialog = visitor.get_by_role("dialog", name="Cookieinställningar")
    expect(dialog).to_be_visible()
    assert visitor.evaluate("document.querySelector('dialog').contains(document.activeElement)")
    # Esc closes the settings and focus goes back to the button that opened them.
    visitor.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert visitor.evaluate("document.activeElement.textContent") == "Inställningar"
    visitor.keyboard.press("Enter")
    for _ in range(10):  # to the statistics switch
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement.getAttribute('data-category')") == "statistics":
            break
    visitor.keyboard.press("Space")
    while visitor.evaluate("document.activeElement.textContent") != "Spara mina val":
        visitor.keyboard.press("Tab")
    visitor.keyboard.press("Enter")
    assert consent_cookie(fresh)["record"]["choices"] == {"statistics": True, "video": False}
    expect(banner(visitor)).to_be_hidden()
    assert visitor.evaluate("document.activeElement.tagName") == "MAIN"
    # A visible focus indicator on the persistent control, reached by keyboard.
    control = visitor.get_by_role("button", name="Cookieinställningar")
    control.focus()
    visitor.keyboard.press("Shift+Tab")
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.textContent") == "Cookieinställningar"
    outline = control.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
    assert outline[0] != "none" and outline[1] != "0px"


@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 400)], ids=["320px", "200%-zoom"])
def test_usable_on_a_narrow_screen_and_at_200_percent_zoom(browser: Browser, site: Server, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site.url + "/privacy/")
    region = banner(page)
    for name in ("Godkänn alla", "Avvisa alla", "Inställningar"):
        button = region.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    region.get_by_role("button", name="Inställningar", exact=True).click()
    dialog = page.get_by_role("dialog", name="Cookieinställningar")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] <= height
    save = dialog.get_by_role("button", name="Spara mina val")
    save.scroll_into_view_if_needed()
    save.click()
    assert consent_cookie(context)["record"]["choices"] == {"statistics": False, "video": False}
    context.close()


# --- safe by construction -------------------------------------------------------------------------------


def test_works_under_a_strict_content_security_policy(browser: Browser, tmp_path: Path, third_party: Server) -> None:
    """Outside MkDocs, on a plain page, with `script-src 'self'; style-src 'self'` (plus a nonce for
    the page's own blocked inline script)."""
    assets = ROOT / "policypress/assets/consent"
    for name in ("consent.min.js", "consent.min.css", "consent.min.mjs"):
        shutil.copy(assets / name, tmp_path / name)
    config = {
        "revision": "demo 1.0", "fingerprint": "f00", "notice": "/policy/", "language": "en", "jurisdiction": "SE",
        "cookie": "consent", "maxAgeDays": 180, "endpoint": None, "consentMode": False,
        "categories": [{"id": "necessary", "required": True, "name": "Necessary", "description": "Needed.", "cookies": []},
                       {"id": "stats", "name": "Statistics", "description": "Counting visits.", "cookies": []}],
        "strings": {"title": "Cookies", "intro": "We ask first.", "acceptAll": "Accept all", "rejectAll": "Reject all",
                    "settings": "Settings", "save": "Save", "close": "Close", "alwaysOn": "Always on", "cookies": "Cookies",
                    "policy": "Policy", "settingsTitle": "Cookie settings", "settingsIntro": "Choose.", "ok": "OK", "gpc": "GPC"},
    }
    (tmp_path / "index.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="consent.min.css">
<script type="application/json" id="policypress-consent">{json.dumps(config)}</script>
<script type="module" src="consent.min.mjs"></script></head>
<body><main><h1>A page</h1></main>
<script type="text/plain" data-category="stats" nonce="n0nce">window.statsRan = true;</script>
</body></html>""")
    csp = "script-src 'self' 'nonce-n0nce'; style-src 'self'"
    with Server(tmp_path, headers={"Content-Security-Policy": csp}) as server:
        context = browser.new_context()
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(str(e)))
        page.goto(server.url + "/")
        region = page.get_by_role("region", name="Cookies")
        expect(region).to_be_visible()
        assert page.evaluate("typeof policypressConsent.showSettings") == "function"
        region.get_by_role("button", name="Accept all").click()
        page.wait_for_function("window.statsRan === true")
        assert consent_cookie_named(context, "consent")["choices"] == {"stats": True}
        assert messages == [], messages
        context.close()


def consent_cookie_named(context: BrowserContext, name: str) -> dict:
    cookie = next(c for c in context.cookies() if c["name"] == name)
    return json.loads(unquote(cookie["value"]))


def test_policy_is_readable_without_javascript(browser: Browser, site: Server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/cookies/")
    expect(page.locator("article h1")).to_have_text("Cookiepolicy")
    expect(page.locator('tr[data-pp-cookie="bs_id"]')).to_be_visible()
    expect(page.locator(".ppc")).to_have_count(0)
    expect(page.get_by_role("button", name="Cookieinställningar")).to_be_hidden()
    context.close()


def test_the_banner_inserts_text_only() -> None:
    source = (ROOT / "banner/consent.js").read_text()
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                   ".style", '"style"', "setTimeout(\"", "srcdoc"):
        assert unsafe not in source, unsafe


def test_shipped_files_are_built_from_the_sources() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_banner", ROOT / "scripts/build_banner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for name, content in module.built().items():
        assert (ROOT / "policypress/assets/consent" / name).read_text() == content, f"run scripts/build_banner.py ({name})"

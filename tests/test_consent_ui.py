"""The consent banner in Chromium: signals, API, receipts, accessibility and safety.

The site and the third party it embeds are set up in consent_site.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import rcssmin
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, Page, expect

from consent_site import banner, consent_cookie
from conftest import ROOT, Build, Server
from policypress.plugins import theme

pytestmark = pytest.mark.browser


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


PLAIN_CONFIG = {
    "revision": "demo 1.0", "fingerprint": "f00", "notice": "/policy/", "language": "en", "jurisdiction": "SE",
    "cookie": "consent", "maxAgeDays": 180, "endpoint": None, "consentMode": False,
    "categories": [{"id": "necessary", "required": True, "name": "Necessary", "description": "Needed.", "cookies": []},
                   {"id": "stats", "name": "Statistics", "description": "Counting visits.", "cookies": []}],
    "strings": {"title": "Cookies", "intro": "We ask first.", "acceptAll": "Accept all", "rejectAll": "Reject all",
                "settings": "Settings", "save": "Save", "close": "Close", "alwaysOn": "Always on", "cookies": "Cookies",
                "policy": "Policy", "settingsTitle": "Cookie settings", "settingsIntro": "Choose.", "ok": "OK", "gpc": "GPC"},
}


def plain_page(folder: Path, head: str, body: str, config: dict = PLAIN_CONFIG) -> None:
    """A page not built with MkDocs: the shipped banner files and the given markup."""
    assets = ROOT / "policypress/assets/consent"
    for name in ("consent.min.js", "consent.min.css", "consent.min.mjs"):
        shutil.copy(assets / name, folder / name)
    (folder / "index.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="consent.min.css">
<script type="application/json" id="policypress-consent">{json.dumps(config)}</script>
{head}</head><body><main><h1>A page</h1></main>{body}</body></html>""")


def test_works_under_a_strict_content_security_policy(browser: Browser, tmp_path: Path, third_party: Server) -> None:
    """Outside MkDocs, on a plain page, with `script-src 'self'; style-src 'self'` (plus a nonce for
    the page's own blocked inline script)."""
    plain_page(tmp_path, '<script type="module" src="consent.min.mjs"></script>',
               '<script type="text/plain" data-category="stats" nonce="n0nce">window.statsRan = true;</script>')
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


def test_in_the_body_it_starts_at_once_and_picks_up_what_comes_later(browser: Browser, tmp_path: Path) -> None:
    """A classic script inside the body shows the banner before the page has finished parsing;
    blocked items and settings buttons after it are handled all the same, each item run once."""
    blocked = '<script type="text/plain" data-category="stats">window.runs = (window.runs || []).concat("{}");</script>'
    plain_page(tmp_path, "", blocked.format("before") + '<script src="consent.min.js"></script>'
               "<script>window.shownWhileParsing = !!document.querySelector('.ppc');</script>"
               + blocked.format("after") + '<button type="button" data-pp-consent-settings hidden>Cookie settings</button>')
    with Server(tmp_path) as server:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/")
        assert page.evaluate("window.shownWhileParsing") is True
        page.get_by_role("region", name="Cookies").get_by_role("button", name="Accept all").click()
        assert page.evaluate("window.runs") == ["before", "after"]
        # A returning visitor: both run once, at load, and the late settings button works.
        page.reload()
        page.wait_for_load_state("load")
        assert page.evaluate("window.runs") == ["before", "after"]
        page.get_by_role("button", name="Cookie settings").click()
        expect(page.get_by_role("dialog", name="Cookie settings")).to_be_visible()
        assert errors == []
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
        assert (ROOT / "policypress/assets" / name).read_text() == content, f"run scripts/build_banner.py ({name})"


# --- nothing Lighthouse counts against a page (issue 21, section 6) ---------------------------------


def test_no_page_waits_for_the_banner_to_render(example_build: Build) -> None:
    """The banner's script is deferred on every page: a script in the body without it holds up
    the first paint (Lighthouse: render-blocking). What it must hold back is inert by its type."""
    pages = sorted(example_build.site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        tags = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select('script[src$="consent.min.js"]')
        assert len(tags) == 1 and tags[0].has_attr("defer"), (path, tags)


def test_the_stylesheet_is_served_minified(example_build: Build) -> None:
    """Lighthouse counts a stylesheet as unminified when minifying it would save 5% and 2 KiB."""
    served = (example_build.site / theme.STYLESHEET).read_text(encoding="utf-8")
    saved = len(served.encode()) - len(rcssmin.cssmin(served).encode())
    assert saved < 0.05 * len(served.encode()) and saved < 2048, saved
    # The readable source is what it was made from, and is kept in the repository as it is.
    assert theme.STYLESHEET_SOURCE.read_text(encoding="utf-8").count("\n") > 100


def test_a_stylesheet_changed_since_it_was_minified_is_served_as_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """policypress.css edited in a checkout and scripts/build_banner.py not run again: the site
    gets the edit (unminified) rather than the minified copy of what it was before."""
    assert theme.stylesheet() == theme.STYLESHEET_MINIFIED.read_bytes()
    edited = tmp_path / "policypress.css"
    edited.write_bytes(theme.STYLESHEET_SOURCE.read_bytes() + b".pp-new { color: red; }\n")
    monkeypatch.setattr(theme, "STYLESHEET_SOURCE", edited)
    assert theme.stylesheet() == edited.read_bytes()


# --- never trapped: blocked storage, the record kept, other tabs (issue 12, section 8) ----------------

# What browsers, extensions and sandboxed frames do when they block storage: the property throws.
BLOCKED = {
    "cookies": """const refuse = () => { throw new DOMException("cookies are blocked", "SecurityError"); };
        Object.defineProperty(Document.prototype, "cookie", {configurable: true, get: refuse, set: refuse});""",
    "storage": """for (const name of ["localStorage", "sessionStorage"])
        Object.defineProperty(window, name, {configurable: true, get() { throw new DOMException("storage is blocked", "SecurityError"); }});""",
}
EVENTS = "window.events = []; document.addEventListener('policypress:consent', e => events.push(e.detail && e.detail.choices))"


def banner_errors(page: Page) -> list[str]:
    """Errors thrown by the banner's code (the third party's tracker may throw on its own)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(e.stack or str(e)) if "consent.min" in (e.stack or "") else None)
    return errors


def receipts(site: Server, count: int) -> list[str]:
    """The methods of the receipts the site got, once `count` of them have arrived."""
    deadline = time.time() + 5
    while len(site.posts) < count and time.time() < deadline:
        time.sleep(0.05)
    return [json.loads(body)["method"] for _, body in site.posts]


@pytest.mark.parametrize("blocked", ["cookies", "storage"])
def test_blocked_storage_never_traps_the_visitor(browser: Browser, site: Server, third_party: Server, blocked: str) -> None:
    """document.cookie or localStorage throwing (Material's __md_set reaches for localStorage): the
    choice still closes the banner, runs what it allows, fires the event and sends the receipt;
    withdrawal and reset work; nothing throws out of the banner."""
    third_party.requests.clear()
    site.posts.clear()
    context = browser.new_context()
    context.add_init_script(BLOCKED[blocked])
    page = context.new_page()
    errors = banner_errors(page)
    page.goto(site.url + "/embeds/")
    page.evaluate(EVENTS)
    banner(page).get_by_role("button", name="Godkänn alla").click()
    expect(banner(page)).to_be_hidden()
    page.wait_for_function("window.trackerRuns === 1")
    expect(page.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    assert page.evaluate("[events, policypressConsent.has('video')]") == [[{"statistics": True, "video": True}], True]
    assert receipts(site, 1) == ["accept-all"]
    page.get_by_role("button", name="Cookieinställningar").click()
    page.get_by_role("switch", name="Inbäddade filmer").uncheck()
    page.get_by_role("button", name="Spara mina val").click()
    expect(page.get_by_role("dialog", name="Cookieinställningar")).to_have_count(0)
    assert page.locator("iframe[title=Video]").get_attribute("src") == "about:blank"
    assert receipts(site, 2) == ["accept-all", "settings-change"]
    stored = consent_cookie(context)
    if blocked == "cookies":  # held for this page view only: the next page asks again
        assert stored is None
    else:
        assert stored["record"]["choices"] == {"statistics": True, "video": False}
    page.evaluate("policypressConsent.reset()")
    expect(banner(page)).to_be_visible()
    assert page.evaluate("[events.length, events.at(-1), policypressConsent.get()]") == [3, None, None]
    assert consent_cookie(context) is None
    page.reload()
    expect(banner(page)).to_be_visible()
    assert errors == []
    context.close()


def test_withdrawal_keeps_the_record_and_blocked_storage_keys_are_skipped(browser: Browser, tmp_path: Path) -> None:
    """A category listing a pattern that matches the consent cookie (`con*` for `consent`, which
    policypress refuses to build) still cannot delete the record; a blocked localStorage key is
    skipped and the rest is removed."""
    stats = {"id": "stats", "name": "Statistics", "description": "Counting visits.", "cookies": [
        {"name": "con*", "provider": "x", "duration": "1 day", "purpose": "Counting"},
        {"name": "stats_key", "provider": "x", "duration": "1 day", "purpose": "Counting", "storage": "local-storage"}]}
    plain_page(tmp_path, "", '<script src="consent.min.js"></script>',
               config={**PLAIN_CONFIG, "categories": [PLAIN_CONFIG["categories"][0], stats]})
    with Server(tmp_path) as server:
        context = browser.new_context()
        context.add_init_script(BLOCKED["storage"])
        page = context.new_page()
        errors = banner_errors(page)
        page.goto(server.url + "/")
        page.get_by_role("region", name="Cookies").get_by_role("button", name="Accept all").click()
        context.add_cookies([{"name": "con_stats", "value": "1", "url": server.url + "/"}])
        page.evaluate("policypressConsent.showSettings()")
        page.get_by_role("dialog").get_by_role("button", name="Reject all").click()
        assert {c["name"] for c in context.cookies()} == {"consent"}
        assert consent_cookie_named(context, "consent")["choices"] == {"stats": False}
        assert errors == []
        context.close()


@pytest.mark.parametrize("cookies", ["stored", "blocked"])
def test_a_choice_in_one_tab_applies_to_the_other_tabs_without_a_reload(browser: Browser, site: Server, third_party: Server, cookies: str) -> None:
    """Through a BroadcastChannel, so also when cookies are blocked. Only the tab where the
    visitor chose sends a receipt."""
    third_party.requests.clear()
    site.posts.clear()
    context = browser.new_context()
    if cookies == "blocked":
        context.add_init_script(BLOCKED["cookies"])
    chosen, other = context.new_page(), context.new_page()
    errors = banner_errors(other)
    for page in (chosen, other):
        page.goto(site.url + "/embeds/")
    other.evaluate(EVENTS + "; window.sameView = true")
    banner(chosen).get_by_role("button", name="Godkänn alla").click()
    expect(banner(other)).to_be_hidden()
    other.wait_for_function("window.trackerRuns === 1")
    expect(other.frame_locator("iframe[title=Video]").locator("p")).to_have_text("Video")
    assert other.evaluate("[window.sameView, policypressConsent.has('statistics'), events]") == [
        True, True, [{"statistics": True, "video": True}]]
    # Withdrawal in one tab unloads the other's frame.
    chosen.evaluate("policypressConsent.showSettings()")
    chosen.get_by_role("switch", name="Inbäddade filmer").uncheck()
    chosen.get_by_role("button", name="Spara mina val").click()
    expect(other.locator("iframe[title=Video]")).to_have_attribute("src", "about:blank")
    assert other.evaluate("[policypressConsent.has('video'), events.at(-1)]") == [False, {"statistics": True, "video": False}]
    # Reset in one tab: the other forgets too and asks again.
    chosen.evaluate("policypressConsent.reset()")
    expect(banner(other)).to_be_visible()
    assert other.evaluate("[window.sameView, policypressConsent.get(), events.length, events.at(-1)]") == [True, None, 3, None]
    assert receipts(site, 2) == ["accept-all", "settings-change"]
    assert errors == []
    context.close()

"""The consent banner in Chromium: first layer, blocking and the consent record.

The site and the third party it embeds are set up in consent_site.py.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from consent_site import banner, consent_cookie, cookie_register
from conftest import Server

pytestmark = pytest.mark.browser


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

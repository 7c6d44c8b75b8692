"""What readers see around a policy's text (issue 13): a way to follow changes by every version
box, the in-force revision's page saying where the policy lives, periods labelled as periods and
a first version called a first version. Read from the example site built as of TODAY."""

from __future__ import annotations

import pytest

from conftest import Build, example_site
from policypress.core.texts import strings

PAGES = ["privacy/", "privacy/2.0/", "privacy/1.0/", "cookies/", "en/privacy/", "en/privacy/3.1/"]


@pytest.mark.parametrize("page", PAGES)
def test_every_version_box_has_a_way_to_follow_changes(example_build: Build, page: str) -> None:
    soup = example_build.html(page + "index.html")
    language = soup.html["lang"]
    link = soup.select_one(".pp-revision .pp-follow a")
    assert link is not None and link.get_text() == strings(language)["follow_changes"]
    policy = page.removeprefix("en/").split("/")[0]
    target = example_build.site / page / link["href"].split("#")[0] / "index.html"
    assert target.resolve() == (example_build.site / page.split(policy)[0] / policy / "changelog" / "index.html").resolve()
    assert link["href"].endswith("#subscribe")
    assert example_build.html(str(target.relative_to(example_build.site))).find(id="subscribe") is not None


def test_the_in_force_revision_page_points_to_the_policy_address_once(example_build: Build) -> None:
    soup = example_build.html("privacy/2.0/index.html")
    state = soup.select_one('.pp-state[data-pp-state="current"]')
    t = strings("sv")
    assert state.get_text(" ", strip=True) == f"{t['state_current']} {t['permanent_address']} {t['permanent_address_shows']}"
    assert t["read_current"] not in soup.select_one("article").get_text()


def test_a_period_is_labelled_as_a_period(example_build: Build) -> None:
    # 2.0 is in force until the announced 3.0 takes effect: "Gäller: 1 juni 2025 – 31 december 2026".
    facts = example_build.html("privacy/index.html").select(".pp-revision__facts > div")
    labels = {div.dt.get_text(): div.dd.get_text() for div in facts}
    assert "Gäller" in labels and "–" in labels["Gäller"] and "Gäller från" not in labels


def test_the_first_version_is_called_the_first_version(example_build: Build) -> None:
    first = {policy.id: str(policy.revisions[0].version) for policy in example_site().policies.values()}
    for policy, version in first.items():
        for prefix, language in (("", "sv"), ("en/", "en")):
            version_box = example_build.html(f"{prefix}{policy}/{version}/index.html").select_one(".pp-revision__facts dd")
            assert strings(language)["change_first"] in version_box.get_text()
            assert strings(language)["change_major"] not in version_box.get_text()


@pytest.mark.parametrize(("page", "language"), [("index.html", "sv"), ("en/index.html", "en")])
def test_the_landing_page_lists_each_policy_with_its_version(example_build: Build, page: str, language: str) -> None:
    from conftest import TODAY, plugin_options
    from policypress.core.texts import date_locale, long_date
    from policypress.core.timeline import Timeline

    t = strings(language)
    dates = date_locale(language, plugin_options("policypress").get("locales"))
    items = {li["data-pp-policy"]: li for li in example_build.html(page).select(".pp-policies > li")}
    assert set(items) == set(example_site().policies)
    for policy in example_site().policies.values():
        timeline = Timeline(policy, TODAY)
        text = items[policy.id].get_text(" ", strip=True)
        assert t["policy_in_force"].format(version=timeline.in_force.version,
                                           date=long_date(timeline.in_force.effective, dates)) in text
        announced = [a.get_text() for a in items[policy.id].select(".pp-policies__announced a")]
        assert announced == [t["policy_announced"].format(version=r.version, date=long_date(r.effective, dates))
                             for r in timeline.upcoming]


@pytest.mark.browser
def test_the_cookie_policy_has_a_real_settings_button(visitor, site) -> None:
    from playwright.sync_api import expect

    # Cookie policy 1.2 puts the button where the text explains how to change one's choices.
    visitor.goto(site.url + "/en/cookies/1.2/")
    button = visitor.locator("article .pp-consent-settings-inline")
    expect(button).to_be_visible()
    assert button.text_content() == strings("en")["consent_button"]
    button.click()
    expect(visitor.get_by_role("dialog", name="Cookie settings")).to_be_visible()


def test_a_placeholder_in_a_code_block_stays_text(minimal) -> None:
    example = "```markdown\n<!-- policies -->\n<!-- consent: settings-button -->\n```\n"
    minimal.replace("index.sv.md", "Välkommen.", "<!-- policies -->\n\n" + example + "\nVälkommen.")
    build = minimal.build()
    assert build.returncode == 0, build.output
    soup = build.html("index.html")
    assert len(soup.select(".pp-policies > li")) == 1
    assert soup.select_one("pre code").get_text() == "<!-- policies -->\n<!-- consent: settings-button -->\n"

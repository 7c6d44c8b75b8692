"""The banner's configuration, built from the cookie policy's register."""

from __future__ import annotations

import pytest

from conftest import ROOT, TODAY, FixtureSite, copy_site
from policypress.core import consent
from policypress.core.load import load_site
from policypress.core.texts import strings
from policypress.core.timeline import Timeline


def cookie_revision(docs):
    site = load_site(docs, ["sv", "en"], "sv", root=docs.parent).site
    return Timeline(site.policies["cookies"], TODAY).in_force


def build_config(revision, language: str = "sv") -> dict:
    return consent.config("cookies", revision, language, strings(language), notice="cookies/", cookie="pp_consent",
                          max_age_days=182, endpoint=None, jurisdiction="SE", consent_mode=True)


def test_categories_come_from_the_consent_based_purposes() -> None:
    revision = cookie_revision(ROOT / "docs")
    config = build_config(revision, "en")
    assert [c["id"] for c in config["categories"]] == ["necessary", "statistics", "video"]
    necessary, statistics, video = config["categories"]
    assert necessary["required"] and [c["name"] for c in necessary["cookies"]] == ["solvik_session", "solvik_cart", "pp_consent"]
    assert statistics["name"] == "Statistics" and statistics["legalBasis"] == "eu-gdpr:A6-1-a"
    assert statistics["cookies"][0] == {"name": "bs_id", "provider": "solvikkaffe.example", "duration": "13 months",
                                        "purpose": "Random ID that tells returning visitors from new ones.", "storage": "cookie"}
    assert statistics["cookies"][1]["duration"] == "30 minutes"
    assert necessary["cookies"][0]["duration"] == "Until you close the browser"
    # Google Consent Mode types follow from the DPV purposes (ServiceUsageAnalytics -> analytics).
    assert statistics["consentMode"] == ["analytics_storage"] and video["consentMode"] == []
    assert config["revision"] == "cookies 1.1" and config["maxAgeDays"] == 182


def test_the_same_facts_give_the_same_fingerprint_in_every_language() -> None:
    revision = cookie_revision(ROOT / "docs")
    assert build_config(revision, "sv")["fingerprint"] == build_config(revision, "en")["fingerprint"]


def test_editorial_changes_keep_the_fingerprint_and_consent_facts_change_it(tmp_path) -> None:
    site = copy_site(ROOT / "tests/fixtures/minimal", tmp_path / "site")
    site.unrelease()
    base = consent.fingerprint(site.load().site.policies["privacy"].living.register)
    site.replace("privacy/index.en.md", "description: Remembers that you saw the offer.", "description: Another wording.")
    site.replace("privacy/index.sv.md", "name: Nyhetsbrev", "name: Våra nyheter")
    assert consent.fingerprint(site.load().site.policies["privacy"].living.register) == base
    site.replace("privacy/index.sv.md", "duration: P6M", "duration: P12M")
    changed = consent.fingerprint(site.load().site.policies["privacy"].living.register)
    assert changed != base


def test_maximum_age_is_capped_at_13_months() -> None:
    config = consent.config("cookies", cookie_revision(ROOT / "docs"), "sv", strings("sv"), notice="x", cookie="c",
                            max_age_days=500, endpoint=None, jurisdiction="SE", consent_mode=False)
    assert config["maxAgeDays"] == 395


def test_a_longer_maximum_age_in_mkdocs_yml_is_an_error(minimal: FixtureSite) -> None:
    config = minimal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("        name: IMY\n", "        name: IMY\n      consent:\n        max_age_days: 400\n"))
    build = minimal.build()
    assert build.returncode != 0 and "Traceback" not in build.output
    assert ("mkdocs.yml:30: plugins.policypress.consent.max_age_days: expected 1 to 395 days (at most 13 months), "
            "found number 400") in build.output


def test_consent_cookie_must_be_listed_in_the_policy(minimal: FixtureSite) -> None:
    config = minimal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("        name: IMY\n", "        name: IMY\n      consent:\n        cookie: consent\n"))
    build = minimal.build()
    assert build.returncode != 0
    assert ("consent.cookie: the banner stores consent in the cookie 'consent', which policy 'privacy' does not "
            "list in its cookies; add it there") in build.output


def test_a_site_without_cookies_gets_no_banner(minimal: FixtureSite) -> None:
    for language in ("sv", "en"):
        minimal.edit_meta(f"privacy/index.{language}.md", lambda meta: meta.pop("cookies"))
    minimal.unrelease()
    assert minimal.policypress("release", "privacy", "--date", "2026-02-01").returncode == 0
    build = minimal.build()
    assert build.returncode == 0, build.output
    assert build.html("privacy/index.html").select("#policypress-consent, [data-pp-consent-settings]") == []


# --- withdrawal must never delete the consent record (issue 12, section 8) ------------------------


@pytest.mark.parametrize(("listed", "record", "matches"), [
    ("pp*", "pp_consent", True), ("pp_*", "pp_consent", True), ("pp_consent*", "pp_consent", True),
    ("pp_consent", "pp_consent", True), ("con*", "consent", True),
    ("pp_stats*", "pp_consent", False), ("pp", "pp_consent", False), ("pp_consent_old", "pp_consent", False),
    ("pp*", "consent", False),
])
def test_a_listed_name_matches_as_the_banner_matches_it(listed: str, record: str, matches: bool) -> None:
    assert consent.matches(listed, record) is matches


def with_cookie_name(site: FixtureSite, name: str) -> FixtureSite:
    """The minimal site, its consent-based `news_seen` cookie renamed, as an unreleased draft."""
    for language in ("sv", "en"):
        site.replace(f"privacy/index.{language}.md", "name: news_seen", f"name: {name}")
    site.unrelease()
    return site


def record_conflicts(site: FixtureSite, record: str = "pp_consent") -> list[str]:
    result = site.load()
    assert [str(p) for p in result.problems] == []
    return [str(p) for p in consent.record_conflicts(result.site.policies["privacy"].living, "sv", record)]


def conflict_message(found: str, advice: str, record: str = "pp_consent") -> str:
    return (f"docs/privacy/index.sv.md:55: cookies[0].name: expected a name that does not match {record!r}, the cookie "
            f"the consent banner keeps the visitor's choice in (consent.cookie in mkdocs.yml), found {found!r}: "
            f"withdrawing consent to 'newsletter' deletes its cookies, and would delete the record of the choice "
            f"with them; {advice}")


PATTERN_ADVICE = "list the cookies this pattern stands for more narrowly, so that none matches"


@pytest.mark.parametrize("name", ["pp*", "pp_*"])
def test_a_consent_cookie_pattern_matching_the_record_is_named_with_file_line_and_field(minimal: FixtureSite, name: str) -> None:
    assert record_conflicts(with_cookie_name(minimal, name)) == [conflict_message(name, PATTERN_ADVICE)]


def test_the_record_cookie_itself_under_a_consent_purpose_is_refused(minimal: FixtureSite) -> None:
    """consent.cookie set to `news_seen`, which the policy lists under the consent-based newsletter."""
    assert record_conflicts(minimal, "news_seen") == [
        conflict_message("news_seen", "list 'news_seen' under a purpose that needs no consent", "news_seen")]


def test_the_configured_record_cookie_counts_not_the_default(minimal: FixtureSite) -> None:
    site = with_cookie_name(minimal, "con*")
    assert record_conflicts(site, "pp_consent") == []
    assert record_conflicts(site, "consent") == [conflict_message("con*", PATTERN_ADVICE, "consent")]


def test_necessary_cookies_and_web_storage_keys_may_match(minimal: FixtureSite) -> None:
    """Withdrawal deletes only the cookies of a purpose that rests on consent, and a web storage
    key is no cookie."""
    for language in ("sv", "en"):
        minimal.replace(f"privacy/index.{language}.md", "name: pp_consent", "name: pp*")
    minimal.replace("privacy/index.sv.md", "duration: P6M\n    description: Kommer", "duration: P6M\n    storage: local-storage\n    description: Kommer")
    with_cookie_name(minimal, "pp_*")
    assert record_conflicts(minimal) == []
    minimal.replace("privacy/index.sv.md", "    storage: local-storage\n", "")
    assert len(record_conflicts(minimal)) == 1


def test_the_build_refuses_a_pattern_that_would_delete_the_record(minimal: FixtureSite) -> None:
    build = with_cookie_name(minimal, "pp*").build()
    assert build.returncode != 0 and "Traceback" not in build.output
    assert f"policypress found 1 problem:\n  {conflict_message('pp*', PATTERN_ADVICE)}\n" in build.output


def test_check_refuses_it_too(minimal: FixtureSite) -> None:
    """The same problem in `policypress check` as in the build (they accept and refuse the same)."""
    site = with_cookie_name(minimal, "pp*")
    check = site.policypress("check")
    assert check.returncode == 1 and conflict_message("pp*", PATTERN_ADVICE) in check.stderr

"""Unit tests of policypress.core.consent on the example site's model, without MkDocs.

The banner's configuration is made for every revision of the policy that lists the cookies, in
every language, with the options of the example's mkdocs.yml, and compared with the register it
comes from, and with the cookie tables (`register.view`) the policy page shows. The fingerprint
is checked against changed copies of the register. `test_consent_config.py` checks the options
in builds; `test_consent.py` and `test_consent_ui.py` the banner in Chromium.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from conftest import example_options, plugin_options
from policypress.core import consent, register
from policypress.core import vocabulary as vocab
from policypress.core.htmljson import script_json
from policypress.core.model import Policy, Register, Revision, Site
from policypress.core.texts import strings
from policypress.core.types import parse_duration

LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]


def cookie_policy(site: Site) -> Policy:
    """The consent policy by default: the one policy that lists cookies."""
    (policy,) = [p for p in site.policies.values() if p.living.register.cookies]
    return policy


def banner(policy: Policy, revision: Revision, language: str, **changed: Any) -> dict[str, Any]:
    """The configuration with the example's consent options (mkdocs.yml, or the plugin's defaults)."""
    options = example_options().consent
    settings = dict(notice=f"{policy.id}/", cookie=options.cookie, max_age_days=options.max_age_days,
                    endpoint=options.endpoint, jurisdiction=options.jurisdiction, consent_mode=options.consent_mode)
    return consent.config(policy.id, revision, language, strings(language), **{**settings, **changed})


def configs(site: Site, language: str) -> list[tuple[Revision, dict[str, Any]]]:
    policy = cookie_policy(site)
    out = [(revision, banner(policy, revision, language)) for revision in (*policy.revisions, policy.living)]
    assert len(out) > 1
    return out


def names(cookies: list[dict[str, str]]) -> list[str]:
    return [cookie["name"] for cookie in cookies]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_category_for_each_consent_purpose_after_the_necessary_one(example_model: Site, language: str) -> None:
    t = strings(language)
    for revision, config in configs(example_model, language):
        reg = revision.register
        needing = [p for p in reg.processing if vocab.CONSENT in p.legal_basis]
        assert needing, "the example asks for consent"
        necessary, *categories = config["categories"]
        assert (necessary["id"], necessary["required"], necessary["name"], necessary["description"]) == (
            "necessary", True, t["consent_necessary"], t["consent_necessary_description"])
        without = [p for p in reg.processing if vocab.CONSENT not in p.legal_basis and reg.cookies_for(p.id)]
        assert names(necessary["cookies"]) == [c.name for p in without for c in reg.cookies_for(p.id)]
        assert set(necessary["dpv"]) == {term for p in without for term in p.purpose}
        assert set(necessary["legalBasis"]) == {basis for p in without for basis in p.legal_basis}
        assert [c["id"] for c in categories] == [p.id for p in needing]
        for category, purpose in zip(categories, needing):
            assert not category.get("required")
            assert (category["name"], category["description"]) == (purpose.text[language].name,
                                                                    purpose.text[language].description)
            # One basis stays a string, as in every record made before several bases were possible.
            expected = vocab.CONSENT if purpose.legal_basis == (vocab.CONSENT,) else list(purpose.legal_basis)
            assert (category["dpv"], category["legalBasis"]) == (list(purpose.purpose), expected)
            assert names(category["cookies"]) == [c.name for c in reg.cookies_for(purpose.id)]
        listed = [name for category in config["categories"] for name in names(category["cookies"])]
        assert sorted(listed) == sorted(c.name for c in reg.cookies)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_banner_and_the_cookie_table_say_the_same(example_model: Site, language: str) -> None:
    for revision, config in configs(example_model, language):
        table = {row["name"]: row for row in register.view("cookies", None, revision.register, language)["rows"]}
        cookies = {c.name: c for c in revision.register.cookies}
        for category in config["categories"]:
            for entry in category["cookies"]:
                row, cookie = table[entry["name"]], cookies[entry["name"]]
                assert (entry["provider"], entry["duration"], entry["purpose"]) == (
                    row["provider"], row["duration"], row["description"])
                assert (entry["purpose"], entry["storage"]) == (cookie.text[language].description, cookie.storage)


def test_the_consent_record_itself_needs_no_consent(example_model: Site) -> None:
    cookie = example_options().consent.cookie
    for revision, config in configs(example_model, "en"):
        holding = [c["id"] for c in config["categories"] if cookie in names(c["cookies"])]
        assert holding == ["necessary"]
        assert config["cookie"] == cookie


@pytest.mark.parametrize("language", LANGUAGES)
def test_options_revision_and_strings_are_passed_on(example_model: Site, language: str) -> None:
    options = example_options().consent
    policy = cookie_policy(example_model)
    for revision, config in configs(example_model, language):
        assert config["revision"] == f"{policy.id} {revision.version}"
        assert (config["notice"], config["language"], config["jurisdiction"], config["endpoint"], config["consentMode"]) == (
            f"{policy.id}/", language, options.jurisdiction, options.endpoint, options.consent_mode)
        t = strings(language)
        assert config["strings"] == {key.removeprefix("consent_"): value
                                     for key, value in t.items() if key.startswith("consent_")}
        assert json.loads(script_json(config)) == config


@pytest.mark.parametrize("days", [1, 182, consent.MAX_AGE_DAYS, consent.MAX_AGE_DAYS + 1, 10_000])
def test_consent_is_never_kept_longer_than_13_months(example_model: Site, days: int) -> None:
    policy = cookie_policy(example_model)
    age = banner(policy, policy.living, "sv", max_age_days=days)["maxAgeDays"]
    assert age <= 395 and (age == days or days > 395)


def test_consent_mode_types_follow_the_dpv_purposes(example_model: Site) -> None:
    known = {kind for kinds in consent.CONSENT_MODE_TYPES.values() for kind in kinds}
    policy = cookie_policy(example_model)
    for revision in (*policy.revisions, policy.living):
        for category in banner(policy, revision, "en")["categories"][1:]:
            assert category["consentMode"] == sorted(set(category["consentMode"])) and set(category["consentMode"]) <= known
            purpose = revision.register.purpose(category["id"])
            for term in purpose.purpose:  # a purpose named in the table gets its types
                assert set(consent.CONSENT_MODE_TYPES.get(term, ())) <= set(category["consentMode"])
    # A narrower purpose gets the types of the broader one (DPV: direct marketing is marketing).
    purpose = policy.living.register.consent_purposes[0]
    narrower = purpose.model_copy(update={"purpose": ("dpv:DirectMarketing",)})
    assert consent.consent_modes(narrower) == sorted(consent.CONSENT_MODE_TYPES["dpv:Marketing"])
    unrelated = purpose.model_copy(update={"purpose": ("dpv:LegalCompliance",)})
    assert consent.consent_modes(unrelated) == []


# --- the fingerprint -------------------------------------------------------------------------------


def relabelled(reg: Register) -> Register:
    """Every label of the register reworded, every fact kept."""
    def texts(entry):
        return {lang: text.model_copy(update={key: f"{value} (reworded)" for key, value in text.model_dump().items()
                                              if key in ("name", "description") and value})
                for lang, text in entry.text.items()}

    return dataclasses.replace(
        reg,
        processing=tuple(p.model_copy(update={"text": texts(p)}) for p in reg.processing),
        cookies=tuple(c.model_copy(update={"text": texts(c)}) for c in reg.cookies),
    )


def changed_facts(reg: Register) -> dict[str, Register]:
    """Copies of the register, each with one fact changed that visitors consent to."""
    cookie = next(c for c in reg.cookies if reg.purpose(c.processing).needs_consent)
    purpose = reg.purpose(cookie.processing)

    def with_cookie(**update: Any) -> Register:
        return dataclasses.replace(reg, cookies=tuple(c.model_copy(update=update) if c is cookie else c for c in reg.cookies))

    def with_purpose(**update: Any) -> Register:
        return dataclasses.replace(reg, processing=tuple(p.model_copy(update=update) if p is purpose else p
                                                         for p in reg.processing))

    return {
        "duration": with_cookie(duration=parse_duration("P1D" if str(cookie.duration) != "P1D" else "P2D")),
        "provider": with_cookie(provider="other.example"),
        "storage": with_cookie(storage=next(kind for kind in vocab.STORAGE_KINDS if kind != cookie.storage)),
        "name": with_cookie(name=cookie.name + "_2"),
        "added cookie": dataclasses.replace(reg, cookies=(*reg.cookies, cookie.model_copy(update={"name": "added"}))),
        "purpose": with_purpose(purpose=(*purpose.purpose, "dpv:Marketing")),
        "legal basis": with_purpose(legal_basis=vocab.LEGITIMATE_INTEREST),
    }


def test_the_fingerprint_is_the_same_in_every_language(example_model: Site) -> None:
    for revision, _ in configs(example_model, LANGUAGES[0]):
        assert len({banner(cookie_policy(example_model), revision, lang)["fingerprint"] for lang in LANGUAGES}) == 1


def test_rewording_keeps_the_fingerprint_and_every_consent_fact_changes_it(example_model: Site) -> None:
    reg = cookie_policy(example_model).living.register
    base = consent.fingerprint(reg)
    assert consent.fingerprint(relabelled(reg)) == base
    changed = {what: consent.fingerprint(copy) for what, copy in changed_facts(reg).items()}
    assert [what for what, fingerprint in changed.items() if fingerprint == base] == []
    assert len(set(changed.values())) == len(changed)

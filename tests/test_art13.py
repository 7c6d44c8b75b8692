"""The GDPR Art. 13/14 completeness check: every item missing is flagged, and only that item."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest

from conftest import FIXTURE_INFO, FixtureSite
from policypress.core.model import Authority

SV = "docs/privacy/index.sv.md"
Meta = dict[str, Any]


def purpose(meta: Meta, id: str) -> Meta:
    return next(p for p in meta["processing"] if p["id"] == id)


def without_right(right: str) -> Callable[[Meta], None]:
    return lambda meta: meta["rights"].remove(right)


def no_recipients(meta: Meta) -> None:
    del meta["recipients"]
    purpose(meta, "orders").pop("recipients")
    meta["transfers"] = []


def recipient_abroad_without_transfer(meta: Meta) -> None:
    meta["recipients"][0]["country"] = "CA"
    meta["transfers"] = []


CASES: dict[str, tuple[Callable[[Meta], None], str]] = {
    "retention": (lambda m: purpose(m, "orders").pop("retention"),
                  f"{SV}:13: processing[0].retention: missing: GDPR Art. 13(2)(a) requires how long the data is kept, or "
                  "the criteria for each purpose (orders); expected retention: {duration: P2Y, after: …}, {after: …} "
                  "or {statute: …}, where after is one of: account-closure, case-closed, collection, consent-withdrawal, "
                  "end-of-contract, end-of-financial-year, last-activity, objection, purchase; or, where no period can "
                  "be stated, retention_criterion: the criterion in words"),
    "requirement": (lambda m: purpose(m, "fraud").pop("requirement"),
                    f"{SV}:34: processing[2].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
                    "required for each purpose (fraud); expected requirement: one of statutory, contractual, "
                    "contract-prerequisite, voluntary"),
    # Asked once for the policy, not once per purpose.
    "automated decisions": (lambda m: purpose(m, "newsletter").pop("automated_decisions"),
                            f"{SV}: automated_decisions: missing: GDPR Art. 13(2)(f) requires whether automated decisions "
                            "are made; expected automated_decisions: false for the whole policy (a purpose that makes them "
                            "says automated_decisions: {logic: …, consequences: …})"),
    "sources": (lambda m: purpose(m, "orders").pop("sources"),
                f"{SV}:13: processing[0].sources: missing: GDPR Art. 14(2)(f) requires where the data comes from for each "
                "purpose (orders); expected sources: [dpv:DataSubjectDataSource, …]"),
    "recipients": (no_recipients,
                   f"{SV}:2: recipients: missing: GDPR Art. 13(1)(e) requires the recipients or categories of recipients; "
                   "expected a recipients list (recipients: [] if nobody receives data)"),
    "transfers": (lambda m: m.pop("transfers"),
                  f"{SV}:2: transfers: missing: GDPR Art. 13(1)(f) requires transfers to countries outside the EU/EEA and "
                  "their safeguards; expected a transfers list (transfers: [] if there are none)"),
    "safeguard": (recipient_abroad_without_transfer,
                  f"{SV}:50: recipients[0].country: missing: GDPR Art. 13(1)(f) requires a safeguard for data sent outside "
                  "the EU/EEA; expected a transfers entry for recipient 'post' in CA"),
    "withdrawal": (without_right("eu-gdpr:A7-3"),
                   f"{SV}:7: rights: missing: GDPR Art. 13(2)(c) requires the right to withdraw consent, as a purpose rests "
                   "on consent; expected eu-gdpr:A7-3 in rights"),
    "complaint": (without_right("eu-gdpr:A77"),
                  f"{SV}:7: rights: missing: GDPR Art. 13(2)(d) requires the right to lodge a complaint with a supervisory "
                  "authority; expected eu-gdpr:A77 in rights"),
    **{
        f"right {name}": (without_right(term), f"{SV}:7: rights: missing: GDPR Art. 13(2)(b) requires the {name}; "
                                               f"expected {term} in rights")
        for term, name in (("eu-gdpr:A15", "right of access"), ("eu-gdpr:A16", "right to rectification"),
                           ("eu-gdpr:A17", "right to erasure"), ("eu-gdpr:A18", "right to restriction of processing"),
                           ("eu-gdpr:A21", "right to object"), ("eu-gdpr:A20", "right to data portability"))
    },
}


@pytest.fixture
def draft(minimal: FixtureSite) -> FixtureSite:
    """The minimal site without its released revision, so the living text can be edited freely."""
    minimal.unrelease()
    return minimal


def test_complete_policy_passes(draft: FixtureSite) -> None:
    assert draft.problems(FIXTURE_INFO) == []


@pytest.mark.parametrize("case", list(CASES))
def test_each_missing_item_is_flagged_alone(draft: FixtureSite, case: str) -> None:
    edit, message = CASES[case]
    draft.edit_meta("privacy/index.sv.md", edit)
    if case == "recipients":
        draft.edit_meta("privacy/index.en.md", lambda meta: meta.pop("recipients"))
    # The YAML is rewritten by the edit, so lines move; which line is asserted below.
    assert [without_line(p) for p in draft.problems(FIXTURE_INFO)] == [without_line(message)]


def without_line(problem: str) -> str:
    return re.sub(r"^([^:]+):\d+:", r"\1:", problem)


def test_missing_item_points_at_its_entry(draft: FixtureSite) -> None:
    draft.replace("privacy/index.sv.md", "    retention: {duration: P3Y, after: purchase}\n", "")
    assert draft.problems(FIXTURE_INFO) == [CASES["retention"][1]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"controller": None}, "mkdocs.yml: plugins.policypress.controller: missing: GDPR Art. 13(1)(a) requires the "
                               "controller's identity and contact details; expected controller: {name, email, address} "
                               "under the policypress plugin"),
        ({"dpo": None}, "mkdocs.yml: plugins.policypress.dpo: missing: GDPR Art. 13(1)(b) requires the data protection "
                        "officer's contact details; expected dpo: {email} under the policypress plugin (or dpo: {appointed: false})"),
        ({"authority": None}, "mkdocs.yml: plugins.policypress.authority: missing: GDPR Art. 13(2)(d) requires the "
                              "supervisory authority to complain to; expected authority: {term: legal-se:DPA-SE, name, url} "
                              "under the policypress plugin"),
        ({"authority": Authority("legal-se:DPA-SV", "IMY")},
         "mkdocs.yml: plugins.policypress.authority.term: expected a DPV 2.3 supervisory authority such as "
         "legal-se:DPA-SE, found 'legal-se:DPA-SV'; did you mean 'legal-se:DPA-SE'?"),
    ],
)
def test_site_wide_items(draft: FixtureSite, change: dict[str, Any], message: str) -> None:
    assert draft.problems(dataclasses.replace(FIXTURE_INFO, **change)) == [message]


def test_legitimate_interest_must_be_stated_per_art_13_1_d(draft: FixtureSite) -> None:
    draft.replace("privacy/index.sv.md", "    legitimate_interest: Att skydda kunderna.\n", "")
    assert draft.problems(FIXTURE_INFO) == [
        f"{SV}:34: processing[2].legitimate_interest: required field is missing; GDPR Art. 13(1)(d): 'fraud' rests on "
        "legitimate interest (eu-gdpr:A6-1-f): state the interest pursued"
    ]


def test_incomplete_policy_fails_check_and_build(minimal: FixtureSite) -> None:
    # A new version that drops the right to object: valid, but incomplete.
    minimal.replace("privacy/index.sv.md", ", eu-gdpr:A21,", ",")
    minimal.replace("privacy/index.sv.md", 'version: "2.1"', 'version: "2.2"')
    minimal.replace("privacy/index.en.md", 'version: "2.1"', 'version: "2.2"')
    check = minimal.policypress("check")
    assert check.returncode == 1
    assert "GDPR Art. 13(2)(b) requires the right to object; expected eu-gdpr:A21 in rights" in check.stderr
    release = minimal.policypress("release", "privacy")
    assert release.returncode == 1 and "privacy was not released; nothing was written." in release.stderr
    build = minimal.build()
    assert build.returncode != 0 and "requires the right to object" in build.output


def test_example_site_is_complete() -> None:
    from conftest import ROOT
    result = FixtureSite(ROOT).policypress("check")
    assert result.returncode == 0, result.stderr

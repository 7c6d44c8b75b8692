"""Every kind of bad input gives one clear message: file, line, field, expected, found.

Each test breaks a copy of the minimal fixture site in one way and asserts the exact
message, so a reworded or misplaced message is a failing test.
"""

from __future__ import annotations

from conftest import FixtureSite

SV = "docs/privacy/index.sv.md"
EN = "docs/privacy/index.en.md"
SV_FILE = "privacy/index.sv.md"
EN_FILE = "privacy/index.en.md"


def test_minimal_fixture_is_valid(minimal: FixtureSite) -> None:
    assert minimal.problems() == []


def test_missing_required_field(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "summary: Nyhetsbrevet har fått en egen rad.\n", "")
    assert minimal.problems() == [
        f"{SV}:2: summary: required field is missing; expected what changed in this version, in this language"
    ]


def test_missing_required_field_in_register_entry(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    legal_basis: eu-gdpr:A6-1-b\n", "")
    assert minimal.problems() == [
        f"{SV}:13: processing[0].legal_basis: required field is missing; "
        "expected a GDPR Art. 6(1) legal basis, e.g. eu-gdpr:A6-1-b"
    ]


def test_empty_required_field(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "title: Integritetspolicy", 'title: ""')
    assert minimal.problems() == [f"{SV}:3: title: expected text, found empty text"]


def test_required_field_without_value(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, "summary: The newsletter has a row of its own.", "summary:")
    assert minimal.problems() == [f"{EN}:5: summary: expected text, found nothing (the field is empty)"]


def test_wrong_type_scalar_for_list(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "terms: [pd:Name, pd:EmailAddress]", "terms: pd:Name")
    assert minimal.problems() == [
        f"{SV}:10: personal_data[0].terms: expected a list (items on lines starting with '- ' or [a, b]), found text 'pd:Name'"
    ]


def test_wrong_type_number_for_text(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, "title: Privacy policy", "title: 2026")
    assert minimal.problems() == [f"{EN}:3: title: expected text, found number 2026; put it in quotes to make it text"]


def test_wrong_type_text_for_boolean(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    automated_decisions: false", "    automated_decisions: yes")
    assert minimal.problems() == [f"{SV}:21: processing[0].automated_decisions: expected true or false, found text 'yes'"]


def test_invalid_date(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "effective: 2026-03-01", "effective: 2026-02-30")
    assert minimal.problems() == [
        f"{SV}:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text '2026-02-30'; "
        "there is no such day (day is out of range for month)"
    ]


def test_date_in_other_format(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "effective: 2026-03-01", "effective: 1/3/2026")
    assert minimal.problems() == [
        f"{SV}:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text '1/3/2026'"
    ]


def test_version_not_major_minor(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, 'version: "2.1"', 'version: "2.1.0"')
    minimal.replace(EN_FILE, 'version: "2.1"', 'version: "2.1.0"')
    assert minimal.problems() == [
        f"{EN}:4: version: expected a version \"major.minor\" of whole numbers, e.g. \"2.1\", found text '2.1.0'",
        f"{SV}:4: version: expected a version \"major.minor\" of whole numbers, e.g. \"2.1\", found text '2.1.0'",
    ]


def test_unquoted_version_is_refused_because_yaml_drops_the_trailing_zero(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, 'version: "2.1"', "version: 2.10")
    assert minimal.problems() == [
        f'{SV}:4: version: expected a version "major.minor" in quotes, e.g. "2.1", found number 2.1; '
        'YAML reads an unquoted 2.10 as the number 2.1, so write version: "2.10"'
    ]


def test_unknown_legal_basis_suggests_nearest(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: eu-gdpr:A6-1-g")
    assert minimal.problems() == [
        f"{SV}:15: processing[0].legal_basis: expected a GDPR Art. 6(1) legal basis, one of: eu-gdpr:A6-1-a, "
        "eu-gdpr:A6-1-b, eu-gdpr:A6-1-c, eu-gdpr:A6-1-d, eu-gdpr:A6-1-e, eu-gdpr:A6-1-f, "
        "found text 'eu-gdpr:A6-1-g'; did you mean 'eu-gdpr:A6-1-f'?"
    ]


def test_legal_basis_written_as_a_word_suggests_the_term(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: Avtal")
    assert minimal.problems()[0].endswith("found text 'Avtal'; did you mean 'eu-gdpr:A6-1-b'?")


def test_duplicate_purpose_id(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "  - id: fraud", "  - id: orders")
    minimal.replace(SV_FILE, "    processing: fraud", "    processing: orders")
    minimal.replace(EN_FILE, "  - id: fraud", "  - id: orders")
    assert minimal.problems() == [
        f"{EN}:16: processing[2].id: expected an id not used before in processing, found 'orders' again "
        "(also processing[0].id); give each entry its own id",
        f"{SV}:34: processing[2].id: expected an id not used before in processing, found 'orders' again "
        "(also processing[0].id); give each entry its own id",
    ]


def test_unknown_key_suggests_nearest(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "summary:", "sumary:")
    problems = minimal.problems()
    assert f"{SV}:6: sumary: unknown key 'sumary'; did you mean 'summary'? expected one of: policy, title, " \
           "version, summary, effective, rights, personal_data, processing, recipients, transfers, cookies" in problems


def test_unknown_key_inside_register_entry(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    retention: {duration: P3Y", "    retension: {duration: P3Y")
    assert minimal.problems() == [
        f"{SV}:18: processing[0].retension: unknown key 'retension'; did you mean 'retention'? expected one of: "
        "id, purpose, legal_basis, data, subjects, sources, recipients, retention, requirement, automated_decisions, "
        "name, description, legitimate_interest, retention_note"
    ]


def test_misspelt_policy_key_is_not_silently_a_plain_page(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "policy: privacy", "polcy: privacy")
    assert minimal.problems() == [
        f"{EN}: policy 'privacy' has no sv text: {SV} exists but has no 'policy: privacy' line; expected it there",
        f"{SV}:2: polcy: unknown key 'polcy'; did you mean 'policy'? this page has policy fields but no "
        "'policy: <id>' line, so it is not checked or versioned; expected 'policy: <id>' on a policy page",
    ]


def test_policy_in_only_one_language(minimal: FixtureSite) -> None:
    minimal.path(EN_FILE).unlink()
    assert minimal.problems() == [
        f"{SV}: policy 'privacy' has no en text; expected {EN} (every policy is published in every language)"
    ]


def test_translation_in_another_folder(minimal: FixtureSite) -> None:
    minimal.path(EN_FILE).rename(minimal.path("index.en.md").with_name("privacy.en.md"))
    assert minimal.problems() == [
        "docs/privacy.en.md: expected the en text of policy 'privacy' at docs/privacy/index.en.md, next to "
        f"{SV}, so that the language switcher links them; move or rename it"
    ]


def test_languages_disagree_on_version(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, 'version: "2.1"', 'version: "2.0"')
    assert minimal.problems() == [
        f'{EN}:4: version: the languages disagree on the version: expected "2.1" as in {SV}, found "2.0"; '
        "translate the current text and update the version"
    ]


def test_translation_stating_a_different_fact(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, "    name: Orders\n", "    name: Orders\n    legal_basis: eu-gdpr:A6-1-f\n")
    assert minimal.problems() == [
        f"{EN}:12: processing[0].legal_basis: the languages disagree: this file says text 'eu-gdpr:A6-1-f', "
        f"{SV} says text 'eu-gdpr:A6-1-b'; this is a fact of the policy and is written once, in the "
        f"default-language file {SV}; remove it here"
    ]


def test_translation_repeating_a_fact(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, 'version: "2.1"\n', 'version: "2.1"\neffective: 2026-03-01\n')
    assert minimal.problems() == [
        f"{EN}:5: effective: is a fact of the policy and is written once, in the default-language file {SV}; remove it here"
    ]


def test_languages_disagree_on_purposes(minimal: FixtureSite) -> None:
    minimal.replace(EN_FILE, "  - id: newsletter", "  - id: newsleter")
    assert minimal.problems() == [
        f"{EN}:9: processing: the languages disagree: {SV} has a processing entry with id 'newsletter', this file "
        "has no labels for it; expected an entry with id: newsletter",
        f"{EN}:13: processing[1].id: the languages disagree: {SV} has no processing entry with id 'newsleter' "
        "(did you mean 'newsletter'?); expected one of: orders, newsletter, fraud",
    ]


def test_yaml_syntax_error_names_file_and_line(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "eu-gdpr:A7-3, eu-gdpr:A77]", "eu-gdpr:A7-3, eu-gdpr:A77")
    # The parser notices the missing ']' where the next key starts; the English file, left
    # without its Swedish text, adds nothing: the syntax error already explains it.
    assert minimal.problems() == [(
        f"{SV}:8: YAML syntax error, column 14: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    )]


def test_an_alias_of_its_own_anchor_is_an_error_not_a_hang(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "rights: [eu-gdpr:A15,", "rights: &rights [*rights, eu-gdpr:A15,")
    assert minimal.problems() == [
        f"{SV}:7: the value anchored here contains an alias of itself; front matter cannot repeat itself "
        "endlessly: write the values out"
    ]


def test_anchors_and_aliases_repeat_a_value(minimal: FixtureSite) -> None:
    # YAML's own way to write a value once: the alias reads as the anchored value.
    path = minimal.docs / SV_FILE
    text = path.read_text()
    first = text.index("    provider: fixture.example")
    second = text.index("    provider: fixture.example", first + 1)
    path.write_text(text[:first] + "    provider: &provider fixture.example" + text[first + 29:second]
                    + "    provider: *provider" + text[second + 29:])
    minimal.unrelease()
    assert minimal.problems() == []
    cookies = minimal.load().site.policies["privacy"].living.register.cookies
    assert [c.provider for c in cookies] == ["fixture.example", "fixture.example"]


def test_key_written_twice(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "summary: Nyhetsbrevet har fått en egen rad.\n",
                    "summary: Nyhetsbrevet har fått en egen rad.\nsummary: Annan text.\n")
    assert minimal.problems() == [f"{SV}:7: summary: key 'summary' is written twice (first on line 6); keep one"]


def test_reference_to_unknown_id(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    recipients: [post]", "    recipients: [posten]")
    assert minimal.problems() == [
        f"{SV}:17: processing[0].recipients[0]: expected the id of an entry of recipients (post), found 'posten'; did you mean 'post'?"
    ]


def test_legitimate_interest_must_be_stated(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    legitimate_interest: Att skydda kunderna.\n", "")
    assert minimal.problems() == [
        f"{SV}:34: processing[2].legitimate_interest: required field is missing; GDPR Art. 13(1)(d): the legal basis "
        "is legitimate interest (eu-gdpr:A6-1-f), so state the interest pursued"
    ]


def test_transfer_inside_the_eea_is_not_a_transfer(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    country: US", "    country: DE")
    assert minimal.problems() == [
        f"{SV}:52: transfers[0].country: expected a country outside the EU/EEA, found 'DE'; "
        "transfers within the EU/EEA need no safeguard, so remove this entry"
    ]


def test_unknown_country_code(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "    country: US", "    country: us")
    assert minimal.problems() == [
        f"{SV}:52: transfers[0].country: expected a two-letter ISO 3166 country code in capitals, e.g. SE or US, "
        "found text 'us'; did you mean 'US'?"
    ]


def test_iso_duration(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "duration: P3Y", "duration: 3 years")
    assert minimal.problems() == [
        f"{SV}:18: processing[0].retention.duration: expected an ISO 8601 duration such as P2Y (2 years), "
        "P6M (6 months), P30D (30 days) or PT12H (12 hours), found text '3 years'"
    ]


def test_retention_needs_duration_or_event(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "retention: {duration: P3Y, after: purchase}", "retention: {}")
    assert minimal.problems() == [
        f"{SV}:18: processing[0].retention: expected 'duration' (e.g. P2Y), 'after' (e.g. end-of-contract) or both, "
        "found a mapping (key: value pairs)"
    ]


def test_policy_fields_on_a_page_without_policy(minimal: FixtureSite) -> None:
    minimal.write("about.sv.md", "---\ntitle: Om oss\nversion: \"1.0\"\n---\nText.\n")
    assert minimal.problems() == [
        "docs/about.sv.md:3: policy: this page has policy fields but no 'policy: <id>' line, so it is not checked "
        "or versioned; expected 'policy: <id>' on a policy page"
    ]


def test_plain_pages_are_left_alone(minimal: FixtureSite) -> None:
    minimal.write("about.sv.md", "---\ntitle: Om oss\nhide: [toc]\nauthor: Någon\n---\nText.\n")
    assert minimal.problems() == []


def test_file_that_is_not_utf8(minimal: FixtureSite) -> None:
    minimal.path(EN_FILE).write_bytes(minimal.path(EN_FILE).read_bytes().replace(b"Privacy policy", b"Privacy \xe9olicy"))
    assert minimal.problems()[0] == (
        f"{EN}:3: expected UTF-8 text, found a byte that is not UTF-8 (0xe9); save the file as UTF-8"
    )


def test_every_problem_is_reported_in_one_run(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "effective: 2026-03-01", "effective: 2026-13-01")
    minimal.replace(SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: contract")
    minimal.replace(SV_FILE, "    recipients: [post]", "    recipients: [posten]")
    minimal.replace(EN_FILE, 'version: "2.1"', 'version: "2.0"')
    fields = [problem.split(": ", 2)[1] for problem in minimal.problems()]
    assert fields == ["version", "effective", "processing[0].legal_basis", "processing[0].recipients[0]"]


def test_unknown_dpv_purpose_suggests_nearest(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "purpose: [dpv:ServiceProvision]", "purpose: [dpv:ServiceProvison]")
    assert minimal.problems() == [
        f"{SV}:14: processing[0].purpose[0]: expected a purpose: a DPV 2.3 term such as dpv:ServiceProvision, "
        "found text 'dpv:ServiceProvison'; it is not a term of DPV 2.3; did you mean 'dpv:ServiceProvision'?"
    ]


def test_dpv_term_of_the_wrong_kind(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "terms: [pd:Name, pd:EmailAddress]", "terms: [pd:Name, dpv:Customer]")
    assert minimal.problems() == [
        f"{SV}:10: personal_data[0].terms[1]: expected a kind of personal data: a DPV 2.3 term such as pd:EmailAddress, "
        "found text 'dpv:Customer'; it is a DPV term, but not a personal data term"
    ]


def test_term_without_prefix(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "purpose: [dpv:ServiceProvision]", "purpose: [ServiceProvision]")
    assert minimal.problems() == [
        f"{SV}:14: processing[0].purpose[0]: expected a purpose: a DPV term such as dpv:ServiceProvision, "
        "found text 'ServiceProvision'"
    ]


def test_control_character_in_front_matter(minimal: FixtureSite) -> None:
    minimal.replace(SV_FILE, "title: Integritetspolicy", "title: Integritets\x08policy")
    assert minimal.problems()[0] == (
        f"{SV}:3: expected printable characters, found character U+0008, which YAML does not allow; remove it"
    )


BAD_EPOCH = ("  SOURCE_DATE_EPOCH: expected the build date as whole seconds since 1970-01-01 UTC "
             "(such as 1767225600), found 'yesterday'")


def test_a_build_date_that_is_not_seconds_fails_the_build_clearly(minimal: FixtureSite) -> None:
    build = minimal.build(today="yesterday")
    assert build.returncode == 1
    assert BAD_EPOCH in build.output.splitlines() and "Traceback" not in build.output
    assert not (build.site / "privacy/index.html").exists()


def test_a_release_with_a_bad_build_date_writes_nothing(minimal: FixtureSite, monkeypatch) -> None:
    minimal.replace(SV_FILE, 'version: "2.1"', 'version: "2.2"')
    minimal.replace(EN_FILE, 'version: "2.1"', 'version: "2.2"')
    archived = sorted(p.name for p in (minimal.root / "docs/privacy").iterdir())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = minimal.policypress("release", "privacy")
    assert result.returncode == 1
    assert result.stderr.startswith("policypress: privacy was not released; nothing was written.\n")
    assert BAD_EPOCH in result.stderr.splitlines()
    assert sorted(p.name for p in (minimal.root / "docs/privacy").iterdir()) == archived

"""Every kind of bad input gives one clear message: file, line, field, expected, found.

The tests are one table, CASES. Each case breaks a copy of the minimal fixture site in one way
and lists the exact messages that must come out, all of them and in order, so a reworded,
misplaced, missing or extra message is a failing test. A case has:

- an id (the test's name in pytest's output);
- its edits: usually one, a replacement of old text by new text in one file (`case(...)`); a case
  that needs more (several replacements, a file written, removed, moved or left with a byte that
  is not UTF-8, the released revisions removed) lists them (`Case(...)`);
- the exact messages;
- how the messages are obtained: by default the problems of loading the site (what `make check`
  and every build report); a failed strict build and a refused release print their problems
  indented under a heading, and also must leave nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FixtureSite

SV = "docs/privacy/index.sv.md"
EN = "docs/privacy/index.en.md"
SV_FILE = "privacy/index.sv.md"
EN_FILE = "privacy/index.en.md"


# --- edits -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replace:
    """The first `old` in a file becomes `new` (a case fails if `old` is not there)."""

    file: str
    old: str
    new: str

    def apply(self, site: FixtureSite) -> None:
        site.replace(self.file, self.old, self.new)


@dataclass(frozen=True)
class Write:
    file: str
    text: str

    def apply(self, site: FixtureSite) -> None:
        site.write(self.file, self.text)


@dataclass(frozen=True)
class Remove:
    file: str

    def apply(self, site: FixtureSite) -> None:
        site.path(self.file).unlink()


@dataclass(frozen=True)
class Move:
    file: str
    to: str

    def apply(self, site: FixtureSite) -> None:
        site.path(self.file).rename(site.path(self.to))


@dataclass(frozen=True)
class ReplaceBytes:
    """For what text cannot say: bytes that are not UTF-8."""

    file: str
    old: bytes
    new: bytes

    def apply(self, site: FixtureSite) -> None:
        data = site.path(self.file).read_bytes()
        assert self.old in data, f"{self.old!r} not found in {self.file}"
        site.path(self.file).write_bytes(data.replace(self.old, self.new, 1))


class Unrelease:
    """Remove the released revisions: the living text becomes an unreleased draft."""

    def apply(self, site: FixtureSite) -> None:
        site.unrelease()


Edit = Replace | Write | Remove | Move | ReplaceBytes | Unrelease


# --- how the messages are obtained -------------------------------------------------------------

Run = Callable[[FixtureSite], list[str]]


def loaded(site: FixtureSite) -> list[str]:
    return site.problems()


def reported(output: str) -> list[str]:
    """The problems a failed build or release prints, one indented line each."""
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


def files(site: FixtureSite) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(site.docs.rglob("*")) if path.is_file()}


def built_on(epoch: str) -> Run:
    """`mkdocs build --strict` with SOURCE_DATE_EPOCH set to `epoch`: it fails without a traceback
    and writes no page."""

    def run(site: FixtureSite) -> list[str]:
        build = site.build(today=epoch)
        assert build.returncode == 1 and "Traceback" not in build.output, build.output
        assert not (build.site / "privacy/index.html").exists()
        return reported(build.output)

    return run


def released_on(epoch: str, policy: str) -> Run:
    """`policypress release <policy>` with SOURCE_DATE_EPOCH set to `epoch`: it is refused and
    writes nothing."""

    def run(site: FixtureSite) -> list[str]:
        before = files(site)
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("SOURCE_DATE_EPOCH", epoch)
            result = site.policypress("release", policy)
        assert result.returncode == 1
        assert result.stderr.startswith(f"policypress: {policy} was not released; nothing was written.\n")
        assert files(site) == before
        return reported(result.stderr)

    return run


def providers_shared(site: FixtureSite) -> list[str]:
    """The problems, once the alias is known to read as the anchored value."""
    result = site.load()
    cookies = result.site.policies["privacy"].living.register.cookies
    assert [cookie.provider for cookie in cookies] == ["fixture.example", "fixture.example"]
    return [str(problem) for problem in result.problems]


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    edits: Sequence[Edit]
    messages: Sequence[str]
    run: Run = loaded


def case(id: str, file: str, old: str, new: str, *messages: str) -> Case:
    """The usual case: one replacement in one file."""
    return Case(id, [Replace(file, old, new)], messages)


LEGAL_BASES = ("expected a GDPR Art. 6(1) legal basis, one of: eu-gdpr:A6-1-a, eu-gdpr:A6-1-b, eu-gdpr:A6-1-c, "
               "eu-gdpr:A6-1-d, eu-gdpr:A6-1-e, eu-gdpr:A6-1-f")
BAD_EPOCH = ("SOURCE_DATE_EPOCH: expected the build date as whole seconds since 1970-01-01 UTC "
             "(such as 1767225600), found 'yesterday'")

CASES = [
    Case("minimal_fixture_is_valid", [], []),
    case("missing_required_field", SV_FILE, "summary: Nyhetsbrevet har fått en egen rad.\n", "",
         f"{SV}:2: summary: required field is missing; expected what changed in this version, in this language"),
    case("missing_required_field_in_register_entry", SV_FILE, "    legal_basis: eu-gdpr:A6-1-b\n", "",
         f"{SV}:13: processing[0].legal_basis: required field is missing; {LEGAL_BASES}, or a list of them"),
    case("empty_required_field", SV_FILE, "title: Integritetspolicy", 'title: ""',
         f"{SV}:3: title: expected text, found empty text"),
    case("required_field_without_value", EN_FILE, "summary: The newsletter has a row of its own.", "summary:",
         f"{EN}:5: summary: expected text, found nothing (the field is empty)"),
    case("wrong_type_scalar_for_list", SV_FILE, "terms: [pd:Name, pd:EmailAddress]", "terms: pd:Name",
         f"{SV}:10: personal_data[0].terms: expected a list (items on lines starting with '- ' or [a, b]), "
         "found text 'pd:Name'"),
    case("wrong_type_number_for_text", EN_FILE, "title: Privacy policy", "title: 2026",
         f"{EN}:3: title: expected text, found number 2026; put it in quotes to make it text"),
    case("wrong_type_text_for_boolean", SV_FILE, "    automated_decisions: false", "    automated_decisions: yes",
         f"{SV}:21: processing[0].automated_decisions: expected true or false, or {{logic: …, consequences: …}} when "
         "automated decisions are made, found text 'yes'"),
    case("invalid_date", SV_FILE, "effective: 2026-03-01", "effective: 2026-02-30",
         f"{SV}:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text '2026-02-30'; "
         "there is no such day (day is out of range for month)"),
    case("date_in_other_format", SV_FILE, "effective: 2026-03-01", "effective: 1/3/2026",
         f"{SV}:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text '1/3/2026'"),
    Case("version_not_major_minor",
         [Replace(SV_FILE, 'version: "2.1"', 'version: "2.1.0"'), Replace(EN_FILE, 'version: "2.1"', 'version: "2.1.0"')],
         [f"{EN}:4: version: expected a version \"major.minor\" of whole numbers, e.g. \"2.1\", found text '2.1.0'",
          f"{SV}:4: version: expected a version \"major.minor\" of whole numbers, e.g. \"2.1\", found text '2.1.0'"]),
    case("unquoted_version_is_refused_because_yaml_drops_the_trailing_zero", SV_FILE, 'version: "2.1"', "version: 2.10",
         f'{SV}:4: version: expected a version "major.minor" in quotes, e.g. "2.1", found number 2.1; '
         'YAML reads an unquoted 2.10 as the number 2.1, so write version: "2.10"'),
    case("unknown_legal_basis_suggests_nearest", SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: eu-gdpr:A6-1-g",
         f"{SV}:15: processing[0].legal_basis: {LEGAL_BASES}, found text 'eu-gdpr:A6-1-g'; did you mean 'eu-gdpr:A6-1-f'?"),
    case("legal_basis_written_as_a_word_suggests_the_term", SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: Avtal",
         f"{SV}:15: processing[0].legal_basis: {LEGAL_BASES}, found text 'Avtal'; did you mean 'eu-gdpr:A6-1-b'?"),
    Case("duplicate_purpose_id",
         [Replace(SV_FILE, "  - id: fraud", "  - id: orders"), Replace(SV_FILE, "    processing: fraud", "    processing: orders"),
          Replace(EN_FILE, "  - id: fraud", "  - id: orders")],
         [f"{EN}:16: processing[2].id: expected an id not used before in processing, found 'orders' again "
          "(also processing[0].id); give each entry its own id",
          f"{SV}:34: processing[2].id: expected an id not used before in processing, found 'orders' again "
          "(also processing[0].id); give each entry its own id"]),
    case("unknown_key_suggests_nearest", SV_FILE, "summary:", "sumary:",
         f"{SV}:2: summary: required field is missing; expected what changed in this version, in this language",
         f"{SV}:6: sumary: unknown key 'sumary'; did you mean 'summary'? expected one of: policy, title, "
         "version, summary, effective, rights, personal_data, processing, recipients, transfers, cookies, "
         "automated_decisions, sources, processor_activities, children, authority"),
    case("unknown_key_inside_register_entry", SV_FILE, "    retention: {duration: P3Y", "    retension: {duration: P3Y",
         f"{SV}:18: processing[0].retension: unknown key 'retension'; did you mean 'retention'? expected one of: "
         "id, purpose, legal_basis, special_category_condition, data, subjects, sources, recipients, retention, "
         "requirement, automated_decisions, profiling, name, description, legitimate_interest, retention_note, "
         "retention_criterion"),
    case("misspelt_policy_key_is_not_silently_a_plain_page", SV_FILE, "policy: privacy", "polcy: privacy",
         f"{EN}: policy 'privacy' has no sv text: {SV} exists but has no 'policy: privacy' line; expected it there",
         f"{SV}:2: polcy: unknown key 'polcy'; did you mean 'policy'? this page has policy fields but no "
         "'policy: <id>' line, so it is not checked or versioned; expected 'policy: <id>' on a policy page"),
    Case("policy_in_only_one_language", [Remove(EN_FILE)],
         [f"{SV}: policy 'privacy' has no en text; expected {EN} (every policy is published in every language)"]),
    Case("translation_in_another_folder", [Move(EN_FILE, "privacy.en.md")],
         ["docs/privacy.en.md: expected the en text of policy 'privacy' at docs/privacy/index.en.md, next to "
          f"{SV}, so that the language switcher links them; move or rename it"]),
    case("languages_disagree_on_version", EN_FILE, 'version: "2.1"', 'version: "2.0"',
         f'{EN}:4: version: the languages disagree on the version: expected "2.1" as in {SV}, found "2.0"; '
         "translate the current text and update the version"),
    case("translation_stating_a_different_fact", EN_FILE, "    name: Orders\n",
         "    name: Orders\n    legal_basis: eu-gdpr:A6-1-f\n",
         f"{EN}:12: processing[0].legal_basis: the languages disagree: this file says text 'eu-gdpr:A6-1-f', "
         f"{SV} says text 'eu-gdpr:A6-1-b'; this is a fact of the policy and is written once, in the "
         f"default-language file {SV}; remove it here"),
    case("translation_repeating_a_fact", EN_FILE, 'version: "2.1"\n', 'version: "2.1"\neffective: 2026-03-01\n',
         f"{EN}:5: effective: is a fact of the policy and is written once, in the default-language file {SV}; "
         "remove it here"),
    case("languages_disagree_on_purposes", EN_FILE, "  - id: newsletter", "  - id: newsleter",
         f"{EN}:9: processing: the languages disagree: {SV} has a processing entry with id 'newsletter', this file "
         "has no labels for it; expected an entry with id: newsletter",
         f"{EN}:13: processing[1].id: the languages disagree: {SV} has no processing entry with id 'newsleter' "
         "(did you mean 'newsletter'?); expected one of: orders, newsletter, fraud"),
    # The parser notices the missing ']' where the next key starts; the English file, left
    # without its Swedish text, adds nothing: the syntax error already explains it.
    case("yaml_syntax_error_names_file_and_line", SV_FILE, "eu-gdpr:A7-3, eu-gdpr:A77]", "eu-gdpr:A7-3, eu-gdpr:A77",
         f"{SV}:8: YAML syntax error, column 14: did not find expected ',' or ']' (while parsing a flow sequence)"),
    case("an_alias_of_its_own_anchor_is_an_error_not_a_hang", SV_FILE, "rights: [eu-gdpr:A15,",
         "rights: &rights [*rights, eu-gdpr:A15,",
         f"{SV}:7: the value anchored here contains an alias of itself; front matter cannot repeat itself "
         "endlessly: write the values out"),
    # YAML's own way to write a value once: the alias reads as the anchored value.
    Case("anchors_and_aliases_repeat_a_value",
         [Replace(SV_FILE, "    provider: fixture.example", "    provider: &provider fixture.example"),
          Replace(SV_FILE, "    provider: fixture.example", "    provider: *provider"), Unrelease()],
         [], providers_shared),
    case("key_written_twice", SV_FILE, "summary: Nyhetsbrevet har fått en egen rad.\n",
         "summary: Nyhetsbrevet har fått en egen rad.\nsummary: Annan text.\n",
         f"{SV}:7: summary: key 'summary' is written twice (first on line 6); keep one"),
    case("reference_to_unknown_id", SV_FILE, "    recipients: [post]", "    recipients: [posten]",
         f"{SV}:17: processing[0].recipients[0]: expected the id of an entry of recipients (post), found 'posten'; "
         "did you mean 'post'?"),
    case("legitimate_interest_must_be_stated", SV_FILE, "    legitimate_interest: Att skydda kunderna.\n", "",
         f"{SV}:34: processing[2].legitimate_interest: required field is missing; GDPR Art. 13(1)(d): 'fraud' rests "
         "on legitimate interest (eu-gdpr:A6-1-f): state the interest pursued"),
    case("transfer_inside_the_eea_is_not_a_transfer", SV_FILE, "    country: US", "    country: DE",
         f"{SV}:52: transfers[0].country: expected countries outside the EU/EEA, found 'DE'; "
         "transfers within the EU/EEA need no safeguard, so remove this entry"),
    case("unknown_country_code", SV_FILE, "    country: US", "    country: us",
         f"{SV}:52: transfers[0].country: expected a two-letter ISO 3166 country code in capitals (e.g. SE or US) or a "
         "region, one of: EEA, third-countries, worldwide, found text 'us'; did you mean 'US'?"),
    case("iso_duration", SV_FILE, "duration: P3Y", "duration: 3 years",
         f"{SV}:18: processing[0].retention.duration: expected an ISO 8601 duration such as P2Y (2 years), "
         "P6M (6 months), P30D (30 days) or PT12H (12 hours), found text '3 years'"),
    case("retention_needs_duration_or_event", SV_FILE, "retention: {duration: P3Y, after: purchase}", "retention: {}",
         f"{SV}:18: processing[0].retention: expected one of: {{duration: P2Y, after: end-of-contract}}, "
         "{after: end-of-contract} (kept until then), {statute: \"Bokföringslagen (1999:1078)\"} (as long as that law "
         "requires) or {duration: P7Y, after: end-of-financial-year, statute: …}, where after is one of: "
         "account-closure, case-closed, collection, consent-withdrawal, end-of-contract, end-of-financial-year, "
         "last-activity, objection, purchase, found a mapping (key: value pairs)"),
    Case("policy_fields_on_a_page_without_policy", [Write("about.sv.md", '---\ntitle: Om oss\nversion: "1.0"\n---\nText.\n')],
         ["docs/about.sv.md:3: policy: this page has policy fields but no 'policy: <id>' line, so it is not checked "
          "or versioned; expected 'policy: <id>' on a policy page"]),
    Case("plain_pages_are_left_alone", [Write("about.sv.md", "---\ntitle: Om oss\nhide: [toc]\nauthor: Någon\n---\nText.\n")],
         []),
    Case("file_that_is_not_utf8", [ReplaceBytes(EN_FILE, b"Privacy policy", b"Privacy \xe9olicy")],
         [f"{EN}:3: expected UTF-8 text, found a byte that is not UTF-8 (0xe9); save the file as UTF-8"]),
    Case("every_problem_is_reported_in_one_run",
         [Replace(SV_FILE, "effective: 2026-03-01", "effective: 2026-13-01"),
          Replace(SV_FILE, "legal_basis: eu-gdpr:A6-1-b", "legal_basis: contract"),
          Replace(SV_FILE, "    recipients: [post]", "    recipients: [posten]"),
          Replace(EN_FILE, 'version: "2.1"', 'version: "2.0"')],
         [f'{EN}:4: version: the languages disagree on the version: expected "2.1" as in {SV}, found "2.0"; '
          "translate the current text and update the version",
          f"{SV}:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text '2026-13-01'; "
          "there is no such day (month must be in 1..12)",
          f"{SV}:15: processing[0].legal_basis: {LEGAL_BASES}, found text 'contract'; did you mean 'eu-gdpr:A6-1-b'?",
          f"{SV}:17: processing[0].recipients[0]: expected the id of an entry of recipients (post), found 'posten'; "
          "did you mean 'post'?"]),
    case("unknown_dpv_purpose_suggests_nearest", SV_FILE, "purpose: [dpv:ServiceProvision]", "purpose: [dpv:ServiceProvison]",
         f"{SV}:14: processing[0].purpose[0]: expected a purpose: a DPV 2.3 term such as dpv:ServiceProvision, "
         "found text 'dpv:ServiceProvison'; it is not a term of DPV 2.3; did you mean 'dpv:ServiceProvision'?"),
    case("dpv_term_of_the_wrong_kind", SV_FILE, "terms: [pd:Name, pd:EmailAddress]", "terms: [pd:Name, dpv:Customer]",
         f"{SV}:10: personal_data[0].terms[1]: expected a kind of personal data: a DPV 2.3 term such as "
         "pd:EmailAddress, found text 'dpv:Customer'; it is a DPV term, but not a personal data term; "
         "dpv:Customer is a kind of data subject; write it in subjects under processing"),
    case("term_without_prefix", SV_FILE, "purpose: [dpv:ServiceProvision]", "purpose: [ServiceProvision]",
         f"{SV}:14: processing[0].purpose[0]: expected a purpose: a DPV term such as dpv:ServiceProvision, "
         "found text 'ServiceProvision'"),
    case("control_character_in_front_matter", SV_FILE, "title: Integritetspolicy", "title: Integritets\x08policy",
         f"{SV}:3: expected printable characters, found character U+0008, which YAML does not allow; remove it"),
    Case("a_build_date_that_is_not_seconds_fails_the_build_clearly", [], [BAD_EPOCH], built_on("yesterday")),
    Case("a_release_with_a_bad_build_date_writes_nothing",
         [Replace(SV_FILE, 'version: "2.1"', 'version: "2.2"'), Replace(EN_FILE, 'version: "2.1"', 'version: "2.2"')],
         [BAD_EPOCH], released_on("yesterday", "privacy")),
]


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_exactly_these_messages(minimal: FixtureSite, bad: Case) -> None:
    for edit in bad.edits:
        edit.apply(minimal)
    assert bad.run(minimal) == list(bad.messages)

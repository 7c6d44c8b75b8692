"""Two real Swedish privacy policies (seeds 001 and 002, /work/shared/seeds/) encoded as fixture
sites: every fact they state is in the register, their prose is rewritten, and what they do not
state is left out. The check must report exactly what each real text omits, and nothing it
states; the strict build must fail on exactly those findings, and pass once they are filled in.

Each expected finding says which omission of the real text it stands for; the fixtures'
front matter quotes the seed wherever a fact needed interpretation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, FixtureSite, copy_site
from policypress.core.frontmatter import FRONT_MATTER_RE, parse_yaml
from policypress.core.load import load_site
from policypress.core.model import SiteInfo
from policypress.plugins.config import PolicyConfig, site_info

SV = "docs/privacy/index.sv.md"
Meta = dict[str, Any]
# How the missing-retention finding goes on: the events `after` takes, and the criterion in words.
RETENTION_EVENTS = (", where after is one of: account-closure, case-closed, collection, consent-withdrawal, "
                    "end-of-contract, end-of-financial-year, last-activity, objection, purchase; or, where no period "
                    "can be stated, retention_criterion: the criterion in words")


# --- the findings ---------------------------------------------------------------------------------

SEED_001 = [
    # "Vi kan i vissa fall använda oss av automatiserat beslutsfattande ... till exempel vid
    # utvärdering och förbättring": decisions are named for one purpose by way of example; for the
    # others the text does not say whether any are made.
    f"{SV}:4: automated_decisions: missing: GDPR Art. 13(2)(f) requires whether automated decisions are made; "
    "expected automated_decisions: false for the whole policy (a purpose that makes them says automated_decisions: "
    "{logic: …, consequences: …})",
    # Data may be processed outside the EU/EEA "by us, or another supplier or subcontractor", with
    # "legal, technical and organisational measures": no Chapter V safeguard is named, so no
    # transfer can be written (a transfer needs its safeguard).
    f"{SV}:4: transfers: missing: GDPR Art. 13(1)(f) requires transfers to countries outside the EU/EEA and their "
    "safeguards; expected a transfers list (transfers: [] if there are none)",
    # Objecting to direct marketing appears only as a ground for erasure; the right to object is
    # never stated as a right.
    f"{SV}:13: rights: missing: GDPR Art. 13(2)(b) requires the right to object; expected eu-gdpr:A21 in rights",
    # Cookies are managed by a consent tool and automated decisions rest on explicit consent, but
    # the text never says consent can be withdrawn.
    f"{SV}:13: rights: missing: GDPR Art. 13(2)(c) requires the right to withdraw consent, as a purpose rests on "
    "consent; expected eu-gdpr:A7-3 in rights",
    # No word about complaining to a supervisory authority.
    f"{SV}:13: rights: missing: GDPR Art. 13(2)(d) requires the right to lodge a complaint with a supervisory "
    "authority; expected eu-gdpr:A77 in rights",
    # Newsletters and general e-mail: whether one must receive them (or can decline) is not said.
    f"{SV}:71: processing[2].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
    "required for each purpose (newsletter); expected requirement: one of statutory, contractual, "
    "contract-prerequisite, voluntary",
    # Evaluation and improvement (traffic and usage analysis): not said whether it is required.
    f"{SV}:82: processing[3].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
    "required for each purpose (improvement); expected requirement: one of statutory, contractual, "
    "contract-prerequisite, voluntary",
    # The automated decisions are announced without their logic or consequences.
    f"{SV}:92: processing[3].automated_decisions: required field is missing; GDPR Art. 13(2)(f): automated decisions "
    "are made for 'improvement', so explain the logic and what they mean for the person: state {logic: …, "
    "consequences: …} (also missing in docs/privacy/index.en.md)",
    # No cookie lifetime, and the retention rule ("as long as needed for our commitments as a
    # supplier") concerns customers, not visitors' cookies.
    f"{SV}:95: processing[4].retention: missing: GDPR Art. 13(2)(a) requires how long the data is kept, or the "
    "criteria for each purpose (cookies); expected retention: {duration: P2Y, after: …}, {after: …} or "
    "{statute: …}" + RETENTION_EVENTS,
    # The same omission as `transfers`, seen from the recipient: suppliers outside the EU/EEA, no
    # safeguard.
    f"{SV}:111: recipients[0].country: missing: GDPR Art. 13(1)(f) requires a safeguard for data sent outside the "
    "EU/EEA; expected a transfers entry for recipient 'suppliers' in EEA, third-countries",
    # Authorities "i berörda länder" receive data; no country is named and no safeguard or
    # derogation is given for any outside the EU/EEA.
    f"{SV}:118: recipients[1].country: missing: GDPR Art. 13(1)(f) requires a safeguard for data sent outside the "
    "EU/EEA; expected a transfers entry for recipient 'authorities' in worldwide",
    # No supervisory authority is named.
    "mkdocs.yml: plugins.policypress.authority: missing: GDPR Art. 13(2)(d) requires the supervisory authority to "
    "complain to; expected authority: {term: legal-se:DPA-SE, name, url} under the policypress plugin",
    # The text never names the company, and gives no e-mail or address ("contact details are on
    # our website").
    "mkdocs.yml: plugins.policypress.controller: missing: GDPR Art. 13(1)(a) requires the controller's identity and "
    "contact details; expected controller: {name, email, address} under the policypress plugin",
    # Nothing about a data protection officer, nor that none is appointed.
    "mkdocs.yml: plugins.policypress.dpo: missing: GDPR Art. 13(1)(b) requires the data protection officer's contact "
    "details; expected dpo: {email} under the policypress plugin (or dpo: {appointed: false})",
]

SEED_002 = [
    # Automated decisions are not mentioned at all.
    f"{SV}:10: automated_decisions: missing: GDPR Art. 13(2)(f) requires whether automated decisions are made; "
    "expected automated_decisions: false for the whole policy (a purpose that makes them says automated_decisions: "
    "{logic: …, consequences: …})",
    # Nothing on whether data leaves the EU/EEA.
    f"{SV}:10: transfers: missing: GDPR Art. 13(1)(f) requires transfers to countries outside the EU/EEA and their "
    "safeguards; expected a transfers list (transfers: [] if there are none)",
    # Access, rectification, restriction, erasure, objection, withdrawal and complaint are listed;
    # portability is not.
    f"{SV}:18: rights: missing: GDPR Art. 13(2)(b) requires the right to data portability; expected eu-gdpr:A20 in "
    "rights",
    # "Uppgifter som vi får från offentliga register": which registers is not said.
    f"{SV}:57: processing[0].sources: missing: GDPR Art. 14(2)(f) requires naming where data not collected from the "
    "person comes from (dpv:PublicDataSource in 'services'); expected the id of an entry of sources, e.g. sources: "
    "[{id: spar, kind: dpv:PublicDataSource, name: …}]",
    # Only for the services does the text say what follows from not providing data (withdrawing
    # consent can leave obligations unmet); for every other purpose it is silent.
    *(f"{SV}:{line}: processing[{index}].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data "
      f"is required for each purpose ({purpose}); expected requirement: one of statutory, contractual, "
      "contract-prerequisite, voluntary"
      for index, purpose, line in [(1, "marketing", 70), (2, "analysis", 82), (3, "contact", 92), (4, "legal", 104)]),
    # Website visits and cookies: what the cookies are for is not said (Art. 13(1)(c)), which DPV's
    # top concept alone cannot state; how long the data is kept is not said (the general rule is
    # "as long as you are a customer"), nor whether one may refuse.
    f"{SV}:117: processing[5].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
    "required for each purpose (website); expected requirement: one of statutory, contractual, "
    "contract-prerequisite, voluntary",
    f"{SV}:117: processing[5].retention: missing: GDPR Art. 13(2)(a) requires how long the data is kept, or the "
    "criteria for each purpose (website); expected retention: {duration: P2Y, after: …}, {after: …} or "
    "{statute: …}" + RETENTION_EVENTS,
    f"{SV}:118: processing[5].purpose[0]: expected a purpose: a DPV 2.3 term such as dpv:ServiceProvision, found "
    "text 'dpv:Purpose'; dpv:Purpose is DPV's top concept and says nothing about what is done; GDPR Art. 13(1)(c) "
    "asks for the purpose itself, such as dpv:ServiceProvision or dpv:CustomerCare",
    # Data kept after a balancing of interests "for other economic or security reasons": for how
    # long, or until when, is not said; nor whether providing it is required.
    f"{SV}:127: processing[6].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
    "required for each purpose (interest-retention); expected requirement: one of statutory, contractual, "
    "contract-prerequisite, voluntary",
    f"{SV}:127: processing[6].retention: missing: GDPR Art. 13(2)(a) requires how long the data is kept, or the "
    "criteria for each purpose (interest-retention); expected retention: {duration: P2Y, after: …}, {after: …} or "
    "{statute: …}" + RETENTION_EVENTS,
    # Job applications are named only as a way data reaches the company: no retention, and not
    # whether anything must be provided.
    f"{SV}:140: processing[7].requirement: missing: GDPR Art. 13(2)(e) requires whether providing the data is "
    "required for each purpose (recruitment); expected requirement: one of statutory, contractual, "
    "contract-prerequisite, voluntary",
    f"{SV}:140: processing[7].retention: missing: GDPR Art. 13(2)(a) requires how long the data is kept, or the "
    "criteria for each purpose (recruitment); expected retention: {duration: P2Y, after: …}, {after: …} or "
    "{statute: …}" + RETENTION_EVENTS,
    # The companies data is shared with are not located anywhere; nothing says whether they are
    # outside the EU/EEA or under which safeguard (the same omission as `transfers`).
    f"{SV}:155: recipients[0].country: missing: GDPR Art. 13(1)(f) requires a safeguard for data sent outside the "
    "EU/EEA; expected a transfers entry for recipient 'partners' in worldwide",
    # "Wesafe IT" and dataskydd@wesafe.se are given, but no data protection officer, nor that none
    # is appointed.
    "mkdocs.yml: plugins.policypress.dpo: missing: GDPR Art. 13(1)(b) requires the data protection officer's contact "
    "details; expected dpo: {email} under the policypress plugin (or dpo: {appointed: false})",
]


# --- what a company would add to be complete (edits of the YAML) -----------------------------------


def purpose(meta: Meta, id: str) -> Meta:
    return next(p for p in meta["processing"] if p["id"] == id)


def plugin(config: Meta) -> Meta:
    return next(entry["policypress"] for entry in config["plugins"] if isinstance(entry, dict) and "policypress" in entry)


DECISIONS = {
    "sv": {"logic": "Ett program jämför hur tjänsten används med tidigare mönster.",
           "consequences": "Det styr vilka förbättringar vi gör, inte vad du får eller betalar."},
    "en": {"logic": "A program compares how the service is used with earlier patterns.",
           "consequences": "It decides which improvements we make, not what you get or pay."},
}


def complete_001(site: FixtureSite) -> None:
    def config(options: Meta) -> None:
        options["controller"] = {"name": "Seed 001 AB", "email": "privacy@seed-001.example"}
        options["dpo"] = {"appointed": False}
        options["authority"] = {"term": "legal-se:DPA-SE", "name": "Integritetsskyddsmyndigheten"}

    def facts(meta: Meta) -> None:
        meta["automated_decisions"] = False
        meta["transfers"] = [{"country": "third-countries", "safeguard": "eu-gdpr:A46-2-c"}]
        meta["rights"] += ["eu-gdpr:A21", "eu-gdpr:A7-3", "eu-gdpr:A77"]
        purpose(meta, "newsletter")["requirement"] = "voluntary"
        purpose(meta, "improvement")["requirement"] = "voluntary"
        purpose(meta, "improvement")["automated_decisions"] = DECISIONS["sv"]
        purpose(meta, "cookies")["retention"] = {"duration": "P1Y", "after": "collection"}

    edit_config(site, config)
    site.edit_meta("privacy/index.sv.md", facts)
    site.edit_meta("privacy/index.en.md", lambda meta: purpose(meta, "improvement").update(
        automated_decisions=DECISIONS["en"]))


def complete_002(site: FixtureSite) -> None:
    def config(options: Meta) -> None:
        options["dpo"] = {"appointed": False}

    def facts(meta: Meta) -> None:
        meta["automated_decisions"] = False
        meta["transfers"] = [{"recipient": "partners", "country": "third-countries", "safeguard": "eu-gdpr:A46-2-c"}]
        meta["rights"].append("eu-gdpr:A20")
        meta["sources"] = [{"id": "registers", "kind": "dpv:PublicDataSource", "name": "SPAR"}]
        purpose(meta, "services")["sources"].append("registers")
        for id in ("marketing", "analysis", "contact", "website", "interest-retention", "recruitment"):
            purpose(meta, id)["requirement"] = "voluntary"
        purpose(meta, "legal")["requirement"] = "statutory"
        purpose(meta, "website")["retention"] = {"duration": "P13M", "after": "collection"}
        purpose(meta, "website")["purpose"] = ["dpv:ServiceOptimisation"]
        purpose(meta, "interest-retention")["retention"] = {"duration": "P2Y", "after": "end-of-contract"}
        purpose(meta, "recruitment")["retention"] = {"duration": "P6M", "after": "case-closed"}

    edit_config(site, config)
    site.edit_meta("privacy/index.sv.md", facts)
    site.edit_meta("privacy/index.en.md", lambda meta: meta.update(sources=[{"id": "registers", "name": "SPAR"}]))


SEEDS: dict[str, tuple[list[str], Callable[[FixtureSite], None]]] = {
    "seed-001": (SEED_001, complete_001),
    "seed-002": (SEED_002, complete_002),
}


# --- loading a fixture as the plugin does ---------------------------------------------------------


def edit_config(site: FixtureSite, edit: Callable[[Meta], None]) -> None:
    path = site.root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(plugin(config))
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def meta_of(site: FixtureSite, relative: str) -> Meta:
    match = FRONT_MATTER_RE.match(site.read(relative))
    assert match, relative
    return parse_yaml(match.group(1))


def only_added(before: Any, after: Any, where: str = "") -> None:
    """`after` states everything `before` states, unchanged: keys and list items are only added.
    (`automated_decisions: true` may become the text about the decisions, which says the same, and
    DPV's top concept `dpv:Purpose`, which states no purpose, may become the purpose.)"""
    if isinstance(before, dict):
        assert isinstance(after, dict), where
        for key, value in before.items():
            assert key in after, f"{where}.{key} was removed"
            only_added(value, after[key], f"{where}.{key}")
    elif isinstance(before, list):
        assert isinstance(after, list) and len(after) >= len(before), where
        for index, value in enumerate(before):
            only_added(value, after[index], f"{where}[{index}]")
    elif before == "dpv:Purpose" and ".purpose[" in where:
        pass
    elif not (before is True and where.endswith(".automated_decisions") and isinstance(after, dict)):
        assert str(after) == str(before), f"{where}: {before!r} became {after!r}"


def info(root: Path) -> tuple[list[str], str, SiteInfo]:
    """The languages and the site-wide details of a fixture's own mkdocs.yml, read as the plugin reads them."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    languages = next(entry["i18n"] for entry in config["plugins"] if isinstance(entry, dict) and "i18n" in entry)["languages"]
    options = PolicyConfig()
    options.load_dict(plugin(config) or {})
    errors, warnings = options.validate()
    assert not errors and not warnings, (errors, warnings)
    return ([lang["locale"] for lang in languages], next(lang["locale"] for lang in languages if lang.get("default")),
            site_info(options))


def findings(site: FixtureSite) -> list[str]:
    languages, default, site_details = info(site.root)
    result = load_site(site.docs, languages, default, root=site.root, info=site_details)
    return [str(problem) for problem in result.problems]


def reported(output: str) -> list[str]:
    """The problems a failed build lists under 'policypress found N problems:' (without the link
    under a finding about a field, tests/test_hint_links.py)."""
    head = re.search(r"^ERROR +- +policypress found (\d+) problems?:\n", output, re.M)
    assert head, output
    lines = [line for line in output[head.end():].splitlines() if not line.startswith("    see: ")][:int(head[1])]
    assert all(line.startswith("  ") for line in lines), output
    return [line[2:] for line in lines]


@pytest.fixture(params=list(SEEDS))
def seed(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[FixtureSite, list[str], Callable[[FixtureSite], None]]:
    expected, complete = SEEDS[request.param]
    return copy_site(FIXTURES / request.param, tmp_path / request.param), expected, complete


# --- the tests ------------------------------------------------------------------------------------


def test_the_check_reports_exactly_what_the_seed_omits(seed) -> None:
    site, expected, _ = seed
    assert findings(site) == expected


def test_the_strict_build_fails_on_exactly_those_findings(seed) -> None:
    site, expected, _ = seed
    build = site.build()
    assert build.returncode == 1, build.output
    assert reported(build.output) == expected
    assert "Nothing was published" in build.output
    assert not (build.site / "privacy" / "index.html").exists()


def test_once_the_omissions_are_filled_in_the_check_is_clean_and_the_build_passes(seed) -> None:
    site, _, complete = seed
    files = ("privacy/index.sv.md", "privacy/index.en.md")
    before = {relative: meta_of(site, relative) for relative in files}
    complete(site)
    for relative in files:  # what the seed states is kept as it was
        only_added(before[relative], meta_of(site, relative), relative)
    assert findings(site) == []
    # The policy has never been released: release it as published on the day it takes effect.
    effective = meta_of(site, "privacy/index.sv.md")["effective"]
    released = site.policypress("release", "privacy", "--date", str(effective))
    assert released.returncode == 0, released.stderr
    build = site.build()
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output
    assert (build.site / "privacy" / "index.html").is_file()
    assert (build.site / "en" / "privacy" / "index.html").is_file()

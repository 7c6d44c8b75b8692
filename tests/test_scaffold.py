"""`policypress new` (issue 14, part 1): a complete site for a company in one command, whose
placeholders `policypress check` lists with file, line and field until a script fills them, after
which both policies release and the strict build passes. Prompts on a terminal; refusals that
write nothing."""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import queue
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TODAY, FixtureSite, copy_site, FIXTURES, run_cli
from policypress import new, new_requirement
from policypress.core.frontmatter import FRONT_MATTER_RE, parse_yaml, read_source
from policypress.core.todo import in_config, in_source, message

COMPANY = ["--company", "Solvik Kaffe AB", "--org-number", "559900-0147", "--email", "integritet@solvikkaffe.example"]

# --- filling the placeholders, as an editor would -----------------------------------------------------

# Every hint the scaffold writes, with a realistic answer; a hint not listed here fails the test, so a
# new placeholder cannot slip in unanswered.
ANSWERS = {
    "your payment provider's name": "Nordbetal AB",
    "the credit reference agency you use": "Kreditkollen AB",
    "the service in which you handle personal data for business customers": "Kontorskaffe för företag",
    "the company that runs your website and customer database": "Molnvalv Oy",
    "the company that runs your website": "Molnvalv Oy",
    "the supplier of your customer-service system": "Ärendia AB",
    "the service that sends your newsletter": "Letterfield Inc.",
    "your accounting firm": "Björk & Lund Redovisning AB",
    "your statistics service": "Besöksräknaren AB",
    "your advertising service": "Annonsia Ltd",
    "the advertising service's domain": "annonsia.example",
    "street address or PO box": "Rostervägen 4",
    "postal code": "903 47",
    "town or city": "Umeå",
    # Outside Sweden only:
    "your supervisory authority's name": "Tietosuojavaltuutetun toimisto",
    "your supervisory authority's website": "https://tietosuoja.fi/",
    "the public register you look addresses up in": "Väestötietojärjestelmä",
    "your tax authority's name": "Verohallinto",
    "the law that says how long accounting records are kept (Finland), e.g. Kirjanpitolaki (1336/1997)":
        "Kirjanpitolaki (1336/1997)",
    "the law that says how long accounting records are kept (Germany)": "Handelsgesetzbuch (HGB), § 257",
    "the age under which a child needs a parent's consent in your country (GDPR Art. 8)": "13",
}
# Answers that are sentences, in the file's language.
SENTENCES = {
    "what people do with you, in a few words, e.g.": {
        "sv": "handlar i vår webbutik", "en": "shop in our web shop", "fi": "asioit verkkokaupassamme",
        "de": "in unserem Webshop einkaufen"},
    "why you keep order data this long, e.g. the time customers have to make a complaint": {
        "sv": "Tre år är reklamationstiden.", "en": "Three years is the time to make a complaint.",
        "fi": "Kolme vuotta on reklamaatioaika.", "de": "Drei Jahre sind die Reklamationsfrist."},
}


def answer(hint: str, path: Path) -> str:
    if hint in ANSWERS:
        return ANSWERS[hint]
    language = path.name.split(".")[-2] if path.suffix == ".md" else "en"
    for start, answers in SENTENCES.items():
        if hint.startswith(start):
            return answers[language]
    raise AssertionError(f"no answer for the placeholder {hint!r} in {path}")


def fill(root: Path) -> None:
    """Replace every TODO of the site with a realistic value, and delete the line that asks for the
    cookies to be checked (its answer is: they were) and the one above a requirement only this
    computer can install (it builds the site here)."""
    requirements = root / "requirements.txt"
    requirements.write_text(re.sub(r"^# TODO: .*\n", "", requirements.read_text(encoding="utf-8"), flags=re.M),
                            encoding="utf-8")
    for path in [root / "mkdocs.yml", *sorted((root / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^TODO: the cookies your website really sets.*\n\n", "", text, flags=re.M)
        text = re.sub(r"https://TODO\.example/ +# TODO: .*", "https://integritet.solvikkaffe.example/", text)
        text = re.sub(r"\[TODO: ([^\]]*)\]", lambda m: answer(m[1], path), text)
        text = re.sub(r'"TODO: ([^"]*)"', lambda m: '"' + answer(m[1], path).replace('"', '\\"') + '"', text)
        text = re.sub(r"TODO: (.*)", lambda m: answer(m[1], path), text)
        assert "TODO" not in text, path
        path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def from_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """These sites pin policypress as a release from the index, however the suite's policypress was
    installed: what each installation writes is test_requirement_pin.py's part."""
    monkeypatch.setattr(new_requirement, "current", lambda: new_requirement.Pin("policypress==0.1.0"))


def scaffold(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["new", str(root), *flags], root.parent)


def problems(root: Path) -> list[tuple[str, int | None, str, str]]:
    """`policypress check`'s lines as (file, line, field, message), without the link under a
    finding about a field (tests/test_hint_links.py)."""
    result = run_cli(["check"], root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"policypress found \d+ problems?:", lines[0]), lines[0]
    out = []
    for line in (line for line in lines[1:] if not line.startswith("    see: ")):
        where, rest = line.strip().split(": ", 1)
        file, _, number = where.partition(":")
        field, _, text = rest.partition(": ") if re.match(r"[\w.\[\]]+: ", rest) else ("", "", rest)
        out.append((file, int(number) if number else None, field, text))
    return out


def todo_lines(root: Path) -> list[tuple[str, int]]:
    """Every line of mkdocs.yml and docs/ with a TODO, as check should list them."""
    found = []
    for path in [root / "mkdocs.yml", *sorted((root / "docs").rglob("*.md"))]:
        shown = path.relative_to(root).as_posix()
        found += [(shown, n) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "TODO" in line]
    return sorted(found)


# The placeholders of a Swedish company's policies, per file: (field, hint); the body's have no field.
PRIVACY = [
    ("sources[0].name", "your payment provider's name"),
    ("sources[1].name", "the credit reference agency you use"),
    ("processor_activities[0].name", "the service in which you handle personal data for business customers"),
    ("recipients[0].name", "your payment provider's name"),
    ("recipients[2].name", "the company that runs your website and customer database"),
    ("recipients[3].name", "the supplier of your customer-service system"),
    ("recipients[4].name", "the service that sends your newsletter"),
    ("recipients[5].name", "the credit reference agency you use"),
    ("recipients[6].name", "your accounting firm"),
    ("", "what people do with you, in a few words, e.g. "),
]
COOKIES = [
    ("recipients[0].name", "the company that runs your website"),
    ("recipients[1].name", "your statistics service"),
    ("recipients[2].name", "your advertising service"),
    ("", "the cookies your website really sets, in the front matter above (`policypress audit "
         "https://solvikkaffe.example/ --site mkdocs.yml --suggest` finds them), and delete this line"),
]
COOKIE_FACTS = [("cookies[4].provider", "the advertising service's domain")]  # the default language only
CONFIG = [
    ("site_url", "the address this site will be published at, e.g. https://privacy.solvikkaffe.example/"),
    ("plugins.policypress.controller.address.street", "street address or PO box"),
    ("plugins.policypress.controller.address.postal_code", "postal code"),
    ("plugins.policypress.controller.address.locality", "town or city"),
]


def expected(languages: list[str]) -> list[tuple[str, str, str]]:
    """(file, field, hint) of every placeholder of a Swedish company's site, in check's order."""
    out = []
    for language in sorted(languages):
        facts = COOKIE_FACTS if language == languages[0] else []
        out += [(f"docs/cookies/index.{language}.md", f, h) for f, h in COOKIES[:3] + facts + COOKIES[3:]]
    for language in sorted(languages):
        out += [(f"docs/privacy/index.{language}.md", f, h) for f, h in PRIVACY]
    return out + [("mkdocs.yml", f, h) for f, h in CONFIG]


def release_and_build(root: Path) -> None:
    result = run_cli(["check"], root)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout
    for policy in ("privacy", "cookies"):
        result = run_cli(["release", policy], root)
        assert result.returncode == 0, result.stderr
    build = FixtureSite(root).build()
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output


# --- the whole path -----------------------------------------------------------------------------------


@pytest.mark.parametrize("languages", [["sv", "en"], ["sv", "en", "de"]], ids=["sv,en", "sv,en,de"])
def test_new_site_lists_exactly_its_todos_and_builds_once_they_are_filled(tmp_path: Path, languages: list[str]) -> None:
    root = tmp_path / "policies"
    result = scaffold(root, *COMPANY, "--languages", ",".join(languages), "--dpo-email", "dpo@solvikkaffe.example")
    assert result.returncode == 0, result.stderr
    count = {2: 33, 3: 47}[len(languages)]  # counted by hand: 4 in mkdocs.yml, 10 + 4 (+1 facts) per language
    assert result.stdout.splitlines() == [
        f"policypress: created the policy site of Solvik Kaffe AB in {root} ({6 + 3 * len(languages)} files; languages "
        f"{', '.join(languages)}; country SE)",
        f"Next: {count} places marked TODO need what only Solvik Kaffe AB knows. `policypress check` (in {root}) "
        "lists them; README.md there says how to edit, preview, release and publish.",
    ]
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == sorted([
        ".github/workflows/policies.yml", ".gitignore", ".gitlab-ci.yml", "README.md", "mkdocs.yml", "requirements.txt",
        *(f"docs/{page}.{language}.md" for page in ("index", "privacy/index", "cookies/index") for language in languages),
    ])

    found = problems(root)
    assert len(found) == count
    assert sorted((file, line) for file, line, _, _ in found) == todo_lines(root)
    assert [(file, field) for file, _, field, _ in found] == [(file, field) for file, field, _ in expected(languages)]
    for (_, _, _, text), (_, _, hint) in zip(found, expected(languages)):
        assert text.startswith(f"still a placeholder: replace the TODO with {hint}"), (text, hint)
    shown = {f"{file}:{line}: {field}: {text}" if field else f"{file}:{line}: {text}" for file, line, field, text in found}
    lines = {name: (root / name).read_text(encoding="utf-8").splitlines()
             for name in ("mkdocs.yml", "docs/privacy/index.sv.md", "docs/privacy/index.en.md")}
    at: dict[str, dict[str, int]] = {}  # the first line of each key in a file
    for name, body in lines.items():
        for n, text in enumerate(body, 1):
            at.setdefault(name, {}).setdefault(text.split(":", 1)[0].strip(), n)
    for line in (
        f"mkdocs.yml:{at['mkdocs.yml']['site_url']}: site_url: still a placeholder: replace the TODO with the address this "
        "site will be published at, e.g. https://privacy.solvikkaffe.example/",
        f"mkdocs.yml:{at['mkdocs.yml']['street']}: plugins.policypress.controller.address.street: still a placeholder: "
        "replace the TODO with street address or PO box",
        f"docs/privacy/index.en.md:{next(n for n, t in enumerate(lines['docs/privacy/index.en.md'], 1) if 'TODO' in t)}: "
        "sources[0].name: still a placeholder: replace the TODO with your payment provider's name",
        f"docs/privacy/index.sv.md:{next(n for n, t in enumerate(lines['docs/privacy/index.sv.md'], 1) if '[TODO' in t)}: "
        "still a placeholder: replace the TODO with what people do with you, in a few words, e.g. handlar i vår webbutik",
    ):
        assert line in shown, line

    # Nothing with a placeholder is released or built.
    release = run_cli(["release", "privacy"], root)
    assert release.returncode == 1 and "still a placeholder" in release.stderr
    assert not (root / "docs/privacy/1.0.sv.md").exists()
    assert FixtureSite(root).build().returncode == 1

    fill(root)
    release_and_build(root)
    site = root / "site"
    for prefix in ("", *(f"{language}/" for language in languages[1:])):
        for page in ("index.html", "privacy/index.html", "cookies/index.html", "privacy/1.0/index.html"):
            assert (site / prefix / page).is_file(), prefix + page
    english = (site / "en/privacy/index.html").read_text(encoding="utf-8")
    assert "Nordbetal AB" in english and "Integritetsskyddsmyndigheten (IMY)" in english and "TODO" not in english


def test_a_company_outside_sweden_gets_its_authority_and_laws_as_placeholders(tmp_path: Path) -> None:
    """No IMY, no Swedish statute, register or tax agency: mkdocs.yml's placeholders are reported on
    their lines, and the filled site (Finnish and German, Finnish the default) builds."""
    root = tmp_path / "aroma"
    result = scaffold(root, "--company", "Kahvila Aroma Oy", "--org-number", "1234567-8", "--languages", "fi,de",
                      "--email", "tietosuoja@aroma.example")
    assert result.returncode == 0, result.stderr
    found = problems(root)
    assert sorted((file, line) for file, line, _, _ in found) == todo_lines(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = {key: next(n for n, text in enumerate(config, 1) if text.strip().startswith(f"{key}:") and "TODO" in text)
            for key in ("site_url", "street", "postal_code", "locality", "name", "url")}
    assert [p for p in found if p[0] == "mkdocs.yml"] == [
        ("mkdocs.yml", line["site_url"], "site_url", "still a placeholder: replace the TODO with the address this site "
                                                     "will be published at, e.g. https://privacy.aroma.example/"),
        ("mkdocs.yml", line["street"], "plugins.policypress.controller.address.street",
         "still a placeholder: replace the TODO with street address or PO box"),
        ("mkdocs.yml", line["postal_code"], "plugins.policypress.controller.address.postal_code",
         "still a placeholder: replace the TODO with postal code"),
        ("mkdocs.yml", line["locality"], "plugins.policypress.controller.address.locality",
         "still a placeholder: replace the TODO with town or city"),
        ("mkdocs.yml", line["name"], "plugins.policypress.authority.name",
         "still a placeholder: replace the TODO with your supervisory authority's name"),
        ("mkdocs.yml", line["url"], "plugins.policypress.authority.url",
         "still a placeholder: replace the TODO with your supervisory authority's website"),
    ]
    privacy = {(field, text) for file, _, field, text in found if file == "docs/privacy/index.fi.md"}
    assert ("processing[5].retention.statute", "still a placeholder: replace the TODO with the law that says how long "
            "accounting records are kept (Finland), e.g. Kirjanpitolaki (1336/1997)") in privacy
    assert ("children", "still a placeholder: replace the TODO with the age under which a child needs a parent's "
            "consent in your country (GDPR Art. 8)") in privacy
    assert len(found) == 46  # counted by hand: 6 in mkdocs.yml, 5 + 16 in the Finnish files, 4 + 15 in the German
    # The Finnish business ID told the country, which mkdocs.yml names.
    assert "          country: FI" in config and "country FI)" in result.stdout
    assert "IMY" not in "".join(config) and "Skatteverket" not in (root / "docs/privacy/index.fi.md").read_text()
    fill(root)
    release_and_build(root)
    assert "Tietosuojavaltuutetun toimisto" in (root / "site/privacy/index.html").read_text(encoding="utf-8")


# --- what is written ----------------------------------------------------------------------------------


def test_the_site_says_who_is_responsible_and_how_it_is_published(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert scaffold(root, *COMPANY, "--dpo-email", "dpo@solvikkaffe.example").returncode == 0
    config = parse_yaml((root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["policypress"] for p in config["plugins"] if isinstance(p, dict) and "policypress" in p)
    assert options["controller"]["name"] == "Solvik Kaffe AB" and options["controller"]["identifier"] == "559900-0147"
    assert options["controller"]["email"] == "integritet@solvikkaffe.example"
    assert options["dpo"] == {"email": "dpo@solvikkaffe.example"}
    # The authority's name: one text, or one per language.
    assert options["authority"]["term"] == "legal-se:DPA-SE" and "IMY" in str(options["authority"]["name"])
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    assert [(lang["locale"], lang.get("default", False)) for lang in i18n["languages"]] == [("sv", True), ("en", False)]
    assert config["theme"]["name"] == "material" and config["validation"]["links"]["anchors"] == "warn"
    assert config["markdown_extensions"] == parse_yaml((Path(__file__).parent.parent / "mkdocs.yml").read_text())["markdown_extensions"]

    github = parse_yaml((root / ".github/workflows/policies.yml").read_text(encoding="utf-8"))
    steps = [s.get("uses") or s.get("run") for s in github["jobs"]["build"]["steps"]]
    assert "policypress check" in steps and "policypress build" in steps
    assert "actions/upload-pages-artifact@v3" in steps
    assert [s["uses"] for s in github["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages@v4"]
    assert github["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert github["jobs"]["build"]["steps"][-1]["with"]["path"] == "site"
    gitlab = parse_yaml((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert "policypress check" in gitlab["pages"]["script"] and "policypress build -d public" in gitlab["pages"]["script"]
    assert "policypress check" in gitlab["check"]["script"]
    assert (root / "requirements.txt").read_text().splitlines()[-1].startswith("policypress==")

    readme = (root / "README.md").read_text(encoding="utf-8")
    for heading in ("## Set up once", "## First: write what only Solvik Kaffe AB knows", "## Edit", "## Preview",
                    "## Check", "## Release a version", "## Publish"):
        assert f"\n{heading}\n" in readme, heading
    for language in ("sv", "en"):
        home = (root / f"docs/index.{language}.md").read_text(encoding="utf-8")
        assert "<!-- policies -->" in home and "dpo@solvikkaffe.example" in home


def test_without_a_dpo_the_policy_says_none_is_appointed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert scaffold(root, *COMPANY).returncode == 0
    assert "dpo:\n        appointed: false" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "Vi har inte utsett något dataskyddsombud." in (root / "docs/privacy/index.sv.md").read_text(encoding="utf-8")
    assert "We have not appointed a data protection officer." in (root / "docs/privacy/index.en.md").read_text(encoding="utf-8")


def test_the_register_uses_every_kind_of_fact(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert scaffold(root, *COMPANY).returncode == 0
    facts = parse_yaml(FRONT_MATTER_RE.match((root / "docs/privacy/index.sv.md").read_text(encoding="utf-8"))[1])
    purposes = {p["id"]: p for p in facts["processing"]}
    assert any(isinstance(p["legal_basis"], list) and len(p["legal_basis"]) > 1 for p in purposes.values())
    assert purposes["bookkeeping"]["retention"]["statute"] == "Bokföringslagen (1999:1078)"
    assert purposes["newsletter"]["retention"] == {"after": "consent-withdrawal"}  # until-forms
    assert purposes["account"]["retention"] == {"after": "account-closure"}
    assert set(purposes["invoice"]["automated_decisions"]) == {"logic", "consequences"}
    assert purposes["newsletter"]["profiling"] is True and facts["automated_decisions"] is False
    assert {s["kind"] for s in facts["sources"]} == {"dpv:ThirdPartyDataSource", "dpv:PublicDataSource"}
    assert any(s not in ("dpv:DataSubjectDataSource",) and ":" not in s for p in purposes.values() for s in p["sources"])
    countries = [r["country"] for r in facts["recipients"]]
    assert "EEA" in countries and "worldwide" in countries and ["IE", "US"] in countries
    assert {t["country"] for t in facts["transfers"] if isinstance(t["country"], str)} == {"US", "third-countries"}
    assert facts["processor_activities"] and facts["children"].startswith("Våra tjänster riktar sig inte till barn")
    english = parse_yaml(FRONT_MATTER_RE.match((root / "docs/privacy/index.en.md").read_text(encoding="utf-8"))[1])
    assert "transfers" not in english and "effective" not in english  # facts are written once
    assert set(english["processing"][2]["automated_decisions"]) == {"logic", "consequences"}
    cookies = parse_yaml(FRONT_MATTER_RE.match((root / "docs/cookies/index.sv.md").read_text(encoding="utf-8"))[1])
    assert {c["duration"] for c in cookies["cookies"]} == {"session", "P6M", "P13M", "PT30M", "P90D"}
    assert "pp_consent" in {c["name"] for c in cookies["cookies"]}
    body = (root / "docs/privacy/index.sv.md").read_text(encoding="utf-8")
    for placeholder in ("data", "sources", "purposes", "processor-activities", "recipients", "transfers", "rights"):
        assert f"<!-- register: {placeholder} -->" in body


def test_front_matter_reads_back_as_written() -> None:
    """The writer's YAML (flow lists, folded texts, quoting) gives back the very values."""
    meta = {
        "policy": "privacy", "title": 'Say "hi": #1', "version": "1.0", "effective": "2026-11-22",
        "summary": "x " * 80 + "[TODO: a hint with spaces that must stay on one line] and more " * 3,
        "processing": [{"id": "a", "purpose": ["dpv:ServiceProvision"], "legal_basis": ["eu-gdpr:A6-1-b", "eu-gdpr:A6-1-f"],
                        "retention": {"duration": "P7Y", "statute": "Lag (1999:1078), 4 kap."}, "profiling": False,
                        "automated_decisions": {"logic": "l " * 70, "consequences": "Yes: no."},
                        "name": "- a dash", "description": "'quoted' and NO"}],
        "recipients": [{"id": "r", "kind": "dpv:DataProcessor", "country": ["NO", "SE"], "name": "TODO: x's y"}],
    }
    text = new.front_matter(meta)
    back = parse_yaml(FRONT_MATTER_RE.match(text)[1])
    meta["summary"] = meta["summary"].strip()
    meta["processing"][0]["automated_decisions"]["logic"] = meta["processing"][0]["automated_decisions"]["logic"].strip()
    assert back == meta
    assert all(len(line) <= new.WIDTH for line in text.splitlines() if "TODO" not in line)
    assert any("[TODO: a hint with spaces that must stay on one line]" in line for line in text.splitlines())
    assert '  - id: r\n    kind: dpv:DataProcessor\n    country: ["NO", SE]\n    name: "TODO: x\'s y"' in text


def test_org_numbers() -> None:
    assert new.swedish_org_number("5599000147") == "559900-0147"
    assert new.swedish_org_number("16559900-0147") == "559900-0147"
    assert new.swedish_org_number("1234567-8") is None and new.swedish_org_number("HRB 12345") is None
    assert new.check_digit_ok("559900-0147") and not new.check_digit_ok("559900-0142")


# --- asking on a terminal -----------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_missing_details_are_asked_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["Solvik Kaffe AB", "559900-0147", "", "not an address", "integritet@solvikkaffe.example", ""])
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(builtins, "input", fake_input)
    result = run_cli(["new", str(tmp_path / "site")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert asked == ["Company name: ", "Organisation number (empty: none): ", "Languages, the default first [sv,en]: ",
                     "E-mail address for privacy questions: ", "E-mail address for privacy questions: ",
                     "Data protection officer's e-mail (empty: none appointed): "]
    assert "  expected an e-mail address such as privacy@example.com, found 'not an address' (there is no @)" in result.stdout
    config = (tmp_path / "site/mkdocs.yml").read_text(encoding="utf-8")
    assert "name: Solvik Kaffe AB" in config and "appointed: false" in config
    assert sorted(p.name for p in (tmp_path / "site/docs/privacy").iterdir()) == ["index.en.md", "index.sv.md"]


def test_only_what_is_missing_is_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    answers = iter(["integritet@solvikkaffe.example", "fi,sv"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(builtins, "input", lambda prompt: asked.append(prompt) or next(answers))
    result = run_cli(["new", str(tmp_path / "site"), "--company", "Solvik Kaffe AB", "--org-number", "559900-0147",
                      "--dpo-email", "dpo@solvikkaffe.example", "--languages", "fi,sv"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert asked == ["E-mail address for privacy questions: "]
    assert (tmp_path / "site/docs/privacy/index.fi.md").is_file()


def test_the_questions_work_on_a_real_terminal(tmp_path: Path) -> None:
    """A pseudo-terminal: `input()` reads the typed lines, and the site is written."""
    import pty

    primary, secondary = pty.openpty()
    command = [str(Path(sys.executable).with_name("policypress")), "new", "site"]
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, cwd=tmp_path,
                               env={**os.environ, "SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]})
    os.close(secondary)
    output = b""
    typed = iter([b"Solvik Kaffe AB\n", b"559900-0147\n", b"sv\n", b"integritet@solvikkaffe.example\n", b"\n"])
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(primary, 4096)
                except OSError:
                    break
                output += chunk
                if chunk.rstrip().endswith(b":") or chunk.rstrip().endswith(b"]:"):
                    os.write(primary, next(typed, b"\n"))
        process.wait(timeout=30)
    finally:
        os.close(primary)
    assert process.returncode == 0, output.decode(errors="replace")
    assert b"Company name: " in output and b"Languages, the default first [sv,en]: " in output
    assert sorted(p.name for p in (tmp_path / "site/docs/privacy").iterdir()) == ["index.sv.md"]


# --- refusals: nothing written ------------------------------------------------------------------------


WHY_COUNTRY = ("policypress: --country: the organisation number does not show the country the company is established in "
               "(a Swedish or a Finnish one does), and the country decides the supervisory authority and the laws the "
               "policies name; give its two-letter code, such as SE")
USAGE = ("policypress: usage: policypress new DIR --company NAME --email ADDRESS [--org-number NUMBER] [--country CODE] "
         "[--languages sv,en] [--dpo-email ADDRESS]")


def test_missing_flags_without_a_terminal_are_all_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = run_cli(["new", "site", "--languages", "sv,en"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "policypress: new needs --company, --email and --country (there is no terminal to ask on); nothing was written",
        WHY_COUNTRY,
        USAGE,
    ]
    assert list(tmp_path.iterdir()) == []
    result = run_cli(["new", "site", "--company", "X AB", "--org-number", "559900-0147"], tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("policypress: new needs --email (there is no terminal")


def test_wrong_values_are_refused_together(tmp_path: Path) -> None:
    result = run_cli(["new", "site", "--company", "X AB", "--org-number", "559900-0147", "--email", "nope",
                      "--languages", "sv,xx,en"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "policypress: --languages: expected languages policypress has texts for (de, en, fi, sv), separated by commas, "
        "the default first, e.g. sv,en; found 'xx'",
        "policypress: --email: expected an e-mail address such as privacy@example.com, found 'nope' (there is no @)",
        "policypress: nothing was written",
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_empty_is_never_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    monkeypatch.setattr(builtins, "input", lambda prompt: pytest.fail("asked before refusing"))
    monkeypatch.setattr(sys, "stdin", Terminal())
    result = run_cli(["new", "site"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "policypress: will not create a site in site: it exists and is not empty, and new never overwrites anything; "
        "nothing was written. Name a new folder (or an empty one)")
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and [p.name for p in target.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    result = run_cli(["new", "file", *COMPANY], tmp_path)
    assert result.returncode == 2 and "it is a file" in result.stderr


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    assert run_cli(["new", "site", *COMPANY], tmp_path).returncode == 0
    assert (tmp_path / "site/mkdocs.yml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_interrupted_new_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    original = Path.write_text

    def failing(self: Path, *args: object, **kwargs: object) -> int:
        if len(written) == 5:
            raise KeyboardInterrupt
        written.append(self)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    result = run_cli(["new", "site", *COMPANY], tmp_path)
    assert result.returncode == 130 and "interrupted; nothing was written" in result.stderr
    assert len(written) == 5 and all(not str(p).startswith(str(tmp_path / "site") + "/") for p in written)
    assert list(tmp_path.iterdir()) == []


def test_receipts_databases_never_land_in_git(tmp_path: Path) -> None:
    """The receipts service's SQLite files (visitors' consent records) are ignored by the generated
    .gitignore, as git itself reads it; the README says to keep them outside the repository."""
    root = tmp_path / "site"
    assert scaffold(root, *COMPANY).returncode == 0
    made = ["receipts.sqlite3", "receipts.sqlite3-wal", "receipts.sqlite3-shm", "var/consent.sqlite3-journal"]
    for name in made:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"SQLite format 3\0")
    git = ["git", "-c", "init.defaultBranch=main", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)  # what a hurried editor types
    staged = subprocess.run([*git, "ls-files"], check=True, capture_output=True, text=True).stdout.splitlines()
    assert "mkdocs.yml" in staged and "docs/privacy/index.sv.md" in staged
    assert not [name for name in staged if "sqlite3" in name], staged
    ignored = subprocess.run([*git, "check-ignore", *made], capture_output=True, text=True).stdout.splitlines()
    assert ignored == made
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Consent records stay out of this repository\n", 1)[1]
    assert "--database /var/lib/policypress/receipts.sqlite3" in section and "*.sqlite3" in section


# --- the TODO check itself ----------------------------------------------------------------------------


def test_todos_in_any_policy_page_and_mkdocs_yml_are_reported(minimal: FixtureSite) -> None:
    """A placeholder anywhere stops check, every build and a release; the policy stays in the site,
    so the preview shows it with its problems."""
    minimal.unrelease()
    minimal.replace("privacy/index.sv.md", "name: Postbolaget", 'name: "TODO: the carrier\'s name"')
    minimal.replace("privacy/index.en.md", "You can ask for your data.", "You can ask for your data. TODO")
    minimal.replace("index.sv.md", "Välkommen.", "Välkommen. [TODO: en hälsning]")
    minimal.replace("../mkdocs.yml", "name: Fixture AB", "name: Fixture AB\n        phone: TODO")
    found = problems(minimal.root)

    def line(file: str, text: str) -> int:
        return (minimal.root / file).read_text(encoding="utf-8").splitlines().index(text) + 1

    assert found == [
        ("docs/index.sv.md", line("docs/index.sv.md", "Välkommen. [TODO: en hälsning] Läs vår [integritetspolicy](privacy/index.md)."),
         "", "still a placeholder: replace the TODO with en hälsning"),
        ("docs/privacy/index.en.md", line("docs/privacy/index.en.md", "You can ask for your data. TODO"), "",
         "still a placeholder: replace the TODO with your own text"),
        ("docs/privacy/index.sv.md", line("docs/privacy/index.sv.md", '    name: "TODO: the carrier\'s name"'),
         "recipients[0].name", "still a placeholder: replace the TODO with the carrier's name"),
        ("mkdocs.yml", line("mkdocs.yml", "        phone: TODO"), "plugins.policypress.controller.phone",
         "still a placeholder: replace the TODO with your own text"),
    ]
    result = minimal.load()
    assert "privacy" in result.site.policies and len(result.by_policy["privacy"]) == 2
    release = run_cli(["release", "privacy"], minimal.root)
    assert release.returncode == 1 and "still a placeholder" in release.stderr


def test_todo_messages() -> None:
    assert message("TODO: your payment provider's name") == (
        "still a placeholder: replace the TODO with your payment provider's name")
    assert message("Vi säljer [TODO: what you sell]. Och [TODO: where]") == (
        "still a placeholder: replace the TODO with what you sell; and where")
    assert message("https://TODO.example/", "the address") == "still a placeholder: replace the TODO with the address"
    assert message("TODO") == "still a placeholder: replace the TODO with your own text"


def test_todos_in_mkdocs_yml_are_found_under_the_plugin(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_url: https://TODO.example/  # TODO: where it is published\n"
                    "plugins:\n  - search\n  - policypress:\n      controller:\n        name: \"TODO: the name\"\n"
                    "extra:\n  list: [a, TODO]\n")
    assert [str(p) for p in in_config(path, "mkdocs.yml")] == [
        "mkdocs.yml:1: site_url: still a placeholder: replace the TODO with where it is published",
        "mkdocs.yml:6: plugins.policypress.controller.name: still a placeholder: replace the TODO with the name",
        "mkdocs.yml:8: extra.list[1]: still a placeholder: replace the TODO with your own text",
    ]
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: A\nlist:\n  - {x: \"TODO: b\"}\n---\n\nText\nTODO: c\nMASTODON and TODOS are words\n")
    assert [str(p) for p in in_source(read_source(page, "page.md"))] == [
        "page.md:4: list[0].x: still a placeholder: replace the TODO with b",
        "page.md:8: still a placeholder: replace the TODO with c",
    ]


@contextlib.contextmanager
def previewing(root: Path, attempts: int = 5) -> Iterator[str]:
    """`mkdocs serve` of the site on 127.0.0.1. A port is only known to be free when it is picked,
    and another process may take it before mkdocs binds it (mkdocs then stops with "Address
    already in use"): so the URL is handed out only once this mkdocs says it serves on it, and
    another port is tried when the one picked was taken."""
    for attempt in range(attempts):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen([str(Path(sys.executable).with_name("mkdocs")), "serve", "--dev-addr",
                                    f"127.0.0.1:{port}", "--no-livereload"], cwd=root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=lambda: [*map(lines.put, process.stdout), lines.put(None)], daemon=True).start()
        said: list[str] = []
        try:
            deadline = time.monotonic() + 120
            while (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
                said.append(line)
                if f"Serving on http://127.0.0.1:{port}/" in line:
                    yield f"http://127.0.0.1:{port}/"
                    return
        finally:
            process.terminate()
            process.wait(timeout=30)
        assert "Address already in use" in "".join(said) and attempt < attempts - 1, "".join(said)


def test_the_preview_shows_each_policy_with_its_placeholders(tmp_path: Path) -> None:
    """`mkdocs serve` of a new site: the policies are there, as drafts, each page listing its TODOs."""
    import urllib.request

    from bs4 import BeautifulSoup

    root = tmp_path / "site"
    assert scaffold(root, *COMPANY).returncode == 0
    with previewing(root) as url:
        page = BeautifulSoup(urllib.request.urlopen(url + "en/privacy/", timeout=10).read(), "html.parser")
    assert page.select_one('[data-pp-state="draft"]') is not None
    assert page.select_one(".pp-register--purposes") is not None
    problems = [li.get_text(" ", strip=True) for li in page.select(".pp-problems li")]
    assert any("recipients[0].name" in p and "your payment provider's name" in p for p in problems), problems
    assert any("what people do with you" in p for p in problems), problems


# --- the country and the organisation number (issue 21 §9) ---------------------------------------------

SWEDE = ["--company", "Solvik Kaffe AB", "--email", "integritet@solvikkaffe.example"]


def todo_hints(root: Path) -> list[tuple[str, str]]:
    """(file, hint) of every placeholder check lists."""
    return [(file, text) for file, _, _, text in problems(root)]


def test_the_organisation_number_is_optional(tmp_path: Path) -> None:
    """Seed 002 gives none: a Swedish company without one gets the Swedish site with the very
    placeholders of one with a number, and no number anywhere; filled, it builds."""
    plain, numbered = tmp_path / "plain", tmp_path / "numbered"
    result = scaffold(plain, *SWEDE, "--country", "SE")
    assert result.returncode == 0, result.stderr
    assert "languages sv, en; country SE)" in result.stdout.splitlines()[0]
    assert scaffold(numbered, *COMPANY).returncode == 0
    assert todo_hints(plain) == todo_hints(numbered) and len(todo_hints(plain)) == 33
    config = parse_yaml((plain / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["policypress"] for p in config["plugins"] if isinstance(p, dict) and "policypress" in p)
    assert "identifier" not in options["controller"] and options["controller"]["address"]["country"] == "SE"
    assert options["authority"]["term"] == "legal-se:DPA-SE"
    sv = (plain / "docs/privacy/index.sv.md").read_text(encoding="utf-8")
    assert "**Solvik Kaffe AB** är personuppgiftsansvarig" in sv and "organisationsnummer" not in sv
    assert "**Solvik Kaffe AB** is the controller" in (plain / "docs/privacy/index.en.md").read_text(encoding="utf-8")
    fill(plain)
    release_and_build(plain)
    assert "Bokföringslagen" in (plain / "site/privacy/index.html").read_text(encoding="utf-8")


def test_a_placeholder_number_keeps_a_swedish_company_swedish(tmp_path: Path) -> None:
    """`--org-number TODO --country SE`: IMY, Swedish laws and no Finnish hint; the number is one
    more placeholder where it is shown (mkdocs.yml and each language's text), nothing else."""
    todo, numbered = tmp_path / "todo", tmp_path / "numbered"
    assert scaffold(todo, *SWEDE, "--org-number", "TODO", "--country", "se").returncode == 0
    assert scaffold(numbered, *COMPANY).returncode == 0
    extra = [hint for hint in todo_hints(todo) if hint not in todo_hints(numbered)]
    assert sorted(file for file, _ in extra) == ["docs/privacy/index.en.md", "docs/privacy/index.sv.md", "mkdocs.yml"]
    assert len(todo_hints(todo)) == 33 + 3
    written = "".join(p.read_text(encoding="utf-8") for p in [todo / "mkdocs.yml", *(todo / "docs").rglob("*.md")])
    assert "Integritetsskyddsmyndigheten (IMY)" in written and "Bokföringslagen (1999:1078)" in written
    assert "Kirjanpito" not in written and "e.g. FI" not in written and "children: TODO" not in written


def test_the_country_decides_the_authority_and_the_laws(tmp_path: Path) -> None:
    """A German register number does not tell the country; --country DE does: no IMY, no Swedish
    law, no Finnish example, and mkdocs.yml names the country."""
    root = tmp_path / "de"
    result = scaffold(root, "--company", "Kaffee GmbH", "--org-number", "HRB 12345", "--country", "DE",
                      "--email", "datenschutz@kaffee.example", "--languages", "de,en")
    assert result.returncode == 0, result.stderr
    options = next(p["policypress"] for p in parse_yaml((root / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
                   if isinstance(p, dict) and "policypress" in p)
    assert options["controller"]["address"]["country"] == "DE" and options["controller"]["identifier"] == "HRB 12345"
    assert options["authority"]["term"] == "eu-gdpr:DataProtectionAuthority"
    hints = [text for _, text in todo_hints(root)]
    assert "still a placeholder: replace the TODO with the law that says how long accounting records are kept " \
           "(Germany)" in hints
    assert not any("Kirjanpito" in hint or "e.g. FI" in hint for hint in hints)
    assert "Registernummer HRB 12345" in (root / "docs/privacy/index.de.md").read_text(encoding="utf-8")
    fill(root)
    release_and_build(root)


def test_the_country_comes_from_the_flag_else_from_the_number() -> None:
    from policypress.new_country import check_country, country_from_number

    assert [country_from_number(n) for n in ("559900-0147", "5599000147", "16559900-0147", "1572860-0")] == \
        ["SE", "SE", "SE", "FI"]
    assert [country_from_number(n) for n in ("HRB 12345", "TODO", "", None, "123456789")] == [None] * 5
    assert check_country("se") is None and check_country(" FI ") is None
    assert check_country("US") == ("expected the two-letter code of the EU/EEA country the company is established in, "
                                   "one of AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO "
                                   "SE SI SK; found 'US'")


def test_an_explicit_country_wins_over_the_numbers_form(tmp_path: Path) -> None:
    """A Swedish-looking number of a Finnish company: Finland's laws, the number as written."""
    root = tmp_path / "fi"
    result = scaffold(root, *SWEDE, "--org-number", "5599000147", "--country", "FI", "--languages", "fi,sv")
    assert result.returncode == 0, result.stderr
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "identifier: '5599000147'" in config or 'identifier: "5599000147"' in config
    assert "country: FI" in config and "IMY" not in config


def test_without_a_country_or_a_terminal_the_usage_names_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    for flags in ([], ["--org-number", "TODO"], ["--org-number", "HRB 12345"]):
        result = run_cli(["new", "site", *SWEDE, *flags], tmp_path)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "policypress: new needs --country (there is no terminal to ask on); nothing was written", WHY_COUNTRY, USAGE]
        assert list(tmp_path.iterdir()) == []
    result = run_cli(["new", "site", *SWEDE, "--country", "US"], tmp_path)
    assert result.returncode == 2 and result.stderr.splitlines()[0].startswith(
        "policypress: --country: expected the two-letter code of the EU/EEA country")
    assert list(tmp_path.iterdir()) == []


def test_the_country_is_asked_on_a_terminal_when_the_number_does_not_tell_it(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    answers = iter(["US", "de"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(builtins, "input", lambda prompt: asked.append(prompt) or next(answers))
    result = run_cli(["new", str(tmp_path / "site"), *SWEDE, "--org-number", "HRB 12345", "--languages", "de"], tmp_path)
    assert result.returncode == 0, result.stderr
    prompt = "Country the company is established in, as a two-letter code such as SE: "
    assert asked == [prompt, prompt]
    assert "  expected the two-letter code of the EU/EEA country" in result.stdout
    assert "country: DE" in (tmp_path / "site/mkdocs.yml").read_text(encoding="utf-8")

"""`policypress check` links each finding about a register field to that field's entry in the
register reference (issue 20 §3), on a line of its own under the finding, and the build prints the
same. The link's anchor exists in the documentation as the docs workflow builds it; the address
comes from `[project.urls]` in pyproject.toml, its one home; a finding about no field of the
register gets no link, and without the address in the metadata no finding gets one."""

from __future__ import annotations

import re
import tomllib
import urllib.request
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_INFO, ROOT, FixtureSite, run_cli
from policypress.core.problems import Problem, format_problems
from policypress.core import reference as address
from policypress.core.reference import documentation_url
from test_documentation import built  # noqa: F401 - the documentation, built strictly once for this file
from test_integrity_modes import serving

SV = "privacy/index.sv.md"
PAGE = "reference/register/"
SEE = "see: "


@dataclass(frozen=True)
class Mistake:
    """One edit to the minimal site, the finding's start (file:line: field) and the anchor its link leads to."""

    id: str
    file: str  # relative to the site's root
    old: str
    new: str
    finding: str
    anchor: str


MISTAKES = [
    Mistake("retention_event_unknown", f"docs/{SV}", "retention: {duration: P3Y, after: purchase}",
            "retention: {duration: P3Y, after: purchased}",
            "docs/privacy/index.sv.md:18: processing[0].retention.after: ", "processing-retention-after"),
    Mistake("requirement_unknown", f"docs/{SV}", "requirement: contract-prerequisite", "requirement: mandatory",
            "docs/privacy/index.sv.md:20: processing[0].requirement: ", "processing-requirement"),
    Mistake("key_under_retention_misspelt", f"docs/{SV}", "retention: {after: consent-withdrawal}",
            "retention: {after: consent-withdrawal, duraton: P1Y}",
            "docs/privacy/index.sv.md:28: processing[1].retention.duraton: unknown key 'duraton'",
            "processing-retention"),
    Mistake("controller_name_not_text", "mkdocs.yml", "        name: Fixture AB", "        name: 2026",
            "mkdocs.yml:22: plugins.policypress.controller.name: expected text, found number 2026",
            "plugins-policypress-controller-name"),
]


def broken(site: FixtureSite, mistake: Mistake) -> FixtureSite:
    path = site.root / mistake.file
    text = path.read_text(encoding="utf-8")
    assert mistake.old in text, f"{mistake.old!r} not in {mistake.file}"
    path.write_text(text.replace(mistake.old, mistake.new, 1), encoding="utf-8")
    return site


def links(output: str) -> dict[str, str]:
    """Each finding line of the output that has a link, to that link (the line right under it)."""
    lines = output.splitlines()
    return {lines[n - 1]: line.strip().removeprefix(SEE)
            for n, line in enumerate(lines) if line.strip().startswith(SEE)}


def linked(output: str, finding: str) -> str:
    """The link under the one finding that reads `finding` (after what prefixes it: indentation,
    `policypress:`, MkDocs' log level)."""
    found = [link for line, link in links(output).items() if finding in line]
    assert len(found) == 1, output
    return found[0]


def anchor_in(built_site: Path, url: str) -> str:
    """The anchor a link leads to, once it is known to be on the register reference's page of the
    built documentation and an element there has it as its id."""
    base = documentation_url()
    assert base is not None and url.startswith(base), url
    target = urlsplit(url.removeprefix(base))
    assert target.path == PAGE, url
    html = BeautifulSoup((built_site / target.path / "index.html").read_text(encoding="utf-8"), "lxml")
    assert html.find(id=target.fragment) is not None, f"{url}: no element with id {target.fragment!r}"
    return target.fragment


# --- check and build link each finding about a field ---------------------------------------------


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_check_links_the_finding_to_the_fields_entry_and_the_anchor_exists(
        minimal: FixtureSite, mistake: Mistake, built: Path) -> None:  # noqa: F811
    result = run_cli(["check"], broken(minimal, mistake).root)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    url = linked(result.stderr, mistake.finding)
    assert url == f"{documentation_url()}{PAGE}#{mistake.anchor}"
    assert anchor_in(built, url) == mistake.anchor


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_the_build_prints_the_same_link_as_check(minimal: FixtureSite, mistake: Mistake) -> None:
    site = broken(minimal, mistake)
    checked = run_cli(["check"], site.root)
    build = site.build()
    assert build.returncode == 1 and "Traceback" not in build.output, build.output
    assert linked(build.output, mistake.finding) == linked(checked.stderr, mistake.finding)


def test_each_finding_of_several_gets_its_own_link_right_under_it(minimal: FixtureSite) -> None:
    for mistake in MISTAKES[:3]:
        broken(minimal, mistake)
    result = run_cli(["check"], minimal.root)
    lines = result.stderr.splitlines()
    assert lines[0] == "policypress found 3 problems:", result.stderr
    # Each finding's line as it was (as the model states the problem), then its link under it.
    assert lines[1::2] == [f"  {problem}" for problem in minimal.problems(FIXTURE_INFO)]
    assert lines[2::2] == [f"    {SEE}{documentation_url()}{PAGE}#{m.anchor}" for m in MISTAKES[:3]]


def test_the_preview_shows_the_link_on_the_page_and_in_its_log(minimal: FixtureSite, built: Path) -> None:  # noqa: F811
    """`mkdocs serve` lists the page's problems on it, each field's with a link to its entry, and
    logs each problem with the link under it as check prints it."""
    for mistake in MISTAKES[:3]:
        broken(minimal, mistake)
    with serving(minimal) as url:
        page = BeautifulSoup(urllib.request.urlopen(f"{url}privacy/", timeout=10).read(), "lxml")
    shown = {li.select_one("code").get_text(): li.select_one("a[href]") for li in page.select(".pp-problems li")}
    for mistake in MISTAKES[:3]:
        link = next(a for text, a in shown.items() if text.startswith(mistake.finding))
        assert link is not None and link["href"] == link.get_text() == linked(minimal.serve_log, mistake.finding)  # type: ignore[attr-defined]
        assert anchor_in(built, link["href"]) == mistake.anchor


# --- no link where no field of the register is concerned -----------------------------------------


def test_a_finding_about_no_register_field_has_no_link(minimal: FixtureSite) -> None:
    (minimal.root / "mkdocs.yml").write_text((minimal.root / "mkdocs.yml").read_text(encoding="utf-8")
                                             + "extra:\n  consent:\n    title: Cookies\n", encoding="utf-8")
    minimal.path("privacy/index.en.md").unlink()
    minimal.path("privacy/2.1.en.md").unlink()
    result = run_cli(["check"], minimal.root)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert any(": extra.consent: expected no settings for Material's own consent form" in line for line in lines)
    assert any(line.startswith("  docs/privacy/index.sv.md: policy 'privacy' has no en text") for line in lines)
    assert SEE not in result.stderr, result.stderr


def test_without_the_address_in_the_metadata_no_finding_has_a_link(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = Problem("docs/privacy/index.sv.md", 18, "processing[0].retention.after", "expected an event")
    assert format_problems([problem]).splitlines()[2].strip().startswith(SEE)
    without = Message()
    without["Name"] = "policypress"
    without["Project-URL"] = "Repository, https://github.com/OWNER/policypress"
    monkeypatch.setattr(address.metadata, "metadata", lambda name: without)
    documentation_url.cache_clear()
    try:
        assert documentation_url() is None
        assert format_problems([problem]) == (
            "policypress found 1 problem:\n  docs/privacy/index.sv.md:18: processing[0].retention.after: expected an event")
    finally:
        documentation_url.cache_clear()


def test_an_uninstalled_package_and_an_address_without_its_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Message:
        raise metadata.PackageNotFoundError(name)

    given = Message()
    given["Project-URL"] = "Documentation , https://docs.example/policypress "
    try:
        monkeypatch.setattr(address.metadata, "metadata", missing)
        documentation_url.cache_clear()
        assert documentation_url() is None
        monkeypatch.setattr(address.metadata, "metadata", lambda name: given)
        documentation_url.cache_clear()
        assert address.field_link("processing[2].retention.after") == \
            "https://docs.example/policypress/reference/register/#processing-retention-after"
        assert address.field_link("site_url") is None
    finally:
        documentation_url.cache_clear()


# --- the address has one home --------------------------------------------------------------------


def test_the_address_is_pyprojects_and_the_readme_names_the_same() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert sorted(urls) == ["Changelog", "Documentation", "Issues", "Repository"]
    # The installed package's metadata is what check reads (reinstall after editing pyproject.toml).
    assert documentation_url() == urls["Documentation"]
    readme = re.search(r"^\*\*Documentation:\*\* <([^>]+)>", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert readme and readme[1] == urls["Documentation"]
    assert "[project.urls]" in (ROOT / "documentation/docs/development.md").read_text(encoding="utf-8")

"""Editors in `mkdocs serve` (issue 13): a draft's "see what changes" link leads to its comparison
with the latest release, in every language."""

from __future__ import annotations

import urllib.request

from bs4 import BeautifulSoup

from conftest import FixtureSite
from test_integrity_modes import serving


def draft_2_2(site: FixtureSite) -> None:
    """A new version of the minimal policy, not released: one purpose renamed."""
    for path, summary in (("privacy/index.sv.md", "Beställningar heter nu köp."), ("privacy/index.en.md", "Orders are now purchases.")):
        site.replace(path, 'version: "2.1"', 'version: "2.2"')
        site.replace(path, site.read(path).split("summary: ", 1)[1].split("\n", 1)[0], summary)
    site.replace("privacy/index.sv.md", "    name: Beställningar\n", "    name: Köp\n")
    site.replace("privacy/index.en.md", "    name: Orders\n", "    name: Purchases\n")


def fetch(url: str) -> BeautifulSoup:
    return BeautifulSoup(urllib.request.urlopen(url, timeout=10).read(), "html.parser")


def test_a_draft_can_be_compared_with_the_latest_release_while_previewing(minimal: FixtureSite) -> None:
    draft_2_2(minimal)
    with serving(minimal) as url:
        for prefix, new, old in (("", "Köp", "Beställningar"), ("en/", "Purchases", "Orders")):
            page = fetch(f"{url}{prefix}privacy/")
            assert page.select_one('[data-pp-state="draft"]') is not None
            link = page.select_one(".pp-revision__summary a")
            assert link is not None and link["href"] == "changes/"
            diff = fetch(f"{url}{prefix}privacy/changes/")
            inserted = {ins.get_text() for ins in diff.select("ins")}
            deleted = {d.get_text() for d in diff.select("del")}
            assert any(new in text for text in inserted) and any(old in text for text in deleted), (inserted, deleted)
            assert "2.2" in diff.title.get_text()


def test_an_edit_without_a_new_version_is_shown_with_its_problem(minimal: FixtureSite) -> None:
    """Before, the page lost its version box and register tables and showed raw text."""
    minimal.replace("privacy/index.sv.md", "Du kan begära ut dina uppgifter.", "Du kan begära ut alla dina uppgifter.")
    with serving(minimal) as url:
        page = fetch(f"{url}privacy/")
    assert "Du kan begära ut alla dina uppgifter." in page.select_one("article").get_text()
    assert page.select_one(".pp-revision") is not None and page.select_one(".pp-register--purposes") is not None
    problems = [li.get_text() for li in page.select(".pp-problems li")]
    assert len(problems) == 1 and "differs from released revision 2.1" in problems[0]


def test_one_root_cause_is_reported_once(minimal: FixtureSite) -> None:
    """A policy that cannot be read: one warning, not one more for the privacy-policy link, the
    navigation and every link to its changelog (which still answers, saying why it is empty)."""
    minimal.replace("privacy/index.sv.md", "legal_basis: eu-gdpr:A6-1-b", "legal_basis: eu-gdpr:A6-1-x")
    minimal.write("privacy/links.sv.md", "---\ntitle: Länkar\n---\n[Ändringslogg](changelog.md)\n")
    minimal.write("privacy/links.en.md", "---\ntitle: Links\n---\n[Changelog](changelog.md)\n")
    with serving(minimal) as url:
        changelog = fetch(f"{url}privacy/changelog/")
    warnings = [line for line in minimal.serve_log.splitlines() if line.startswith("WARNING")]  # type: ignore[attr-defined]
    assert len(warnings) == 1 and "processing[0].legal_basis" in warnings[0], warnings
    link = changelog.select_one("article a[href]")
    assert link is not None and link["href"] == "../"


def kind_label(page: BeautifulSoup) -> str:
    """What the version box says of the kind of change, such as "(Första versionen)"."""
    facts = " ".join(page.select_one(".pp-revision__facts").get_text().split())
    return facts[facts.index("("):facts.index(")") + 1]


def test_a_first_version_previewed_before_its_release_is_labelled_first(minimal: FixtureSite) -> None:
    """Before, the preview called it a major change, while the published page said first version
    (issue 21 §9). A draft after releases keeps its own kind."""
    minimal.unrelease()
    with serving(minimal) as url:
        for prefix, first in (("", "(Första versionen)"), ("en/", "(First version)")):
            page = fetch(f"{url}{prefix}privacy/")
            assert page.select_one('[data-pp-state="draft"]') is not None
            assert kind_label(page) == first
    assert minimal.policypress("release", "privacy", "--date", "2026-02-01").returncode == 0
    build = minimal.build()
    assert build.returncode == 0, build.output
    assert kind_label(build.html("privacy/index.html")) == "(Första versionen)"


def test_a_draft_after_a_release_is_labelled_by_its_version(minimal: FixtureSite) -> None:
    draft_2_2(minimal)
    with serving(minimal) as url:
        assert kind_label(fetch(f"{url}privacy/")) == "(Mindre ändring)"
        assert kind_label(fetch(f"{url}en/privacy/")) == "(Minor change)"

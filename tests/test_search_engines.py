"""What crawlers read (issue 13): robots.txt, a canonical that agrees with hreflang and the
sitemap, a lastmod that changes whenever a page's content does (a landing page's from its sources,
never the build date: issue 21), and titles that name the version."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import TODAY, Build, FixtureSite, copy_example, example_site
from policypress.core.model import Policy
from policypress.core.timeline import Timeline

SITE = "https://integritet.solvikkaffe.example/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# After privacy 3.0 (2027-01-01) and 3.1 (2027-02-01) have taken effect.
LATER = dt.date(2027, 2, 15)
# A day after the example's last change (cookies 1.2 published 2026-11-22, in force 2026-11-23)
# and before the next (privacy 3.0 on 2027-01-01).
QUIET_DAY = dt.date(2026, 12, 15)


def lastmods(site: Path) -> dict[str, dt.date | None]:
    """Each URL of the sitemap with its lastmod (None where it gives none)."""
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    return {url.findtext("s:loc", namespaces=NS): dt.date.fromisoformat(day) if (day := url.findtext("s:lastmod", namespaces=NS)) else None
            for url in root.findall("s:url", NS)}


def changed(policy: Policy, day: dt.date) -> dt.date:
    """The last day something shown on the policy's pages changed: a publication (the list of
    versions) or a revision taking effect (which one is in force, the notices)."""
    public = Timeline(policy, day).public
    return max(d for r in public for d in (r.published, r.effective) if d is not None and d <= day)


def built_on(factory: pytest.TempPathFactory, day: dt.date) -> Build:
    build = copy_example(factory.mktemp(f"example-{day}")).build(today=day)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return built_on(tmp_path_factory, LATER)


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return built_on(tmp_path_factory, QUIET_DAY)


def test_robots_txt_points_to_the_sitemap(example_build: Build) -> None:
    lines = (example_build.site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and f"Sitemap: {SITE}sitemap.xml" in lines


def test_a_robots_txt_of_the_site_s_own_is_kept(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    site.write("robots.txt", "User-agent: *\nDisallow: /drafts/\n")
    build = site.build()
    assert build.returncode == 0, build.output
    assert (build.site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /drafts/\n"


def test_every_page_is_its_own_canonical_as_in_hreflang_and_sitemap(example_build: Build) -> None:
    listed = set(lastmods(example_build.site))
    pages = [p for p in example_build.site.rglob("index.html")]
    assert len(pages) > 30
    for path in pages:
        url = SITE + path.parent.relative_to(example_build.site).as_posix().removeprefix(".") + "/"
        url = url.replace(".example//", ".example/")
        head = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").head
        assert head.find("link", rel="canonical")["href"] == url, path
        language = head.parent.get("lang")
        own = head.find("link", rel="alternate", hreflang=language)
        assert own is not None and own["href"] == url, path
        assert url in listed, url


@pytest.mark.parametrize("day_fixture", ["example_build", "later"])
def test_lastmod_follows_every_change_of_content(request: pytest.FixtureRequest, day_fixture: str) -> None:
    build: Build = request.getfixturevalue(day_fixture)
    day = TODAY if day_fixture == "example_build" else LATER
    dates = lastmods(build.site)
    for policy in example_site().policies.values():
        expected = changed(policy, day)
        pages = [url for url in dates if f"/{policy.id}/" in url]
        assert len(pages) > 4
        assert {url: dates[url] for url in pages} == {url: expected for url in pages}
    everything = max(changed(p, day) for p in example_site().policies.values())
    assert dates[SITE + "changelog/"] == dates[SITE + "en/changelog/"] == everything


def test_lastmod_moves_when_a_new_version_takes_effect(example_build: Build, later: Build) -> None:
    before, after = lastmods(example_build.site), lastmods(later.site)
    # The stable page switched to 3.1, and 2.0 gained its "no longer in force" notice.
    for url in (SITE + "privacy/", SITE + "en/privacy/", SITE + "privacy/2.0/"):
        assert before[url] < after[url] == dt.date(2027, 2, 1)


def test_titles_name_the_version_with_one_separator(example_build: Build) -> None:
    def title(relative: str) -> str:
        return BeautifulSoup((example_build.site / relative).read_text(encoding="utf-8"), "lxml").title.get_text()

    assert title("privacy/2.0/index.html") == "Integritetspolicy, version 2.0 – Solvik Kaffe – integritet"
    # "privacy" is not said twice: the site's name drops the part the title has (issue 21).
    assert title("en/privacy/2.0/index.html") == "Privacy policy, version 2.0 – Solvik Kaffe"
    assert title("privacy/index.html") == "Integritetspolicy – Solvik Kaffe – integritet"
    assert "2.0" in title("privacy/2.0/changes/index.html")
    for path in example_build.site.rglob("*.html"):
        text = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").title.get_text()
        assert " - " not in text, (path, text)


# --- landing pages: dated by their sources (issue 21) ------------------------------------------------


def test_landing_pages_are_dated_by_what_they_show_not_by_the_build(quiet: Build) -> None:
    dates = lastmods(quiet.site)
    # The home pages list the policies: they last changed when cookies 1.2 took effect.
    assert dates[SITE] == dates[SITE + "en/"] == dt.date(2026, 11, 23)
    assert QUIET_DAY not in dates.values()


def git(root: Path, *args: str, day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00",
           "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def with_about_page(site: FixtureSite, after: str) -> None:
    """A page of the site's own in both languages, in the navigation after `after`."""
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"  - {after}\n", f"  - {after}\n  - about.md\n"),
                      encoding="utf-8")
    site.write("about.sv.md", "---\ntitle: Om oss\n---\n\nVi rostar kaffe.\n")
    site.write("about.en.md", "---\ntitle: About us\n---\n\nWe roast coffee.\n")


def test_a_landing_page_s_own_last_commit_dates_it(tmp_path: Path) -> None:
    site = copy_example(tmp_path / "site")
    with_about_page(site, "cookies/index.md")
    git(site.root, "init", "-q", day="2026-11-01")
    git(site.root, "add", "docs", "mkdocs.yml", day="2026-11-01")
    git(site.root, "commit", "-q", "-m", "policies", day="2026-11-01")
    site.replace("index.sv.md", "Här publicerar", "Här samlar och publicerar")
    site.replace("about.en.md", "We roast coffee.", "We roast coffee in Umeå.")
    git(site.root, "commit", "-q", "-am", "home page", day="2026-12-01")
    build = site.build(today=QUIET_DAY)
    assert build.returncode == 0, build.output
    dates = lastmods(build.site)
    assert dates[SITE] == dt.date(2026, 12, 1)  # its source changed after the policies did
    assert dates[SITE + "en/"] == dt.date(2026, 11, 23)  # unchanged since: the policies it lists changed later
    assert dates[SITE + "about/"] == dt.date(2026, 11, 1) and dates[SITE + "en/about/"] == dt.date(2026, 12, 1)
    # A change not yet committed has no recorded day: the page is listed without one.
    site.replace("about.sv.md", "Vi rostar kaffe.", "Vi rostar kaffe i Umeå.")
    build = site.build(today=QUIET_DAY)
    assert lastmods(build.site)[SITE + "about/"] is None


def test_outside_git_a_page_without_the_policies_has_no_date(minimal: FixtureSite) -> None:
    with_about_page(minimal, "privacy/index.md")
    build = minimal.build()
    assert build.returncode == 0, build.output
    dates = lastmods(build.site)
    assert dates["https://policies.fixture.example/about/"] is None
    assert dates["https://policies.fixture.example/en/about/"] is None

"""Revisions: release, integrity, permanent pages, diffs, changelogs, announcements and feeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag

from conftest import FIXTURES, TODAY, Build, FixtureSite, copy_example, copy_site
from policypress.core import archive

SV, EN = "privacy/index.sv.md", "privacy/index.en.md"


def snapshot(site: FixtureSite) -> dict[Path, bytes]:
    return {p.relative_to(site.docs): p.read_bytes() for p in sorted(site.docs.rglob("*")) if p.is_file()}


def prepare_3_0(site: FixtureSite, effective: str = "2026-12-01") -> None:
    """Edit the living text into a major version 3.0 (not yet released)."""
    site.replace(SV, 'version: "2.1"', 'version: "3.0"')
    site.replace(SV, "effective: 2026-03-01", f"effective: {effective}")
    site.replace(SV, "summary: Nyhetsbrevet har fått en egen rad.", "summary: Beställningar sparas kortare och du kan klaga hos IMY.")
    site.replace(SV, "retention: {duration: P3Y, after: purchase}", "retention: {duration: P2Y, after: purchase}")
    site.replace(SV, "Du kan begära ut dina uppgifter.", "Du kan begära ut och rätta dina uppgifter.\n\n## Klagomål\n\nDu kan klaga hos IMY.")
    site.replace(EN, 'version: "2.1"', 'version: "3.0"')
    site.replace(EN, "summary: The newsletter has a row of its own.", "summary: Orders are kept for less time and you can complain to IMY.")
    site.replace(EN, "You can ask for your data.", "You can ask for and correct your data.\n\n## Complaints\n\nYou can complain to IMY.")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    """The minimal site with 2.1 in force and a major 3.0 released on 2026-10-01, in effect 2026-12-01."""
    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("history") / "site")
    prepare_3_0(site)
    result = site.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def announced(history: FixtureSite) -> Build:
    build = history.build(today=TODAY, site_dir=history.root / "site-announced")
    assert build.returncode == 0, build.output
    return build


# --- release ---------------------------------------------------------------------------------------


def test_release_freezes_every_language_sealed(minimal: FixtureSite) -> None:
    prepare_3_0(minimal)
    result = minimal.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "policypress: released privacy 3.0 (published 2026-10-01, in effect from 2026-12-01): "
        "docs/privacy/3.0.en.md, docs/privacy/3.0.sv.md"
    )
    for language in ("sv", "en"):
        frozen = minimal.read(f"privacy/3.0.{language}.md")
        assert archive.is_intact(frozen)
        assert "published: 2026-10-01\n" in frozen
        assert archive.unsealed(frozen) == minimal.read(f"privacy/index.{language}.md")
    assert minimal.problems() == []
    policy = minimal.load().site.policies["privacy"]
    assert [str(r.version) for r in policy.revisions] == ["2.1", "3.0"]
    assert policy.draft is None


def test_release_warns_about_short_notice_of_a_major_change(minimal: FixtureSite) -> None:
    prepare_3_0(minimal, effective="2026-10-10")
    result = minimal.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 0
    assert "note: version 3.0 is a major change that takes effect in 9 days; customers are usually told at least 30 days before" in result.stdout


REFUSALS = {
    "not bumped": (
        lambda s: None,
        'docs/privacy/index.sv.md: version: expected a version above "2.1", which is already released '
        "(docs/privacy/2.1.sv.md); raise it to release a change",
    ),
    "changed without a new version": (
        lambda s: s.replace(SV, "Du kan begära ut dina uppgifter.", "Du kan begära ut alla dina uppgifter."),
        "docs/privacy/index.sv.md: differs from released revision 2.1 (docs/privacy/2.1.sv.md) but keeps its version; "
        "a change needs a new version: raise `version`, update `summary` and `effective`, then run "
        "`policypress release privacy` (or undo the edit)",
    ),
    "summary missing": (
        lambda s: (prepare_3_0(s), s.replace(EN, "summary: Orders are kept for less time and you can complain to IMY.\n", "")),
        "docs/privacy/index.en.md:2: summary: required field is missing; expected what changed in this version, in this language",
    ),
    "summary not updated": (
        lambda s: (prepare_3_0(s), s.replace(EN, "summary: Orders are kept for less time and you can complain to IMY.",
                                             "summary: The newsletter has a row of its own.")),
        "docs/privacy/index.en.md: summary: expected a summary of what changed in 3.0, found the same text as in 2.1",
    ),
    "languages disagree": (
        lambda s: (prepare_3_0(s), s.replace(EN, 'version: "3.0"', 'version: "2.2"')),
        'docs/privacy/index.en.md:4: version: the languages disagree on the version: expected "3.0" as in '
        'docs/privacy/index.sv.md, found "2.2"; translate the current text and update the version',
    ),
    "dates do not increase": (
        lambda s: prepare_3_0(s, effective="2026-02-15"),
        "docs/privacy/index.sv.md: effective: expected a date after 2026-03-01 (when 2.1 took effect), found 2026-02-15",
    ),
    "takes effect before it is published": (
        lambda s: prepare_3_0(s, effective="2026-09-15"),
        "docs/privacy/index.sv.md: effective: expected a date on or after the release date 2026-10-01: a revision "
        "cannot take effect before it is published; found 2026-09-15",
    ),
    "revision file already there": (
        # A copy made by hand instead of by `policypress release`.
        lambda s: (prepare_3_0(s), s.write("privacy/3.0.en.md", s.read(EN))),
        "docs/privacy/3.0.en.md:2: sha256: required field is missing; expected the hash written by policypress release",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_release_refuses_and_writes_nothing(minimal: FixtureSite, case: str) -> None:
    edit, message = REFUSALS[case]
    edit(minimal)
    before = snapshot(minimal)
    result = minimal.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 1
    assert result.stderr.startswith("policypress: privacy was not released; nothing was written.\n")
    assert f"  {message}" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert snapshot(minimal) == before


def test_release_of_an_unknown_policy(minimal: FixtureSite) -> None:
    result = minimal.policypress("release", "privacy-policy", "--date", "2026-10-01")
    assert result.returncode == 1
    assert "  release: expected the id of a policy (privacy), found 'privacy-policy'" in result.stderr.splitlines()


def test_release_twice_is_refused(minimal: FixtureSite) -> None:
    prepare_3_0(minimal)
    assert minimal.policypress("release", "privacy", "--date", "2026-10-01").returncode == 0
    before = snapshot(minimal)
    again = minimal.policypress("release", "privacy", "--date", "2026-10-02")
    assert again.returncode == 1 and 'expected a version above "3.0", which is already released' in again.stderr
    assert snapshot(minimal) == before


# --- integrity at build ------------------------------------------------------------------------------


def test_edited_archive_is_detected(minimal: FixtureSite) -> None:
    minimal.replace("privacy/2.1.en.md", "You can ask for your data.", "You can ask for all your data.")
    assert minimal.problems() == [
        "docs/privacy/2.1.en.md: was edited after it was released: its content no longer matches the sha256 recorded "
        "by `policypress release`; expected it unchanged, so undo the edit (git checkout -- docs/privacy/2.1.en.md). "
        "A released revision never changes: publish a new version instead"
    ]
    build = minimal.build()
    assert build.returncode != 0 and "Traceback" not in build.output
    assert "\n  docs/privacy/2.1.en.md: was edited after it was released" in build.output


def test_archive_without_its_seal(minimal: FixtureSite) -> None:
    text = minimal.read("privacy/2.1.sv.md")
    minimal.write("privacy/2.1.sv.md", "\n".join(line for line in text.split("\n") if not line.startswith("sha256:")))
    assert minimal.problems() == [
        "docs/privacy/2.1.sv.md:2: sha256: required field is missing; expected the hash written by policypress release"
    ]


def test_line_endings_changed_by_git_do_not_count_as_an_edit(minimal: FixtureSite) -> None:
    path = minimal.path("privacy/2.1.sv.md")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert minimal.problems() == []


def test_silent_edit_of_the_living_text(minimal: FixtureSite) -> None:
    minimal.replace(EN, "You can ask for your data.", "You can ask for all of your data.")
    assert minimal.problems() == [REFUSALS["changed without a new version"][1].replace("sv.md", "en.md")]


def test_versions_must_take_effect_in_order(minimal: FixtureSite) -> None:
    # A sealed 2.2 (as release would write it) that takes effect before 2.1 did.
    for language in ("sv", "en"):
        text = minimal.read(f"privacy/index.{language}.md").replace('version: "2.1"', 'version: "2.2"')
        text = text.replace("effective: 2026-03-01", "effective: 2026-02-20")
        text = text.replace("summary: ", "summary: Ändrat. ", 1)
        minimal.write(f"privacy/2.2.{language}.md", archive.seal(text, dt.date(2026, 2, 10)))
    problems = minimal.problems()
    assert "docs/privacy/2.2.sv.md:5: effective: expected a date after 2026-03-01 (when version 2.1 took effect): " \
           "versions take effect in order; found 2026-02-20" in problems
    assert "docs/privacy/index.sv.md:4: version: expected at least \"2.2\", the latest released version, found \"2.1\"" in problems


def test_a_language_missing_from_a_revision(minimal: FixtureSite) -> None:
    minimal.path("privacy/2.1.en.md").unlink()
    assert minimal.problems() == [
        "docs/privacy/2.1.sv.md: released revision 2.1 of policy 'privacy' has no en text; expected "
        "docs/privacy/2.1.en.md (release writes every language: restore it from version control)"
    ]


def test_unreleased_version_fails_the_strict_build_but_previews(minimal: FixtureSite) -> None:
    prepare_3_0(minimal)
    assert minimal.problems() == []  # a draft is valid source ...
    build = minimal.build()
    assert build.returncode != 0  # ... but is not published by a strict build
    assert ("docs/privacy/index.sv.md: privacy 3.0 is not released yet; run `policypress release privacy` to publish "
            "it (until then the site shows 2.1)") in build.output
    check = minimal.policypress("check")
    assert check.returncode == 0 and "note: privacy 3.0 is not released yet" in check.stdout


def test_build_needs_no_git_history(history: FixtureSite, announced: Build) -> None:
    # The fixture is a plain copy in tmp_path: no .git anywhere above it that holds these files.
    assert not (history.root / ".git").exists()
    assert (announced.site / "privacy/3.0/index.html").is_file()


# --- pages -------------------------------------------------------------------------------------------


def body_text(build: Build, page: str) -> str:
    """The policy text of a page, without the revision facts and notices above it."""
    article = build.html(page).select_one("article")
    for element in article.select(".pp-revision, .pp-notice, .pp-state, h1, .md-content__button"):
        element.decompose()
    return " ".join(article.get_text(" ").split())


def test_every_revision_has_a_permanent_page_in_both_languages(announced: Build) -> None:
    for prefix in ("", "en/"):
        for version in ("2.1", "3.0"):
            assert (announced.site / f"{prefix}privacy/{version}/index.html").is_file()
    assert "Du kan begära ut dina uppgifter." in body_text(announced, "privacy/2.1/index.html")
    assert "You can ask for and correct your data." in body_text(announced, "en/privacy/3.0/index.html")


def test_permanent_pages_keep_their_text_when_new_revisions_come(history: FixtureSite, announced: Build, tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "before")
    before = site.build()
    assert before.returncode == 0
    for page in ("privacy/2.1/index.html", "en/privacy/2.1/index.html"):
        assert body_text(before, page) == body_text(announced, page)


def test_superseded_revision_says_so_and_links_to_the_current_one(history: FixtureSite) -> None:
    build = history.build(today=dt.date(2026, 12, 5), site_dir=history.root / "site-effective")
    assert build.returncode == 0, build.output
    for page, text, period in (
        ("privacy/2.1/index.html", "Detta är en tidigare version som inte längre gäller.", "1 mars 2026 – 30 november 2026"),
        ("en/privacy/2.1/index.html", "This is an earlier version that is no longer in effect.", "March 1, 2026 – November 30, 2026"),
    ):
        html = build.html(page)
        notice = html.select_one('[data-pp-state="superseded"]')
        assert notice is not None and text in notice.get_text()
        assert notice.select_one("a")["href"] == "../"  # the stable URL, which now shows 3.0
        assert " ".join(html.select_one(".pp-revision dd time").parent.get_text().split()) == period
    assert build.html("privacy/index.html").select_one("[data-pp-version]").get_text() == "3.0"
    assert build.html("privacy/index.html").select(".pp-notice") == []


def test_revision_selector_lists_every_revision(announced: Build) -> None:
    for page in ("privacy/index.html", "privacy/2.1/index.html", "en/privacy/3.0/index.html"):
        items = announced.html(page).select(".pp-versions li")
        assert [" ".join(li.select_one("a").get_text().split()) for li in items] == ["Version 3.0", "Version 2.1"]
        base = announced.site / Path(page).parent
        for link in announced.html(page).select(".pp-versions a"):
            assert (base / link["href"] / "index.html").resolve().is_file(), link["href"]
    current = announced.html("en/privacy/3.0/index.html").select_one('.pp-versions a[aria-current="page"]')
    assert current.get_text() == "Version 3.0"


# --- announced changes --------------------------------------------------------------------------------


def test_announced_revision_keeps_the_stable_page_on_the_one_in_force(announced: Build) -> None:
    for page, announcement in (
        ("privacy/index.html", "En ny version (3.0) börjar gälla 1 december 2026."),
        ("en/privacy/index.html", "A new version (3.0) takes effect on December 1, 2026."),
    ):
        html = announced.html(page)
        assert html.select_one("[data-pp-version]").get_text() == "2.1"
        notice = html.select_one(".pp-notice")
        assert notice.select_one(".admonition-title").get_text() == announcement
        assert [a["href"] for a in notice.select("a")] == ["3.0/", "3.0/changes/"]
    assert "Du kan begära ut dina uppgifter." in body_text(announced, "privacy/index.html")
    upcoming = announced.html("privacy/3.0/index.html").select_one('[data-pp-state="upcoming"]')
    assert "Denna version börjar gälla 1 december 2026." in upcoming.get_text()


def test_before_publication_the_revision_does_not_exist(history: FixtureSite) -> None:
    build = history.build(today=dt.date(2026, 9, 1), site_dir=history.root / "site-early")
    assert build.returncode == 0, build.output
    assert not (build.site / "privacy/3.0/index.html").exists()
    assert not (build.site / "privacy/3.0/changes/index.html").exists()
    assert build.html("privacy/index.html").select(".pp-notice") == []
    assert [e.title for e in feedparser.parse(str(build.site / "changes.atom")).entries] == [
        "Integritetspolicy 2.1 gäller från 1 mars 2026"
    ]


# --- diff ---------------------------------------------------------------------------------------------


def test_diff_marks_words_inside_changed_paragraphs_and_table_cells(announced: Build) -> None:
    html = announced.html("privacy/3.0/changes/index.html")
    diff = html.select_one(".pp-diff")
    inserted = [" ".join(i.get_text(" ").split()) for i in diff.select("ins")]
    deleted = [" ".join(d.get_text(" ").split()) for d in diff.select("del")]
    # Each mark starts and ends with text for screen readers.
    assert "Tillagd text: och rätta slut på tillagd text." in inserted
    assert "Borttagen text: 3 slut på borttagen text." in deleted
    assert "Tillagd text: 2 slut på tillagd text." in inserted
    cell = diff.select_one("tr.pp-changed-item")
    assert cell is not None and "Beställningar" in cell.get_text()
    # The new section is one inserted block.
    assert any(i.select_one("h2") and "Klagomål" in i.get_text() for i in diff.select("ins.pp-block"))
    stats = html.select_one(".pp-diff-stats").get_text()
    assert stats == "2 ändrade stycken och 2 tillagda stycken."


def test_diff_in_english(announced: Build) -> None:
    diff = announced.html("en/privacy/3.0/changes/index.html").select_one(".pp-diff")
    inserted = [" ".join(i.get_text(" ").split()) for i in diff.select("ins")]
    assert "Added text: and correct end of added text." in inserted
    assert "Removed text: 3 end of removed text." in [" ".join(d.get_text(" ").split()) for d in diff.select("del")]


def test_example_diff_collapses_unchanged_sections(example_build: Build) -> None:
    html = example_build.html("privacy/3.0/changes/index.html")
    collapsed = [" ".join(s.get_text().split()) for s in html.select("details.pp-unchanged > summary")]
    assert "Oförändrat avsnitt: Vem som ansvarar för dina uppgifter" in collapsed
    assert "Oförändrat avsnitt: Dina rättigheter" in collapsed
    # The changed section is open, with the new purpose as an inserted table row.
    row = html.select_one(".pp-diff tr.pp-inserted-item")
    assert row is not None and "Personliga kaffetips" in row.get_text()


def without_marks(element: Tag) -> Tag:
    """An element of a diff page as the new revision reads it: deletions and hidden texts left out,
    insertions unwrapped."""
    copy = BeautifulSoup(str(element), "lxml").find(element.name)
    for node in copy.select("del, .pp-visually-hidden"):
        node.decompose()
    for node in copy.select("ins"):
        node.unwrap()
    return copy


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_example_diff_keeps_the_changed_rows_names_labels_and_lines(example_build: Build, prefix: str) -> None:
    """The one register row 3.0 changes keeps its bold name, italic labels and lines like its
    unchanged neighbours, and only the changed number is marked (issue 21 §2)."""
    diff_page = example_build.html(f"{prefix}privacy/3.0/changes/index.html")
    (row,) = diff_page.select(".pp-diff tr.pp-changed-item")
    source = example_build.html(f"{prefix}privacy/3.0/index.html").select_one(
        f'.pp-register tr[data-pp-purpose="{row["data-pp-purpose"]}"]')
    shape = [(e.name, e.get("class"), " ".join(e.get_text(" ").split())) for e in without_marks(row).find_all(True)]
    assert shape == [(e.name, e.get("class"), " ".join(e.get_text(" ").split())) for e in source.find_all(True)]
    assert row.select("em") and row.select(".pp-register__name") and len(row.select("div.pp-register__detail")) > 2
    hidden = [" ".join(h.get_text().split()) for h in row.select(".pp-visually-hidden")]
    assert [(m.name, m.get_text().strip()) for m in row.select("ins, del")] == [
        ("del", f"{hidden[0]} 90 {hidden[1]}"), ("ins", f"{hidden[2]} 60 {hidden[3]}")]


def intro(build: Build, path: str) -> str:
    return " ".join(build.html(path).select_one(".pp-diff-intro p").get_text().split())


def test_the_diff_intro_names_the_earlier_version_in_the_tense_of_its_state(example_build: Build) -> None:
    """2.0 is in force, 3.0 takes effect later, 1.1 is history (issue 21 §2)."""
    assert intro(example_build, "privacy/3.0/changes/index.html").endswith("jämförd med version 2.0, som gäller sedan 1 juni 2025.")
    assert intro(example_build, "privacy/3.1/changes/index.html").endswith("jämförd med version 3.0, som börjar gälla 1 januari 2027.")
    assert "jämförd med version 1.1, som gällde från" in intro(example_build, "privacy/2.0/changes/index.html")
    assert intro(example_build, "en/privacy/3.0/changes/index.html").endswith("compared with version 2.0, in effect since 1 June 2025.")
    assert intro(example_build, "en/privacy/3.1/changes/index.html").endswith(
        "compared with version 3.0, which takes effect on 1 January 2027.")


# How each language says that the earlier version is in effect now, was, or will be.
TENSES = {
    "sv": {"current": "som gäller sedan", "superseded": "som gällde från", "upcoming": "som börjar gälla"},
    "en": {"current": "in effect since", "superseded": "in effect from", "upcoming": "which takes effect on"},
    "fi": {"current": "joka on voimassa", "superseded": "joka oli voimassa", "upcoming": "joka tulee voimaan"},
    "de": {"current": "gültig seit", "superseded": "gültig ab", "upcoming": "in Kraft tritt"},
}


@pytest.mark.parametrize("language", TENSES)
def test_the_diff_intro_has_a_tense_for_each_state_in_every_language(language: str) -> None:
    from jinja2 import Environment, FileSystemLoader

    from policypress.core.diff import Stats
    from policypress.core.texts import strings

    env = Environment(loader=FileSystemLoader(Path(archive.__file__).resolve().parent.parent / "templates"))
    template = env.get_template("partials/policypress/diff.html")
    for state, words in TENSES[language].items():
        entry = {"version": "3.0", "effective": {"text": "D1"}, "url": "../", "summary": "S"}
        pp = {"this": entry, "previous": {**entry, "version": "2.0", "state": state}, "changelog_url": "c/"}
        html = BeautifulSoup(template.render(t=strings(language), pp=pp, diff="", stats=Stats(), stats_text=""), "lxml")
        # What is said of the earlier version, after its number (the new one's state comes before).
        text = " ".join(html.select_one(".pp-diff-intro p").get_text().split()).split(" 2.0", 1)[1]
        others = [w for s, w in TENSES[language].items() if s != state]
        assert words in text and not any(w in text for w in others), (state, text)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_whole_change_from_the_version_in_force_to_the_latest_announced(example_build: Build, prefix: str) -> None:
    """3.0 and 3.1 are both announced while 2.0 is in force: 3.1 is also compared with 2.0, and the
    notice, the 3.1 diff and the comparison link to each other (issue 21 §2)."""
    whole = example_build.html(f"{prefix}privacy/3.1/changes/from-2.0/index.html")
    assert "2.0" in whole.title.get_text() and "3.1" in whole.title.get_text()
    steps = whole.select(".pp-diff-steps li")
    assert [li.a["href"] for li in steps] == ["../../../3.0/changes/", "../"]
    # It holds what 3.0 changes (logs kept 60 days, no longer 90) and what 3.1 changes.
    marks = {m.name: [" ".join(x.get_text().split()) for x in whole.select(f".pp-diff {m.name}")] for m in whole.select("ins, del")}
    assert any(" 60 " in f" {m} " for m in marks["ins"]) and any(" 90 " in f" {m} " for m in marks["del"])
    step_diffs = [example_build.html(f"{prefix}privacy/{v}/changes/index.html") for v in ("3.0", "3.1")]
    inserted = {" ".join(i.get_text().split()) for i in whole.select(".pp-diff ins")}
    assert all(inserted & {" ".join(i.get_text().split()) for i in page.select(".pp-diff ins")} for page in step_diffs)
    # The stable page's notice of 3.1 and the 3.1 diff link to it; the notice of 3.0 does not.
    notices = example_build.html(f"{prefix}privacy/index.html").select(".pp-notice")
    assert [[a["href"] for a in n.select("a")] for n in notices] == [
        ["3.0/", "3.0/changes/"], ["3.1/", "3.1/changes/", "3.1/changes/from-2.0/"]]
    assert "from-2.0/" in [a["href"] for a in step_diffs[1].select(".pp-diff-links a")]
    assert "from-" not in str(step_diffs[0].select_one(".pp-diff-intro"))
    # Search engines and the language switcher know it in both languages.
    other = "en/" if not prefix else ""
    assert whole.select_one(f'link[rel="alternate"][hreflang][href$="/{other}privacy/3.1/changes/from-2.0/"]') is not None
    assert f"{prefix}privacy/3.1/changes/from-2.0/" in (example_build.site / "sitemap.xml").read_text()


@pytest.fixture(scope="module")
def in_january(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example built on the day 3.0 takes effect."""
    build = copy_example(tmp_path_factory.mktemp("january")).build(dt.date(2027, 1, 1))
    assert build.returncode == 0, build.output
    return build


def test_the_whole_change_keeps_its_address_once_the_next_version_is_in_force(in_january: Build) -> None:
    """With 3.0 in force, 3.1's own diff is the whole change: the notice links to that only, and
    the comparison with 2.0 stays where it was published."""
    (notice,) = in_january.html("privacy/index.html").select(".pp-notice")
    assert [a["href"] for a in notice.select("a")] == ["3.1/", "3.1/changes/"]
    assert intro(in_january, "privacy/3.1/changes/index.html").endswith("jämförd med version 3.0, som gäller sedan 1 januari 2027.")
    assert intro(in_january, "privacy/3.1/changes/from-2.0/index.html").endswith(
        "jämförd med version 2.0, som gällde från 1 juni 2025.")


def test_unchanged_sections_are_collapsed() -> None:
    from policypress.core.diff import render
    from policypress.core.texts import strings

    old = "<p>Intro.</p><h2>A</h2><p>Same.</p><h2>B</h2><p>Old words here.</p>"
    new = "<p>Intro.</p><h2>A</h2><p>Same.</p><h2>B</h2><p>New words here.</p>"
    result = render(old, new, strings("en"), lambda u: u, lambda u: u)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(result.html, "lxml")
    assert [s.get_text() for s in soup.select("details.pp-unchanged > summary")] == ["1 unchanged passage", "Unchanged section: A"]
    assert (result.stats.changed, result.stats.inserted, result.stats.deleted) == (1, 0, 0)


def test_diff_links_work_from_the_diff_page(announced: Build) -> None:
    page = announced.site / "privacy/3.0/changes/index.html"
    for link in announced.html("privacy/3.0/changes/index.html").select(".pp-diff-intro a, .pp-diff a[href]"):
        href = link["href"]
        if href.startswith(("http", "mailto:")):
            continue
        target = (page.parent / href.split("#")[0]).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href


# --- changelog and feeds ----------------------------------------------------------------------------------


def test_changelogs_per_policy_and_site_wide(announced: Build) -> None:
    for page, language in (("privacy/changelog/index.html", "sv"), ("en/changelog/index.html", "en")):
        html = announced.html(page)
        rows = html.select("table.pp-changelog tbody tr")
        assert [r["data-pp-version"] for r in rows] == ["3.0", "2.1"]
        cells = [" ".join(td.get_text(" ").split()) for td in rows[0].select("td")]
        if language == "sv":
            assert cells[-6:-1] == ["3.0 (kommande)", "1 oktober 2026", "1 december 2026", "Större ändring",
                                    "Beställningar sparas kortare och du kan klaga hos IMY."]
        else:
            assert cells[0] == "Privacy policy" and cells[1] == "3.0 (upcoming)" and cells[4] == "Major change"
        links = [a["href"] for a in rows[0].select("a")]
        base = announced.site / Path(page).parent
        for href in links:
            assert (base / href / "index.html").resolve().is_file(), href
        feeds = [a["href"] for a in html.select(".pp-feeds a")]
        assert len(feeds) == 3 and all((base / href).resolve().is_file() for href in feeds)


def test_every_page_advertises_the_feeds(announced: Build) -> None:
    for page in ("index.html", "en/privacy/index.html", "privacy/3.0/changes/index.html", "en/changelog/index.html"):
        links = announced.html(page).select('head link[rel="alternate"][type]')
        types = sorted(link["type"] for link in links)
        assert types == ["application/atom+xml", "application/atom+xml", "application/feed+json"]
        base = announced.site / Path(page).parent
        assert all((base / link["href"]).resolve().is_file() for link in links)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_atom_feed_lists_every_public_revision(announced: Build, language: str) -> None:
    prefix = "" if language == "sv" else "en/"
    feed = feedparser.parse((announced.site / f"{prefix}changes.atom").read_bytes())
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.feed.language == language
    assert [e.id for e in feed.entries] == [
        f"tag:policies.fixture.example,2026-10-01:privacy/3.0/{language}",
        f"tag:policies.fixture.example,2026-02-01:privacy/2.1/{language}",
    ]
    newest = feed.entries[0]
    assert newest.published == "2026-10-01T00:00:00+00:00"  # announced from its publication, before it takes effect
    assert newest.link == f"https://policies.fixture.example/{prefix}privacy/3.0/"
    assert f"https://policies.fixture.example/{prefix}privacy/3.0/changes/" in newest.content[0].value
    summary = "Beställningar sparas kortare och du kan klaga hos IMY." if language == "sv" else "Orders are kept for less time and you can complain to IMY."
    assert newest.summary == summary
    assert [(t.term, t.label) for t in newest.tags] == [
        ("major", None), ("privacy", "Integritetspolicy" if language == "sv" else "Privacy policy")]
    # The first version is neither a major nor a minor change.
    first = feed.entries[1]
    assert [t.term for t in first.tags] == ["first", "privacy"]
    assert ("Första versionen." if language == "sv" else "First version.") in first.content[0].value
    # Written by the controller; the alternate is the readable changelog.
    assert feed.feed.author_detail == {"name": "Fixture AB", "email": "privacy@fixture.example"}
    assert feed.feed.link == f"https://policies.fixture.example/{prefix}changelog/"
    assert feed.feed.subtitle and feed.feed.icon == "https://policies.fixture.example/assets/images/favicon.png"


def test_major_changes_feed_and_json_feed(announced: Build) -> None:
    major = feedparser.parse((announced.site / "en/major-changes.atom").read_bytes())
    assert major.bozo == 0 and [e.id.rsplit(":", 1)[1] for e in major.entries] == ["privacy/3.0/en"]
    # JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the fields the spec requires, of its types.
    document = json.loads((announced.site / "changes.json").read_text())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["language"] == "sv"
    assert document["feed_url"] == "https://policies.fixture.example/changes.json"
    assert document["home_page_url"] == "https://policies.fixture.example/changelog/"
    assert document["authors"] == [{"name": "Fixture AB"}]
    assert document["description"] and document["favicon"] == "https://policies.fixture.example/assets/images/favicon.png"
    assert document["icon"] == "https://policies.fixture.example/assets/policypress/feed-icon.png"  # 512×512: test_sharing
    items = document["items"]
    assert [item["id"] for item in items] == [
        "tag:policies.fixture.example,2026-10-01:privacy/3.0/sv", "tag:policies.fixture.example,2026-02-01:privacy/2.1/sv"
    ]
    for item in items:
        assert item["content_html"] and item["url"].startswith("https://policies.fixture.example/privacy/")
        assert dt.datetime.fromisoformat(item["date_published"]).tzinfo is not None  # RFC 3339, with offset
    assert items[0]["title"] == "Integritetspolicy 3.0 gäller från 1 december 2026" and items[0]["tags"] == ["major", "privacy"]


def test_feed_ids_are_stable_across_builds(history: FixtureSite, announced: Build) -> None:
    later = history.build(today=dt.date(2027, 1, 5), site_dir=history.root / "site-later")
    assert later.returncode == 0
    ids = [e.id for e in feedparser.parse((later.site / "changes.atom").read_bytes()).entries]
    assert ids == [e.id for e in feedparser.parse((announced.site / "changes.atom").read_bytes()).entries]

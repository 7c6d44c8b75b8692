"""Commands never destroy user data, and each mistake gives one clear message (issue 12, parts 1
and 6).

The tests are one table, CASES, in the style of test_errors.py. Each case copies the minimal
fixture into a git work tree with a file of the user's own (`notes.txt`), makes its edits, runs
one or more `policypress` commands and lists:

- the exit code and the exact standard error of every command (the same for each of them:
  `policypress check` and `policypress build` accept and refuse the same things);
- what must still be there afterwards; and for every case, the whole project, `.git` included,
  is byte for byte what it was before the command.

Successful builds are tested after the table: where the site goes, the marker, the permissions.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, FixtureSite, copy_site, run_cli
from policypress.core.texts import STRINGS
from policypress.core.reference import field_link
from policypress.plugins.config import PolicyConfig

SV = "docs/privacy/index.sv.md"
EN = "docs/privacy/index.en.md"
MARKER = ".policypress-site"
# The end of every refusal of a site folder that holds what must never be replaced.
OWN_FOLDER = "nothing was changed. Build into a folder of the site's own, such as site (-d, or site_dir in mkdocs.yml)"
NOT_OURS = ("exists and was not built by `policypress build` (it has no .policypress-site file), so it may hold "
            "files of yours; nothing was changed. Move or empty it, or build into another folder (-d, or site_dir "
            "in mkdocs.yml)")


# --- edits ---------------------------------------------------------------------------------------

Edit = Callable[[Path], None]


def replace(file: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        text = (root / file).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not found in {file}"
        (root / file).write_text(text.replace(old, new), encoding="utf-8")

    return edit


def write(file: str, text: str = "") -> Edit:
    def edit(root: Path) -> None:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text(text, encoding="utf-8")

    return edit


def copy(file: str, to: str) -> Edit:
    def edit(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / file, root / to)

    return edit


def move(folder: str, to: str) -> Edit:
    def edit(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        (root / folder).rename(root / to)

    return edit


def config(line: str) -> Edit:
    """A line added at the end of mkdocs.yml (inside the policypress plugin's options when it is
    indented)."""
    def edit(root: Path) -> None:
        with (root / "mkdocs.yml").open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    return edit


def language(locale: str, name: str) -> Edit:
    """A third language in mkdocs-static-i18n's options."""
    return replace("mkdocs.yml", "          name: English\n", f"          name: English\n        - locale: {locale}\n          name: {name}\n")


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    edits: Sequence[Edit]
    commands: Sequence[Sequence[str]]
    code: int
    # The exact standard error; {parent} stands for the folder that holds the project.
    stderr: str
    kept: Sequence[str] = ("notes.txt", "docs/privacy/index.sv.md", "mkdocs.yml", ".git/HEAD")
    # Only the problems printed (indented), for commands whose heading is another's (release).
    problems_only: bool = False


def refused(target: str, reason: str) -> str:
    return f"policypress: will not build into {target}: it {reason}; {OWN_FOLDER}\n"


BUILD = ("build",)
BOTH = (("check",), ("build",))

CASES = [
    # 1. Commands must never destroy user data.
    Case("build_into_the_project_folder", [], [("build", "-d", ".")], 2,
         refused(".", "is the project folder (where mkdocs.yml is)")),
    Case("build_into_the_folder_above_the_project", [], [("build", "-d", "..")], 2,
         refused("{parent}", "contains the project folder (where mkdocs.yml is)")),
    Case("build_into_the_docs_folder", [], [("build", "-d", "docs")], 2,
         refused("docs", "is the docs folder (docs)")),
    Case("build_into_a_folder_inside_the_docs", [], [("build", "-d", "docs/privacy")], 2,
         refused("docs/privacy", "lies inside the docs folder (docs)")),
    Case("build_into_a_folder_that_holds_the_docs",
         [move("docs", "src/docs"), config("docs_dir: src/docs")], [("build", "-d", "src")], 2,
         refused("src", "contains the docs folder (src/docs)"), kept=("src/docs/privacy/index.sv.md", ".git/HEAD")),
    Case("build_into_the_config_file", [], [("build", "-d", "mkdocs.yml")], 2,
         refused("mkdocs.yml", "is the config file (mkdocs.yml)")),
    Case("build_into_a_git_work_tree", [write("vendor/lib/.git/HEAD", "ref: refs/heads/main\n")],
         [("build", "-d", "vendor/lib")], 2, refused("vendor/lib", "is the root of a git work tree"),
         kept=("vendor/lib/.git/HEAD", ".git/HEAD")),
    Case("build_into_the_git_folder", [], [("build", "-d", ".git")], 2,
         f"policypress: will not build into .git: it {NOT_OURS}\n"),
    Case("site_dir_of_mkdocs_yml_is_the_docs_folder", [config("site_dir: docs")], BOTH, 2,
         refused("docs", "is the docs folder (docs)")),
    Case("site_dir_of_mkdocs_yml_is_the_project_folder", [config("site_dir: .")], BOTH, 2,
         refused(".", "is the project folder (where mkdocs.yml is)")),
    Case("a_site_folder_policypress_did_not_build", [write("site/index.html", "mine\n")], [BUILD], 2,
         f"policypress: will not build into site: it {NOT_OURS}\n", kept=("site/index.html", "notes.txt")),
    Case("a_file_where_the_site_would_go", [], [("build", "-d", "notes.txt")], 2,
         "policypress: will not build into notes.txt: it is a file; nothing was changed. Build into a folder "
         "(-d, or site_dir in mkdocs.yml)\n"),
    Case("a_site_folder_that_holds_a_git_work_tree",
         [write(f"site/{MARKER}"), write("site/deploy/.git/HEAD", "ref: refs/heads/gh-pages\n")], [BUILD], 2,
         "policypress: will not build into site: it contains the root of a git work tree (site/deploy/.git); "
         "nothing was changed. Move it out of the site folder\n", kept=("site/deploy/.git/HEAD", ".git/HEAD")),
    # 6. One clear message, the same from `policypress check` and `policypress build`.
    Case("a_language_policypress_has_no_texts_in", [language("xh", "isiXhosa")], BOTH, 2,
         "policypress: mkdocs.yml:20: plugins.i18n.languages[2].locale: expected a language policypress has "
         f"interface texts in ({', '.join(STRINGS)}), found 'xh': without them its pages would show policypress's "
         "headings, notices and banner in English; set 'build: false' for xh until policypress has its texts\n"),
    # A language policypress has texts in (a catalog), added after the policy was released.
    Case("a_third_language_the_policy_is_not_written_in_yet", [language("de", "Deutsch")], [("check",)], 1,
         "policypress found 1 problem:\n  docs/privacy/index.sv.md: policy 'privacy' has no de text; expected "
         "docs/privacy/index.de.md (every policy is published in every language)\n"),
    Case("a_plugin_option_of_the_wrong_kind", [replace("mkdocs.yml", "appointed: false", "appointed: unknown")], BOTH, 2,
         "policypress: mkdocs.yml:25: plugins.policypress.dpo.appointed: expected true or false, found text 'unknown'\n"
         f"  see: {field_link('plugins.policypress.dpo.appointed')}\n"),
    Case("plugin_options_misspelt_and_of_the_wrong_kind",
         [config("      controler:\n        name: Fixture AB"), config("      rights: eu-gdpr:A15")], BOTH, 2,
         "policypress: mkdocs.yml:29: plugins.policypress.controler: unknown option 'controler'; did you mean "
         f"'controller'? expected one of: {', '.join(name for name, _ in PolicyConfig._schema)}\n"
         f"  see: {field_link('plugins.policypress')}\n"
         "policypress: mkdocs.yml:31: plugins.policypress.rights: expected a list (items on lines starting with "
         f"'- ' or [a, b]), found text 'eu-gdpr:A15'\n  see: {field_link('plugins.policypress.rights')}\n"),
    Case("consent_kept_longer_than_13_months", [config("      consent:\n        max_age_days: 1000")], BOTH, 2,
         "policypress: mkdocs.yml:30: plugins.policypress.consent.max_age_days: expected 1 to 395 days (at most "
         "13 months), found number 1000\n"),
    Case("material_consent_settings_that_a_strict_build_refuses", [config("extra:\n  consent:\n    title: Cookies")],
         [("check",)], 1,
         "policypress found 1 problem:\n  mkdocs.yml:30: extra.consent: expected no settings for Material's own "
         "consent form, which the policypress banner replaces, found some; remove extra.consent\n"),
    Case("a_policy_id_used_twice", [copy(SV, "docs/terms/index.sv.md"), copy(EN, "docs/terms/index.en.md")],
         [("check",)], 1,
         "policypress found 1 problem:\n  docs/terms/index.sv.md:2: policy: expected each policy id once, found "
         f"'privacy' also in docs/privacy/index.sv.md; give one of them another id\n    see: {field_link('policy')}\n"),
    Case("a_renamed_policy_id",
         [replace(SV, "policy: privacy", "policy: integrity"), replace(EN, "policy: privacy", "policy: integrity")],
         [("check",)], 1,
         "policypress found 1 problem:\n  docs/privacy/index.sv.md:2: policy: expected 'privacy', the id of the "
         "released revisions next to it, found 'integrity' (also in docs/privacy/index.en.md); a released policy "
         f"keeps its id: change it back\n    see: {field_link('policy')}\n"),
    Case("a_yaml_error_in_the_living_text_during_release",
         [replace(SV, "title: Integritetspolicy", "title: [Integritetspolicy")], [("release", "privacy")], 1,
         "docs/privacy/index.sv.md:4: YAML syntax error, column 8: did not find expected ',' or ']' "
         "(while parsing a flow sequence)\n", problems_only=True),
    # With its English text unreadable, release wrote the Swedish text alone.
    Case("a_yaml_error_in_a_translation_during_release",
         [replace(SV, 'version: "2.1"', 'version: "2.2"'), replace(SV, "effective: 2026-03-01", "effective: 2026-12-01"),
          replace(SV, "summary: Nyhetsbrevet har fått en egen rad.", "summary: Ny."),
          replace(EN, "title: Privacy policy", "title: [Privacy policy")], [("release", "privacy")], 1,
         "docs/privacy/index.en.md:4: YAML syntax error, column 8: did not find expected ',' or ']' "
         "(while parsing a flow sequence)\n", problems_only=True),
]


def tree(root: Path) -> dict[str, str]:
    """Every file and folder of the project (`.git` included) with a hash of its content."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
            for path in sorted(root.rglob("*"))}


@pytest.fixture
def project(tmp_path: Path) -> FixtureSite:
    """The minimal fixture as a committed git work tree, with a file of the user's own."""
    site = copy_site(FIXTURES / "minimal", tmp_path / "project")
    (site.root / "notes.txt").write_text("my notes\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=site.root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site.root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start"],
                   cwd=site.root, check=True)
    return site


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_mistake_is_refused_with_one_message_and_nothing_is_lost(project: FixtureSite, case: Case) -> None:
    for edit in case.edits:
        edit(project.root)
    before = tree(project.root.parent)
    for command in case.commands:
        result = project.policypress(*command)
        stderr = result.stderr
        if case.problems_only:
            assert "Traceback" not in stderr
            stderr = "".join(line.strip() + "\n" for line in stderr.splitlines() if line.startswith("  "))
        assert (result.returncode, stderr) == (case.code, case.stderr.format(parent=project.root.parent)), command
        assert tree(project.root.parent) == before, f"{command} changed the project"
    for path in case.kept:
        assert (project.root / path).exists(), path


CHECKED = [c for c in CASES if c.commands == [("check",)]]


@pytest.mark.parametrize("case", CHECKED, ids=[c.id for c in CHECKED])
def test_a_build_refuses_what_check_refuses_in_the_same_words(project: FixtureSite, case: Case) -> None:
    for edit in case.edits:
        edit(project.root)
    build = project.build()
    assert build.returncode == 1 and "Traceback" not in build.output
    for line in case.stderr.splitlines()[1:]:
        assert line.strip() in build.output


# --- successful builds -----------------------------------------------------------------------


def modes(folder: Path) -> set[tuple[str, str]]:
    """The permissions of the site's folders and files, by kind."""
    found = {("folder", oct(folder.stat().st_mode & 0o777))}
    for path in folder.rglob("*"):
        found.add(("folder" if path.is_dir() else "file", oct(path.stat().st_mode & 0o777)))
    return found


def test_the_site_goes_where_mkdocs_puts_it_marked_and_readable_by_everyone(project: FixtureSite, tmp_path: Path) -> None:
    # site_dir of mkdocs.yml, relative to mkdocs.yml (not to where the command runs).
    config("site_dir: public")(project.root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    previous = os.umask(0o022)
    try:
        result = run_cli(["build", "-f", str(project.root / "mkdocs.yml")], elsewhere)
    finally:
        os.umask(previous)
    public = project.root / "public"
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"policypress: site built into {public}")
    assert list(elsewhere.iterdir()) == []
    assert (public / MARKER).is_file() and (public / "privacy/index.html").is_file()
    assert modes(public) == {("folder", "0o755"), ("file", "0o644")}
    assert not list(project.root.glob(".site-*")), "no staging folder is left behind"


def test_a_site_policypress_built_is_replaced_whole_and_the_umask_is_followed(project: FixtureSite) -> None:
    (project.root / "site").mkdir()  # an empty folder holds nothing to lose
    assert project.policypress("build").returncode == 0
    (project.root / "site/stale.html").write_text("from an earlier build\n", encoding="utf-8")
    previous = os.umask(0o027)
    try:
        result = project.policypress("build")
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    site = project.root / "site"
    assert not (site / "stale.html").exists() and (site / MARKER).is_file()
    assert modes(site) == {("folder", "0o750"), ("file", "0o640")}

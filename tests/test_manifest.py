"""Issue 22, section 3: every released revision is protected, those sealed before the chain of
seals existed and the latest one included, by the manifest of its folder.

- BREAKS changes a copy of the example site (privacy 1.0–3.1 and cookies 1.0–1.1 sealed before
  the chain, cookies 1.2 chained) and lists the exact problems `check` reports. Before the
  manifest, every row but the last two said "no problems".
- `policypress seal` writes the manifests once; `policypress release` keeps them up to date.
- A shallow clone (`git clone --depth 1`, as CI makes) checks exactly as a full one, because no
  check reads history; what only history could show is shown too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, Build, FixtureSite, copy_example, run_cli
from policypress.core import archive, manifest
from policypress.core.manifest import MANIFEST_NAME
from test_revisions import prepare_3_0, snapshot

PRIVACY = f"docs/privacy/{MANIFEST_NAME}"
COOKIES = f"docs/cookies/{MANIFEST_NAME}"
RESTORE = "restore it from version control, or if this site never had one, run `policypress seal` once and commit it"


def delete(*names: str) -> Callable[[FixtureSite], None]:
    def edit(site: FixtureSite) -> None:
        for name in names:
            site.path(name).unlink()
    return edit


def both(folder: str, version: str) -> tuple[str, str]:
    return f"{folder}/{version}.sv.md", f"{folder}/{version}.en.md"


def missing(version: str, policy: str = "privacy") -> str:
    return (f"docs/{policy}/{MANIFEST_NAME}: released revision {version} of policy '{policy}' is missing: this "
            f"manifest records it; restore docs/{policy}/{version}.en.md and docs/{policy}/{version}.sv.md from "
            f"version control")


def slip_in_2_5(site: FixtureSite) -> None:
    """A 2.5 sealed by hand as revisions were before the chain, dated between 2.0 and 3.0."""
    for language in ("sv", "en"):
        text = archive.unsealed(site.read(f"privacy/2.0.{language}.md")).replace('version: "2.0"', 'version: "2.5"')
        text = text.replace("effective: 2025-06-01", "effective: 2026-01-01").replace("summary: ", "summary: 2.5. ", 1)
        site.write(f"privacy/2.5.{language}.md", archive.seal(text, dt.date(2025, 12, 1)))


def slipped_in(language: str) -> str:
    return (f"docs/privacy/2.5.{language}.md: expected only released revisions that {PRIVACY} lists, found 2.5 "
            f"({language}), which it does not: `policypress release` did not write it; remove "
            f"docs/privacy/2.5.{language}.md, or restore {PRIVACY} from version control")


def replace_2_0_en(site: FixtureSite) -> None:
    """2.0 (en) edited and sealed again by hand, in the form of its time."""
    text = archive.unsealed(site.read("privacy/2.0.en.md")).replace("IP address", "IP-address", 1)
    site.write("privacy/2.0.en.md", archive.seal(text, dt.date(2025, 4, 15)))


def line(site: FixtureSite, relative: str, key: str) -> int:
    """The line of `relative` that starts with `key:`."""
    return next(number for number, text in enumerate(site.read(relative).splitlines(), 1) if text.startswith(f"{key}:"))


def replaced(site: FixtureSite) -> list[str]:
    found = archive.recorded_hash(site.read("privacy/2.0.en.md")) or ""
    return [f"docs/privacy/2.0.en.md:{line(site, 'privacy/2.0.en.md', 'sha256')}: sha256: expected 7a015a6dc326…, "
            f"the hash of 2.0 that {PRIVACY} records, found {found[:12]}…: released revision 2.0 of policy 'privacy' "
            f"was replaced; restore docs/privacy/2.0.en.md from version control"]


def edit_manifest(edit: Callable[[dict], None]) -> Callable[[FixtureSite], None]:
    """The privacy manifest changed by hand, its own hash left as it was."""
    def change(site: FixtureSite) -> None:
        record = json.loads(site.read(f"privacy/{MANIFEST_NAME}"))
        edit(record)
        site.write(f"privacy/{MANIFEST_NAME}", json.dumps(record, indent=1))
    return change


def without_1_1(site: FixtureSite) -> None:
    edit_manifest(lambda record: record["policies"]["privacy"].pop("1.1"))(site)
    delete(*both("privacy", "1.1"))(site)


def no_manifest(versions: str, policy: str = "privacy") -> str:
    return (f"docs/{policy}/index.sv.md: policy '{policy}' has released revisions ({versions}) but no manifest that "
            f"records them, so one deleted would go unnoticed; expected docs/{policy}/{MANIFEST_NAME}: {RESTORE}")


def not_as_written(why: str) -> str:
    return f"{PRIVACY}: {why}; expected it as `policypress release` wrote it: restore it from version control"


def cookies_gone(site: FixtureSite) -> None:
    for path in site.path("cookies").glob("*.md"):
        path.unlink()


@dataclass(frozen=True)
class Break:
    id: str
    edit: Callable[[FixtureSite], None]
    after: Callable[[FixtureSite], list[str]]


BREAKS = [
    Break("privacy 1.1 deleted (the issue's example)", delete(*both("privacy", "1.1")), lambda s: [missing("1.1")]),
    Break("cookies 1.0 deleted, the first revision", delete(*both("cookies", "1.0")),
          lambda s: [missing("1.0", "cookies")]),
    Break("privacy 3.1 deleted, the latest (the living text looked unreleased)", delete(*both("privacy", "3.1")),
          lambda s: [missing("3.1")]),
    Break("privacy 2.5 slipped in, sealed by hand", slip_in_2_5, lambda s: [slipped_in("en"), slipped_in("sv")]),
    Break("privacy 2.0 (en) replaced, sealed again by hand", replace_2_0_en, replaced),
    Break("the manifest deleted", delete(f"privacy/{MANIFEST_NAME}"),
          lambda s: [no_manifest("1.0, 1.1, 2.0, 3.0, 3.1")]),
    Break("the manifest deleted with privacy 1.1", delete(f"privacy/{MANIFEST_NAME}", *both("privacy", "1.1")),
          lambda s: [no_manifest("1.0, 2.0, 3.0, 3.1")]),
    Break("the manifest edited to leave out privacy 1.1, which is deleted", without_1_1,
          lambda s: [not_as_written("was edited: its content no longer matches the sha256 it records")]),
    Break("every file of cookies deleted but the manifest", cookies_gone,
          lambda s: [f"{COOKIES}: policy 'cookies' is missing: this manifest records its released revisions (1.0, 1.1, "
                     f"1.2), and no file of it is left; restore its files from version control"]),
    Break("a manifest that is not JSON", lambda s: s.write(f"privacy/{MANIFEST_NAME}", "{"),
          lambda s: [not_as_written("is not the JSON `policypress release` writes (Expecting property name enclosed in "
                                    "double quotes: line 1 column 2 (char 1))")]),
    # Before the manifest too: the chain names cookies 1.1, once (1.2's seal records it).
    Break("cookies 1.1 deleted, which the chain names", delete(*both("cookies", "1.1")),
          lambda s: [f"docs/cookies/1.2.{lang}.md:{line(s, f'cookies/1.2.{lang}.md', 'previous')}: previous: released revision 1.1 of "
                     f"policy 'cookies' is missing: 1.2 (docs/cookies/1.2.{lang}.md) was released after it (its seal "
                     f"records the hash of 1.1); restore docs/cookies/1.1.{lang}.md from version control"
                     for lang in ("en", "sv")]),
    Break("nothing broken", lambda s: None, lambda s: []),
]


@pytest.mark.parametrize("case", BREAKS, ids=[c.id for c in BREAKS])
def test_every_released_revision_is_protected(tmp_path: Path, case: Break) -> None:
    site = copy_example(tmp_path / "site")
    case.edit(site)
    assert site.problems() == case.after(site)


@pytest.mark.parametrize("text, why", [
    ('{"about": "", "policies": {}, "policies": {}, "sha256": ""}',
     "is not as `policypress release` writes it: the key 'policies' appears twice"),
    ('{"policies": {}, "sha256": ""}',
     "is not as `policypress release` writes it: expected the keys about, policies and sha256, found ['policies', "
     "'sha256']"),
    ('{"about": "", "policies": {"privacy": {"1.0": {"sv": "e332"}}}, "sha256": ""}',
     "is not as `policypress release` writes it: expected version '1.0' of 'privacy' to map each language to a sha256 "
     "(64 hex digits)"),
    ('{"about": "", "policies": {"privacy": {"1.0\\n": {"sv": "' + "0" * 64 + '"}}}, "sha256": ""}',
     "is not as `policypress release` writes it: expected version '1.0\\n' of 'privacy' to map each language to a "
     "sha256 (64 hex digits)"),
], ids=["a key twice", "a key missing", "a short hash", "a version with a line break"])
def test_a_manifest_not_as_release_writes_it(minimal: FixtureSite, text: str, why: str) -> None:
    minimal.write(f"privacy/{MANIFEST_NAME}", text)
    assert minimal.problems() == [not_as_written(why)]
    result = minimal.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 1 and f"  {not_as_written(why)}" in result.stderr.splitlines()


def test_the_example_site_lists_every_released_revision() -> None:
    """privacy 1.0–3.1 and cookies 1.0–1.2, with the hashes their seals record, the sealed files
    as they were (the manifest was added next to them)."""
    for policy, versions in (("privacy", ["1.0", "1.1", "2.0", "3.0", "3.1"]), ("cookies", ["1.0", "1.1", "1.2"])):
        known = manifest.read(ROOT / "docs" / policy)
        assert known is not None and list(known.policies) == [policy]
        assert list(known.versions(policy)) == versions
        for version in versions:
            for language in ("sv", "en"):
                text = (ROOT / f"docs/{policy}/{version}.{language}.md").read_text(encoding="utf-8")
                assert archive.is_intact(text)
                assert known.versions(policy)[version][language] == archive.recorded_hash(text)
        files = sorted(path.name for path in (ROOT / "docs" / policy).glob("[0-9]*.md"))
        assert files == sorted(f"{version}.{language}.md" for version in versions for language in ("sv", "en"))


def test_the_manifest_is_not_published(example_build: Build) -> None:
    """The strict build of the example site passes and leaves the manifests out of the site, as
    MkDocs leaves out every hidden file."""
    assert example_build.returncode == 0
    assert list(example_build.site.rglob(".policypress-*")) == []


# --- policypress seal ------------------------------------------------------------------------------


def unsealed_example(target: Path) -> FixtureSite:
    """The example site as it was before manifests: no manifest next to its revisions."""
    site = copy_example(target)
    for folder in ("privacy", "cookies"):
        site.path(f"{folder}/{MANIFEST_NAME}").unlink()
    return site


def test_seal_writes_the_manifests_once(tmp_path: Path) -> None:
    """Before: the example site had no manifest, so `check` could not see a revision go."""
    site = unsealed_example(tmp_path / "site")
    assert site.problems() == [no_manifest("1.0, 1.1, 1.2", "cookies"), no_manifest("1.0, 1.1, 2.0, 3.0, 3.1")]
    result = site.policypress("seal")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"policypress: wrote {COOKIES}: cookies 1.0, 1.1, 1.2 in en, sv; commit it with the revisions",
        f"policypress: wrote {PRIVACY}: privacy 1.0, 1.1, 2.0, 3.0, 3.1 in en, sv; commit it with the revisions",
    ]
    for folder in ("privacy", "cookies"):  # what the repository holds is what the command writes
        assert site.path(f"{folder}/{MANIFEST_NAME}").read_bytes() == (ROOT / f"docs/{folder}/{MANIFEST_NAME}").read_bytes()
    assert site.problems() == []
    again = site.policypress("seal")
    assert (again.returncode, again.stdout) == (0, "policypress: every folder with released revisions has its "
                                                   "manifest; nothing to write\n")


def test_seal_records_no_damaged_history(tmp_path: Path) -> None:
    site = unsealed_example(tmp_path / "site")
    site.replace("privacy/1.1.en.md", "IP address", "IP-address")
    before = snapshot(site)
    result = site.policypress("seal")
    assert result.returncode == 1
    assert result.stderr.startswith("policypress: no manifest was written.\npolicypress found 1 problem:\n"
                                    "  docs/privacy/1.1.en.md: was edited after it was released")
    assert snapshot(site) == before


def test_seal_never_replaces_a_manifest(tmp_path: Path) -> None:
    """A manifest that is there but wrong is restored from version control, not written anew
    over what may be a deleted revision."""
    site = copy_example(tmp_path / "site")
    without_1_1(site)
    before = snapshot(site)
    result = site.policypress("seal")
    assert result.returncode == 1
    assert f"  {not_as_written('was edited: its content no longer matches the sha256 it records')}" in result.stderr.splitlines()
    assert snapshot(site) == before


# --- policypress release ----------------------------------------------------------------------------


def test_release_adds_its_revision_to_the_manifest(minimal: FixtureSite) -> None:
    prepare_3_0(minimal)
    assert minimal.policypress("release", "privacy", "--date", "2026-10-01").returncode == 0
    known = manifest.read(minimal.path("privacy"))
    assert known is not None and list(known.versions("privacy")) == ["2.1", "3.0"]
    for language in ("sv", "en"):
        assert known.versions("privacy")["3.0"][language] == archive.recorded_hash(minimal.read(f"privacy/3.0.{language}.md"))
    assert minimal.problems() == []


def test_a_first_release_writes_the_manifest(minimal: FixtureSite) -> None:
    minimal.unrelease()
    assert not minimal.path(f"privacy/{MANIFEST_NAME}").exists()
    assert minimal.policypress("release", "privacy", "--date", "2026-02-15").returncode == 0
    known = manifest.read(minimal.path("privacy"))
    assert known is not None and list(known.versions("privacy")) == ["2.1"]
    assert minimal.problems() == []


def test_release_without_a_manifest_is_refused(minimal: FixtureSite) -> None:
    """The next release does not write a manifest over revisions whose manifest is missing: it
    may have been deleted with one of them."""
    minimal.path(f"privacy/{MANIFEST_NAME}").unlink()
    prepare_3_0(minimal)
    before = snapshot(minimal)
    result = minimal.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"  docs/privacy/index.sv.md: policy 'privacy' has released revisions (2.1) but no manifest that records them, "
        f"so one deleted would go unnoticed; expected docs/privacy/{MANIFEST_NAME}: {RESTORE}")
    assert snapshot(minimal) == before


# --- a shallow clone ---------------------------------------------------------------------------------

GIT = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=GIT, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site in git: `main` as released, and a branch for each way to lose revisions,
    each one commit on top of it, as a pull request would bring them."""
    root = tmp_path_factory.mktemp("repository") / "site"
    copy_example(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the site")
    for branch, paths in {"one-deleted": ["docs/privacy/1.1.sv.md", "docs/privacy/1.1.en.md"],
                          "all-deleted": [f"docs/privacy/{name}" for name in (MANIFEST_NAME, *(
                              f"{v}.{lang}.md" for v in ("1.0", "1.1", "2.0", "3.0", "3.1") for lang in ("sv", "en")))]}.items():
        git(root, "checkout", "-q", "-b", branch, "main")
        git(root, "rm", "-q", *paths)
        git(root, "commit", "-q", "-m", f"{branch}")
    git(root, "checkout", "-q", "main")
    return root


def shallow(repository: Path, branch: str, target: Path) -> Path:
    git(target.parent, "clone", "-q", "--depth", "1", "--branch", branch, f"file://{repository}", str(target))
    assert git(target, "rev-list", "--count", "HEAD").strip() == "1"  # no history at all
    assert (target / ".git/shallow").is_file()
    return target


def test_a_shallow_clone_checks_as_a_full_one(repository: Path, tmp_path: Path) -> None:
    clean = run_cli(["check"], shallow(repository, "main", tmp_path / "main"))
    assert (clean.returncode, clean.stderr) == (0, "")
    deleted = run_cli(["check"], shallow(repository, "one-deleted", tmp_path / "one"))
    assert deleted.returncode == 1
    assert deleted.stderr.splitlines()[1:] == [f"  {missing('1.1')}"]


def test_what_only_history_shows(repository: Path, tmp_path: Path) -> None:
    """Every revision of a policy deleted together with its manifest leaves a site that looks as
    if the policy was never released: no file records it. `check` passes, and says the living
    text is not released; the deletion shows in the change (git diff), also in a shallow clone."""
    clone = shallow(repository, "all-deleted", tmp_path / "all")
    result = run_cli(["check"], clone)
    assert (result.returncode, result.stderr) == (0, "")
    assert "note: privacy 3.1 is not released yet; run `policypress release privacy` to publish it" in result.stdout
    git(clone, "fetch", "-q", "--depth", "2", "origin", "all-deleted")
    assert f"D\tdocs/privacy/{MANIFEST_NAME}" in git(clone, "diff", "--name-status", "HEAD~1", "HEAD")


"""Issue 12, sections 3 and 4: a history that cannot silently lose a revision, and a release
that is atomic and exclusive.

Tables, each row a case with what happened before the fix and what must happen now:

- HISTORY breaks a copy of a site whose revisions are chained (2.1 sealed before the chain
  existed, 3.0 and 4.0 released by `policypress release`) and lists the exact problems.
- FAULTS makes `policypress release` fail in one way (a read-only folder, a full disk, a failing
  rename, another release running): one clear line, exit status 1, no file left behind.
- KILLS ends a release process in the middle, as a crash or `kill -9` would: `check` says what
  happened, and the next release completes or rolls it back and says which.
- PLANTED (issue 22, section 2) puts a journal no release wrote in a policy folder, as a pull
  request could: `check` and `release` name it, and nothing is deleted.

Concurrent releases and the example site are the tests after the tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT, FixtureSite, copy_example, copy_site
from policypress.core import archive, journal
from policypress.core.manifest import MANIFEST_NAME
from policypress.core.load import load_site
from policypress.core.release import exclusive
from test_revisions import prepare_3_0, snapshot

PY = "docs/privacy"
JOURNAL = f"{PY}/{journal.JOURNAL_NAME}"


def prepare_4_0(site: FixtureSite) -> None:
    """The living text (at 3.0) edited into a major version 4.0, in effect 2027-02-01."""
    for language in ("sv", "en"):
        site.replace(f"privacy/index.{language}.md", 'version: "3.0"', 'version: "4.0"')
        site.replace(f"privacy/index.{language}.md", "summary: ", "summary: Version 4. ")
    site.replace("privacy/index.sv.md", "effective: 2026-12-01", "effective: 2027-02-01")


def release(site: FixtureSite, day: str) -> str:
    result = site.policypress("release", "privacy", "--date", day)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    """The minimal site with 3.0 ready to release (do not change it: copy it)."""
    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("draft") / "site")
    prepare_3_0(site)
    return site


@pytest.fixture(scope="module")
def chained(draft: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    """2.1 sealed before the chain existed, then 3.0 and 4.0 released by the command."""
    site = copy_site(draft.root, tmp_path_factory.mktemp("chained") / "site")
    release(site, "2026-10-01")
    prepare_4_0(site)
    release(site, "2026-11-01")
    return site


def at(site: FixtureSite, relative: str, key: str) -> str:
    """`docs/privacy/4.0.sv.md:67`: the file and the line that starts with `key:`."""
    lines = site.read(relative).splitlines()
    return f"docs/{relative}:{next(n for n, line in enumerate(lines, 1) if line.startswith(f'{key}:'))}"


def order(site: FixtureSite) -> dict[str, str]:
    """The languages in the order release writes them: {first} and {second} in messages."""
    first, second = site.load().site.policies["privacy"].paths
    return {"first": first, "second": second}


def recorded(site: FixtureSite, relative: str, key: str) -> str:
    """The value of a seal line (`sha256`, `previous`) as the file has it."""
    match = re.search(rf"^{key}: (.*)$", site.read(relative), re.M)
    assert match, (relative, key)
    return match.group(1)


# --- HISTORY: a revision deleted, replaced, slipped in or copied ----------------------------------


def reseal(site: FixtureSite, relative: str, edit: Callable[[str], str], published: str, language: str,
           previous: archive.Link | None = None) -> None:
    """A released file changed and sealed again by hand (anyone with write access can), linked
    to `previous` or else, as before, to the revision before it."""
    previous = previous or archive.parse_previous(recorded(site, relative, "previous"))
    text = edit(archive.unsealed(site.read(relative)))
    site.write(relative, archive.seal(text, dt.date.fromisoformat(published), language, previous))


def delete(version: str) -> Callable[[FixtureSite], None]:
    def edit(site: FixtureSite) -> None:
        for language in ("sv", "en"):
            site.path(f"privacy/{version}.{language}.md").unlink()
    return edit


def replace_3_0_en(site: FixtureSite) -> None:
    reseal(site, "privacy/3.0.en.md", lambda t: t.replace("You can ask for", "You may ask for"), "2026-10-01", "en")


def slip_in_3_5(site: FixtureSite) -> None:
    """A 3.5 sealed by hand after 3.0, with dates between those of 3.0 and 4.0."""
    def edit(text: str) -> str:
        text = text.replace('version: "3.0"', 'version: "3.5"').replace("summary: ", "summary: 3.5. ", 1)
        return text.replace("effective: 2026-12-01", "effective: 2027-01-01")

    for language in ("sv", "en"):
        site.write(f"privacy/3.5.{language}.md", site.read(f"privacy/3.0.{language}.md"))
        reseal(site, f"privacy/3.5.{language}.md", edit, "2026-10-15", language,
               ("3.0", recorded(site, f"privacy/3.0.{language}.md", "sha256")))


def german_from_english(site: FixtureSite) -> None:
    """A third language whose texts are copies of the English ones."""
    for name in ("index", "2.1", "3.0", "4.0"):
        shutil.copy(site.path(f"privacy/{name}.en.md"), site.path(f"privacy/{name}.de.md"))


def missing(version: str, after: str) -> Callable[[FixtureSite], list[str]]:
    def problems(site: FixtureSite) -> list[str]:
        return [f"{at(site, f'privacy/{after}.{lang}.md', 'previous')}: previous: released revision {version} of policy "
                f"'privacy' is missing: {after} ({PY}/{after}.{lang}.md) was released after it (its seal records the "
                f"hash of {version}); restore {PY}/{version}.{lang}.md from version control" for lang in ("en", "sv")]
    return problems


def replaced(site: FixtureSite) -> list[str]:
    expected = recorded(site, "privacy/4.0.en.md", "previous").split()[1]
    found = recorded(site, "privacy/3.0.en.md", "sha256")
    return [f"{at(site, 'privacy/3.0.en.md', 'sha256')}: sha256: expected {expected[:12]}…, the hash of 3.0 that 4.0 "
            f"({PY}/4.0.en.md) records, found {found[:12]}…: released revision 3.0 of policy 'privacy' was replaced "
            f"after 4.0 was released; restore {PY}/3.0.en.md from version control"]


def slipped_in(site: FixtureSite) -> list[str]:
    return [f"{PY}/3.5.{lang}.md: released revision 3.5 of policy 'privacy' was not released before 4.0: 4.0 "
            f"({PY}/4.0.{lang}.md) was released right after 3.0 (its seal records so); expected no revision in "
            f"between: remove {PY}/3.5.{lang}.md, or restore the history from version control" for lang in ("en", "sv")]


def copied(site: FixtureSite) -> list[str]:
    return [f"{PY}/2.1.de.md: expected the de text of released revision 2.1, found the same file as {PY}/2.1.en.md; "
            f"a released text cannot be made by copying: remove {PY}/2.1.de.md, or restore it from version control",
            *(f"{at(site, f'privacy/{v}.de.md', 'language')}: language: expected \"de\", the language in the file's "
              f"name, found \"en\": this is the en text of revision {v}; a released text cannot be made by copying: "
              f"remove {PY}/{v}.de.md, or restore it from version control" for v in ("3.0", "4.0"))]


@dataclass(frozen=True)
class History:
    id: str
    before: str  # what happened before issue 12
    edit: Callable[[FixtureSite], None]
    after: Callable[[FixtureSite], list[str]]  # exactly these problems, read from the broken site
    languages: tuple[str, ...] = ("sv", "en")


HISTORY = [
    History("deleted revision", "not detected: 3.0 vanished from the site and the diff of 4.0 compared it with 2.1",
            delete("3.0"), missing("3.0", "4.0")),
    History("deleted revision sealed before the chain", "not detected: 2.1 vanished, 3.0 passed as the first version",
            delete("2.1"), missing("2.1", "3.0")),
    History("replaced revision", "not detected: a resealed 3.0 passed as the revision that was released",
            replace_3_0_en, replaced),
    History("revision slipped in", "not detected: a hand-sealed 3.5 appeared between 3.0 and 4.0",
            slip_in_3_5, slipped_in),
    History("English copied as German", "the copies passed as the German texts", german_from_english, copied,
            ("sv", "en", "de")),
    History("nothing broken", "valid", lambda site: None, lambda site: []),
]


@pytest.mark.parametrize("case", HISTORY, ids=[c.id for c in HISTORY])
def test_history_cannot_lose_a_revision(chained: FixtureSite, tmp_path: Path, case: History) -> None:
    site = copy_site(chained.root, tmp_path / "site")
    case.edit(site)
    result = load_site(site.docs, list(case.languages), "sv", root=site.root)
    assert [str(problem) for problem in result.problems] == case.after(site)


def test_archives_sealed_before_the_chain_stay_valid_and_start_it(chained: FixtureSite) -> None:
    for language in ("sv", "en"):
        old = f"privacy/2.1.{language}.md"
        assert chained.path(old).read_bytes() == (FIXTURES / "minimal/docs" / old).read_bytes()
        assert recorded(chained, f"privacy/3.0.{language}.md", "previous") == f"2.1 {recorded(chained, old, 'sha256')}"
        assert recorded(chained, f"privacy/3.0.{language}.md", "language") == f'"{language}"'
        assert archive.is_intact(chained.read(f"privacy/4.0.{language}.md"))
    assert chained.problems() == []


def test_the_example_site_still_checks_clean() -> None:
    """Its revisions sealed before the chain are valid as they are, byte for byte; those
    released since are chained to them."""
    sealed = sorted((ROOT / "docs").rglob("[0-9]*.md"))
    assert sealed and all(archive.is_intact(path.read_text(encoding="utf-8")) for path in sealed)
    result = subprocess.run([str(ROOT / ".venv/bin/policypress"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout


# --- FAULTS: the release cannot write, or another one is running ----------------------------------


Inject = Callable[[pytest.MonkeyPatch, FixtureSite, contextlib.ExitStack], None]


def cannot_create(code: int, where: Callable[[FixtureSite, Path], bool]) -> Inject:
    """Creating a file fails with `code` where `where` says (os.open is how release creates files;
    tests run as root, where a chmod would not stop a write)."""
    def inject(monkeypatch: pytest.MonkeyPatch, site: FixtureSite, stack: contextlib.ExitStack) -> None:
        real = os.open

        def fake(path: str | Path, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & os.O_CREAT and where(site, Path(path)):
                raise OSError(code, os.strerror(code), str(path))
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake)
    return inject


def disk_full_writing(name: str) -> Inject:
    """Writing into a file whose name contains `name` fails: no space left on the device."""
    def inject(monkeypatch: pytest.MonkeyPatch, site: FixtureSite, stack: contextlib.ExitStack) -> None:
        real = os.write

        def fake(handle: int, data: bytes) -> int:
            if name in os.readlink(f"/proc/self/fd/{handle}"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(handle, data)

        monkeypatch.setattr(os, "write", fake)
    return inject


def second_link_fails(monkeypatch: pytest.MonkeyPatch, site: FixtureSite, stack: contextlib.ExitStack) -> None:
    """The first language gets its name; giving the second one its name fails."""
    real, calls = os.link, []

    def fake(source: str | Path, target: str | Path, *args: Any, **kwargs: Any) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(source), None, str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", fake)


def another_release_running(monkeypatch: pytest.MonkeyPatch, site: FixtureSite, stack: contextlib.ExitStack) -> None:
    stack.enter_context(exclusive(site.docs, site.root))


@dataclass(frozen=True)
class Fault:
    id: str
    before: str
    inject: Inject
    after: str  # the one line on stderr after "policypress: privacy was not released: "; {second}: see `order`


FAULTS = [
    Fault("read-only docs/", "traceback (PermissionError)",
          cannot_create(errno.EROFS, lambda site, path: site.docs in path.parents),
          "cannot write docs/: Read-only file system; nothing was written"),
    Fault("read-only policy folder", "traceback (PermissionError)",
          cannot_create(errno.EACCES, lambda site, path: path.parent == site.path("privacy")),
          "cannot write docs/privacy/: Permission denied; nothing was written"),
    Fault("disk full: no file can be created", "traceback (OSError: No space left on device)",
          cannot_create(errno.ENOSPC, lambda site, path: site.docs in path.parents),
          "cannot write docs/: No space left on device; nothing was written"),
    Fault("disk full while writing the Swedish text", "traceback (OSError: No space left on device)",
          disk_full_writing(".3.0.sv.md."), "cannot write docs/privacy/3.0.sv.md: No space left on device; nothing was written"),
    Fault("disk full while writing the journal", "(there was no journal)",
          disk_full_writing(journal.JOURNAL_NAME), "cannot write docs/privacy/: No space left on device; nothing was written"),
    Fault("the second rename fails", "traceback; the first language was removed again",
          second_link_fails, "cannot write docs/privacy/3.0.{second}.md: Input/output error; nothing was written"),
    Fault("another release running", "both printed 'released' and the files matched only one",
          another_release_running, "another `policypress release` is running (it holds docs/.policypress-release.lock); "
                                   "nothing was written; run this one again when it has finished"),
]


@pytest.mark.parametrize("case", FAULTS, ids=[c.id for c in FAULTS])
def test_a_release_that_cannot_write_says_so_and_leaves_nothing(draft: FixtureSite, tmp_path: Path, case: Fault) -> None:
    site = copy_site(draft.root, tmp_path / "site")
    names = order(site)
    with pytest.MonkeyPatch.context() as monkeypatch, contextlib.ExitStack() as stack:
        case.inject(monkeypatch, site, stack)
        before = snapshot(site)
        result = site.policypress("release", "privacy", "--date", "2026-10-01")
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == f"policypress: privacy was not released: {case.after.format(**names)}\n"
        assert snapshot(site) == before
    release(site, "2026-10-01")  # once the fault is gone, nothing stands in the way


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_released_files_follow_the_umask_and_nothing_hidden_stays(draft: FixtureSite, tmp_path: Path,
                                                                   umask: int, mode: int) -> None:
    """Before: 0600, from the temporary files they were made of."""
    site = copy_site(draft.root, tmp_path / "site")
    previous = os.umask(umask)
    try:
        release(site, "2026-10-01")
    finally:
        os.umask(previous)
    for language in ("sv", "en"):
        assert site.path(f"privacy/3.0.{language}.md").stat().st_mode & 0o777 == mode
    assert [p for p in site.docs.rglob(".*")] == [site.path(f"privacy/{MANIFEST_NAME}")]


# --- KILLS: a release process that ends in the middle ---------------------------------------------


KILLED = """
import os, sys
from policypress.cli import main
real, calls = os.{function}, []
def fake(path, *args, **kwargs):
    if {counts}:
        calls.append(path)
        if len(calls) == 2:
            os._exit(137)  # as a kill -9: no clean-up runs
    return real(path, *args, **kwargs)
os.{function} = fake
sys.exit(main(["release", "privacy", "--date", "2026-10-01"]))
"""


@dataclass(frozen=True)
class Kill:
    id: str
    before: str
    function: str  # the os function whose second call kills the process
    counts: str  # which calls count (a Python expression of `path`)
    check: str  # the one problem `check` reports meanwhile ({first}, {second}: see `order`)
    recovered: str  # what the next release prints first
    published: str  # the release that is on disk in the end


KILLS = [
    Kill("between the renames", "one language released plus a hidden file; check said 'restore it from version "
         "control' though nothing was ever committed", "link", "True",
         f"{PY}/3.0.{{first}}.md: released revision 3.0 of policy 'privacy' has no {{second}} text yet: a `policypress release` of "
         f"privacy 3.0 was interrupted ({JOURNAL} records it); run `policypress release privacy` to complete it or "
         f"roll it back",
         f"policypress: completed the interrupted release of privacy 3.0: {PY}/3.0.{{first}}.md, {PY}/3.0.{{second}}.md",
         "2026-10-01"),
    Kill("while writing the files", "hidden temporary files stayed behind", "open", "str(path).endswith('.tmp')",
         f"{PY}/index.sv.md: a `policypress release` of privacy 3.0 was interrupted ({JOURNAL} records it); run "
         f"`policypress release privacy` to complete it or roll it back",
         "policypress: rolled back the interrupted release of privacy 3.0, which had not written all its files "
         "(removed what it had written)",
         "2026-10-02"),
    Kill("after the manifest, while removing the temporary files", "(there was no manifest)", "unlink", "True",
         f"{PY}/index.sv.md: a `policypress release` of privacy 3.0 was interrupted ({JOURNAL} records it); run "
         f"`policypress release privacy` to complete it or roll it back",
         "policypress: completed the interrupted release of privacy 3.0, which had written every file: removed the "
         "temporary files it left",
         "2026-10-01"),
]


@pytest.mark.parametrize("case", KILLS, ids=[c.id for c in KILLS])
def test_an_interrupted_release_is_completed_or_rolled_back(draft: FixtureSite, tmp_path: Path, case: Kill) -> None:
    site = copy_site(draft.root, tmp_path / "site")
    names = order(site)
    killed = subprocess.run([sys.executable, "-c", KILLED.format(function=case.function, counts=case.counts)],
                            cwd=site.root, capture_output=True, text=True)
    assert killed.returncode == 137, killed.stderr
    assert site.problems() == [case.check.format(**names)]
    # The kill left the lock file behind; the kernel released the lock itself.
    assert (site.docs / ".policypress-release.lock").exists()
    result = site.policypress("release", "privacy", "--date", "2026-10-02")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == case.recovered.format(**names)
    reference = copy_site(draft.root, tmp_path / "reference")
    release(reference, case.published)
    assert snapshot(site) == snapshot(reference)  # as if never interrupted; no hidden file left


# --- concurrency ----------------------------------------------------------------------------------


def test_concurrent_releases_release_once(draft: FixtureSite, tmp_path: Path) -> None:
    """Before: in 7 of 25 trials both printed 'released', with different dates, and the files
    matched only one of them. Now exactly one releases, and the files are its own. Ten trials
    catch that race 96 times in 100 (1 - (18/25)**10)."""
    dates = ("2026-10-01", "2026-10-02")
    for trial in range(10):
        site = copy_site(draft.root, tmp_path / f"trial-{trial}")
        runs = [subprocess.Popen([sys.executable, "-m", "policypress.cli", "release", "privacy", "--date", day],
                                 cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for day in dates]
        outputs = [run.communicate() for run in runs]
        codes = [run.returncode for run in runs]
        assert sorted(codes) == [0, 1], outputs
        winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
        assert outputs[winner][0].startswith("policypress: released privacy 3.0 (published "), outputs
        assert "released" not in outputs[loser][0]
        assert ("another `policypress release` is running" in outputs[loser][1]
                or 'expected a version above "3.0", which is already released' in outputs[loser][1]), outputs[loser]
        for language in ("sv", "en"):
            assert f"published: {dates[winner]}\n" in site.read(f"privacy/3.0.{language}.md")
        assert [p for p in site.docs.rglob(".*")] == [site.path(f"privacy/{MANIFEST_NAME}")]
        assert site.problems() == []


def test_a_release_interrupted_before_the_text_changed_is_rolled_back(draft: FixtureSite, tmp_path: Path) -> None:
    """Before: the next release completed the interrupted one, publishing the text as it was
    before the edit. Now what is completed is exactly the living text as it is."""
    site = copy_site(draft.root, tmp_path / "site")
    killed = subprocess.run([sys.executable, "-c", KILLED.format(function="link", counts="True")],
                            cwd=site.root, capture_output=True, text=True)
    assert killed.returncode == 137, killed.stderr
    for language in ("sv", "en"):
        site.replace(f"privacy/index.{language}.md", "summary: ", "summary: Edited. ")
    result = site.policypress("release", "privacy", "--date", "2026-10-02")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("policypress: rolled back the interrupted release of privacy 3.0, which "
                                             "had not written all its files (removed what it had written)")
    for language in ("sv", "en"):
        assert "summary: Edited. " in site.read(f"privacy/3.0.{language}.md")
        assert "published: 2026-10-02" in site.read(f"privacy/3.0.{language}.md")
    assert site.problems() == []


# --- PLANTED: a journal that no release wrote -----------------------------------------------------


TOKEN = "0000aaaa"
BOGUS = "0" * 64  # the hash of content that is nowhere: the release it claims looks unfinished


def sha(site: FixtureSite, relative: str) -> str:
    return hashlib.sha256(site.path(relative).read_bytes()).hexdigest()


def entry(site: FixtureSite, folder: str, name: str, temporary: str = "") -> list[str]:
    """A journal line for `name` with its current hash (as the issue's attack has it), or a
    hash no file has if there is no such file."""
    there = site.path(f"{folder}/{name}").is_file()
    return [temporary or f".{name}.{TOKEN}.tmp", name, sha(site, f"{folder}/{name}") if there else BOGUS]


@dataclass(frozen=True)
class Planted:
    id: str
    before: str  # what `policypress release cookies` did before the fix
    folder: str  # the folder of docs/ the journal is planted in
    policy: str
    version: str
    files: Callable[[FixtureSite], list[list[str]]]
    reason: str  # why it is not a release's journal, in the message
    prepare: Callable[[FixtureSite], None] = lambda site: None


PLANTED = [
    Planted("names a living text and a released revision (the issue's attack)",
            "deleted docs/privacy/index.sv.md and docs/privacy/1.1.sv.md", "privacy", "privacy", "3.2",
            lambda s: [entry(s, "privacy", "index.sv.md"), entry(s, "privacy", "1.1.sv.md"), entry(s, "privacy", "3.2.en.md")],
            "it names docs/privacy/index.sv.md, a living text, as a file the release writes"),
    Planted("records a version released before", "deleted docs/privacy/1.1.sv.md", "privacy", "privacy", "1.1",
            lambda s: [entry(s, "privacy", "1.1.sv.md"), [f".1.1.en.md.{TOKEN}.tmp", "1.1.en.md", BOGUS]],
            "it records version 1.1 of 'privacy', below 3.1, the latest one docs/privacy/.policypress-manifest.json "
            "lists; a release writes only a version above it"),
    Planted("records the latest version, released before", "deleted docs/privacy/3.1.sv.md", "privacy", "privacy", "3.1",
            lambda s: [entry(s, "privacy", "3.1.sv.md"), [f".3.1.en.md.{TOKEN}.tmp", "3.1.en.md", BOGUS]],
            "it records version 3.1 of 'privacy', which was released before: "
            "docs/privacy/.policypress-manifest.json lists it"),
    Planted("records another folder's policy", "deleted docs/privacy/1.1.sv.md", "privacy", "cookies", "1.3",
            lambda s: [entry(s, "privacy", "1.1.sv.md"), entry(s, "privacy", "1.3.en.md")],
            "it records a release of policy 'cookies', which has no living text in docs/privacy/ that can be read"),
    Planted("names a file outside its folder", "removed the journal and went on", "cookies", "cookies", "1.3",
            lambda s: [[f".1.3.sv.md.{TOKEN}.tmp", "../privacy/1.1.sv.md", sha(s, "privacy/1.1.sv.md")]],
            "it names docs/privacy/1.1.sv.md, outside docs/cookies/"),
    Planted("names a temporary file release never writes", "deleted docs/privacy/.notes.tmp", "privacy", "privacy",
            "3.2", lambda s: [entry(s, "privacy", "3.2.sv.md", temporary=".notes.tmp")],
            "it names docs/privacy/.notes.tmp as a temporary file, a name release never writes",
            lambda s: s.write("privacy/.notes.tmp", "an editor's notes\n")),
    Planted("names a file that is there but release did not write", "deleted docs/privacy/3.2.sv.md", "privacy",
            "privacy", "3.2", lambda s: [entry(s, "privacy", "3.2.sv.md"), entry(s, "privacy", "3.2.en.md")],
            f"docs/privacy/3.2.sv.md exists and is not the file that release wrote (a file release is still writing "
            f"is a hard link of its temporary file, .3.2.sv.md.{TOKEN}.tmp)",
            lambda s: s.write("privacy/3.2.sv.md", s.read("privacy/3.1.sv.md"))),
]


def plant(site: FixtureSite, case: Planted) -> str:
    case.prepare(site)
    record = {"policy": case.policy, "version": case.version, "files": case.files(site)}
    site.write(f"{case.folder}/{journal.JOURNAL_NAME}", json.dumps(record))
    return f"docs/{case.folder}/{journal.JOURNAL_NAME}"


def foreign(path: str, reason: str) -> str:
    return (f"{path}: expected the journal of an interrupted `policypress release`, found one that is not: {reason}; "
            f"nothing was changed, and `policypress release` changes nothing while it is there: remove it")


@pytest.mark.parametrize("case", PLANTED, ids=[c.id for c in PLANTED])
def test_a_planted_journal_is_named_and_nothing_is_deleted(tmp_path: Path, case: Planted) -> None:
    site = copy_example(tmp_path / "site")
    path = plant(site, case)
    before = snapshot(site)
    result = site.policypress("release", "cookies")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"policypress: cookies was not released: {foreign(path, case.reason)}\n"
    assert snapshot(site) == before
    assert foreign(path, case.reason) in site.problems()  # the file planted next to it has problems of its own


@pytest.mark.parametrize("content, reason", [
    (b"not a journal", "it is not a journal `policypress release` writes: not JSON (Expecting value: line 1 column 1 "
                       "(char 0))"),
    (json.dumps({"policy": "privacy", "version": "3.2", "files": []}).encode(),
     "it is not a journal `policypress release` writes: expected files as [temporary file, released file, sha256] "
     "entries"),
    (json.dumps({"policy": "privacy", "version": "three", "files": [["a", "b", BOGUS]]}).encode(),
     "it is not a journal `policypress release` writes: expected a policy id and a version \"major.minor\", found "
     "'privacy' and 'three'"),
], ids=["not JSON", "no files", "no version"])
def test_a_malformed_journal_is_named_and_left(tmp_path: Path, content: bytes, reason: str) -> None:
    """Before: removed without a word, as if a release had been interrupted while it began."""
    site = copy_example(tmp_path / "site")
    site.path(f"privacy/{journal.JOURNAL_NAME}").write_bytes(content)
    before = snapshot(site)
    result = site.policypress("release", "cookies")
    path = f"{PY}/{journal.JOURNAL_NAME}"
    assert (result.returncode, result.stderr) == (1, f"policypress: cookies was not released: {foreign(path, reason)}\n")
    assert snapshot(site) == before


def test_an_empty_journal_is_what_a_release_leaves_when_it_is_stopped_at_once(draft: FixtureSite, tmp_path: Path) -> None:
    """The one state a release stopped while it began to write its journal leaves: the journal
    alone, empty (the temporary files come after it is on disk). That journal is removed."""
    site = copy_site(draft.root, tmp_path / "site")
    site.path(f"privacy/{journal.JOURNAL_NAME}").write_bytes(b"")
    result = site.policypress("release", "privacy", "--date", "2026-10-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (f"policypress: removed {JOURNAL}, left by a release interrupted before it "
                                             f"wrote anything else")
    assert not site.path(f"privacy/{journal.JOURNAL_NAME}").exists() and site.problems() == []

"""`policypress release <policy>`: freeze the living text of a policy, in every language.

A release is refused, with every reason at once and nothing written, when the policy has any
problem (languages disagree, a field is missing, an archive was edited, the text changed without
a new version), when its version is already released, when a summary was not updated, or when
dates would not increase.

Writing is exclusive and all or nothing:

- One release at a time per docs folder: `fcntl.flock` on `docs/.policypress-release.lock`,
  taken before the sources are read. The kernel releases a flock when its process ends, however
  it ends, so a crash or `kill -9` leaves no stale lock (a lock file created with O_EXCL would
  stay behind, and telling a stale one from a live one takes process ids, which mislead across
  containers and hosts). A second release started meanwhile stops at once and says so. The lock
  file is removed on the way out.
- Every language as one transaction: first a journal next to the policy names each temporary
  file, the released file it becomes and the hash of its content; then the temporary files and
  the folder's new manifest (`manifest.py`) are written and synced, the temporary files are
  linked to their names (never over an existing file), the manifest replaces the old one (from
  here on the release is done), and the temporary files and the journal are removed. A release
  interrupted at any point leaves its journal; the next `policypress release` completes it when
  every file's content is there, and otherwise rolls it back, and says which.
- Recovery trusts a journal only as far as the folder agrees with it (`journal.judge`): it never
  removes a living text or a revision released before, only temporary files by the names release
  gives them and a released file while it is still a hard link of its temporary file. A journal
  that no release of this project wrote is named, and nothing is changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import archive, durable, integrity, journal, manifest
from .load import LoadResult, load_site
from .model import Policy
from .problems import PolicyError, Problem, display_path

# Large services announce major changes this long before they take effect.
NOTICE_PERIOD = dt.timedelta(days=30)
LOCK_NAME = ".policypress-release.lock"


class ReleaseError(Exception):
    """The files of a release could not be written (or an earlier release not finished): one
    line for the user, which says what was left on disk."""


@dataclass
class Release:
    policy: Policy
    published: dt.date
    files: list[tuple[Path, str]]  # (archive file, sealed text)
    manifest: tuple[Path, bytes]  # the folder's manifest with this revision added
    notices: list[str] = field(default_factory=list)


@dataclass
class Recovered:
    """An interrupted release that `recover` finished: completed, or rolled back."""

    policy: str | None  # None when its journal was empty
    completed: bool
    message: str


def refusals(policy: Policy, published: dt.date, root: Path) -> list[Problem]:
    """Why the living text cannot be released on `published`: an unchanged version or summary,
    dates that would not increase, a revision already there."""
    living, latest = policy.living, policy.latest
    default = next(iter(living.texts))
    shown = living.texts[default].source
    problems: list[Problem] = []

    def refuse(field_name: str, message: str, source: str = shown) -> None:
        problems.append(Problem(source, None, field_name, message))

    if latest is not None and living.version == latest.version:
        refuse("version", f"expected a version above \"{latest.version}\", which is already released "
                          f"({latest.texts[default].source}); raise it to release a change")
    elif latest is not None:
        for language, text in living.texts.items():
            if text.summary == latest.texts[language].summary:
                refuse("summary", f"expected a summary of what changed in {living.version}, found the same text "
                                  f"as in {latest.version}", text.source)
        if living.effective <= latest.effective:
            refuse("effective", f"expected a date after {latest.effective} (when {latest.version} took effect), "
                                f"found {living.effective}")
        if latest.published and published < latest.published:
            refuse("", f"expected a release date on or after {latest.published} (when {latest.version} was "
                       f"released), found {published}")
    if living.effective < published:
        refuse("effective", f"expected a date on or after the release date {published}: a revision cannot take "
                            f"effect before it is published; found {living.effective}")
    for language, path in policy.paths.items():
        target = archive.archive_path(path, str(living.version), language)
        if target.exists():
            refuse("", f"expected no released revision {living.version} yet, found {display_path(target, root)}",
                   living.texts[language].source)
    return problems


def plan_release(result: LoadResult, policy_id: str, published: dt.date, root: Path) -> Release:
    """What releasing `policy_id` today would write; raises PolicyError instead if it must not."""
    if policy_id not in result.site.policies:
        problems = result.by_policy.get(policy_id)
        if problems:
            raise PolicyError(problems)
        known = ", ".join(sorted(set(result.site.policies) | set(result.by_policy))) or "none"
        raise PolicyError([Problem("release", None, "", f"expected the id of a policy ({known}), found {policy_id!r}")])

    if result.by_policy.get(policy_id):
        # Valid but incomplete (GDPR Art. 13): not fit to publish either.
        raise PolicyError(result.by_policy[policy_id])
    policy = result.site.policies[policy_id]
    living, latest = policy.living, policy.latest
    problems = refusals(policy, published, root)
    if problems:
        raise PolicyError(problems)

    def previous(language: str) -> archive.Link | None:
        """The revision this one follows in `language`, as its seal records it."""
        if latest is None:
            return None
        recorded = archive.recorded_hash(latest.texts[language].path.read_text(encoding="utf-8-sig"))
        return str(latest.version), recorded or ""

    files = [
        (archive.archive_path(path, str(living.version), language),
         archive.seal(path.read_text(encoding="utf-8-sig"), published, language, previous(language)))
        for language, path in policy.paths.items()
    ]
    hashes = {language: archive.recorded_hash(text) or "" for language, (_, text) in zip(policy.paths, files)}
    folder = files[0][0].parent
    records = result.records.get(folder)
    known = records.folder.manifest if records else None
    if known is None and records is not None and records.folder.released:
        # Another policy's revisions are here, and no manifest records them: one made now would not either.
        shown = records.manifest_shown
        raise PolicyError([Problem(shown, None, "", f"expected the manifest that records every released revision in "
                                                    f"{display_path(folder, root)}/, found none; run `policypress seal` "
                                                    f"first, or restore {shown} from version control")])
    entries = manifest.adding(known, policy.id, str(living.version), hashes)
    notices = []
    if living.is_major and living.effective - published < NOTICE_PERIOD and latest is not None:
        days = (living.effective - published).days
        notices.append(f"version {living.version} is a major change that takes effect in {days} days; "
                       f"customers are usually told at least {NOTICE_PERIOD.days} days before")
    return Release(policy, published, files, (folder / manifest.MANIFEST_NAME, manifest.encode(entries)), notices)


# --- writing ------------------------------------------------------------------------------------


@contextlib.contextmanager
def exclusive(docs_dir: Path, root: Path) -> Iterator[None]:
    """Hold the release lock of `docs_dir` for the block, or raise ReleaseError at once."""
    path = docs_dir / LOCK_NAME
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise ReleaseError(_cannot_write(docs_dir, error, root)) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # The previous holder removes the file before it unlocks: a lock on a removed file
            # would be no lock, so take it again on the file that is there now.
            if os.path.samestat(os.fstat(handle), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        except OSError as error:
            os.close(handle)
            if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                raise ReleaseError(f"another `policypress release` is running (it holds {display_path(path, root)}); "
                                   f"nothing was written; run this one again when it has finished") from None
            raise ReleaseError(f"cannot lock {display_path(path, root)}: {error.strerror}; nothing was written") from None
        os.close(handle)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(handle)


def write_release(release: Release, root: Path | None = None) -> None:
    """Write every file or none, as one transaction (see the module's docstring)."""
    folder = release.files[0][0].parent
    token = secrets.token_hex(4)
    contents = {target: text.encode("utf-8") for target, text in release.files}
    entry = journal.Journal(folder / journal.JOURNAL_NAME, release.policy.id, str(release.policy.living.version), token,
                            tuple((journal.temporary_name(target, token), target, hashlib.sha256(data).hexdigest())
                                  for target, data in contents.items()))
    manifest_path, manifest_data = release.manifest
    staged = journal.temporary_name(manifest_path, token)
    # What this process wrote, removed again if it cannot finish: released files first (while
    # their temporary names are there they are provably its own), the journal last.
    written: list[Path] = []
    try:
        durable.create(entry.path, entry.encode())
        written.append(entry.path)
        for temporary, target, _ in entry.files:
            durable.create(temporary, contents[target])
            written.insert(-1, temporary)
        durable.create(staged, manifest_data)
        written.insert(-1, staged)
        for temporary, target, _ in entry.files:
            durable.link(temporary, target)
            written.insert(0, target)
        durable.sync(folder)
        os.replace(staged, manifest_path)  # the release is done from here on
    except BaseException as error:
        try:
            durable.remove(written)
            undone = True
        except OSError:
            undone = False  # the journal stays: the next release rolls this one back
        if not isinstance(error, OSError):
            raise
        # Name the released file a temporary one was for, or else the folder (not the journal).
        named = {str(temporary): target for temporary, target, _ in entry.files} | {str(staged): manifest_path}
        raise ReleaseError(_cannot_write(named.get(error.filename, folder), error, root, undone)) from None
    with contextlib.suppress(OSError):  # done; what is left is removed by the next release
        durable.remove([temporary for temporary, _, _ in entry.files] + [entry.path])


def recover(docs_dir: Path, root: Path, languages: list[str], default_language: str) -> list[Recovered]:
    """Finish every release that was interrupted: complete it when the content of every file is
    there, as release wrote it, else roll it back. Raises ReleaseError, changing nothing, if a
    journal is not one a release of this project wrote."""
    if not any(docs_dir.rglob(journal.JOURNAL_NAME)):
        return []
    result = load_site(docs_dir, languages, default_language, root=root)
    found = sorted((records for records in result.records.values() if records.verdict), key=lambda r: r.folder.path)
    foreign = [records.verdict for records in found if records.verdict and records.verdict.state == "foreign"]
    if foreign:
        raise ReleaseError("\n".join(str(integrity.foreign_journal(verdict, root)) for verdict in foreign))
    return [_recover(records, root) for records in found]


def _recover(records: integrity.Records, root: Path) -> Recovered:
    verdict = records.verdict
    assert verdict is not None
    shown = display_path(verdict.path, root)
    if verdict.journal is None:  # begun: nothing but the journal was written
        _attempt(lambda: durable.remove([verdict.path]), "roll back the interrupted release", shown)
        return Recovered(None, False, f"removed {shown}, left by a release interrupted before it wrote anything else")
    entry = verdict.journal
    what = f"{entry.policy} {entry.version}"
    staged = journal.temporary_name(records.folder.path / manifest.MANIFEST_NAME, entry.token)
    temporaries = [temporary for temporary, _, _ in entry.files] + [staged, entry.path]
    if verdict.state == "finished":
        _attempt(lambda: durable.remove(temporaries), f"finish the release of {what}", shown)
        return Recovered(entry.policy, True, f"completed the interrupted release of {what}, which had written every "
                                             f"file: removed the temporary files it left")
    if _completable(entry, records):
        _attempt(lambda: _complete(entry, records, staged), f"complete the interrupted release of {what}", shown)
        written = ", ".join(display_path(target, root) for _, target, _ in entry.files)
        return Recovered(entry.policy, True, f"completed the interrupted release of {what}: {written}")
    own = [target for temporary, target, _ in entry.files if journal.is_own(temporary, target)]
    _attempt(lambda: durable.remove(own + temporaries), f"roll back the interrupted release of {what}", shown)
    return Recovered(entry.policy, False, f"rolled back the interrupted release of {what}, which had not written "
                                          f"all its files (removed what it had written)")


def _completable(entry: journal.Journal, records: integrity.Records) -> bool:
    """True when every file of the release is there, each exactly what release writes of the
    living text as it is now, after the latest revision the manifest lists."""
    known = records.folder.manifest
    latest = known.latest(entry.policy) if known else None
    living = records.folder.living[entry.policy]
    for temporary, target, sha256 in entry.files:
        language = journal.languages(entry, records.folder)[target]
        if not journal.is_own(temporary, target) and (target.exists() or journal.file_sha256(temporary) != sha256):
            return False
        previous = (latest, known.versions(entry.policy)[latest].get(language, "")) if known and latest else None
        if not archive.is_release_of(temporary.read_bytes(), living[language].read_text(encoding="utf-8-sig"),
                                     language, previous):
            return False
    return True


def _complete(entry: journal.Journal, records: integrity.Records, staged: Path) -> None:
    for temporary, target, _ in entry.files:
        if not target.exists():
            durable.link(temporary, target)
    languages = journal.languages(entry, records.folder)
    hashes = {languages[target]: archive.recorded_hash(target.read_text(encoding="utf-8")) or ""
              for _, target, _ in entry.files}
    entries = manifest.adding(records.folder.manifest, entry.policy, entry.version, hashes)
    staged.unlink(missing_ok=True)  # the manifest the interrupted release had staged, if any
    durable.create(staged, manifest.encode(entries))
    durable.sync(records.folder.path)
    os.replace(staged, records.folder.path / manifest.MANIFEST_NAME)
    durable.remove([temporary for temporary, _, _ in entry.files] + [entry.path])


def _attempt(action: Callable[[], None], doing: str, journal_shown: str) -> None:
    try:
        action()
    except OSError as error:
        raise ReleaseError(f"cannot {doing}: {error.strerror}; {journal_shown} still records it, for the next "
                           f"`policypress release` to try again") from None


def _cannot_write(path: Path, error: OSError, root: Path | None, undone: bool = True) -> str:
    where = display_path(path, root) + ("/" if path.is_dir() else "")
    if undone:
        return f"cannot write {where}: {error.strerror}; nothing was written"
    return (f"cannot write {where}: {error.strerror}, nor remove what this release had written; the next "
            f"`policypress release` rolls it back")

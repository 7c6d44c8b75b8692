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
  file, the released file it becomes and the hash of its content; then the temporary files are
  written and synced, linked to their names (never over an existing file) and the journal is
  removed. A release interrupted at any point leaves its journal; the next `policypress release`
  completes it when every file's content is there, and otherwise rolls it back, and says which.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import archive
from .load import LoadResult
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
    notices: list[str] = field(default_factory=list)


@dataclass
class Recovered:
    """An interrupted release that `recover` finished: completed, or rolled back."""

    journal: archive.Journal
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
    notices = []
    if living.is_major and living.effective - published < NOTICE_PERIOD and latest is not None:
        days = (living.effective - published).days
        notices.append(f"version {living.version} is a major change that takes effect in {days} days; "
                       f"customers are usually told at least {NOTICE_PERIOD.days} days before")
    return Release(policy, published, files, notices)


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
    journal = archive.Journal(folder / archive.JOURNAL_NAME, release.policy.id, str(release.policy.living.version), tuple(
        (folder / f".{target.name}.{token}.tmp", target, hashlib.sha256(data).hexdigest()) for target, data in contents.items()))
    journal_written = False
    try:
        _create(journal.path, journal.encode())
        journal_written = True
        for temporary, target, _ in journal.files:
            _create(temporary, contents[target])
        for temporary, target, _ in journal.files:
            _move(temporary, target)
        _finish(journal, completed=True)
    except BaseException as error:
        try:
            if journal_written:
                _finish(journal, completed=False)
            undone = True
        except OSError:
            undone = False  # the journal stays: the next release rolls this one back
        if not isinstance(error, OSError):
            raise
        # Name the released file a temporary one was for, or else the folder (not the journal).
        named = {str(temporary): target for temporary, target, _ in journal.files}
        raise ReleaseError(_cannot_write(named.get(error.filename, folder), error, root, undone)) from None


def recover(docs_dir: Path, root: Path) -> list[Recovered]:
    """Finish every release that was interrupted: complete it when the content of every file is
    there (as a temporary file or already under its name), else roll it back."""
    done = []
    for path in sorted(docs_dir.rglob(archive.JOURNAL_NAME)):
        journal = archive.journal_in(path.parent)
        if journal is None:  # pragma: no cover - removed since rglob listed it
            continue
        complete = journal.policy is not None and all(
            _holds(target, sha256) or (_holds(temporary, sha256) and not target.exists())
            for temporary, target, sha256 in journal.files
        )
        what = f"{journal.policy} {journal.version}"
        try:
            if complete:
                for temporary, target, sha256 in journal.files:
                    if not _holds(target, sha256):
                        _move(temporary, target)
            _finish(journal, completed=complete)
        except OSError as error:
            raise ReleaseError(f"cannot {'complete' if complete else 'roll back'} the interrupted release of {what}: "
                               f"{error.strerror}; {display_path(journal.path, root)} still records it, for the next "
                               f"`policypress release` to try again") from None
        if complete:
            written = ", ".join(display_path(target, root) for _, target, _ in journal.files)
            message = f"completed the interrupted release of {what}: {written}"
        elif journal.policy is None:
            message = (f"removed {display_path(journal.path, root)}, left by a release interrupted before it wrote "
                       f"anything else")
        else:
            message = (f"rolled back the interrupted release of {what}, which had not written all its files "
                       f"(removed what it had written)")
        done.append(Recovered(journal, complete, message))
    return done


def _finish(journal: archive.Journal, *, completed: bool) -> None:
    """Remove what the release of `journal` leaves, the journal last: its temporary files and,
    unless it `completed`, the released files that hold exactly the content it wrote (a release
    checks under the lock that none of them exists before it writes, so no other file can)."""
    for temporary, target, sha256 in journal.files:
        if not completed and _holds(target, sha256):
            target.unlink()
        temporary.unlink(missing_ok=True)
    _sync(journal.path.parent)
    journal.path.unlink(missing_ok=True)
    _sync(journal.path.parent)


def _create(path: Path, data: bytes) -> None:
    """A new file (never an existing one) with `data`, on disk before this returns, or no file.
    Its mode follows the umask, as for any file the user creates."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.fsync(handle)
        os.close(handle)
    except OSError as error:  # say which file could not be written (os.write does not)
        with contextlib.suppress(OSError):
            os.close(handle)
        with contextlib.suppress(OSError):
            path.unlink()
        raise OSError(error.errno, error.strerror, str(path)) from None


def _move(temporary: Path, target: Path) -> None:
    """Give a written file its name; fails rather than replace a file that is already there."""
    try:
        os.link(temporary, target)  # atomic, and refuses an existing target
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        # A file system without hard links: the lock keeps other releases out meanwhile.
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(temporary, target)
        return
    os.unlink(temporary)


def _holds(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _sync(folder: Path) -> None:
    """Make the names in `folder` durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _cannot_write(path: Path, error: OSError, root: Path | None, undone: bool = True) -> str:
    where = display_path(path, root) + ("/" if path.is_dir() else "")
    if undone:
        return f"cannot write {where}: {error.strerror}; nothing was written"
    return (f"cannot write {where}: {error.strerror}, nor remove what this release had written; the next "
            f"`policypress release` rolls it back")

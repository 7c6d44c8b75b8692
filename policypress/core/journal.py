"""The journal of a release in progress, and whether a journal found on disk is one.

`policypress release` writes a journal next to the policy before anything else: each temporary
file, the released file it becomes and the sha256 of its content. It is removed when the release
is done, so one that is there means a release was interrupted, and the next release completes or
rolls it back. A journal is also just a file: anyone who can add a file to the folder (a pull
request, say) can add one. So a journal is trusted only as far as the folder agrees with it
(`judge`), and otherwise reported by its path, and nothing is done with it:

- it records a release of a policy whose living text is in its folder, of a version above every
  one the folder's manifest lists (the version the manifest lists was released before);
- each file it names is a released revision of exactly that version and policy, in a language
  of the policy, with the temporary name release gives it (`.<name>.<8 hex digits>.tmp`), in the
  folder: never a living text, never another revision;
- each of those files that already exists is a hard link of its temporary file: release keeps
  the temporary file until the manifest lists the revision, so a file is provably its own only
  while both names are there (git, an archive or a copy cannot make a hard link).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import archive, manifest
from .problems import display_path
from .types import VERSION_RE, Version

JOURNAL_NAME = ".policypress-release.journal"
TOKEN_RE = re.compile(r"[0-9a-f]{8}")


@dataclass(frozen=True)
class Journal:
    """What a release writes, recorded before it writes it: each (temporary file, released file,
    sha256 of its content), the temporary names made with one `token`."""

    path: Path
    policy: str
    version: str
    token: str
    files: tuple[tuple[Path, Path, str], ...]

    def encode(self) -> bytes:
        files = [[temporary.name, target.name, sha256] for temporary, target, sha256 in self.files]
        return json.dumps({"policy": self.policy, "version": self.version, "files": files}, indent=1).encode("utf-8")


def temporary_name(target: Path, token: str) -> Path:
    """The name release writes `target` under until it is complete: hidden, in the same folder."""
    return target.with_name(f".{target.name}.{token}.tmp")


@dataclass(frozen=True)
class Folder:
    """What a journal is judged against: its folder's policies with their living texts by
    language, the released files there (of any policy), and its manifest (None when it has
    none; `manifest_error` when it cannot be used)."""

    path: Path
    living: dict[str, dict[str, Path]]
    released: frozenset[Path]
    manifest: manifest.Manifest | None
    manifest_error: str | None = None


@dataclass(frozen=True)
class Verdict:
    """What a journal on disk is: `begun` (empty: the release was interrupted while it began to
    write it, before any other file), `pending` (an interrupted release, to complete or roll
    back), `finished` (the release was done but for removing its journal and temporary files),
    or `foreign` (not a journal of a release of this project; `reason` says why)."""

    path: Path
    state: str
    journal: Journal | None = None
    reason: str = ""

    @property
    def policy(self) -> str | None:
        return self.journal.policy if self.journal else None


def judge(path: Path, folder: Folder, root: Path) -> Verdict:
    """Whether the journal at `path` belongs to an interrupted release of this project (see the
    module's docstring); `root` is what paths in reasons are relative to."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return Verdict(path, "foreign", reason=f"it cannot be read: {error.strerror}")
    if not data:
        return Verdict(path, "begun")
    try:
        journal = _parse(path, data)
    except ValueError as error:
        return Verdict(path, "foreign", reason=f"it is not a journal `policypress release` writes: {error}")
    reason = _foreign(journal, folder, root)
    if reason:
        return Verdict(path, "foreign", journal, reason)
    if folder.manifest is not None and journal.version in folder.manifest.versions(journal.policy):
        return _finished(journal, folder, root)
    reason = _not_its_own(journal, root)
    return Verdict(path, "foreign", journal, reason) if reason else Verdict(path, "pending", journal)


def languages(journal: Journal, folder: Folder) -> dict[Path, str]:
    """The released files a release of the journal's version writes, with their languages."""
    living = folder.living.get(journal.policy, {})
    return {archive.archive_path(path, journal.version, language): language for language, path in living.items()}


def is_own(temporary: Path, target: Path) -> bool:
    """True if `target` was made from `temporary` by release (both names of one file)."""
    try:
        return os.path.samefile(temporary, target)
    except OSError:
        return False


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes, None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _parse(path: Path, data: bytes) -> Journal:
    """The journal in `data`; ValueError saying what is wrong with it."""
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(record, dict) or set(record) != {"policy", "version", "files"}:
        raise ValueError("expected the keys policy, version and files")
    policy, version, files = record["policy"], record["version"], record["files"]
    if not isinstance(policy, str) or not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise ValueError(f"expected a policy id and a version \"major.minor\", found {policy!r} and {version!r}")
    if not isinstance(files, list) or not files or not all(
            isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) and part for part in entry)
            for entry in files):
        raise ValueError("expected files as [temporary file, released file, sha256] entries")
    if not all(manifest.HASH_RE.fullmatch(sha256) for _, _, sha256 in files):
        raise ValueError("expected each file's sha256 as 64 hex digits")
    tokens = {temporary.rsplit(".", 2)[-2] if temporary.count(".") >= 2 else "" for temporary, _, _ in files}
    return Journal(path, policy, version, tokens.pop() if len(tokens) == 1 else "",
                   tuple((path.parent / temporary, path.parent / target, sha256) for temporary, target, sha256 in files))


def _foreign(journal: Journal, folder: Folder, root: Path) -> str:
    """Why `journal` cannot be one that release wrote in `folder`, or '' if it can be."""
    shown = f"{display_path(folder.path, root)}/"
    if not folder.living.get(journal.policy):
        return f"it records a release of policy {journal.policy!r}, which has no living text in {shown} that can be read"
    expected = languages(journal, folder)
    living = {path for texts in folder.living.values() for path in texts.values()}
    targets = [target for _, target, _ in journal.files]
    for temporary, target, _ in journal.files:
        if target.parent != folder.path or temporary.parent != folder.path:
            outside = target if target.parent != folder.path else temporary
            return f"it names {display_path(outside, root)}, outside {shown}"
        if target in living:
            return f"it names {display_path(target, root)}, a living text, as a file the release writes"
        if target not in expected or targets.count(target) > 1:
            allowed = ", ".join(sorted(display_path(t, root) for t in expected))
            return (f"it names {display_path(target, root)} as a file the release writes; a release of "
                    f"{journal.policy} {journal.version} writes {allowed}")
        if not TOKEN_RE.fullmatch(journal.token) or temporary != temporary_name(target, journal.token):
            return f"it names {display_path(temporary, root)} as a temporary file, a name release never writes"
    if folder.manifest_error:
        return f"the manifest next to it {folder.manifest_error}, so what was released before is not known"
    return _released_before(journal, folder, root)


def _released_before(journal: Journal, folder: Folder, root: Path) -> str:
    """Why the version of `journal` cannot be one still being released, or ''."""
    if folder.manifest is None:
        others = sorted(display_path(path, root) for path in folder.released - {target for _, target, _ in journal.files})
        return (f"its folder has released revisions ({', '.join(others)}) but no manifest ({manifest.MANIFEST_NAME}), "
                f"and release writes none there without one") if others else ""
    latest = folder.manifest.latest(journal.policy)
    if latest is not None and Version.parse(journal.version) < Version.parse(latest):
        return (f"it records version {journal.version} of {journal.policy!r}, below {latest}, the latest one "
                f"{display_path(folder.manifest.path, root)} lists; a release writes only a version above it")
    return ""


def _not_its_own(journal: Journal, root: Path) -> str:
    """Why a file the journal names, already there, was not written by that release, or ''."""
    for temporary, target, _ in journal.files:
        if target.exists() and not is_own(temporary, target):
            return (f"{display_path(target, root)} exists and is not the file that release wrote (a file release "
                    f"is still writing is a hard link of its temporary file, {temporary.name})")
    return ""


def _finished(journal: Journal, folder: Folder, root: Path) -> Verdict:
    """A journal of a version the manifest lists: the release that wrote the manifest, stopped
    before it removed its temporary files and journal (both names of a file it wrote are still
    there), or else a journal of something else."""
    assert folder.manifest is not None
    listed = folder.manifest.versions(journal.policy)[journal.version]
    expected = languages(journal, folder)
    same = {expected[target] for _, target, sha256 in journal.files
            if file_sha256(target) == sha256 and archive.recorded_hash(_text(target)) == listed.get(expected[target])}
    if same == set(listed) and len(journal.files) == len(listed) and any(
            is_own(temporary, target) for temporary, target, _ in journal.files):
        return Verdict(journal.path, "finished", journal)
    return Verdict(journal.path, "foreign", journal,
                   f"it records version {journal.version} of {journal.policy!r}, which was released before: "
                   f"{display_path(folder.manifest.path, root)} lists it")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""

"""Released revisions: where they are stored and how they are sealed against later edits.

A released revision is a copy of a policy's living source, written next to it as
`<version>.<language>.md` (so its relative links resolve exactly as before), with lines added at
the end of its front matter:

    published: 2026-03-01
    language: "sv"
    previous: 2.1 <the sha256 recorded in 2.1.sv.md>
    sha256: <hash of the whole file without this line>

The hash makes any later edit of the archived file detectable without git history: a shallow
clone or a tarball verifies the same way. `language` ties the text to the language it was
released in, so a copy under another language's name is refused. `previous` chains each revision
to the one released before it in the same language (`previous: none` for a policy's first
release), so a revision deleted or replaced later is named. Both lines are covered by the hash.
Revisions released before the chain existed have neither line and stay valid byte for byte; the
chain starts at their next release.

A release in progress is described by a journal next to the policy (`JOURNAL_NAME`): which
temporary file becomes which released file, and the hash of its content. It exists only while
`policypress release` writes, or after it was interrupted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .frontmatter import FRONT_MATTER_RE

SEAL_RE = re.compile(r"^sha256:[ \t]*(?P<hash>\S*)[ \t]*\n", re.M)
# The lines `seal` adds, in the order it writes them.
SEAL_KEYS = ("published", "language", "previous", "sha256")
PREVIOUS_RE = re.compile(r"(?P<version>[0-9]+\.[0-9]+) (?P<hash>[0-9a-f]{64})")
JOURNAL_NAME = ".policypress-release.journal"
TEMPORARY_RE = re.compile(r"\.[^/\\]+\.tmp")

# The revision released before: its version and the sha256 recorded in its file.
Link = tuple[str, str]


def normalise(text: str) -> str:
    """The text a hash is computed over: no BOM, Unix line endings (git may convert them)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def archive_path(living: Path, version: str, language: str) -> Path:
    """`docs/privacy/index.sv.md` -> `docs/privacy/1.2.sv.md`; a policy that is not an index
    page keeps its name in front: `docs/terms.sv.md` -> `docs/terms-1.2.sv.md`."""
    stem = living.name.split(".")[0]
    base = version if stem in ("index", "README") else f"{stem}-{version}"
    return living.with_name(f"{base}.{language}.md")


def is_archive_name(stem: str) -> bool:
    """True for names `archive_path` writes: `1.2`, `terms-1.2` (without language and `.md`)."""
    return re.fullmatch(r"(?:.+-)?[0-9]+\.[0-9]+", stem) is not None


def version_in_name(stem: str) -> str:
    """The version part of an archived file's name without language: `1.2`, `terms-1.2` -> `1.2`."""
    return stem.rsplit("-", 1)[-1]


def seal(living_text: str, published: dt.date, language: str | None = None, previous: Link | None = None) -> str:
    """The archived form of a living source: the seal lines added to its front matter.
    `previous` is the revision released before in `language` (None for a policy's first).
    Without `language`, the form written before the chain existed (`published` and `sha256`)."""
    text = normalise(living_text)
    match = FRONT_MATTER_RE.match(text)
    if match is None:  # pragma: no cover - policies always have front matter
        raise ValueError("a policy source without front matter cannot be sealed")
    end = match.end(1)
    lines = f"published: {published.isoformat()}\n"
    if language is not None:
        lines += f'language: "{language}"\nprevious: {" ".join(previous) if previous else "none"}\n'
    unsealed = text[:end] + lines + text[end:]
    sealed_at = end + len(lines)
    return f"{unsealed[:sealed_at]}sha256: {digest(unsealed)}\n{unsealed[sealed_at:]}"


def recorded_hash(archived_text: str) -> str | None:
    match = _seal_in_front_matter(normalise(archived_text))
    return match.group("hash") if match else None


def is_intact(archived_text: str) -> bool:
    """True if the file is exactly as `seal` wrote it."""
    text = normalise(archived_text)
    match = _seal_in_front_matter(text)
    if match is None:
        return False
    return match.group("hash") == digest(text[: match.start()] + text[match.end():])


def unsealed(archived_text: str) -> str:
    """The living source the archive was made from (the seal lines removed)."""
    text = normalise(archived_text)
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        return text
    front = match.group(1)
    for key in SEAL_KEYS:
        front = re.sub(rf"^{key}:[^\n]*\n", "", front, count=1, flags=re.M)
    return text[: match.start(1)] + front + text[match.end(1):]


def parse_previous(value: object) -> Link | None:
    """`previous: 2.1 <sha256>` -> ('2.1', '<sha256>'); `previous: none` -> None. ValueError otherwise."""
    if value == "none":
        return None
    match = PREVIOUS_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(value)
    return match.group("version"), match.group("hash")


def _seal_in_front_matter(text: str) -> re.Match[str] | None:
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        return None
    seal_match = SEAL_RE.search(text, match.start(1), match.end(1))
    return seal_match


# --- a release in progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class Journal:
    """What a release writes, recorded before it writes it: each (temporary file, released file,
    sha256 of its content). `policy` is None when the journal cannot be read, which happens only
    when the release was interrupted while writing the journal, before any other file."""

    path: Path
    policy: str | None
    version: str | None = None
    files: tuple[tuple[Path, Path, str], ...] = ()

    def encode(self) -> bytes:
        files = [[temporary.name, target.name, sha256] for temporary, target, sha256 in self.files]
        return json.dumps({"policy": self.policy, "version": self.version, "files": files}, indent=1).encode("utf-8")


def journal_in(folder: Path) -> Journal | None:
    """The journal of an unfinished release in `folder`, if there is one. Only names release
    itself writes are accepted (hidden `.tmp` files, `.md` files, both in `folder`), so a
    journal can never make a release touch another file."""
    path = folder / JOURNAL_NAME
    try:
        record = json.loads(path.read_bytes())
        files = tuple((folder / temporary, folder / target, sha256) for temporary, target, sha256 in record["files"])
        names_ok = all(
            TEMPORARY_RE.fullmatch(temporary.name) and re.fullmatch(r"[^./\\][^/\\]*\.md", target.name)
            and re.fullmatch(r"[0-9a-f]{64}", sha256) and temporary.parent == target.parent == folder
            for temporary, target, sha256 in files
        )
        if names_ok and isinstance(record["policy"], str) and isinstance(record["version"], str):
            return Journal(path, record["policy"], record["version"], files)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return Journal(path, None)

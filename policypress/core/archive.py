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

A file nothing records any more (a revision sealed before the chain, or the latest one) is
protected by the manifest of its folder (`manifest.py`); a release in progress by its journal
(`journal.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from .frontmatter import FRONT_MATTER_RE

SEAL_RE = re.compile(r"^sha256:[ \t]*(?P<hash>\S*)[ \t]*\n", re.M)
# The lines `seal` adds, in the order it writes them.
SEAL_KEYS = ("published", "language", "previous", "sha256")
PREVIOUS_RE = re.compile(r"(?P<version>[0-9]+\.[0-9]+) (?P<hash>[0-9a-f]{64})")

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


def is_release_of(data: bytes, living_text: str, language: str, previous: Link | None) -> bool:
    """True if `data` is exactly what `seal` makes of `living_text` in `language` after
    `previous`, on the publication date it records."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    match = FRONT_MATTER_RE.match(text)
    published = re.search(r"^published: ([0-9]{4}-[0-9]{2}-[0-9]{2})\n", match.group(1), re.M) if match else None
    try:
        day = dt.date.fromisoformat(published.group(1)) if published else None
    except ValueError:
        return False
    return day is not None and text == seal(living_text, day, language, previous)


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

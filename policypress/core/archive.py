"""Released revisions: where they are stored and how they are sealed against later edits.

A released revision is a copy of a policy's living source, written next to it as
`<version>.<language>.md` (so its relative links resolve exactly as before), with two lines
added at the end of its front matter:

    published: 2026-03-01
    sha256: <hash of the whole file without this line>

The hash makes any later edit of the archived file detectable without git history: a shallow
clone or a tarball verifies the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from .frontmatter import FRONT_MATTER_RE

SEAL_RE = re.compile(r"^sha256:[ \t]*(?P<hash>\S*)[ \t]*\n", re.M)
PUBLISHED_RE = re.compile(r"^published:[^\n]*\n", re.M)


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
    return re.fullmatch(r"(?:.+-)?\d+\.\d+", stem) is not None


def version_in_name(stem: str) -> str:
    """The version part of an archived file's name without language: `1.2`, `terms-1.2` -> `1.2`."""
    return stem.rsplit("-", 1)[-1]


def seal(living_text: str, published: dt.date) -> str:
    """The archived form of a living source: `published` and `sha256` added to its front matter."""
    text = normalise(living_text)
    match = FRONT_MATTER_RE.match(text)
    if match is None:  # pragma: no cover - policies always have front matter
        raise ValueError("a policy source without front matter cannot be sealed")
    end = match.end(1)
    unsealed = f"{text[:end]}published: {published.isoformat()}\n{text[end:]}"
    sealed_at = end + len(f"published: {published.isoformat()}\n")
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
    """The living source the archive was made from (both seal lines removed)."""
    text = normalise(archived_text)
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        return text
    front = SEAL_RE.sub("", PUBLISHED_RE.sub("", match.group(1), count=1), count=1)
    return text[: match.start(1)] + front + text[match.end(1):]


def _seal_in_front_matter(text: str) -> re.Match[str] | None:
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        return None
    seal_match = SEAL_RE.search(text, match.start(1), match.end(1))
    return seal_match

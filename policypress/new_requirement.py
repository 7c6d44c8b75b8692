"""The policypress line of the requirements.txt `policypress new` writes: what installs the
policypress that made the site, wherever the site's CI runs.

pip records how it installed a distribution (PEP 610, `direct_url.json` in its metadata): no
record for a release from an index, else the URL with a VCS commit (`vcs_info`), an archive's
hash (`archive_info`) or a local folder (`dir_info`, editable or not). An index release, a
repository URL and an archive on the web install anywhere, so they are pinned as they are. A
folder, a file or a repository on this computer (`file://`) no CI runner can reach: that
requirement still installs on this computer, and a `TODO` above it says what to write instead,
which `policypress check` lists like every other placeholder until it is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

NAME = "policypress"
PACKAGE = Path(__file__).resolve().parent
# The public repository a hint offers as the other way to install (the owner is the reader's to fill in).
REPOSITORY = "https://github.com/OWNER/policypress"
# What a version or a URL may hold on its line of requirements.txt (no space, no line break).
_VERSION = re.compile(r"[A-Za-z0-9.+!_-]+")
_URL = re.compile(r"[!-~]+")
_ENV_VAR = re.compile(r"\$\{[A-Za-z0-9_]+\}")


@dataclass(frozen=True)
class Pin:
    """What requirements.txt says about policypress: the requirement pip reads (None when there is
    none to offer) and, when a CI runner cannot install it, the hint of the TODO above it."""

    requirement: str | None
    todo: str | None = None

    @property
    def needs_git(self) -> bool:
        """pip needs the git command for this requirement, or for the one its hint offers."""
        return self.todo is not None or " @ git+" in (self.requirement or "")


def installed_version() -> str | None:
    """The version of the policypress that runs, as its metadata says; None when it was not installed."""
    try:
        return metadata.version(NAME)
    except metadata.PackageNotFoundError:
        return None


def current() -> Pin:
    """The pin of the policypress that runs this code."""
    try:
        dist = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        return without_requirement(None, "policypress was not installed")
    version = dist.version if _VERSION.fullmatch(dist.version or "") else None
    record = dist.read_text("direct_url.json")
    if record is not None:
        return from_direct_url(record, version)
    # No record: a release from an index, if the metadata is an installed one (pip and every
    # installer write RECORD) and holds the code that runs. Else it is a source folder's
    # (a stale *.egg-info in a checkout that is the current folder), and the code runs from there.
    located = Path(dist.locate_file(f"{NAME}/__init__.py")).resolve()
    if version and dist.read_text("RECORD") is not None and located == PACKAGE / "__init__.py":
        return Pin(f"{NAME}=={version}")
    return local(f"{NAME} @ {PACKAGE.parent.as_uri()}", version, "a folder")


def from_direct_url(text: str, version: str | None) -> Pin:
    """The pin for a PEP 610 record; one that cannot be read gives a TODO without a requirement."""
    try:
        record = json.loads(text)
        url = safe_url(record["url"])
        if "vcs_info" in record:
            vcs = record["vcs_info"]
            requirement = f"{NAME} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
            what = "a repository"
        elif "archive_info" in record:
            digest = sha256(record["archive_info"])
            requirement = f"{NAME} @ {url}" + (f"#sha256={digest}" if digest else "")
            what = "a file"
        elif "dir_info" in record:
            requirement, what = f"{NAME} @ {url}", "a folder"
        else:
            raise ValueError("no vcs_info, archive_info or dir_info")
        if "subdirectory" in record:
            requirement += ("&" if "#" in requirement else "#") + f"subdirectory={record['subdirectory']}"
        if not _URL.fullmatch(requirement.removeprefix(f"{NAME} @ ")):
            raise ValueError("not one line without spaces")
    except (ValueError, KeyError, TypeError, AttributeError):
        return without_requirement(version, "how this policypress was installed could not be read")
    if urlsplit(url).scheme == "file":
        return local(requirement, version, what)
    return Pin(requirement)


def offers(version: str | None) -> str:
    """What a CI runner can install: the release from the index, or a commit of the repository."""
    return f"{NAME}=={version or 'VERSION'} once that version is on PyPI, or {NAME} @ git+{REPOSITORY}@COMMIT"


def local(requirement: str, version: str | None, what: str) -> Pin:
    """A requirement only this computer can install, under a TODO saying what a CI runner can
    install instead."""
    return Pin(requirement, f"a requirement a CI runner can install, in place of the line below (it names {what} on "
                            f"this computer): {offers(version)}; and delete this comment")


def without_requirement(version: str | None, why: str) -> Pin:
    """No requirement to offer, only the TODO."""
    return Pin(None, f"the requirement a CI runner installs policypress with ({why}): {offers(version)}")


def safe_url(url: object) -> str:
    """The URL without credentials: pip leaves out passwords (PEP 610) but keeps a user name, an
    environment variable (`${TOKEN}`) and git's `git@`; a token written as a user name is dropped
    too, since requirements.txt is committed."""
    if not isinstance(url, str):
        raise TypeError("url is not text")
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if at and userinfo != "git" and not all(_ENV_VAR.fullmatch(part) for part in userinfo.split(":")):
        parts = parts._replace(netloc=host)
    return urlunsplit(parts)


def sha256(archive: object) -> str | None:
    """The archive's sha256 as PEP 610 records it (`hashes`, or the older `hash: sha256=…`)."""
    if not isinstance(archive, dict):
        raise TypeError("archive_info is not a mapping")
    digest = (archive.get("hashes") or {}).get("sha256")
    if digest is None and str(archive.get("hash", "")).startswith("sha256="):
        digest = archive["hash"].removeprefix("sha256=")
    return digest if isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest) else None

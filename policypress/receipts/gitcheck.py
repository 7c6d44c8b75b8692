"""Receipts never land in git by accident: `serve` refuses a SQLite database inside a git work tree
that does not ignore it (the file, and the -wal and -shm files beside it that hold its newest
commits). Visitors' consent records would otherwise be pushed with the policy site's sources,
to a public repository as often as not.

Git is asked, not imitated: `git rev-parse --show-toplevel` says whether a folder is in a work
tree, `git check-ignore` whether its rules (every .gitignore, .git/info/exclude, the global
excludes file) ignore a path, and a file git already tracks is never ignored. Without git on the
machine (or when it does not answer) nothing can be asked: a warning names the repository found,
and the service starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine.url import make_url

from .store import StoreError, database_url

# The files SQLite writes for a database in WAL mode: the database, and the two beside it.
SUFFIXES = ("", "-wal", "-shm")


def check_not_committable(database: str | None) -> None:
    """StoreError when the SQLite database `serve` would write lies in a git work tree that does
    not ignore it; nothing for PostgreSQL, or outside any work tree."""
    url = make_url(database_url(database))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database).resolve()
    folder = _existing(path.parent)
    files = [path.with_name(path.name + suffix) for suffix in SUFFIXES]
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return  # not in a work tree (or one git will not read: then git will not commit it either)
        exposed = [file for file in files if _git(folder, "check-ignore", "-q", "--", str(file)).returncode == 1]
    except (OSError, subprocess.TimeoutExpired):
        _warn_without_git(path, folder)
        return
    if exposed:
        root = Path(top.stdout.strip())
        names = ", ".join(file.name for file in exposed)
        raise StoreError(
            f"the receipts database {path} lies in the git work tree {root}, and git does not ignore "
            f"{names}: visitors' consent records would be committed with the site. Keep the database "
            f"outside the repository (--database /var/lib/policypress/receipts.sqlite3, or "
            f"POLICYPRESS_RECEIPTS_DB), or add the line `{path.name}*` to {root / '.gitignore'} "
            f"(and `git rm --cached` it if it was committed)")


def _existing(folder: Path) -> Path:
    """The folder, or its nearest parent that exists (SQLite creates the file, not the folders)."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, check=False)


def _warn_without_git(path: Path, folder: Path) -> None:
    repository = next((parent for parent in (folder, *folder.parents) if (parent / ".git").exists()), None)
    if repository is not None:
        print(f"policypress: WARNING: the receipts database {path} lies in the git repository {repository}, and "
              f"git could not be asked (not installed, or no answer) whether it is ignored; make sure it is, or "
              f"keep the database outside the repository (--database)", file=sys.stderr, flush=True)

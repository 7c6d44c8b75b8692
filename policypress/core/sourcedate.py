"""When a source file last changed, as its repository records it: the day of the last commit
that touched it. A build reads it for pages whose date nothing else gives (a landing page's
sitemap `lastmod`); never the file's modification time, which a checkout sets to the day of the
clone. A shallow clone (`fetch-depth: 1`) knows only its one commit: every file then has that
commit's day, the latest day it can have changed."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

GIT_TIMEOUT = 10  # seconds; a git that does not answer leaves the date unknown, not the build hung


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def committed(path: Path) -> dt.date | None:
    """The day of the last commit that changed `path`; None outside a git work tree, for a file
    git does not track, and for one changed since its last commit (its day is not recorded)."""
    status = _git(path.parent, "status", "--porcelain", "--", path.name)
    if status is None or status:
        return None
    day = _git(path.parent, "log", "-1", "--format=%cs", "--", path.name)
    try:
        return dt.date.fromisoformat(day) if day else None
    except ValueError:
        return None

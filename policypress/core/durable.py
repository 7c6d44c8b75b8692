"""Files written so that a crash leaves either the whole file or none: created new (never over
another file), synced before they count, their names made durable in their folder."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path


def create(path: Path, data: bytes) -> None:
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


def link(temporary: Path, target: Path) -> None:
    """Give a written file its name as well; fails rather than replace a file that is already
    there. The temporary name stays until the caller removes it: while both names are there, the
    file is provably the caller's own (`journal.is_own`)."""
    try:
        os.link(temporary, target)  # atomic, and refuses an existing target
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        # A file system without hard links: the lock keeps other releases out meanwhile.
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(temporary, target)


def sync(folder: Path) -> None:
    """Make the names in `folder` durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def remove(paths: list[Path]) -> None:
    """Remove files the command wrote, in the order given, then make that durable."""
    for path in paths:
        path.unlink(missing_ok=True)
    for folder in dict.fromkeys(path.parent for path in paths):
        sync(folder)

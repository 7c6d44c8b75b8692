"""The temporary folder `policypress new` writes a site into before renaming it into place.

It is made next to the target as `.<target>.new-<pid>-<token>`, with a marker file inside that
names its process and host. Ctrl-C, SIGTERM and SIGHUP remove it on the way out. Only `kill -9`
(or a power cut) can leave one behind; the next `new` in that folder removes it if the marker
proves it is one whose process is gone, and names it otherwise."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

MARKER = ".policypress-new"
NAME = re.compile(r"\.(?P<target>.+)\.new-(?P<pid>[0-9]+)-(?P<token>[0-9a-f]{8})")
# The signals that stop `new` as Ctrl-C does (SIGHUP: the terminal was closed), where they exist.
STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(BaseException):
    """A signal asked `new` to stop while it wrote the site (a BaseException, as KeyboardInterrupt
    is, so that no `except Exception` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


@contextlib.contextmanager
def stopping_cleanly() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Stopped inside the block, so that `finally` removes the temporary
    folder; by default they would end the process where it stands."""
    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {}
    try:
        for signum in STOPPING:
            previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not the main thread, where Python cannot catch signals
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """No signal interrupts the block; one that arrives meanwhile is delivered after it, so a
    folder being removed or renamed is removed or renamed whole."""
    held = {signal.SIGINT, *STOPPING}
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def folder_for(target: Path) -> Path:
    """A new name for the temporary folder of `target`, in the same parent (so that the final
    rename is atomic)."""
    return target.absolute().parent / f".{target.name}.new-{os.getpid()}-{secrets.token_hex(4)}"


def create(folder: Path) -> None:
    """Make the temporary folder with its marker."""
    folder.mkdir()
    pid, token = NAME.fullmatch(folder.name).group("pid", "token")  # type: ignore[union-attr]
    (folder / MARKER).write_text(json.dumps({"pid": int(pid), "token": token, "host": socket.gethostname()}),
                                 encoding="utf-8")


def put_in_place(folder: Path, target: Path) -> None:
    """Rename the finished folder to `target`, without its marker; an empty folder there is
    replaced, a full one refused (OSError)."""
    with signals_held():
        (folder / MARKER).unlink()
        folder.rename(target)


def remove(folder: Path) -> None:
    """Remove the temporary folder, if it is still there, whole."""
    with signals_held():
        shutil.rmtree(folder, ignore_errors=True)


def running(pid: int) -> bool | None:
    """Whether a process with this id runs on this machine; None where that cannot be asked."""
    if os.name != "posix" or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def marker(folder: Path) -> dict[str, object] | None:
    """The marker of a temporary folder, if it has a readable one that matches the folder's name."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = NAME.fullmatch(folder.name)
    if not isinstance(data, dict) or name is None or data.get("token") != name["token"] \
            or data.get("pid") != int(name["pid"]) or not isinstance(data.get("host"), str):
        return None
    return data


def clear_stale(parent: Path) -> list[str]:
    """Remove the temporary folders that killed runs of `new` left in `parent`, where the marker
    proves it (its process is gone, on this machine); a folder that only looks like one is left
    alone. Returns a line for each folder, removed or left."""
    notes = []
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return notes
    for entry in entries:
        if NAME.fullmatch(entry.name) is None or entry.is_symlink() or not entry.is_dir():
            continue
        if int(NAME.fullmatch(entry.name)["pid"]) == os.getpid():  # type: ignore[index]
            continue
        data = marker(entry)
        if data is None:
            with contextlib.suppress(OSError):
                entry.rmdir()  # killed before its marker was written: empty, so nothing is lost
                notes.append(f"removed {entry}, the empty temporary folder of a `policypress new` that was killed")
                continue
            notes.append(f"left {entry} alone: it looks like the temporary folder of an interrupted "
                         f"`policypress new`, but has no marker that proves it; delete it yourself if it is")
        elif data["host"] != socket.gethostname():
            notes.append(f"left {entry} alone: a `policypress new` on {data['host']} is writing it, or was killed "
                         f"there; delete it yourself if no `policypress new` runs there")
        elif running(int(data["pid"])) is False:  # type: ignore[arg-type]
            remove(entry)
            notes.append(f"removed {entry}, the temporary folder of a `policypress new` that was killed "
                         f"(process {data['pid']})")
        else:
            notes.append(f"left {entry} alone: the `policypress new` writing it (process {data['pid']}) is still "
                         f"running, or this machine cannot tell; delete it yourself once it is not")
    return notes

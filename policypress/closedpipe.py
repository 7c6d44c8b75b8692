"""A reader that closed the pipe (`policypress services | head`): every command ends quietly,
as the shell's own tools do, with the status of a process ended by SIGPIPE."""

from __future__ import annotations

import io
import os
import sys

# 128 + SIGPIPE, as a shell with `set -o pipefail` expects from `… | head`.
CLOSED_PIPE = 141


def reader_gone() -> int:
    """Nothing more is written to standard output, not even at exit, when Python would flush it
    into the closed pipe and print a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        sys.stdout = None  # type: ignore[assignment]  # not a file descriptor: nothing to flush at exit
    return CLOSED_PIPE

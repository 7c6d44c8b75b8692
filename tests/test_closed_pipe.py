"""`policypress … | head`: a reader that has gone before the command writes. Every command ends
quietly with 141 (128 + SIGPIPE, what `set -o pipefail` expects), never with a traceback or
Python's "Exception ignored" at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from test_catalog import example


def into_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: the first write fails, every time
    try:
        return subprocess.run([sys.executable, "-m", "policypress.cli", *args], stdout=write, stderr=subprocess.PIPE,
                              text=True, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=120)
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [["services"], ["services", "google"], ["services", "--unchecked"],
                                  ["terms", "data", "--all"]],
                         ids=lambda args: " ".join(args))
def test_a_listing_into_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    result = into_closed_pipe(args, ROOT)
    assert (result.returncode, result.stderr) == (141, "")


def test_add_dry_run_into_a_closed_pipe_ends_quietly_and_writes_nothing(tmp_path: Path) -> None:
    root = example(tmp_path)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    result = into_closed_pipe(["add", "google-analytics", "--dry-run"], root)
    assert (result.returncode, result.stderr) == (141, "")
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before

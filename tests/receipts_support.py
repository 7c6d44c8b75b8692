"""Shared by the receipts tests: receipts shaped as the banner sends them, stores on real
databases (SQLite in a temporary folder, PostgreSQL in a throwaway cluster), and the service run
as `policypress receipts serve` in a subprocess.

Imported by test_receipts.py and test_receipts_server.py (their fixtures come with the import).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_cli
from policypress.receipts import pgcluster
from policypress.receipts.site import SiteFacts, load_facts
from policypress.receipts.store import SqlStore, open_store

SITE_ORIGIN = "http://127.0.0.1:8000"
REVISION = "cookies 1.1"


@functools.cache
def facts() -> SiteFacts:
    """The example site's consent facts, its pages also allowed from SITE_ORIGIN."""
    return load_facts(ROOT / "mkdocs.yml", [SITE_ORIGIN])


def iso(when: dt.datetime) -> str:
    """As the banner writes times: Date.prototype.toISOString()."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def receipt(record_id: str = "0123456789abcdef0123456789abcdef", method: str = "accept-all",
            when: dt.datetime | None = None, choices: dict[str, bool] | None = None, language: str = "en") -> dict[str, Any]:
    """A receipt exactly as banner/consent.js `receipt()` builds it for the example site."""
    when = when or dt.datetime.now(dt.timezone.utc)
    offer = facts().revisions[REVISION]
    accepted = choices if choices is not None else {c.id: method == "accept-all" for c in offer.categories}
    purposes = []
    for category in offer.categories:
        purpose: dict[str, Any] = {"id": category.id, "name": category.names[language], "dpv": list(category.dpv),
                                   "legal_basis": category.legal_basis if isinstance(category.legal_basis, str)
                                   else list(category.legal_basis)}
        purpose["status"] = "not-required" if category.required else "given" if accepted.get(category.id) else "refused"
        purposes.append(purpose)
    return {
        "schema": "ISO/IEC TS 27560 consent record (policypress)", "record_id": record_id,
        "timestamp": iso(when), "first_timestamp": iso(when), "method": method, "language": language,
        "jurisdiction": "SE", "notice": {"url": "../cookies/", "revision": REVISION, "fingerprint": offer.fingerprint},
        "purposes": purposes,
    }


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of a receipt with one value changed ('notice.revision', 'purposes.1.status');
    a value of DELETE removes the key."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return body


DELETE = object()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    """A PostgreSQL cluster for the session (fsync off: what is tested is the service, and a
    killed service, not a killed database server)."""
    try:
        with pgcluster.cluster(["fsync=off", "full_page_writes=off"]) as url:
            yield url
    except pgcluster.NoPostgres as error:
        pytest.fail(f"{error}; `make test` installs it")


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new empty database of each kind: its --database value."""
    if request.param == "sqlite":
        return str(tmp_path / "receipts.sqlite3")
    cluster = request.getfixturevalue("postgres_cluster")
    return pgcluster.create_database(cluster, f"receipts_{os.getpid()}_{next(_databases)}")


@pytest.fixture
def store(database: str) -> Iterator[SqlStore]:
    opened = open_store(database, create=True)
    yield opened
    opened.close()


class ReceiptServer:
    """`policypress receipts serve` in a subprocess, on a port the server binds itself (0: the
    system gives a free one, and the server prints it), so no other process can take it between a
    pick and a bind. What the server prints goes to a file (`output()`), not a pipe that could fill."""

    def __init__(self, database: str, site: Path, *extra: str, port: int = 0) -> None:
        handle, name = tempfile.mkstemp(prefix="receipts-serve-", suffix=".log")
        self.log = Path(name)
        self.printed = ""
        command = [sys.executable, "-m", "policypress.cli", "receipts", "serve", "--database", database,
                   "--site", str(site), "--port", str(port), *extra]
        self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        os.close(handle)
        deadline = time.time() + 60
        while not (listening := re.search(r" at http://(\[[^\]]+\]|[^:/\s]+):(\d+)/", self.output())):
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"the receipts server did not start: {self.output()}")
            time.sleep(0.05)
        self.host, self.port = listening[1].strip("[]"), int(listening[2])
        self.url = f"http://{listening[1]}:{self.port}"
        while time.time() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the receipts server stopped: {self.output()}")
            try:
                if self.request("GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the receipts server did not start")

    def output(self) -> str:
        """Everything the server printed so far (standard output and error)."""
        return self.log.read_text(errors="replace") if self.log.exists() else self.printed

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post(self, body: dict[str, Any]) -> int:
        return self.request("POST", "/receipts", json.dumps(body).encode(), {"Content-Type": "application/json"})[0]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log.exists():
            self.printed = self.output()
            self.log.unlink()



def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`policypress <args>` in process."""
    return run_cli(args, cwd)

"""A throwaway PostgreSQL cluster from the machine's own PostgreSQL (Debian's `postgresql`
package): for the test suite and scripts/receipts_bench.py, never for production.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user;
it lives in a temporary folder, listens on a free loopback port only, and is removed on stop.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class NoPostgres(Exception):
    """No PostgreSQL server programs on this machine (`make test` installs them)."""


def bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise NoPostgres("no /usr/lib/postgresql/*/bin/initdb; install Debian's postgresql (make postgresql)")
    return found[-1].parent


PORT_ATTEMPTS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cluster(settings: Sequence[str] = ()) -> Iterator[str]:
    """Starts a cluster and yields its URL (postgresql://postgres@127.0.0.1:PORT/postgres);
    stops and removes it afterwards. `settings` are extra `-c name=value` server settings."""
    programs = bindir()
    root = Path(tempfile.mkdtemp(prefix="policypress-pg-"))
    user = "postgres" if os.geteuid() == 0 else None
    owner = pwd.getpwnam(user) if user else None
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, log = root / "data", root / "log"

    def run(*command: str) -> None:
        subprocess.run(command, check=True, user=user, capture_output=True, cwd=root)

    try:
        run(str(programs / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")
        # PostgreSQL cannot be given port 0: a free port is picked, and when another process takes
        # it before the server binds it, the next one is tried.
        for attempt in range(1, PORT_ATTEMPTS + 1):
            port = free_port()
            options = " ".join([f"-p {port}", f"-k {root}", "-c listen_addresses=127.0.0.1",
                                *(f"-c {setting}" for setting in settings)])
            try:
                run(str(programs / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
                break
            except subprocess.CalledProcessError:
                said = log.read_text(errors="replace") if log.exists() else ""
                if attempt == PORT_ATTEMPTS or "Address already in use" not in said:
                    raise
                log.unlink()
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           user=user, capture_output=True, cwd=root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A new empty database in the cluster at `url`; its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name

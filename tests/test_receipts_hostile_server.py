"""`policypress receipts serve` against hostile clients and failing databases, as a real process
on loopback: oversized and endless headers, clients that dribble or leave mid-body, PostgreSQL
frozen, stopped or read-only, a SQLite file that takes no writes; and the README's promises about
--forwarded-allow-ips, --host, --path, --max-bytes and what is logged.

Every wait is bounded: sockets have timeouts, and the service runs with small timeouts
(--read-timeout 1, --db-timeout 2).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from conftest import ROOT, run_cli
from policypress.receipts import pgcluster
from policypress.receipts.store import open_store
from receipts_support import ReceiptServer, receipt

MKDOCS = ROOT / "mkdocs.yml"
JSON = {"Content-Type": "application/json"}
MB = 1024 * 1024


def raw(server: ReceiptServer, data: bytes, *, timeout: float = 10) -> bytes:
    """Sends bytes as they are and returns the whole answer (until the server closes)."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as conn:
        conn.sendall(data)
        return read_all(conn)


def read_all(conn: socket.socket) -> bytes:
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def dribble(server: ReceiptServer, head: bytes, drop: bytes, *, every: float = 0.2, limit: float = 8) -> tuple[bytes, float]:
    """Sends `head`, then `drop` every `every` seconds for as long as the server listens; the
    answer and the seconds until the server ended the connection (or `limit`)."""
    with socket.create_connection((server.host, server.port), timeout=limit) as conn:
        conn.sendall(head)
        start, answer = time.monotonic(), b""
        while time.monotonic() - start < limit:
            if select.select([conn], [], [], every)[0]:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
                continue
            try:
                conn.sendall(drop)
            except OSError:
                break
        return answer, time.monotonic() - start


def memory(pid: int) -> dict[str, int]:
    """The process's resident memory (VmRSS) and its peak (VmHWM), in bytes."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) * 1024 for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def new_lines(server: ReceiptServer, action: Callable[[], object], *, settle: float = 0.5) -> list[str]:
    """What the server prints while `action` runs and just after."""
    before = len(server.output().splitlines())
    action()
    deadline = time.monotonic() + 5
    while len(server.output().splitlines()) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(settle)
    return server.output().splitlines()[before:]


def body_of(record_id: str, size: int | None = None) -> bytes:
    """A receipt of the example site as JSON, padded with spaces to `size` bytes."""
    body = json.dumps(receipt(record_id=record_id)).encode()
    return body if size is None else body + b" " * (size - len(body))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReceiptServer]:
    """One service for the client-side cases: SQLite, requests must arrive within 1 s."""
    server = ReceiptServer(str(tmp_path_factory.mktemp("hostile") / "receipts.sqlite3"), MKDOCS,
                           "--read-timeout", "1", "--rate", "0")
    try:
        yield server
    finally:
        server.stop()


# --- headers ---------------------------------------------------------------------------------------


def test_a_one_megabyte_header_is_refused_with_431(hostile: ReceiptServer) -> None:
    answer = raw(hostile, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * MB + b"\r\n\r\n")
    assert status_of(answer) == 431
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": "the request's line and headers are larger than 16384 bytes"}
    assert hostile.request("GET", "/health")[0] == 200


def test_twenty_thousand_headers_are_refused_with_431(hostile: ReceiptServer) -> None:
    answer = raw(hostile, b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"A: b\r\n" * 20_000 + b"\r\n")
    assert status_of(answer) == 431
    # Fewer, each small, within the byte limit: refused by their number.
    answer = raw(hostile, b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"A: b\r\n" * 150 + b"\r\n")
    assert status_of(answer) == 431
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": "the request has more than 100 headers"}
    # A request with many cookies, as a browser sends them, is not refused.
    cookies = "; ".join(f"c{i}={'v' * 40}" for i in range(100))
    assert hostile.request("GET", "/health", headers={"Cookie": cookies})[0] == 200


def test_a_100_megabyte_header_is_never_held_in_memory(hostile: ReceiptServer) -> None:
    """Before: answered 200, and the process kept about 100 MB. Now refused after 16 KB, and
    neither the process's memory nor its peak grows by more than a few megabytes."""
    pid = hostile.process.pid
    before = memory(pid)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    with socket.create_connection((hostile.host, hostile.port), timeout=20) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:
            for _ in range(100):
                conn.sendall(b"a" * MB)
        except OSError:
            pass  # the server stopped reading after its lingering close
        answer = read_all(conn)
    after = memory(pid)
    assert status_of(answer) == 431
    assert after["VmRSS"] - before["VmRSS"] < 16 * MB, (before, after)
    assert after["VmHWM"] - before["VmRSS"] < 16 * MB, (before, after)


# --- slow and vanishing clients --------------------------------------------------------------------------


def test_a_client_that_dribbles_its_headers_is_cut_off_after_the_read_timeout(hostile: ReceiptServer) -> None:
    answer, seconds = dribble(hostile, b"POST /receipts HTTP/1.1\r\nHost: x\r\n", b"X-Slow: 1\r\n")
    assert status_of(answer) == 408, answer
    assert 0.9 < seconds < 4


def test_a_client_that_dribbles_its_body_is_cut_off_after_the_read_timeout(hostile: ReceiptServer) -> None:
    head = b"POST /receipts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"
    answer, seconds = dribble(hostile, head, b" ")
    assert status_of(answer) == 408, answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": "the request did not arrive whole within 1 s"}
    assert 0.9 < seconds < 4


def test_a_connection_that_sends_nothing_is_closed_after_the_read_timeout(hostile: ReceiptServer) -> None:
    with socket.create_connection((hostile.host, hostile.port), timeout=8) as conn:
        start = time.monotonic()
        assert conn.recv(1024) == b""
        assert time.monotonic() - start < 4


def test_a_client_that_leaves_mid_body_is_one_line_in_the_log(hostile: ReceiptServer) -> None:
    partial = (b"POST /receipts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 5000\r\n\r\n" + body_of("1" * 32)[:300])

    def leave() -> None:
        with socket.create_connection((hostile.host, hostile.port), timeout=5) as conn:
            conn.sendall(partial)
            time.sleep(0.2)

    lines = new_lines(hostile, leave)
    assert lines == ["policypress: a client closed its connection in the middle of a request body; nothing of it was stored"]
    assert hostile.request("GET", "/health")[0] == 200


def test_the_default_largest_receipt_is_8192_bytes(hostile: ReceiptServer) -> None:
    assert hostile.request("POST", "/receipts", body_of("2" * 32, 8192), JSON)[0] == 201
    status, answer = hostile.request("POST", "/receipts", body_of("3" * 32, 8193), JSON)
    assert (status, json.loads(answer)) == (413, {"error": "expected a receipt of at most 8192 bytes"})


# --- the command line --------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--port", "99999", "argument --port: expected a port number from 0 to 65535 (0: any free port), found '99999'"),
    ("--port", "-1", "argument --port: expected a port number from 0 to 65535 (0: any free port), found '-1'"),
    ("--read-timeout", "0", "argument --read-timeout: expected seconds above 0 and below a day, such as 10 or 0.5, found '0'"),
    ("--db-timeout", "soon", "argument --db-timeout: expected seconds above 0 and below a day, such as 10 or 0.5, found 'soon'"),
    ("--max-bytes", "0", "argument --max-bytes: expected a whole number above 0, found '0'"),
])
def test_a_bad_number_for_serve_is_a_usage_error(tmp_path: Path, option: str, value: str, message: str) -> None:
    result = run_cli(["receipts", "serve", "--site", str(MKDOCS), "--database", str(tmp_path / "r.sqlite3"),
                      f"{option}={value}"], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "r.sqlite3").exists()


def test_a_port_in_use_is_named_and_nothing_else_binds(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli(["receipts", "serve", "--site", str(MKDOCS), "--database", str(tmp_path / "r.sqlite3"),
                          "--port", str(port)], tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"policypress: cannot listen on 127.0.0.1 port {port}: Address already in use\n"
    assert not (tmp_path / "r.sqlite3").exists()


def test_port_0_listens_on_the_port_it_prints(hostile: ReceiptServer) -> None:
    [line] = [line for line in hostile.output().splitlines() if " at http://" in line]
    assert f" at http://127.0.0.1:{hostile.port}/receipts " in line and hostile.port != 0
    assert hostile.request("GET", "/health") == (200, b'{"status":"ok"}')


def test_a_postgresql_cluster_whose_port_is_taken_meanwhile_starts_on_another(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL cannot bind port 0: the test cluster picks a port, and retries when another
    process (another xdist worker) took it first. Here the first pick is a port held open."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        picks = iter([taken.getsockname()[1]])
        pick = pgcluster.free_port
        monkeypatch.setattr(pgcluster, "free_port", lambda: next(picks, None) or pick())
        with pgcluster.cluster() as url:
            assert f":{taken.getsockname()[1]}/" not in url
            psycopg.connect(url).close()


# --- the README's promises ------------------------------------------------------------------------------


@pytest.mark.parametrize(("allowed", "stored", "second"), [
    ("127.0.0.1", "203.0.113.0", 201),  # from a trusted proxy: the forwarded client counts
    ("192.0.2.1", "127.0.0.0", 429),  # from anyone else: the header is ignored
])
def test_x_forwarded_for_is_trusted_only_from_forwarded_allow_ips(tmp_path: Path, allowed: str, stored: str,
                                                                     second: int) -> None:
    database = str(tmp_path / "receipts.sqlite3")
    server = ReceiptServer(database, MKDOCS, "--forwarded-allow-ips", allowed, "--client-ip", "truncated",
                           "--burst", "1", "--rate", "1")
    try:
        first = server.request("POST", "/receipts", body_of("4" * 32), {**JSON, "X-Forwarded-For": "203.0.113.7"})
        # Another client behind the same proxy has a rate limit of its own only when the proxy is trusted.
        other = server.request("POST", "/receipts", body_of("5" * 32), {**JSON, "X-Forwarded-For": "198.51.100.9"})
    finally:
        server.stop()
    assert (first[0], other[0]) == (201, second)
    opened = open_store(database)
    try:
        assert [row.client_ip for row in opened.for_consent("4" * 32)] == [stored]
    finally:
        opened.close()


def test_no_client_address_is_logged_and_host_is_the_only_address_listened_on(tmp_path: Path) -> None:
    """The service on 127.0.0.2, its client on 127.0.0.3 (both loopback): every kind of request
    that makes the service log something, and the log never names the client."""
    database = str(tmp_path / "receipts.sqlite3")
    server = ReceiptServer(database, MKDOCS, "--host", "127.0.0.2", "--read-timeout", "1", "--burst", "4",
                           "--rate", "0.01")
    client = "127.0.0.3"
    forwarded = {"X-Forwarded-For": "198.51.100.23"}

    def post(body: bytes, headers: dict[str, str]) -> int:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10, source_address=(client, 0))
        try:
            conn.request("POST", "/receipts", body=body, headers={**headers, **forwarded})
            return conn.getresponse().status
        finally:
            conn.close()

    def send(data: bytes) -> bytes:
        with socket.create_connection((server.host, server.port), timeout=10, source_address=(client, 0)) as conn:
            conn.sendall(data)
            if data.endswith(b"{"):
                time.sleep(0.2)
                return b""  # leaves mid-body
            return read_all(conn)

    try:
        assert status_of(send(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * MB + b"\r\n\r\n")) == 431
        assert status_of(send(b"NOT HTTP AT ALL\r\n\r\n")) == 400
        assert status_of(send(b"GET /health HTTP/1.1\r\nHost: x\r\n")) == 408
        send(b"POST /receipts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{")
        statuses = [post(body_of("6" * 32), {**JSON, "Origin": "https://elsewhere.example"}), post(b"{", JSON),
                    post(body_of("6" * 32), JSON), post(b"{}", {"Content-Type": "text/plain"}), post(body_of("7" * 32), JSON)]
        assert statuses == [403, 400, 201, 415, 429]  # the burst of 4 taken by the body left behind and three
        # --host: nothing listens on the port at any other address.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
    finally:
        server.stop()
    output = server.output()
    # The service did log: the lines are there, the client's address in none of them.
    for said in ("not complete after 1 s", "in the middle of a request body", "Invalid HTTP request"):
        assert said in output
    assert client not in output and "198.51.100.23" not in output
    opened = open_store(database)
    try:
        assert [row.client_ip for row in opened.for_consent("6" * 32)] == [None]  # --client-ip none
    finally:
        opened.close()


def test_path_is_where_receipts_are_taken_and_max_bytes_the_largest(tmp_path: Path) -> None:
    database = str(tmp_path / "receipts.sqlite3")
    server = ReceiptServer(database, MKDOCS, "--path", "/consent/v1", "--max-bytes", "2000", "--rate", "0")
    try:
        assert server.request("POST", "/receipts", body_of("8" * 32), JSON)[0] == 404
        assert server.request("POST", "/consent/v1", body_of("8" * 32, 2000), JSON)[0] == 201
        assert server.request("POST", "/consent/v1", body_of("9" * 32, 2001), JSON)[0] == 413
        # Without a Content-Length (chunked), counted as it arrives.
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        try:
            conn.request("POST", "/consent/v1", body=iter([body_of("a" * 32, 2001)]), headers=JSON, encode_chunked=True)
            assert conn.getresponse().status == 413
        finally:
            conn.close()
    finally:
        server.stop()
    opened = open_store(database)
    try:
        assert [row.consent_id for row in opened.between(None, None)] == ["8" * 32]
    finally:
        opened.close()


# --- failing databases --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[str]:
    """A PostgreSQL cluster of this module's own, since its tests freeze and stop it (no
    PostgreSQL on the machine is an error that says how to install it)."""
    with pgcluster.cluster(["fsync=off", "full_page_writes=off"]) as url:
        yield url


_names = iter(range(1, 1_000_000))


@pytest.fixture
def pg_database(own_cluster: str) -> str:
    return pgcluster.create_database(own_cluster, f"hostile_{os.getpid()}_{next(_names)}")


def data_directory(url: str) -> Path:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    return Path(row[0])


def cluster_processes(data: Path) -> list[int]:
    """The postmaster of the cluster in `data` and every process it started."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return [postmaster, *children]


@contextmanager
def frozen(url: str) -> Iterator[None]:
    """Every process of the cluster stopped (SIGSTOP) for the block: connections stay open, nothing answers."""
    processes = cluster_processes(data_directory(url))
    # A backend may end by itself in between (a connection closing): it needs no signal.
    for pid in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def pg_ctl(data: Path, *args: str) -> None:
    user = "postgres" if os.geteuid() == 0 else None
    subprocess.run([str(pgcluster.bindir() / "pg_ctl"), "-D", str(data), *args], check=True, capture_output=True,
                   user=user, timeout=60, cwd=data.parent)


@contextmanager
def stopped(url: str) -> Iterator[None]:
    """The cluster shut down for the block, then started again as it was (same port and settings)."""
    data = data_directory(url)
    command = shlex.split((data / "postmaster.opts").read_text())[1:]
    options = shlex.join([part for i, part in enumerate(command) if part != "-D" and command[i - 1] != "-D"])
    pg_ctl(data, "-m", "fast", "-w", "stop")
    try:
        yield
    finally:
        pg_ctl(data, "-o", options, "-l", str(data.parent / "log"), "-w", "-t", "60", "start")


def timed(call: Callable[[], tuple[int, bytes]]) -> tuple[int, float]:
    start = time.monotonic()
    status = call()[0]
    return status, time.monotonic() - start


def back_within(server: ReceiptServer, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if server.request("GET", "/health")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def post(server: ReceiptServer, record_id: str) -> Callable[[], tuple[int, bytes]]:
    return lambda: server.request("POST", "/receipts", body_of(record_id), JSON)


def assert_chain_intact(database: str) -> None:
    opened = open_store(database)
    try:
        assert opened.verify().ok
    finally:
        opened.close()


@pytest.mark.parametrize("outage", [frozen, stopped], ids=["frozen", "stopped"])
def test_postgresql_frozen_or_stopped_is_503_within_the_timeout_and_then_recovers(pg_database: str, outage) -> None:  # type: ignore[no-untyped-def]
    """--db-timeout 2: a POST and /health answer 503 within about 2 s (not never), and the service
    takes receipts again once PostgreSQL is back, without a restart."""
    server = ReceiptServer(pg_database, MKDOCS, "--db-timeout", "2", "--rate", "0")
    try:
        assert post(server, "b" * 32)()[0] == 201
        with outage(pg_database):
            for call in (post(server, "c" * 32), lambda: server.request("GET", "/health"), post(server, "d" * 32)):
                status, seconds = timed(call)
                assert status == 503 and seconds < 5, (status, seconds)
        assert back_within(server, 20)
        assert post(server, "e" * 32)()[0] == 201
        # A receipt answered 503 may have been stored after all: sent again, it is stored once.
        assert post(server, "c" * 32)()[0] in (200, 201)
    finally:
        server.stop()
    assert "Traceback" not in server.output()
    assert_chain_intact(pg_database)


def test_postgresql_read_only_is_503_for_post_and_health_until_writable(pg_database: str, own_cluster: str) -> None:
    name = pg_database.rsplit("/", 1)[1]

    def set_read_only(on: bool) -> None:
        with psycopg.connect(own_cluster, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
            # Sessions already open keep the setting they began with: end them.
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))

    server = ReceiptServer(pg_database, MKDOCS, "--db-timeout", "2", "--rate", "0")
    try:
        set_read_only(True)
        assert server.request("GET", "/health")[0] == 503
        assert post(server, "f" * 32)()[0] == 503
        set_read_only(False)
        assert back_within(server, 10)
        assert post(server, "f" * 32)()[0] == 201
    finally:
        server.stop()
    assert_chain_intact(pg_database)


def test_sqlite_that_takes_no_writes_is_503_for_post_and_health_until_it_does(tmp_path: Path) -> None:
    """The database file and its write-ahead log made immutable under the running service (as a
    disk that fails or was remounted read-only), then writable again."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("making an open file unwritable needs chattr +i, which needs root (CAP_LINUX_IMMUTABLE)")
    database = tmp_path / "receipts.sqlite3"
    server = ReceiptServer(str(database), MKDOCS, "--db-timeout", "2", "--rate", "0")
    files = [str(database), f"{database}-wal"]
    try:
        assert post(server, "1a" * 16)()[0] == 201
        subprocess.run(["chattr", "+i", *files], check=True, capture_output=True)
        try:
            assert post(server, "1b" * 16)()[0] == 503
            assert server.request("GET", "/health")[0] == 503
        finally:
            subprocess.run(["chattr", "-i", *files], check=True, capture_output=True)
        assert back_within(server, 10)
        assert post(server, "1b" * 16)()[0] == 201
    finally:
        server.stop()
    assert "Traceback" not in server.output()
    assert_chain_intact(str(database))

"""The receipts commands against what an attacker or a careless operator leaves in the database or
types on the command line: a forged row after the chain's head, a deleted head, a dropped table,
values no receipt has, terminal-controlling characters, periods at the calendar's ends, a URL of a
database policypress does not support, a reader that closes the pipe, `verify` while the service
writes, two services on one PostgreSQL database, and a SQLite file that git would commit.

Every case ends in a one-line message and an exit status (0 done, 1 a finding, 2 could not run),
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from conftest import ROOT
from policypress.receipts import gitcheck, pgcluster
from policypress.receipts.app import Options, create_app
from policypress.receipts.schema import Receipt, parse
from policypress.receipts.store import SqlStore, StoreError, open_store, row_hash
from receipts_support import (ReceiptServer, changed, cli, database, facts, postgres_cluster,  # noqa: F401 - fixtures
                              receipt, store)

MKDOCS = ROOT / "mkdocs.yml"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    # Neither the machine's git configuration (a global excludes file) nor a database named in
    # the environment decides what these tests see.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("POLICYPRESS_RECEIPTS_DB", raising=False)
    yield


def policypress(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`policypress <args>` in a new interpreter (for `serve`, which does not return once it runs)."""
    return subprocess.run([sys.executable, "-m", "policypress.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def parsed(body: dict[str, Any]) -> Receipt:
    return parse(json.dumps(body).encode(), facts(), dt.datetime.now(dt.timezone.utc))


def fill(store: SqlStore, count: int, start: int = 0, batch: int = 100) -> None:
    """`count` receipts of as many visitors, written in batches as the service writes them."""
    items = [(parsed(receipt(record_id=f"{i:032x}")), None) for i in range(start, start + count)]
    for first in range(0, count, batch):
        store.add(items[first:first + batch])


def execute(store: SqlStore, sql: str, **values: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text(sql), values)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout and "Exception ignored" not in done.stderr


# --- verify reads the head and the rows in one snapshot ---------------------------------------------------


def test_verify_while_the_service_writes_never_reports_an_honest_chain_broken(database: str) -> None:
    """50 runs of `verify` while another connection appends all the time. Read in two snapshots
    (the head, then the rows), a run sees rows written after the head it read: on PostgreSQL about
    one run in eight said the chain was broken."""
    writer = open_store(database, create=True)
    reader = open_store(database)
    items = [(parsed(receipt(record_id=f"{i:032x}")), None) for i in range(6000)]
    stop = threading.Event()
    written = [0]

    def append() -> None:
        # Bounded: at most 6000 receipts, in batches of 3, until the 50 runs are done.
        for first in range(0, len(items), 3):
            if stop.is_set():
                return
            writer.add(items[first:first + 3])
            written[0] = first + 3

    thread = threading.Thread(target=append)
    thread.start()
    try:
        while written[0] < 30:
            time.sleep(0.01)
        results = []
        for _ in range(50):
            results.append(reader.verify())
    finally:
        stop.set()
        thread.join(60)
        writer.close()
    assert [r.problem for r in results if not r.ok] == []
    # The runs saw the chain grow: they ran while it was written (on a loaded machine SQLite's
    # writer may commit only every few runs; a full run saw 10 heads in 50 runs).
    assert len({r.head_seq for r in results}) > 5
    assert all(r.rows == r.head_seq for r in results)
    assert reader.verify().ok
    reader.close()


# --- what verify finds, named by a row that exists ------------------------------------------------------------


def forge_after_head(store: SqlStore, seq: int) -> None:
    """A row added to the table by hand after the head, chained to the head as the service would."""
    head = store.verify()
    last = next(r for r in store.between(None, None) if r.seq == head.head_seq)
    row = {**last.as_dict(), "seq": seq, "consent_id": "f" * 32, "prev_hash": head.head_hash}
    row["hash"] = row_hash(row)
    with store.engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO receipts ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)


@pytest.mark.parametrize("seq", [6, 100])
def test_a_row_forged_after_the_head_is_named(store: SqlStore, database: str, tmp_path: Path, seq: int) -> None:
    fill(store, 5)
    forge_after_head(store, seq)
    result = store.verify()
    assert result.broken == seq and seq in [r.seq for r in store.between(None, None)]
    assert result.problem == (f"row {seq} comes after the chain's head (row 5): it was added to the table by other "
                              f"means than the service")
    done = cli(["receipts", "verify", "--database", database], tmp_path)
    assert done.returncode == 1 and f"broken at row {seq}: row {seq} comes after the chain's head (row 5)" in done.stderr
    no_traceback(done)


def test_a_deleted_head_is_a_finding_and_no_traceback(store: SqlStore, database: str, tmp_path: Path) -> None:
    fill(store, 3)
    execute(store, "DELETE FROM receipts_chain")
    done = cli(["receipts", "verify", "--database", database], tmp_path)
    assert (done.returncode, done.stderr) == (1, "policypress: the receipts chain is broken: the chain's head "
                                                  "(row 1 of receipts_chain) is missing: it was deleted\n")
    purge = cli(["receipts", "purge", "--older-than", "P1D", "--database", database], tmp_path)
    assert purge.returncode == 2 and "the chain's head (row 1 of receipts_chain) is missing: it was deleted" in purge.stderr
    no_traceback(purge)
    # What does not need the head still answers.
    assert cli(["receipts", "show", f"{1:032x}", "--database", database], tmp_path).returncode == 0


@pytest.mark.parametrize(("table", "holds"), [("receipts", "the receipts"), ("receipts_chain", "the chain's head")])
def test_a_dropped_table_is_a_finding_and_no_traceback(store: SqlStore, database: str, tmp_path: Path,
                                                       table: str, holds: str) -> None:
    fill(store, 3)
    execute(store, f"DROP TABLE {table}")
    missing = f"the table {table} ({holds}) is missing: it was dropped"
    done = cli(["receipts", "verify", "--database", database], tmp_path)
    assert (done.returncode, done.stderr) == (1, f"policypress: the receipts chain is broken: {missing}\n")
    commands = [["show", f"{1:032x}"], ["export", "-o", str(tmp_path / "out.jsonl")], ["purge", "--older-than", "P1D"]]
    for command in commands if table == "receipts" else commands[2:]:
        failed = cli(["receipts", *command, "--database", database], tmp_path)
        assert failed.returncode == 2 and missing in failed.stderr, (command, failed.stderr)
        no_traceback(failed)
    # A failed export leaves no file behind.
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(("edit", "finding"), [
    ("UPDATE receipts SET purposes = 'not json', method = x'00ff' WHERE seq = 2",
     "broken at row 2: row 2 was edited: its content does not match its hash"),
    ("UPDATE receipts SET seq = 'two' WHERE seq = 3", "broken: a row's seq is 'two', not a row number: the table was edited"),
    ("UPDATE receipts_chain SET head_seq = 'top'", "broken: the chain's head (row 1 of receipts_chain) was edited"),
])
def test_values_no_receipt_has_are_named_not_a_traceback(tmp_path: Path, edit: str, finding: str) -> None:
    """SQLite keeps any value in any column: text where a row number belongs, purposes that are
    not JSON, bytes where text belongs."""
    path = str(tmp_path / "receipts.sqlite3")
    opened = open_store(path, create=True)
    fill(opened, 3)
    execute(opened, edit)
    opened.close()
    done = cli(["receipts", "verify", "--database", path], tmp_path)
    assert done.returncode == 1 and f"policypress: the receipts chain is {finding}" in done.stderr, done.stderr
    # The receipts of the edited row (consent id 1) are still shown, as stored.
    text = cli(["receipts", "show", f"{1:032x}", "--database", path], tmp_path)
    as_json = cli(["receipts", "show", f"{1:032x}", "--json", "--database", path], tmp_path)
    assert (text.returncode, as_json.returncode) == (0, 0)
    if "purposes" in edit:
        assert "purposes (not a list of categories; `policypress receipts verify` checks the row): not json" in text.stdout
        assert r"b'\\x00\\xff'" in text.stdout and json.loads(as_json.stdout)[0]["purposes"] == "not json"
    else:
        assert "statistics: given  (Statistics)" in text.stdout
    for each in (done, text, as_json):
        no_traceback(each)


# --- show prints what is stored, not what it makes a terminal do -------------------------------------------


HIDDEN = "\u202e\u2066\u200f\x1b\x07\x85\u2028\U000e0001"


def test_show_escapes_bidirectional_and_control_characters(store: SqlStore, database: str, tmp_path: Path) -> None:
    """A row as an old version, a restore or a hand edit may have left it: every text with
    characters that reorder or erase what a terminal shows."""
    body = parsed(receipt())
    purposes = json.loads(body.purposes)
    purposes[1]["name"] = f"Statistics{HIDDEN}"
    hostile = Receipt(**{**body.content(), "notice_url": f"../cookies/{HIDDEN}", "revision": f"cookies 1.1{HIDDEN}",
                         "purposes": json.dumps(purposes)})
    store.add([(hostile, None)])
    done = cli(["receipts", "show", body.consent_id, "--database", database], tmp_path)
    assert done.returncode == 0
    escaped = r"\u202e\u2066\u200f\x1b\x07\x85\u2028\U000e0001"
    assert f"cookies 1.1{escaped}" in done.stdout and f"(Statistics{escaped})" in done.stdout
    assert not [char for char in done.stdout if char in HIDDEN]
    as_json = cli(["receipts", "show", body.consent_id, "--json", "--database", database], tmp_path)
    assert not [char for char in as_json.stdout if char in HIDDEN]
    [row] = json.loads(as_json.stdout)
    # The same data, escaped the JSON way.
    assert (row["revision"], row["notice_url"], row["purposes"][1]["name"]) == (
        f"cookies 1.1{HIDDEN}", f"../cookies/{HIDDEN}", f"Statistics{HIDDEN}")
    asked = cli(["receipts", "show", "\u202eabc", "--database", database], tmp_path)
    assert asked.returncode == 1 and asked.stderr == "policypress: no receipts for consent id \\u202eabc\n"


# --- receipt fields -------------------------------------------------------------------------------------------


def test_a_receipt_that_repeats_a_key_is_refused(store: SqlStore) -> None:
    """Python keeps the last of a repeated key, other readers of the same body the first: the
    record would say different things to different tools."""
    text = json.dumps(receipt())
    twice = text.replace('"method": "accept-all"', '"method": "accept-all", "method": "accept-all"')
    nested = text.replace('"status": "given"', '"status": "given", "status": "given"', 1)
    with TestClient(create_app(facts(), store, Options(per_minute=0))) as http:
        answers = [http.post("/receipts", content=body.encode(), headers=JSON) for body in (twice, nested)]
        assert http.post("/receipts", content=text.encode(), headers=JSON).status_code == 201
    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (400, "expected each key once in a JSON object, found 'method' twice"),
        (400, "expected each key once in a JSON object, found 'status' twice")]
    assert store.verify().rows == 1


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_category_names_stored_are_the_site_s_own(store: SqlStore, language: str) -> None:
    body = receipt(language=language)
    for i, purpose in enumerate(body["purposes"]):
        body = changed(body, f"purposes.{i}.name", f"I agree to anything ({purpose['id']})")
    with TestClient(create_app(facts(), store, Options(per_minute=0))) as http:
        assert http.post("/receipts", content=json.dumps(body).encode(), headers=JSON).status_code == 201
    [row] = store.for_consent(body["record_id"])
    expected = {"en": ["Necessary", "Statistics", "Embedded videos"], "sv": ["Nödvändiga", "Statistik", "Inbäddade filmer"]}
    assert [p["name"] for p in row.purpose_list()] == expected[language]
    assert [p["status"] for p in row.purpose_list()] == ["not-required", "given", "given"]


# --- periods at the calendar's ends ----------------------------------------------------------------------------


def test_purge_of_a_period_longer_than_the_calendar_is_refused(store: SqlStore, database: str, tmp_path: Path) -> None:
    fill(store, 3)
    done = cli(["receipts", "purge", "--older-than", "P10000Y", "--database", database], tmp_path)
    assert (done.returncode, done.stderr) == (2, "policypress: --older-than: P10000Y reaches back before the year 1; "
                                                 "expected a retention period such as P13M (13 months) or P3Y\n")
    days = cli(["receipts", "purge", "--older-than", "P99999999D", "--database", database], tmp_path)
    assert days.returncode == 2 and "reaches back before the year 1" in days.stderr
    # Back to a year of three digits: nothing is that old. (Written "526-…", the limit sorted
    # after every stored time, and purge deleted everything.)
    kept = cli(["receipts", "purge", "--older-than", "P1500Y", "--database", database], tmp_path)
    assert kept.returncode == 0 and "deleted 0 receipts received before 0" in kept.stdout
    assert store.verify().rows == 3


@pytest.mark.parametrize(("window", "count"), [
    (["--to", "9999-12-31"], 4),
    (["--to", "9999-12-31T23:30:00-05:00"], 4),
    (["--from", "0001-01-01T00:00:00+01:00"], 4),
    (["--from", "0526-01-01"], 4),
    (["--to", "0998-06-30"], 0),
    (["--from", "9999-12-31T23:30:00-05:00"], 0),
    (["--to", "0001-01-01T00:30:00+01:00"], 0),
])
def test_export_periods_at_the_calendar_s_ends(store: SqlStore, database: str, tmp_path: Path,
                                               window: list[str], count: int) -> None:
    fill(store, 4)
    done = cli(["receipts", "export", *window, "--database", database], tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == count and f"exported {count} receipt" in done.stderr


# --- the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root:secret@db.example/receipts",
     "--database: expected a SQLite file, sqlite:///PATH or postgresql://user@host/db, found "
     "mysql://root:***@db.example/receipts; receipts are kept in SQLite or PostgreSQL only"),
    ("mssql+pyodbc://sa:secret@db.example/receipts", "found mssql+pyodbc://sa:***@db.example/receipts; receipts are kept"),
    ("postgresql://u:secret@db.example:fivefourthreetwo/receipts",
     "--database: expected a URL such as postgresql://user:password@host:5432/database, found one that cannot be read"),
])
def test_a_database_policypress_does_not_keep_receipts_in_is_named(tmp_path: Path, url: str, message: str) -> None:
    for command in (["verify"], ["export"], ["show", "0" * 32], ["purge", "--older-than", "P1Y"]):
        done = cli(["receipts", *command, "--database", url], tmp_path)
        assert done.returncode == 2 and message in done.stderr and "secret" not in done.stderr, done.stderr
        no_traceback(done)
    served = policypress("receipts", "serve", "--database", url, "--site", str(MKDOCS), cwd=tmp_path)
    assert served.returncode == 2 and message in served.stderr
    no_traceback(served)


def test_export_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`export | head -c 200`: head exits after 200 bytes, the export's next write finds the pipe
    closed. The reader got what it asked for: no traceback, no "Exception ignored"."""
    path = tmp_path / "receipts.sqlite3"
    opened = open_store(str(path), create=True)
    fill(opened, 400)  # about 400 KB of JSON Lines: more than a pipe holds
    opened.close()
    export = subprocess.Popen([sys.executable, "-m", "policypress.cli", "receipts", "export", "--database", str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert export.stdout is not None and export.stderr is not None
    head = subprocess.run(["head", "-c", "200"], stdin=export.stdout, capture_output=True, timeout=120)
    export.stdout.close()  # only head reads the pipe now
    errors = export.stderr.read().decode()
    export.wait(120)
    export.stderr.close()
    assert len(head.stdout) == 200 and head.stdout.startswith(b'{"seq": 1,')
    assert (export.returncode, errors) == (141, "")


# --- serve keeps the SQLite file out of git -------------------------------------------------------------------


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git work tree, as a policy site created by `policypress new` and `git init` is."""
    root = tmp_path / "site"
    root.mkdir()
    git(root, "init", "-q")
    return root


def test_serve_refuses_a_database_git_would_commit(repository: Path) -> None:
    database = repository / "receipts.sqlite3"
    # Were it not refused, it would serve until the timeout: the test fails either way.
    done = policypress("receipts", "serve", "--site", str(MKDOCS), "--port", str(pgcluster.free_port()), cwd=repository)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"policypress: the receipts database {database} lies in the git work tree {repository}, and git does not "
        f"ignore receipts.sqlite3, receipts.sqlite3-wal, receipts.sqlite3-shm: visitors' consent records would be "
        f"committed with the site. Keep the database outside the repository (--database "
        f"/var/lib/policypress/receipts.sqlite3, or POLICYPRESS_RECEIPTS_DB), or add the line `receipts.sqlite3*` to "
        f"{repository / '.gitignore'} (and `git rm --cached` it if it was committed)\n")
    assert not database.exists()


@pytest.mark.parametrize(("ignore", "exposed"), [
    ("receipts.sqlite3*\n", None),
    ("*.sqlite3\n*.sqlite3-*\n", None),
    ("receipts.sqlite3\n", "receipts.sqlite3-wal, receipts.sqlite3-shm"),
    ("", "receipts.sqlite3, receipts.sqlite3-wal, receipts.sqlite3-shm"),
])
def test_only_a_database_git_ignores_with_its_wal_files_is_served_in_a_work_tree(
        repository: Path, ignore: str, exposed: str | None) -> None:
    (repository / ".gitignore").write_text(ignore)
    database = str(repository / "data" / "receipts.sqlite3")  # a folder serve has not made yet
    if exposed is None:
        gitcheck.check_not_committable(database)
    else:
        with pytest.raises(StoreError, match=f"git does not ignore {exposed}:"):
            gitcheck.check_not_committable(database)


def test_a_database_git_tracks_is_refused_even_when_ignored(repository: Path) -> None:
    (repository / "receipts.sqlite3").write_text("")
    git(repository, "add", "receipts.sqlite3")
    (repository / ".gitignore").write_text("receipts.sqlite3*\n")
    with pytest.raises(StoreError, match=r"git does not ignore receipts\.sqlite3: .*git rm --cached"):
        gitcheck.check_not_committable(str(repository / "receipts.sqlite3"))


def test_outside_a_work_tree_or_on_postgresql_nothing_is_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    gitcheck.check_not_committable(str(tmp_path / "receipts.sqlite3"))
    gitcheck.check_not_committable("postgresql://postgres@127.0.0.1:1/receipts")
    # Without git on the machine: a warning names the repository, and the service may start.
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    gitcheck.check_not_committable(str(tmp_path / "repo" / "receipts.sqlite3"))
    warning = capsys.readouterr().err
    assert warning.startswith(f"policypress: WARNING: the receipts database {tmp_path / 'repo' / 'receipts.sqlite3'} "
                              f"lies in the git repository {tmp_path / 'repo'}, and git could not be asked")


# --- several services on one PostgreSQL database ---------------------------------------------------------------


@pytest.fixture
def pg_database(postgres_cluster: str) -> str:
    return pgcluster.create_database(postgres_cluster, f"shared_{os.getpid()}_{time.monotonic_ns()}")


def test_two_services_on_one_postgresql_database_keep_one_chain(pg_database: str) -> None:
    """Two `receipts serve` processes, 8 clients each, writing into one database at once: every
    receipt acknowledged, one unbroken chain with every one of them. (The chain's row lock is
    what orders them; without it, the two would take the same row numbers.)"""
    bodies = [receipt(record_id=f"{i:032x}") for i in range(600)]
    servers = [ReceiptServer(pg_database, MKDOCS, "--rate", "0") for _ in range(2)]
    try:
        def send(i: int) -> tuple[int, int]:
            return i % 2, servers[i % 2].post(bodies[i])

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(send, range(600)))
    finally:
        for server in servers:
            server.stop()
    assert sorted({status for _, status in answers}) == [201]
    opened = open_store(pg_database)
    try:
        result = opened.verify()
        assert result.ok, result.problem
        assert (result.rows, result.head_seq) == (600, 600)
        assert {row.consent_id for row in opened.between(None, None)} == {f"{i:032x}" for i in range(600)}
    finally:
        opened.close()



def test_a_connection_the_database_closed_costs_no_receipt(pg_database: str) -> None:
    """The append's own connection, kept open between batches, closed by the server (a restart,
    an idle timeout, an administrator): the next batch is written on a fresh one."""
    opened = open_store(pg_database, create=True)
    try:
        fill(opened, 2, batch=1)
        with opened.engine.connect() as conn:
            closed = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        assert closed >= 1
        fill(opened, 2, start=2, batch=1)
        result = opened.verify()
        assert (result.ok, result.rows) == (True, 4)
    finally:
        opened.close()

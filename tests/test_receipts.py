"""The consent-receipt service in process: validation of hostile input, idempotent duplicates,
CORS, rate limits, the hash chain and the commands, on SQLite and on PostgreSQL.

The service as a subprocess (killed under load, fed by the banner in Chromium) is in
test_receipts_server.py.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pyld import jsonld
from rdflib import Graph
from starlette.testclient import TestClient

from policypress.core import dpv
from policypress.core.types import parse_duration
from policypress.receipts.app import Options, create_app, truncated
from policypress.receipts.command import before
from policypress.receipts.export import _cell, record_node
from policypress.receipts.ratelimit import RateLimiter, client_key
from policypress.receipts.schema import Refused, parse
from policypress.receipts.store import SqlStore, Stored, open_store, row_hash
from receipts_support import (DELETE, REVISION, SITE_ORIGIN, changed, cli, database, facts, iso,  # noqa: F401 - fixtures
                              postgres_cluster, receipt, store)

JSON = {"Content-Type": "application/json"}
NO_LIMIT = Options(per_minute=0)


def client(store: SqlStore, options: Options = NO_LIMIT) -> TestClient:
    return TestClient(create_app(facts(), store, options))


def post(http: TestClient, body: Any, headers: dict[str, str] | None = None) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post("/receipts", content=content, headers={**JSON, **(headers or {})})


def rows(store: SqlStore) -> int:
    return store.verify().rows


# --- bad input: 4xx, and nothing stored ------------------------------------------------------------

GOOD = receipt()
NOW = dt.datetime.now(dt.timezone.utc)
HOSTILE: list[tuple[str, Any, dict[str, str], int]] = [
    ("not JSON", b"consent=yes", {}, 400),
    ("empty body", b"", {}, 400),
    ("truncated JSON", json.dumps(GOOD).encode()[:-5], {}, 400),
    ("a JSON array", b"[]", {}, 400),
    ("NaN", b'{"record_id": NaN}', {}, 400),
    ("deep nesting", b"[" * 4000 + b"]" * 4000, {}, 400),
    ("text/plain", GOOD, {"Content-Type": "text/plain"}, 415),
    ("a form", GOOD, {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("latin-1", GOOD, {"Content-Type": "application/json; charset=latin-1"}, 415),
    ("too large", changed(GOOD, "purposes.0.name", "x" * 9000), {}, 413),
    ("lying Content-Length", GOOD, {"Content-Length": "100000"}, 413),
    ("another origin", GOOD, {"Origin": "https://evil.example"}, 403),
    ("an opaque origin", GOOD, {"Origin": "null"}, 403),
    ("no record id", changed(GOOD, "record_id", DELETE), {}, 422),
    ("record id not hex", changed(GOOD, "record_id", "z" * 32), {}, 422),
    ("record id as a number", changed(GOOD, "record_id", 12345), {}, 422),
    ("SQL in the record id", changed(GOOD, "record_id", "'; DROP TABLE receipts; --"), {}, 422),
    ("another schema", changed(GOOD, "schema", "Kantara consent receipt 1.1"), {}, 422),
    ("an extra field", changed(GOOD, "ip", "203.0.113.9"), {}, 422),
    ("unknown revision", changed(GOOD, "notice.revision", "cookies 9.9"), {}, 422),
    ("another policy", changed(GOOD, "notice.revision", "privacy 3.1"), {}, 422),
    ("wrong fingerprint", changed(GOOD, "notice.fingerprint", "0" * 16), {}, 422),
    ("unknown language", changed(GOOD, "language", "de"), {}, 422),
    ("other jurisdiction", changed(GOOD, "jurisdiction", "US"), {}, 422),
    ("unknown method", changed(GOOD, "method", "accept-some"), {}, 422),
    ("accept-all that refuses", changed(GOOD, "purposes.1.status", "refused"), {}, 422),
    ("reject-all that gives", changed(receipt(method="reject-all"), "purposes.2.status", "given"), {}, 422),
    ("a category missing", changed(GOOD, "purposes", GOOD["purposes"][:2]), {}, 422),
    ("a category added", changed(GOOD, "purposes", [*GOOD["purposes"], {**GOOD["purposes"][1], "id": "ads"}]), {}, 422),
    ("a category twice", changed(GOOD, "purposes", [*GOOD["purposes"][:2], GOOD["purposes"][1]]), {}, 422),
    ("necessary given", changed(GOOD, "purposes.0.status", "given"), {}, 422),
    ("optional not required", changed(GOOD, "purposes.1.status", "not-required"), {}, 422),
    ("another purpose", changed(GOOD, "purposes.1.dpv", ["dpv:Marketing"]), {}, 422),
    ("another legal basis", changed(GOOD, "purposes.1.legal_basis", "eu-gdpr:A6-1-f"), {}, 422),
    ("purposes not a list", changed(GOOD, "purposes", {"statistics": "given"}), {}, 422),
    ("a date that does not exist", changed(GOOD, "timestamp", "2026-02-30T10:00:00.000Z"), {}, 422),
    ("a local time", changed(GOOD, "timestamp", "2026-11-22T10:00:00+01:00"), {}, 422),
    ("from the future", changed(GOOD, "timestamp", iso(NOW + dt.timedelta(days=3))), {}, 422),
    ("from long ago", changed(changed(GOOD, "timestamp", iso(NOW - dt.timedelta(days=500))), "first_timestamp",
                              iso(NOW - dt.timedelta(days=500))), {}, 422),
    ("first after latest", changed(GOOD, "first_timestamp", iso(NOW + dt.timedelta(hours=1))), {}, 422),
    ("a control character", changed(GOOD, "purposes.1.name", "Stat\u0000istics"), {}, 422),
    ("a lone surrogate", json.dumps(changed(GOOD, "purposes.1.name", "\ud800")).encode(), {}, 422),
    # Sent as the characters themselves, not as escapes: C1 controls and DEL are valid UTF-8.
    ("a raw C1 control character", json.dumps(changed(GOOD, "purposes.1.name", "Stat\u0085istics"),
                                              ensure_ascii=False).encode(), {}, 422),
    ("a raw DEL", json.dumps(changed(GOOD, "notice.revision", "cookies\x7f1.1"), ensure_ascii=False).encode(), {}, 422),
    ("an escaped line feed", changed(GOOD, "purposes.1.name", "Stat\nistics"), {}, 422),
    ("a huge notice URL", changed(GOOD, "notice.url", "/" * 3000), {}, 422),
]


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, SqlStore]]:
    opened = open_store(str(tmp_path_factory.mktemp("hostile") / "receipts.sqlite3"), create=True)
    with client(opened) as http:
        yield http, opened
    opened.close()


@pytest.mark.parametrize(("body", "headers", "status"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
def test_malformed_or_hostile_receipts_are_refused_and_nothing_is_stored(
        sqlite_app: tuple[TestClient, SqlStore], body: Any, headers: dict[str, str], status: int) -> None:
    http, opened = sqlite_app
    response = post(http, body, headers)
    assert response.status_code == status, response.text
    assert "error" in response.json()
    assert rows(opened) == 0


def test_there_are_at_least_twenty_hostile_cases() -> None:
    assert len(HOSTILE) >= 20 and len({case[0] for case in HOSTILE}) == len(HOSTILE)


def test_a_good_receipt_is_stored_as_received(store: SqlStore) -> None:
    body = receipt(method="settings", choices={"statistics": False, "video": True}, language="sv")
    with client(store) as http:
        response = post(http, body, {"Origin": SITE_ORIGIN})
    assert response.status_code == 201 and response.json() == {"stored": True, "seq": 1}
    [row] = store.for_consent(body["record_id"])
    assert (row.given_at, row.method, row.language, row.revision, row.client_ip) == (
        body["timestamp"], "settings", "sv", REVISION, None)
    assert row.purpose_list() == body["purposes"]


def test_json_whitespace_and_text_beyond_ascii_are_accepted() -> None:
    """Tabs, line feeds and carriage returns between values are JSON's whitespace, and text
    beyond ASCII is text: neither is a control character in a value."""
    body = changed(GOOD, "purposes.1.name", "Statistik för åäö – “citat”")
    pretty = json.dumps(body, indent="\t", ensure_ascii=False).replace("\n", "\r\n").encode()
    assert parse(pretty, facts(), NOW).consent_id == body["record_id"]


def test_every_released_revision_and_the_banner_s_own_fields_are_accepted() -> None:
    # What core.consent.config gives the banner for each revision is what the service expects.
    for revision, offer in facts().revisions.items():
        body = changed(changed(receipt(), "notice.revision", revision), "notice.fingerprint", offer.fingerprint)
        assert parse(json.dumps(body).encode(), facts(), NOW).revision == revision
    with pytest.raises(Refused):
        parse(b"{}", facts(), NOW)


# --- duplicates ---------------------------------------------------------------------------------------


def test_a_receipt_sent_twice_is_stored_once(store: SqlStore) -> None:
    body = receipt()
    with client(store) as http:
        first, second = post(http, body), post(http, body)
        # The same consent id and time with other content: a conflict, not a second truth.
        conflict = post(http, changed(body, "notice.url", "../other/"))
    assert (first.status_code, second.status_code, conflict.status_code) == (201, 200, 409)
    assert second.json() == {"stored": False, "seq": 1}
    assert rows(store) == 1


def test_concurrent_duplicates_are_stored_once(store: SqlStore) -> None:
    body = receipt()
    with client(store) as http, ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: post(http, body).status_code, range(16)))
    assert statuses == [200] * 15 + [201]
    assert rows(store) == 1 and store.verify().ok


def test_a_later_choice_of_the_same_visitor_is_a_new_receipt(store: SqlStore) -> None:
    first = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    with client(store) as http:
        assert post(http, receipt(when=first)).status_code == 201
        later = receipt(method="settings-change", choices={"statistics": False, "video": True})
        later["first_timestamp"] = iso(first)
        assert post(http, later).status_code == 201
    assert [r.method for r in store.for_consent(later["record_id"])] == ["accept-all", "settings-change"]


# --- CORS, rate limit, health, addresses --------------------------------------------------------------------


def test_cors_preflight_answers_the_site_origin_only(store: SqlStore) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with client(store) as http:
        ours = http.options("/receipts", headers={**preflight, "Origin": SITE_ORIGIN})
        theirs = http.options("/receipts", headers={**preflight, "Origin": "https://evil.example"})
        stored = post(http, receipt(), {"Origin": SITE_ORIGIN})
    # sendBeacon sends credentials: the answer names the origin and allows credentials.
    assert ours.status_code == 200
    assert ours.headers["access-control-allow-origin"] == SITE_ORIGIN
    assert ours.headers["access-control-allow-credentials"] == "true"
    assert "POST" in ours.headers["access-control-allow-methods"]
    assert "content-type" in ours.headers["access-control-allow-headers"].lower()
    assert theirs.status_code == 400 and "access-control-allow-origin" not in theirs.headers
    assert stored.status_code == 201 and stored.headers["access-control-allow-origin"] == SITE_ORIGIN
    assert "https://integritet.solvikkaffe.example" in facts().origins


def test_rate_limit_per_client(store: SqlStore) -> None:
    with client(store, Options(per_minute=60, burst=3)) as http:
        statuses = [post(http, receipt(record_id=f"{i:032x}")).status_code for i in range(5)]
        limited = post(http, receipt(record_id="f" * 32))
    assert statuses == [201, 201, 201, 429, 429]
    assert int(limited.headers["retry-after"]) >= 1
    assert rows(store) == 3


def test_rate_limiter_refills_and_counts_ipv6_per_64() -> None:
    now = [0.0]
    limiter = RateLimiter(60, 2, clock=lambda: now[0])
    assert [limiter.wait("203.0.113.7") for _ in range(3)] == [0, 0, 1.0]
    assert limiter.wait("203.0.113.8") == 0  # another client
    now[0] = 1.0
    assert limiter.wait("203.0.113.7") == 0
    assert client_key("2001:db8:1:2:3::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert RateLimiter(0, 1).wait("203.0.113.7") == 0


def test_health(store: SqlStore) -> None:
    with client(store) as http:
        assert http.get("/health").json() == {"status": "ok"}

    class Down(SqlStore):
        # /health asks for a write (policypress.receipts.availability): one the database refuses.
        def _write(self) -> Any:
            raise sa.exc.OperationalError("UPDATE receipts_chain", {}, Exception("attempt to write a readonly database"))

    down = Down(store.url)
    with TestClient(create_app(facts(), down, NO_LIMIT)) as http:
        assert http.get("/health").status_code == 503
    down.close()


def test_no_full_address_is_stored() -> None:
    assert truncated("203.0.113.77", "none") is None
    assert truncated("203.0.113.77", "truncated") == "203.0.113.0"
    assert truncated("2001:db8:abcd:12:3456::1", "truncated") == "2001:db8:abcd::"
    assert truncated("::ffff:198.51.100.23", "truncated") == "198.51.100.0"
    assert truncated("testclient", "truncated") is None


def test_a_database_that_fails_is_a_503_and_no_acknowledgement(store: SqlStore) -> None:
    class Failing(SqlStore):
        def add(self, items: Any) -> Any:
            raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    failing = Failing(store.url)
    with TestClient(create_app(facts(), failing, NO_LIMIT)) as http:
        assert post(http, receipt()).status_code == 503
    failing.close()
    assert rows(store) == 0


# --- the hash chain ---------------------------------------------------------------------------------------


def fill(store: SqlStore, count: int = 5) -> None:
    for i in range(count):
        store.add([(parse(json.dumps(receipt(record_id=f"{i:032x}")).encode(), facts(), dt.datetime.now(dt.timezone.utc)), None)])


def test_an_intact_chain_verifies(store: SqlStore, database: str, tmp_path: Path) -> None:
    fill(store)
    result = store.verify()
    assert (result.ok, result.rows, result.head_seq) == (True, 5, 5)
    done = cli(["receipts", "verify", "--database", database], tmp_path)
    assert done.returncode == 0 and "intact: 5 receipts" in done.stdout and result.head_hash in done.stdout


def test_the_chain_names_an_edited_row(store: SqlStore, database: str, tmp_path: Path) -> None:
    fill(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE receipts SET method = 'reject-all' WHERE seq = 3"))
    result = store.verify()
    assert (result.broken, result.problem) == (3, "row 3 was edited: its content does not match its hash")
    done = cli(["receipts", "verify", "--database", database], tmp_path)
    assert done.returncode == 1 and "broken at row 3" in done.stderr


def test_the_chain_names_a_row_edited_with_its_hash_recomputed(store: SqlStore) -> None:
    fill(store)
    with store.engine.begin() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM receipts WHERE seq = 3")).mappings().one())
        row["method"] = "reject-all"
        conn.execute(sa.text("UPDATE receipts SET method = :m, hash = :h WHERE seq = 3"), {"m": "reject-all", "h": row_hash(row)})
    result = store.verify()
    assert result.broken == 4 and "row 3 was changed" in (result.problem or "")


def test_the_chain_names_a_deleted_row(store: SqlStore) -> None:
    fill(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM receipts WHERE seq = 3"))
    result = store.verify()
    assert (result.broken, result.problem) == (4, "row 4: row 3 is missing (deleted)")


def test_the_chain_notices_the_newest_row_deleted(store: SqlStore) -> None:
    fill(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM receipts WHERE seq = 5"))
    result = store.verify()
    assert result.broken == 5 and "newest receipts were deleted" in (result.problem or "")


def test_purge_keeps_the_rest_of_the_chain_verifiable(store: SqlStore, database: str, tmp_path: Path) -> None:
    fill(store)
    third = store.for_consent(f"{2:032x}")[0]
    assert store.purge(third.received_at) == 2
    assert [r.seq for r in store.between(None, None)] == [3, 4, 5]
    assert store.verify().ok and store.verify().rows == 3
    done = cli(["receipts", "purge", "--older-than", "P13M", "--database", database], tmp_path)
    assert done.returncode == 0 and "deleted 0 receipts" in done.stdout
    assert store.purge("9999-01-01T00:00:00.000000Z") == 3 and store.verify().ok
    fill(store, 1)
    assert store.verify().ok and store.verify().head_seq == 6


def test_purge_periods_count_by_the_calendar(tmp_path: Path) -> None:
    assert before(dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc), parse_duration("P13M")).date() == dt.date(2025, 10, 22)
    assert before(dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc), parse_duration("P1M")).date() == dt.date(2026, 2, 28)
    assert before(dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc), parse_duration("P2Y10D")).date() == dt.date(2024, 3, 21)
    done = cli(["receipts", "purge", "--older-than", "13 months", "--database", str(tmp_path / "none.sqlite3")], tmp_path)
    assert done.returncode == 2 and "no receipts database" in done.stderr


# --- the commands ------------------------------------------------------------------------------------------


def visitor_history(store: SqlStore) -> str:
    """One visitor who accepted everything, then withdrew statistics; and another visitor."""
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    first = receipt(when=start)
    later = receipt(method="settings-change", choices={"statistics": False, "video": True})
    later["first_timestamp"] = first["timestamp"]
    with client(store) as http:
        for body in (first, later, receipt(record_id="f" * 32, method="reject-all")):
            assert post(http, body).status_code == 201
    return str(first["record_id"])


def test_show_answers_what_did_i_agree_to(store: SqlStore, database: str, tmp_path: Path) -> None:
    consent_id = visitor_history(store)
    done = cli(["receipts", "show", consent_id, "--database", database], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"consent {consent_id}: 2 receipts" in done.stdout
    assert "accept-all  cookies 1.1" in done.stdout and "settings-change  cookies 1.1" in done.stdout
    assert "statistics: refused" in done.stdout and "necessary: not required" in done.stdout
    as_json = cli(["receipts", "show", consent_id, "--json", "--database", database], tmp_path)
    assert [r["method"] for r in json.loads(as_json.stdout)] == ["accept-all", "settings-change"]
    missing = cli(["receipts", "show", "e" * 32, "--database", database], tmp_path)
    assert missing.returncode == 1 and "no receipts" in missing.stderr


def test_export_csv_and_jsonl(store: SqlStore, database: str, tmp_path: Path) -> None:
    visitor_history(store)
    done = cli(["receipts", "export", "--format", "csv", "--database", database], tmp_path)
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["seq"] for r in table] == ["1", "2", "3"] and table[2]["method"] == "reject-all"
    assert json.loads(table[0]["purposes"])[1]["status"] == "given"
    lines = cli(["receipts", "export", "--format", "jsonl", "--database", database], tmp_path).stdout.splitlines()
    assert [json.loads(line)["purposes"][1]["status"] for line in lines] == ["given", "refused", "refused"]
    today = dt.datetime.now(dt.timezone.utc).date()
    window = ["--from", str(today + dt.timedelta(days=1)), "--to", str(today + dt.timedelta(days=2))]
    empty = cli(["receipts", "export", *window, "--database", database, "-o", str(tmp_path / "none.jsonl")], tmp_path)
    assert empty.returncode == 0 and "exported 0 receipts" in empty.stderr and (tmp_path / "none.jsonl").read_text() == ""
    whole_day = cli(["receipts", "export", "--from", str(today), "--to", str(today), "--database", database], tmp_path)
    assert len(whole_day.stdout.splitlines()) == 3


def test_export_csv_defuses_formulas() -> None:
    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and _cell("cookies 1.1") == "cookies 1.1"


def test_export_jsonld_is_a_dpv_27560_consent_record(store: SqlStore, database: str, tmp_path: Path) -> None:
    consent_id = visitor_history(store)
    done = cli(["receipts", "export", "--format", "jsonld", "--controller", "Solvik Kaffe AB",
                    "--site-url", "https://integritet.solvikkaffe.example/", "--database", database], tmp_path)
    document = json.loads(done.stdout)
    expanded = jsonld.expand(document)  # the context is inline: nothing is fetched
    assert len(expanded) == 3
    graph = Graph().parse(data=done.stdout, format="json-ld")
    statuses = graph.query("""
        PREFIX dpv: <https://w3id.org/dpv#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?time ?process ?status WHERE {
          ?record a dpv:ConsentRecord ; dct:identifier ?id ; dct:conformsTo <https://w3id.org/dpv/schema/dpv-27560#record> ;
                  dpv:hasNotice/dct:identifier "cookies 1.1" ; dpv:hasDataController ?controller ; dpv:hasProcess ?p .
          ?p dct:identifier ?process ; dpv:hasConsentStatus ?s .
          ?s a ?status ; dpv:isIndicatedAtTime ?time ; dpv:isIndicatedBy dpv:DataSubject .
          FILTER(?id = "%s" && ?status != dpv:ExpressedConsent)
        } ORDER BY ?time ?process""" % consent_id)
    found = [(str(row.process), str(row.status).rsplit("#", 1)[1]) for row in statuses]
    # Accepted everything, then withdrew statistics and kept video.
    assert found == [("statistics", "ConsentGiven"), ("video", "ConsentGiven"),
                     ("statistics", "ConsentWithdrawn"), ("video", "RenewedConsentGiven")]
    necessary = document["@graph"][0]["dpv:hasProcess"][0]
    assert "dpv:hasConsentStatus" not in necessary and {"@id": "eu-gdpr:A6-1-c"} in necessary["dpv:hasLegalBasis"]
    assert document["@graph"][0]["dpv:hasDataController"]["@id"] == "https://integritet.solvikkaffe.example/#controller"


def test_every_dpv_term_of_the_export_is_in_dpv() -> None:
    body = parse(json.dumps(receipt()).encode(), facts(), NOW)
    row = Stored(seq=1, **body.content(), received_at="2026-11-22T10:00:00.000000Z", client_ip=None,
                 prev_hash="0" * 64, hash="1" * 64)
    text = json.dumps(record_node(row, {}, controller="Solvik Kaffe AB"))
    terms = set(re.findall(r'"(dpv:[A-Za-z]+)"', text))
    assert {"dpv:ConsentRecord", "dpv:hasConsentStatus", "dpv:isIndicatedAtTime", "dpv:ConsentNotice"} <= terms
    assert [term for term in terms if not dpv.exists(term)] == []


def test_commands_use_the_same_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = cli(["receipts", "verify"], tmp_path)
    assert missing.returncode == 2 and f"no receipts database at {tmp_path / 'receipts.sqlite3'}" in missing.stderr
    opened = open_store(str(tmp_path / "receipts.sqlite3"), create=True)
    fill(opened, 2)
    opened.close()
    assert "intact: 2 receipts" in cli(["receipts", "verify"], tmp_path).stdout
    monkeypatch.setenv("POLICYPRESS_RECEIPTS_DB", str(tmp_path / "other.sqlite3"))
    assert "other.sqlite3" in cli(["receipts", "verify"], tmp_path).stderr


def test_sqlite_is_one_file_in_wal_mode(tmp_path: Path) -> None:
    opened = open_store(str(tmp_path / "receipts.sqlite3"), create=True)
    with opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
    opened.close()


def test_the_writer_waits_a_moment_for_a_batch_as_large_as_its_last() -> None:
    """Group commit: after a batch of four, a receipt that arrives alone waits (up to `linger`)
    for the three that follow it a millisecond later, and the four are one commit, not two. A
    lone client's receipts (batches of one) never wait."""
    from policypress.receipts.app import Writer
    from policypress.receipts.store import Outcome

    batches: list[int] = []

    class Recording:
        def add(self, items: list[Any]) -> list[Outcome]:
            batches.append(len(items))
            return [Outcome("stored", len(batches)) for _ in items]

    async def clients() -> float:
        writer = Writer(Recording(), 128, 1024, linger=0.2)  # type: ignore[arg-type]
        writer.start()
        item = (parse(json.dumps(receipt()).encode(), facts(), NOW), None)
        await writer.submit(item, 5)
        await asyncio.gather(*(writer.submit(item, 5) for _ in range(4)))

        async def later() -> None:
            await asyncio.sleep(0.001)
            await asyncio.gather(*(writer.submit(item, 5) for _ in range(3)))

        started = asyncio.get_running_loop().time()
        await asyncio.gather(writer.submit(item, 5), later())
        waited = asyncio.get_running_loop().time() - started
        await writer.stop()
        return waited

    waited = asyncio.run(clients())
    assert batches == [1, 4, 4]
    assert waited < 0.2  # the batch went as soon as it was full, not at the end of the wait

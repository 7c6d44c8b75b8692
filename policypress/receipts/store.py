"""Where receipts are kept: one interface (`ReceiptStore`), one implementation over SQLAlchemy Core
for SQLite (the default: one file, WAL, zero setup) and PostgreSQL (several servers, larger sites).

Every row is a link of a hash chain: it carries the hash of the row before it, and its own hash
covers all its columns and that link. Writers take the chain's head row under a lock (SQLite's
BEGIN IMMEDIATE, PostgreSQL's row lock), so the chain has one order however many servers write;
`verify` reads the head and the rows in one snapshot, walks the chain and names the first row that
does not fit.

On PostgreSQL a batch is first appended in one statement from the head this process wrote last
(the head row's lock taken by an UPDATE that only matches that head): one round trip instead of
seven. When another server moved the head, or a receipt is already stored, it is written again
the long way, under SELECT ... FOR UPDATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
import contextlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from .schema import CONTENT, Receipt, canonical

GENESIS = "0" * 64
DEFAULT_DATABASE = "receipts.sqlite3"
ENVIRONMENT = "POLICYPRESS_RECEIPTS_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: PostgreSQL's advisory lock that lets one starting server migrate at a time.
MIGRATION_LOCK = 27560_2023
# The databases --database may name (SQLAlchemy's backend names), and what users call them.
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# The tables as the migrations make them (migrations/versions), for the queries.
metadata = sa.MetaData()
receipts = sa.Table(
    "receipts", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    *(sa.Column(name, sa.Text) for name in (*CONTENT, "received_at", "client_ip", "prev_hash", "hash")),
)
chain = sa.Table(
    "receipts_chain", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("head_seq", sa.BigInteger), sa.Column("head_hash", sa.Text),
    sa.Column("base_seq", sa.BigInteger), sa.Column("base_hash", sa.Text),
)


class StoreError(Exception):
    """The database cannot be opened or used: one line for the person running the command."""


@dataclass(frozen=True)
class Stored(Receipt):
    """A stored receipt: one row of the chain, the receipt and what the service added."""

    seq: int
    received_at: str
    client_ip: str | None
    prev_hash: str
    hash: str

    def purpose_list(self) -> list[dict[str, Any]]:
        return list(json.loads(self.purposes))

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


# Every column, in the order exports list them.
COLUMNS = ("seq", *CONTENT, "received_at", "client_ip", "prev_hash", "hash")


def row_hash(row: dict[str, Any]) -> str:
    """The hash of a row: every column but the hash itself, the link to the previous row included.
    A value no receipt has (bytes put into SQLite by hand) has no hash: it matches no stored one."""
    try:
        return hashlib.sha256(canonical({k: row[k] for k in COLUMNS if k != "hash"}).encode()).hexdigest()
    except (TypeError, ValueError):
        return "(a value that is not text)"


def linked(seq: int, previous: str, receipt: Receipt, client_ip: str | None, received: str) -> dict[str, Any]:
    """Row `seq` of the chain: the receipt, what the service adds, the link to the row before it
    (`previous`, its hash), and its own hash."""
    row: dict[str, Any] = {"seq": seq, **receipt.content(), "received_at": received, "client_ip": client_ip,
                           "prev_hash": previous}
    row["hash"] = row_hash(row)
    return row


@dataclass(frozen=True)
class Outcome:
    """What became of one receipt handed to `add`: stored now, stored before (the same receipt
    again), or in conflict with a stored one (the same consent id and time, other content)."""

    status: Literal["stored", "duplicate", "conflict"]
    seq: int


@dataclass(frozen=True)
class Verification:
    rows: int
    head_seq: int
    head_hash: str
    broken: int | None = None  # seq of the first row that does not fit, when a row is to blame
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class ReceiptStore(Protocol):
    """The one interface the service, the commands and the tests use."""

    url: str

    def add(self, items: Sequence[tuple[Receipt, str | None]]) -> list[Outcome]:
        """Stores receipts (each with its truncated address or None) in one transaction, in order;
        returns only after the commit."""

    def for_consent(self, consent_id: str) -> list[Stored]: ...

    def between(self, start: str | None, end: str | None) -> Iterator[Stored]:
        """Receipts received from `start` (inclusive) to `end` (exclusive), in chain order."""

    def purge(self, before: str) -> int:
        """Deletes the receipts received before `before` (the oldest part of the chain)."""

    def verify(self) -> Verification: ...

    def ping(self) -> None: ...

    def close(self) -> None: ...


def now_text(now: dt.datetime | None = None) -> str:
    """A time as stored: ISO 8601 UTC with microseconds, so text order is time order. The year
    has four digits also before 1000 (strftime writes year 526 as "526", which sorts after 2026)."""
    utc = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def database_url(value: str | None) -> str:
    """A SQLAlchemy URL from --database: a URL as it is (postgresql:// with psycopg 3), anything
    else a SQLite file; StoreError for a URL that cannot be read, or of a database policypress
    does not keep receipts in."""
    value = value or DEFAULT_DATABASE
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    try:
        backend = make_url(value).get_backend_name()
    except (sa.exc.ArgumentError, ValueError) as error:
        raise StoreError(f"--database: expected a URL such as postgresql://user:password@host:5432/database, "
                         f"found one that cannot be read ({shown(value)}): {error}") from None
    if backend not in BACKENDS:
        raise StoreError(f"--database: expected a SQLite file, sqlite:///PATH or postgresql://user@host/db, "
                         f"found {shown(value)}; receipts are kept in {' or '.join(BACKENDS.values())} only")
    return value


def shown(url: str) -> str:
    """A URL fit for messages: without its password (only its scheme if it is not a URL at all)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return url.split("://", 1)[0] + "://…"


def open_store(value: str | None, *, create: bool = False) -> SqlStore:
    """The store at --database, migrated to the current schema. Only `serve` creates a SQLite
    file; the other commands say when there is none."""
    url = database_url(value)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not create:
        path = Path(parsed.database or "")
        if not path.is_file():
            raise StoreError(f"no receipts database at {path}; `policypress receipts serve` creates it "
                             f"(or name another with --database or {ENVIRONMENT})")
    try:
        store = SqlStore(url)
    except (sa.exc.SQLAlchemyError, ImportError) as error:
        raise StoreError(f"cannot use the receipts database {shown(url)}: {summary(error)}") from None
    try:
        store.migrate()
    except sa.exc.SQLAlchemyError as error:
        store.close()
        raise StoreError(f"cannot use the receipts database {shown(url)}: {summary(error)}") from None
    return store


def summary(error: BaseException) -> str:
    """An error in one line: its kind and the first line of the database's own words."""
    text = str(getattr(error, "orig", None) or error).strip()
    return f"{error.__class__.__name__}: {text.splitlines()[0] if text else 'no message'}"


# The append of a batch on PostgreSQL: the head moves only if it is still the one this process
# wrote last (the UPDATE takes its row lock, and re-reads it after any writer it waited for), and
# the rows are inserted only if it moved. One statement: one round trip, and atomic.
APPEND = """
WITH moved AS (
    UPDATE receipts_chain SET head_seq = %(seq)s, head_hash = %(hash)s
    WHERE id = 1 AND head_seq = %(old_seq)s AND head_hash = %(old_hash)s
    RETURNING id)
INSERT INTO receipts ({columns})
SELECT {columns} FROM json_to_recordset(%(rows)s::json) AS r(seq bigint, {texts})
WHERE EXISTS (SELECT FROM moved)
""".format(columns=", ".join(COLUMNS), texts=", ".join(f"{name} text" for name in COLUMNS[1:]))


class SqlStore:
    """ReceiptStore over SQLAlchemy Core: SQLite or PostgreSQL, told apart only where they differ
    (how a write transaction begins, how the head row is locked)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = self._engine(url)
        # The head as this process last wrote it, where the next PostgreSQL batch appends, and the
        # connection it appends on, kept open (no pool checkout and no liveness ping per batch).
        self._last: tuple[int, str] | None = None
        self._appender: Connection | None = None
        self._appending = threading.Lock()

    def _engine(self, url: str) -> Engine:
        if not self.sqlite:
            return sa.create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        # WAL: readers never block the writer; synchronous=FULL: a commit is on disk before a
        # receipt is acknowledged, also after a power cut. The driver's own transaction handling
        # is off so that a write can begin IMMEDIATE, taking the write lock before it reads the head.
        @sa.event.listens_for(engine, "connect")
        def connect(dbapi: Any, record: Any) -> None:
            dbapi.isolation_level = None
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
                dbapi.execute(f"PRAGMA {pragma}")

        @sa.event.listens_for(engine, "begin")
        def begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self, snapshot: bool = False) -> Iterator[Connection]:
        """A read transaction; with `snapshot`, all its statements see the database as of one
        moment (PostgreSQL's REPEATABLE READ; SQLite's WAL gives every read transaction that)."""
        with self._reported(), self.engine.connect() as conn:
            if snapshot and not self.sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """A database error as one line for the person running the command: what is missing of
        the structure the migrations made, or the database's own words."""
        try:
            yield
        except sa.exc.SQLAlchemyError as error:
            try:
                with self.engine.connect() as conn:
                    problem = self.damage(conn)
            except sa.exc.SQLAlchemyError:
                problem = None
            raise StoreError(f"the receipts database {shown(self.url)}: " + (
                f"{problem}; `policypress receipts verify` checks the rest" if problem else summary(error))) from None

    def damage(self, conn: Connection) -> str | None:
        """What is missing of the tables the migrations made: a dropped table, the head row."""
        present = set(sa.inspect(conn).get_table_names())
        for table, holds in ((receipts, "the receipts"), (chain, "the chain's head")):
            if table.name not in present:
                return f"the table {table.name} ({holds}) is missing: it was dropped"
        if conn.execute(sa.select(sa.func.count()).select_from(chain).where(chain.c.id == 1)).scalar() != 1:
            return f"the chain's head (row 1 of {chain.name}) is missing: it was deleted"
        return None

    def migrate(self) -> None:
        """Brings the schema to the newest migration, one server at a time."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._write() as conn:
            if not self.sqlite:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _head(self, conn: Connection) -> sa.Row[Any]:
        return conn.execute(sa.select(chain).where(chain.c.id == 1).with_for_update()).one()

    def add(self, items: Sequence[tuple[Receipt, str | None]]) -> list[Outcome]:
        if not items:
            return []
        if not self.sqlite:
            appended = self._append(items)
            if appended is not None:
                return appended
        with self._write() as conn:
            head = self._head(conn)
            seq, previous = int(head.head_seq), str(head.head_hash)
            ids = sorted({receipt.consent_id for receipt, _ in items})
            known: dict[tuple[str, str], dict[str, Any]] = {
                (row["consent_id"], row["given_at"]): dict(row)
                for row in conn.execute(sa.select(receipts).where(receipts.c.consent_id.in_(ids))).mappings()
            }
            outcomes: list[Outcome] = []
            rows: list[dict[str, Any]] = []
            received = now_text()
            for receipt, client_ip in items:
                old = known.get((receipt.consent_id, receipt.given_at))
                if old is not None:
                    same = all(old[name] == value for name, value in receipt.content().items())
                    outcomes.append(Outcome("duplicate" if same else "conflict", int(old["seq"])))
                    continue
                seq += 1
                row = linked(seq, previous, receipt, client_ip, received)
                previous = row["hash"]
                rows.append(row)
                known[(receipt.consent_id, receipt.given_at)] = row
                outcomes.append(Outcome("stored", seq))
            if rows:
                conn.execute(sa.insert(receipts), rows)
                conn.execute(sa.update(chain).where(chain.c.id == 1).values(head_seq=seq, head_hash=previous))
        self._remember((seq, previous))
        return outcomes

    def _remember(self, head: tuple[int, str] | None) -> None:
        with self._appending:
            self._last = head

    def _append(self, items: Sequence[tuple[Receipt, str | None]]) -> list[Outcome] | None:
        """The batch appended after the head this process wrote last, in one statement; None when
        it has to be written the long way: no head known yet, another server wrote since, a
        receipt that may be stored already (the same choice twice in the batch, or in the table),
        or a connection the database closed."""
        if len({(receipt.consent_id, receipt.given_at) for receipt, _ in items}) < len(items):
            return None
        with self._appending:
            if self._last is None:
                return None
            old_seq, old_hash = seq, previous = self._last
            rows: list[dict[str, Any]] = []
            received = now_text()
            for receipt, client_ip in items:
                seq += 1
                rows.append(linked(seq, previous, receipt, client_ip, received))
                previous = rows[-1]["hash"]
            values = {"seq": seq, "hash": previous, "old_seq": old_seq, "old_hash": old_hash, "rows": json.dumps(rows)}
            # Whatever happens next, the head this process knows is in doubt until the statement says.
            self._last = None
            try:
                if self._appender is None:
                    self._appender = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                inserted = self._appender.exec_driver_sql(APPEND, values).rowcount
                self._appender.commit()  # the statement committed itself; this ends SQLAlchemy's bookkeeping
            except sa.exc.IntegrityError:
                self._appender.rollback()
                return None
            except sa.exc.DBAPIError as error:
                self._drop_appender()
                if error.connection_invalidated:
                    return None
                raise
            if inserted != len(rows):
                return None
            self._last = (seq, previous)
        return [Outcome("stored", row["seq"]) for row in rows]

    def _drop_appender(self) -> None:
        if self._appender is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self._appender.close()
            self._appender = None

    def for_consent(self, consent_id: str) -> list[Stored]:
        with self._read() as conn:
            query = sa.select(receipts).where(receipts.c.consent_id == consent_id).order_by(receipts.c.seq)
            return [Stored(**row) for row in conn.execute(query).mappings()]

    def between(self, start: str | None, end: str | None) -> Iterator[Stored]:
        query = sa.select(receipts).order_by(receipts.c.seq)
        if start:
            query = query.where(receipts.c.received_at >= start)
        if end:
            query = query.where(receipts.c.received_at < end)
        with self._read() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query).mappings():
                yield Stored(**row)

    def purge(self, before: str) -> int:
        # Only the oldest part of the chain goes, up to the first receipt to keep; the base moves
        # to the last row deleted, so what is left verifies from there.
        with self._reported(), self._write() as conn:
            head = self._head(conn)
            first_kept = conn.execute(sa.select(sa.func.min(receipts.c.seq)).where(receipts.c.received_at >= before)).scalar()
            cut = int(first_kept) - 1 if first_kept is not None else int(head.head_seq)
            if cut <= int(head.base_seq):
                return 0
            cut_hash = conn.execute(sa.select(receipts.c.hash).where(receipts.c.seq == cut)).scalar()
            if cut_hash is None:
                raise StoreError(f"row {cut} is missing; run `policypress receipts verify` before purging")
            deleted = conn.execute(sa.delete(receipts).where(receipts.c.seq <= cut)).rowcount
            conn.execute(sa.update(chain).where(chain.c.id == 1).values(base_seq=cut, base_hash=cut_hash))
        return int(deleted)

    def verify(self) -> Verification:
        with self._read(snapshot=True) as conn:
            damage = self.damage(conn)
            if damage is not None:
                return Verification(0, 0, "", None, damage)
            head = conn.execute(sa.select(chain).where(chain.c.id == 1)).one()
            ends = [_number(head.head_seq), _number(head.base_seq)]
            if None in ends or not isinstance(head.head_hash, str) or not isinstance(head.base_hash, str):
                return Verification(0, 0, str(head.head_hash), None,
                                    f"the chain's head (row 1 of {chain.name}) was edited: "
                                    f"head_seq {head.head_seq!r}, base_seq {head.base_seq!r} are not both row numbers")
            head_seq, base_seq = ends[0] or 0, ends[1] or 0
            expected, previous, count = base_seq + 1, str(head.base_hash), 0
            query = sa.select(receipts).order_by(receipts.c.seq)
            for row in conn.execution_options(yield_per=1000).execute(query).mappings():
                count += 1
                seq = _number(row["seq"])
                if seq is None:
                    return Verification(count, head_seq, str(head.head_hash), None,
                                        f"a row's seq is {row['seq']!r}, not a row number: the table was edited")
                problem = self._misfit(dict(row), seq, expected, previous, head_seq)
                if problem is not None:
                    return Verification(count, head_seq, str(head.head_hash), seq, problem)
                expected, previous = seq + 1, str(row["hash"])
            last = expected - 1
            if last != head_seq or previous != head.head_hash:
                problem = (f"rows {last + 1} to {head_seq} are missing: the newest receipts were deleted"
                           if last < head_seq else
                           f"the chain's head (row {head_seq}) does not match its last row ({last})")
                return Verification(count, head_seq, str(head.head_hash), last + 1 if last < head_seq else last, problem)
            return Verification(count, head_seq, str(head.head_hash))

    @staticmethod
    def _misfit(row: dict[str, Any], seq: int, expected: int, previous: str, head_seq: int) -> str | None:
        if seq > head_seq:
            return (f"row {seq} comes after the chain's head (row {head_seq}): it was added to the table by "
                    f"other means than the service")
        if seq < expected:
            return f"row {seq} lies before the chain's base (row {expected - 1}): the base was changed"
        if seq > expected:
            missing = f"row {expected} is" if seq == expected + 1 else f"rows {expected} to {seq - 1} are"
            return f"row {seq}: {missing} missing (deleted)"
        if row_hash(row) != row["hash"]:
            return f"row {seq} was edited: its content does not match its hash"
        if row["prev_hash"] != previous:
            return (f"row {seq} does not follow row {seq - 1}: row {seq - 1} was changed or replaced "
                    f"(its hash is not the one row {seq} was chained to)")
        return None

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        with self._appending:
            self._drop_appender()
        self.engine.dispose()


def _number(value: Any) -> int | None:
    """A row number as stored, or None for anything else (SQLite keeps any value in any column)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return None

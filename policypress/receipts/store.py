"""Where receipts are kept: one interface (`ReceiptStore`), one implementation over SQLAlchemy Core
for SQLite (the default: one file, WAL, zero setup) and PostgreSQL (several servers, larger sites).

Every row is a link of a hash chain: it carries the hash of the row before it, and its own hash
covers all its columns and that link. Writers take the chain's head row under a lock (SQLite's
BEGIN IMMEDIATE, PostgreSQL's SELECT ... FOR UPDATE), so the chain has one order however many
servers write; `verify` walks it and names the first row that does not fit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
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
    """The hash of a row: every column but the hash itself, the link to the previous row included."""
    return hashlib.sha256(canonical({k: row[k] for k in COLUMNS if k != "hash"}).encode()).hexdigest()


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
    broken: int | None = None  # seq of the first row that does not fit
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
    """A time as stored: ISO 8601 UTC with microseconds, so text order is time order."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def database_url(value: str | None) -> str:
    """A SQLAlchemy URL from --database: a URL as it is (postgresql:// with psycopg 3), anything
    else a SQLite file."""
    value = value or DEFAULT_DATABASE
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def shown(url: str) -> str:
    """A URL fit for messages: without its password."""
    return make_url(url).render_as_string(hide_password=True)


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
    store = SqlStore(url)
    try:
        store.migrate()
    except sa.exc.SQLAlchemyError as error:
        store.close()
        raise StoreError(f"cannot use the receipts database {shown(url)}: {error.__class__.__name__}: "
                         f"{str(error.orig if hasattr(error, 'orig') else error).strip().splitlines()[0]}") from None
    return store


class SqlStore:
    """ReceiptStore over SQLAlchemy Core: SQLite or PostgreSQL, told apart only where they differ
    (how a write transaction begins, how the head row is locked)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = self._engine(url)

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
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

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
                row: dict[str, Any] = {"seq": seq, **receipt.content(), "received_at": received,
                                       "client_ip": client_ip, "prev_hash": previous}
                row["hash"] = previous = row_hash(row)
                rows.append(row)
                known[(receipt.consent_id, receipt.given_at)] = row
                outcomes.append(Outcome("stored", seq))
            if rows:
                conn.execute(sa.insert(receipts), rows)
                conn.execute(sa.update(chain).where(chain.c.id == 1).values(head_seq=seq, head_hash=previous))
        return outcomes

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
        with self._write() as conn:
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
        with self._read() as conn:
            head = conn.execute(sa.select(chain).where(chain.c.id == 1)).one()
            expected, previous, count = int(head.base_seq) + 1, str(head.base_hash), 0
            query = sa.select(receipts).order_by(receipts.c.seq)
            for row in conn.execution_options(yield_per=1000).execute(query).mappings():
                count += 1
                seq = int(row["seq"])
                problem = self._misfit(dict(row), seq, expected, previous)
                if problem is not None:
                    return Verification(count, int(head.head_seq), str(head.head_hash), seq, problem)
                expected, previous = seq + 1, str(row["hash"])
            last = expected - 1
            if last != int(head.head_seq) or previous != head.head_hash:
                problem = (f"rows {last + 1} to {head.head_seq} are missing: the newest receipts were deleted"
                           if last < int(head.head_seq) else
                           f"the chain's head (row {head.head_seq}) does not match its last row ({last})")
                return Verification(count, int(head.head_seq), str(head.head_hash), last + 1, problem)
            return Verification(count, int(head.head_seq), str(head.head_hash))

    @staticmethod
    def _misfit(row: dict[str, Any], seq: int, expected: int, previous: str) -> str | None:
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
        self.engine.dispose()

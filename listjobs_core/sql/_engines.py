"""The two engines, SQLite and PostgreSQL: URLs, connections, a small pool, and what their SQL differs in.

Theory of operation: the store writes its SQL once, with ``?`` placeholders, and an ``Engine`` says how
each database spells the few things that differ: placeholders, column types with the pinned collation,
how a transaction begins, how a row is locked for an update, and how a query names its index. Connections
come from a ``Pool``, so threads never share one while it is in use.

- SQLite (``sqlite://`` in memory, ``sqlite:///PATH`` a file, SQLAlchemy's spelling: ``sqlite:///jobs.db``
  is relative, ``sqlite:////var/jobs.db`` absolute) is the standard library's ``sqlite3``. A file is in
  WAL mode, so readers never wait for the writer and a listing reads one snapshot while others write; a
  write transaction begins ``IMMEDIATE``, so writers queue for the lock (up to ``BUSY_TIMEOUT_SECONDS``)
  instead of failing half-way; ``synchronous=FULL`` makes a commit durable before it returns. Every query
  names its index (``INDEXED BY``), so the plan never depends on the planner's guesses. An in-memory
  database lives in one connection, which the pool hands to one thread at a time.
- PostgreSQL (``postgresql://...``, anything libpq accepts) takes psycopg 3 (the ``postgresql`` extra),
  imported only when such a URL is opened. A listing of more than one statement runs in a ``REPEATABLE
  READ`` read-only transaction (one snapshot); writes run in ordinary transactions, ``update`` locks its row
  (``FOR UPDATE``). Sessions run with ``enable_sort = off``, so the planner takes an index whose order is
  the listing's even when stale statistics (a table just bulk-loaded) would make a sort look cheaper: the
  PostgreSQL counterpart of SQLite's ``INDEXED BY``; and with JIT off. A connection plans its statements
  either for their values (custom plans, how it starts) or once for any values (generic plans, which
  ``_sql_store`` asks for a listing page's statements, whose plans it holds to index ranges whatever the
  values): the pool keeps each connection's setting, hands out one already in the setting asked for when
  one is idle, and switches one (``SET plan_cache_mode``, one round trip) only when none is. The
  database's encoding must be UTF8, so that the "C" collation orders text by code point.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .._extras import install_hint

__all__ = ["BUSY_TIMEOUT_SECONDS", "CUSTOM_PLANS", "GENERIC_PLANS", "Engine", "Pool", "open_engine"]

# How long a SQLite writer waits for another's lock before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 60.0
# At most this many connections per store; more threads wait for one.
POOL_SIZE = 8
SQLITE_CACHE_KIB = 64 * 1024

Connection = Any  # sqlite3.Connection or psycopg.Connection: both have execute() and cursor()

# How a connection plans its statements (``Engine.plans``): for their values, or once for any values.
CUSTOM_PLANS = "custom"
GENERIC_PLANS = "generic"


@dataclass(frozen=True)
class Engine:
    """How one database spells what differs, and how to connect to it."""

    name: str
    connect: Callable[[], Connection]
    pool_size: int
    placeholder: str
    key_text_type: str
    text_type: str
    integer_type: str
    begin_read: str
    begin_write: str
    lock_for_update: str
    names_its_index: bool
    # The statement that makes a connection plan as each key says (none: the engine has one way); a new
    # connection plans as ``CUSTOM_PLANS`` says.
    plans: Mapping[str, str] = field(default_factory=dict)

    def sql(self, text: str) -> str:
        """A statement written with ``?`` placeholders, in this engine's spelling."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def index_hint(self, index_name: str) -> str:
        """What follows the table name to make a query read ``index_name`` (SQLite only)."""
        return f" INDEXED BY {index_name}" if self.names_its_index else ""

    def column_type(self, kind: str) -> str:
        return {
            "key text": f"{self.key_text_type} NOT NULL",
            "text": self.text_type,
            "integer": f"{self.integer_type} NOT NULL",
            "json": "TEXT NOT NULL",
        }[kind]


def open_engine(url: str) -> Engine:
    """The engine of a database URL; ``ValueError`` for a URL of no supported kind."""
    if not isinstance(url, str):
        raise TypeError(f"the database URL must be a string, got {type(url).__name__}")
    if url == "sqlite://":
        return _sqlite(None)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path:
            raise ValueError("sqlite:/// needs a file path: sqlite:///jobs.db, or sqlite:// for memory")
        return _sqlite(None if path == ":memory:" else path)
    if url.startswith(("postgresql://", "postgres://")):
        return _postgresql(url)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise ValueError(
        f"unsupported database URL {scheme!r}: use sqlite:// (memory), sqlite:///PATH or postgresql://..."
    )


def _sqlite(path: str | None) -> Engine:
    def connect() -> Connection:
        connection = sqlite3.connect(
            ":memory:" if path is None else path,
            isolation_level=None,  # transactions are begun explicitly
            check_same_thread=False,  # the pool hands a connection to one thread at a time
            timeout=BUSY_TIMEOUT_SECONDS,
        )
        if path is not None:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            # A page cache of up to 64 MiB (the default is 2 MiB): a bulk load of a million jobs into
            # sixteen indexes runs three times faster when their upper levels stay in memory.
            connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        return connection

    return Engine(
        name="sqlite",
        connect=connect,
        pool_size=1 if path is None else POOL_SIZE,
        placeholder="?",
        key_text_type="TEXT COLLATE BINARY",
        text_type="TEXT COLLATE BINARY",
        integer_type="INTEGER",
        begin_read="BEGIN",
        begin_write="BEGIN IMMEDIATE",
        lock_for_update="",
        names_its_index=True,
    )


def _postgresql(url: str) -> Engine:
    try:
        import psycopg
    except ImportError:
        raise ImportError(f"a postgresql:// store needs psycopg 3: {install_hint('postgresql')}") from None

    def connect() -> Connection:
        connection = psycopg.connect(url, autocommit=True)
        encoding = connection.execute("SHOW server_encoding").fetchone()
        if encoding is None or str(encoding[0]).upper() not in ("UTF8", "UTF-8"):
            connection.close()
            raise ValueError(f"the database's encoding must be UTF8 for code-point order, got {encoding}")
        connection.execute("SET enable_sort = off")
        # A plan for the statement's own values, until the store asks for generic plans (``Pool``): a
        # generic plan of a prepared statement cannot see how selective a status, a share identifier or a
        # time range is, and may pick another index (at a million jobs written in createdAt order, a
        # queue's AFTER_CREATED_AT page read the index over every job filtered by queue, 500 ms a page),
        # so only the statements whose generic plans are held to their index ranges run them.
        connection.execute(_POSTGRESQL_PLANS[CUSTOM_PLANS])
        # JIT compiles a query whose estimated cost is high: a page is a few index probes and never gains
        # from it, and compiling takes tens of milliseconds.
        connection.execute("SET jit = off")
        return connection

    return Engine(
        name="postgresql",
        connect=connect,
        pool_size=POOL_SIZE,
        placeholder="%s",
        key_text_type='TEXT COLLATE "C"',
        text_type='TEXT COLLATE "C"',
        integer_type="BIGINT",
        begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        begin_write="BEGIN",
        lock_for_update=" FOR UPDATE",
        names_its_index=False,
        plans=_POSTGRESQL_PLANS,
    )


_POSTGRESQL_PLANS = {
    CUSTOM_PLANS: "SET plan_cache_mode = force_custom_plan",
    GENERIC_PLANS: "SET plan_cache_mode = force_generic_plan",
}


class Pool:
    """Connections handed to one thread at a time, at most ``size`` of them, reused.

    A connection whose use raised is rolled back and kept; one that cannot even roll back is closed.
    ``plans``: the engine's ``plans``; ``connection(plans=...)`` hands out a connection that plans as that
    key says (an idle one that does already, when there is one; else one switched to it), and
    ``connection()`` one as it is, for statements whose plan is the same either way (a row by its key).
    """

    def __init__(
        self, connect: Callable[[], Connection], size: int, plans: Mapping[str, str] | None = None
    ) -> None:
        self._connect = connect
        self._plans: Mapping[str, str] = plans or {}
        self._idle: list[tuple[Connection, str]] = []  # each with how it plans
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._closed = False

    @contextmanager
    def connection(self, plans: str | None = None) -> Iterator[Connection]:
        self._slots.acquire()
        try:
            with self._lock:
                if self._closed:
                    raise ValueError("the store is closed")
                taken = self._take(plans)
            connection, current = taken if taken is not None else (self._connect(), CUSTOM_PLANS)
            try:
                if plans is not None and plans != current and plans in self._plans:
                    connection.execute(self._plans[plans])
                    current = plans
                yield connection
            except BaseException:
                if not _rolled_back(connection):
                    connection.close()
                    raise
                self._release(connection, current)
                raise
            self._release(connection, current)
        finally:
            self._slots.release()

    def _take(self, plans: str | None) -> tuple[Connection, str] | None:
        """The idle connection to hand out (the lock held): the last released that plans as asked, else
        the last released; ``None`` when none is idle."""
        if not self._idle:
            return None
        chosen = len(self._idle) - 1
        if plans is not None:
            chosen = next(
                (at for at in range(chosen, -1, -1) if self._idle[at][1] == plans), chosen
            )
        return self._idle.pop(chosen)

    def _release(self, connection: Connection, plans: str) -> None:
        with self._lock:
            if self._closed:
                connection.close()
            else:
                self._idle.append((connection, plans))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()


def _rolled_back(connection: Connection) -> bool:
    """Roll back whatever transaction a failed use left open; whether the connection is still usable."""
    try:
        if isinstance(connection, sqlite3.Connection):
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        else:
            connection.rollback()
            if connection.closed or connection.broken:
                return False
    except Exception:  # noqa: BLE001 - any failure here means the connection is not reusable
        return False
    return True


@contextmanager
def transaction(connection: Connection, begin: str) -> Iterator[Connection]:
    """``begin``, then COMMIT, or ROLLBACK when the block raises."""
    connection.execute(begin)
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")

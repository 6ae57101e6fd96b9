"""Engines for SQLite and PostgreSQL (psycopg 3), and the write transaction pushes take.

Writes are serialised so that seq order is commit order: on PostgreSQL a transaction-level
advisory lock (several server instances may share one database), on SQLite ``BEGIN
IMMEDIATE``. Reads take no lock.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session

#: the advisory lock every writer takes on PostgreSQL (any constant shared by all instances)
WRITE_LOCK_KEY = 0x5A5E_0005


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (IMMEDIATE for writes)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("write_lock", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    # hide_parameters: errors in the log never carry the rows' text
    # no pool_pre_ping: it costs a round trip per request; a connection dropped by a database
    # restart fails one request (503), and SQLAlchemy then refreshes the pool
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800,
                         hide_parameters=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class FifoGate:
    """A first-come, first-served lock. Writers in one process queue here, holding no
    database connection, so a burst of pushes neither exhausts the pool nor overtakes
    each other (the database lock below still serialises across instances). Each waiter
    has its own event, so a release wakes only the next in line."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self._busy = False

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._lock:
            if self._busy:
                turn = threading.Event()
                self._queue.append(turn)
            else:
                self._busy = True
                turn = None
        if turn is not None:
            turn.wait()  # ownership was handed to us by the previous holder
        try:
            yield
        finally:
            with self._lock:
                if self._queue:
                    self._queue.popleft().set()
                else:
                    self._busy = False


_gates: dict[int, FifoGate] = {}
_gates_lock = threading.Lock()


def _gate(engine: Engine) -> FifoGate:
    with _gates_lock:
        return _gates.setdefault(id(engine.pool), FifoGate())


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One serialised write transaction: committed on success, rolled back on any error."""
    with _gate(engine).hold(), engine.connect() as conn:
        conn = conn.execution_options(write_lock=True)
        with conn.begin():
            if is_postgres(engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
            session = Session(bind=conn, expire_on_commit=False)
            try:
                yield session
                session.flush()
            finally:
                session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session

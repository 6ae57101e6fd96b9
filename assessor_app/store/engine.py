"""SQLAlchemy engine over SQLCipher: every pooled connection comes from ``sqlcipher_conn``."""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from assessor_app.store.sqlcipher_conn import HEX_KEY, connect, probe

__all__ = ["make_engine", "probe"]


def make_engine(path: Path, key_hex: str, *, synchronous: str = "NORMAL") -> Engine:
    """An engine for the encrypted store at ``path`` (created if missing)."""
    if not HEX_KEY.match(key_hex):
        raise ValueError("store key must be 64 lowercase hex digits")
    if synchronous not in {"NORMAL", "FULL"}:
        raise ValueError("synchronous must be NORMAL or FULL")
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect(path, key_hex, synchronous),
        module=sqlcipher3,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _no_pysqlite_autobegin(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy emit BEGIN itself (SQLAlchemy docs: pysqlite transactional DDL).
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        # A writer that reads first and runs beside the GUI's thread (sync) takes the write
        # lock up front: engine.execution_options(sqlite_immediate=True). A deferred BEGIN
        # would fail at once (SQLITE_BUSY_SNAPSHOT) if another thread committed in between.
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine

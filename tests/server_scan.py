"""Reading a whole sync server database back as bytes, for tests that prove text is gone.

``server_values`` yields every value of every table and column (JSON as its text, files'
bytes as stored) through the server's own engine, on SQLite and PostgreSQL alike;
``sqlite_file_bytes`` yields the raw bytes of a SQLite server's file and its write-ahead
log (free pages and old log frames included). Search them with ``store_scan.find``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select


def _as_bytes(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode()
    return str(value).encode()


def server_values(engine: Engine) -> Iterator[tuple[str, bytes]]:
    """(table.column, value) for every non-empty value of every table of the database."""
    meta = MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    data = _as_bytes(value)
                    if data:
                        yield f"{table.name}.{column}", data


def sqlite_file_bytes(database_url: str) -> Iterator[tuple[str, bytes]]:
    """The raw bytes of a SQLite server database and its write-ahead log."""
    db = Path(database_url.removeprefix("sqlite:///"))
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            yield path.name, path.read_bytes()

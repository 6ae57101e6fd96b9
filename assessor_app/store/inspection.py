"""Integrity and migration state of an open store, and a generic table dump for export."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assessor_app.store.base import Base
from assessor_app.store.models import StoreMeta


@dataclass(frozen=True)
class IntegrityReport:
    integrity: tuple[str, ...]  # "ok" or the problems SQLite lists
    cipher_integrity: tuple[str, ...]  # page HMAC problems (empty when fine)
    foreign_key_problems: int
    cipher_version: str
    journal_mode: str
    tables: dict[str, int]
    meta: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.integrity == ("ok",) and not self.cipher_integrity and not self.foreign_key_problems


def integrity(session: Session) -> IntegrityReport:
    conn = session.connection()
    rows = tuple(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall())
    cipher = tuple(r[0] for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall())
    fk = len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
    version = conn.exec_driver_sql("PRAGMA cipher_version").scalar() or ""
    journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar() or ""
    counts = {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() or 0
              for name in sorted(Base.metadata.tables)}
    meta = {m.key: m.value for m in session.execute(select(StoreMeta)).scalars()}
    return IntegrityReport(rows, cipher, fk, str(version), str(journal), counts, meta)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def table_names() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables]


def dump_table(session: Session, name: str) -> Iterator[dict[str, Any]]:
    table = Base.metadata.tables[name]
    order = list(table.primary_key.columns)
    for row in session.execute(select(table).order_by(*order)).mappings():
        yield {k: _jsonable(v) for k, v in row.items()}


def column_names(name: str) -> list[str]:
    return [c.name for c in Base.metadata.tables[name].columns]

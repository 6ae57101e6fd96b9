"""Syncable table rows ↔ the ``fields`` dicts ``protocol.Row`` carries, generically.

Built from the mapped tables' columns, so a column added to a model syncs with no
code here: dates and datetimes travel as ISO strings (datetimes in UTC), JSON as
JSON, blob columns never (the row's ``sha256`` column names the bytes), and the
bookkeeping columns of ``tables.SYNC_COLUMNS`` travel outside ``fields``. A blob
column's field carries the file's sha256 (as the row's own ``sha256`` column does);
the bytes go through ``/v1/blobs``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Table, UniqueConstraint

from assessor_app.store import models  # noqa: F401  (registers every table)
from assessor_app.store.base import Base
from assessor_app.sync import tables

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class TableShape:
    """What the sync code needs to know about one syncable table."""

    name: str
    table: Table
    #: the columns carried in ``fields`` (content, not bookkeeping, never the blob)
    fields: tuple[str, ...]
    blob_column: str | None
    dates: frozenset[str]
    datetimes: frozenset[str]
    #: (column, referenced table) for every foreign key: a row waits until these exist
    foreign_keys: tuple[tuple[str, str], ...]
    #: column sets a unique constraint allows one row of (besides the id)
    unique_keys: tuple[tuple[str, ...], ...] = ()

    @property
    def read_columns(self) -> list[Any]:
        """Every column but the blob (deferred: it may be megabytes)."""
        return [c for c in self.table.c if c.name != self.blob_column]


@cache
def shape(name: str) -> TableShape:
    spec = tables.BY_NAME[name]
    table = Base.metadata.tables[name]
    fields = tuple(c.name for c in table.c
                   if c.name not in tables.SYNC_COLUMNS and c.name != spec.blob_column)
    dates = frozenset(c.name for c in table.c
                      if isinstance(c.type, Date) and not isinstance(c.type, DateTime))
    datetimes = frozenset(c.name for c in table.c if isinstance(c.type, DateTime))
    fks = tuple(sorted((fk.parent.name, fk.column.table.name) for fk in table.foreign_keys))
    uniques = {tuple(c.name for c in u.columns) for u in table.constraints
               if isinstance(u, UniqueConstraint)}
    uniques |= {(c.name,) for c in table.c if c.unique}
    uniques |= {tuple(c.name for c in ix.columns) for ix in table.indexes if ix.unique}
    uniques.discard(("id",))
    return TableShape(name, table, fields, spec.blob_column, dates, datetimes, fks,
                      tuple(sorted(uniques)))


def all_shapes() -> list[TableShape]:
    """Every syncable table, parents first (``tables.RANK``)."""
    return [shape(s.name) for s in tables.SPECS]


def utc(at: datetime) -> datetime:
    """SQLite hands back naive datetimes that were stored as UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def iso_datetime(at: datetime | None) -> str | None:
    return None if at is None else utc(at).isoformat()


def parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    return utc(datetime.fromisoformat(text))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """``value`` with NUL characters dropped and lone surrogates replaced (U+FFFD): neither
    can be stored by the server (nor by PostgreSQL), and one such character pasted into a
    text would otherwise stop every sync. The same value is returned when already clean."""
    if isinstance(value, str):
        if not _UNSTORABLE.search(value):
            return value
        return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)
    if isinstance(value, list):
        cleaned = [storable(v) for v in value]
        return value if cleaned == value else cleaned
    if isinstance(value, dict):
        cleaned_d = {storable(k): storable(v) for k, v in value.items()}
        return value if cleaned_d == value else cleaned_d
    return value


def to_wire(sh: TableShape, values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``fields`` of a row read from the store (a mapping of column → value)."""
    out: dict[str, Any] = {}
    for name in sh.fields:
        v = values[name]
        if v is not None:
            if name in sh.datetimes:
                v = iso_datetime(v)
            elif name in sh.dates:
                v = v.isoformat()
        out[name] = v
    if sh.blob_column:  # the server indexes the file by the blob field: it carries the sha256
        out[sh.blob_column] = values.get("sha256")
    return out


def from_wire(sh: TableShape, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Column values for the store from a row's ``fields`` (unknown fields are ignored:
    a newer device may send columns this schema does not have yet; the blob field holds
    only the sha256, the bytes come separately)."""
    out: dict[str, Any] = {}
    for name in sh.fields:
        if name not in fields:
            continue
        v = fields[name]
        if v is not None:
            if name in sh.datetimes:
                v = parse_datetime(v)
            elif name in sh.dates:
                v = v if isinstance(v, date) else date.fromisoformat(v)
        out[name] = v
    return out


def wire_row(sh: TableShape, values: Mapping[str, Any]) -> dict[str, Any]:
    """A whole ``protocol.Row`` as a dict (for a push: ``base_rev`` is the local base)."""
    updated = values.get("updated_at")
    return {
        "table": sh.name, "id": values["id"], "base_rev": values["base_rev"],
        "rev": values["rev"], "deleted": values["deleted_at"] is not None,
        "updated_at": iso_datetime(updated) or "" if updated is not None else "",
        "updated_by": (values.get("updated_by") or "")[:64],
        "fields": to_wire(sh, values),
    }


@cache
def model_for(name: str) -> type[Any]:
    """The mapped class of a syncable table (for edits that must go through the unit of work)."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_  # type: ignore[no-any-return]
    raise KeyError(name)

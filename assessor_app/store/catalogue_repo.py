"""Imported framework and programme versions kept in the store (the YAML text as imported).

Services get plain ``ImportedEntry`` values, never mapped rows, so nothing outside the
store holds a session-bound object. Writes go through the caller's unit of work, which
keeps the sync columns and writes the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.store.models.system import CatalogueEntry


@dataclass(frozen=True)
class ImportedEntry:
    """One imported version: enough to parse it again and to list it."""

    kind: str  # "framework" / "programme"
    ident: str
    version: str
    title: str
    source_name: str
    yaml_text: str
    sha256: str
    imported_at: datetime  # UTC


def _entry(row: CatalogueEntry) -> ImportedEntry:
    at = row.created_at
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        at = at.replace(tzinfo=UTC)
    return ImportedEntry(row.kind, row.ident, row.version, row.title, row.source_name,
                         row.yaml_text, row.sha256, at)


class CatalogueRepository:
    """Reads and adds CatalogueEntry rows inside one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def list_entries(self) -> list[ImportedEntry]:
        """Live entries in import order, so later imports win lookups without a version."""
        rows = self._session.execute(
            select(CatalogueEntry)
            .where(CatalogueEntry.deleted_at.is_(None))
            .order_by(CatalogueEntry.created_at, CatalogueEntry.id)
        ).scalars()
        return [_entry(r) for r in rows]

    def find(self, kind: str, ident: str, version: str) -> ImportedEntry | None:
        row = self._session.execute(
            select(CatalogueEntry).where(
                CatalogueEntry.kind == kind,
                CatalogueEntry.ident == ident,
                CatalogueEntry.version == version,
                CatalogueEntry.deleted_at.is_(None),
            )
        ).scalar_one_or_none()
        return _entry(row) if row is not None else None

    def add(self, kind: str, ident: str, version: str, title: str, source_name: str,
            yaml_text: str, sha256: str) -> ImportedEntry:
        """Stage a new entry (flushed, not committed: the unit of work commits)."""
        from assessor_app.store.base import new_id, singleton_id

        cid = singleton_id("catalogue_entry", kind, ident, version)
        if self._session.get(CatalogueEntry, cid) is not None:  # deleted once: a new row
            cid = new_id()
        row = CatalogueEntry(id=cid, kind=kind, ident=ident, version=version, title=title,
                             source_name=source_name, yaml_text=yaml_text, sha256=sha256)
        self._session.add(row)
        self._session.flush()
        return _entry(row)

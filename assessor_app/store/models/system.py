"""Store metadata, the audit log, imported catalogue versions and sync bookkeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assessor_app.store.base import Base, SyncMixin, new_id, utcnow


class StoreMeta(Base):
    """Key/value facts about this store (store_id, created_at, demo flag)."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """Append-only, hash-chained record of every change. Never holds narrative text:
    only what changed (entity, id, action, field names), when and by whom."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, exactly as hashed
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))  # insert / update / delete / import / ...
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list] = mapped_column(JSON, default=list)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CatalogueEntry(SyncMixin, Base):
    """An employer's imported framework or programme version (the YAML text as imported)."""

    __tablename__ = "catalogue_entry"
    __table_args__ = (UniqueConstraint("kind", "ident", "version", name="uq_catalogue_entry_kind_ident_version"),)

    kind: Mapped[str] = mapped_column(String(16))  # framework / programme
    ident: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(255), default="")
    yaml_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class SyncState(Base):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)


class Conflict(SyncMixin, Base):
    """A hard sync conflict awaiting a person: both versions are kept, so no text is lost.

    Synced like any row (the server writes them, every device in scope lists them, a
    resolution syncs back). Field names and meanings are shared with the server
    (BRIEF-SYNC.md): values are JSON, ``resolved_at`` an ISO string so it travels unchanged.
    """

    __tablename__ = "conflict"

    practitioner_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    kept_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    other_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    other_user: Mapped[str] = mapped_column(String(200), default="")
    other_device: Mapped[str] = mapped_column(String(200), default="")
    resolution: Mapped[str] = mapped_column(String(16), default="")  # "" open / kept / other / merged
    resolved_by: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[str | None] = mapped_column(String(40), default=None)


class KeptAside(Base):
    """A change this device made but could not send before its practitioner left the user's
    scope (``store/scope_removal.py``). The rest of that practitioner's records are removed;
    this one is kept, encrypted like the whole store and never synced, so no typed work is
    lost: it is put back and sent when what left comes back into scope, or removed when the
    user discards it (after asking their coordinator)."""

    __tablename__ = "kept_aside"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    practitioner_id: Mapped[str] = mapped_column(String(36), index=True)
    #: who the change was about, for telling the user after the portfolio itself is gone
    practitioner_name: Mapped[str] = mapped_column(String(200), default="")
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    #: the record whose leaving removed it (the practitioner, or a record moved to another):
    #: once that is on this device again, the change can go back
    root_table: Mapped[str] = mapped_column(String(64))
    root_id: Mapped[str] = mapped_column(String(36))
    #: the row as it would have been pushed (``protocol.Row`` shape, ``base_rev`` included)
    row: Mapped[dict] = mapped_column(JSON, default=dict)
    #: a file's bytes (attachment or document) when the change was a file
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    reason: Mapped[str] = mapped_column(String(32), default="")
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

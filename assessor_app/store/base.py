"""Declarative base, naming conventions (stable constraint names for Alembic) and the sync mixin."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


_SINGLETON_NS = uuid.UUID("6f1d3c52-2a57-4f0e-9a43-5b0e8f9d2c11")


def singleton_id(table: str, *key: str) -> str:
    """The id of a row a unique key allows only one of (an enrolment's final assessment, an
    imported framework version): every device makes the same id, so two made offline sync as
    edits of one record (merged, or listed as conflicts) instead of colliding on the key."""
    return str(uuid.uuid5(_SINGLETON_NS, "\x1f".join((table, *key))))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict: JSON, list: JSON}


class SyncMixin:
    """Columns every syncable table carries (DESIGN.md §4, §6).

    ``rev`` is the server revision (0: never synced); ``base_rev`` the revision a
    local edit started from; ``dirty`` marks a pending push; ``deleted_at`` is a
    tombstone. The unit of work maintains ``updated_at``, ``dirty`` and ``updated_by``.
    """

    __syncable__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rev: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    base_rev: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), default="", nullable=False)

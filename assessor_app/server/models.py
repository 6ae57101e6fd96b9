"""The server's tables, on their own metadata (never the client store's ``Base``).

Synced rows are stored generically: one ``sync_rows`` table holds every table's rows
(fields as JSON) with the practitioner they belong to (the scope), the revision and
a global sequence number; ``sync_row_versions`` keeps each revision so a push made
from an older revision can be merged three ways (the retention purge empties the notes of
old revisions of long-closed portfolios: ``server.retention``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


Stamp = DateTime(timezone=True)


class Meta(ServerBase):
    """Server-wide settings: ``server_id`` (written by the first migration), ``employer``."""

    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(ServerBase):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    #: the practitioner row this user is (role practitioner)
    practitioner_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class Device(ServerBase):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: sha256 of the bearer token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    last_seen_at: Mapped[datetime] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp, default=None)


class EnrolCode(ServerBase):
    __tablename__ = "enrol_codes"
    #: sha256 of the normalised one-time code
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    expires_at: Mapped[datetime] = mapped_column(Stamp)
    used_at: Mapped[datetime | None] = mapped_column(Stamp, default=None)
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Assignment(ServerBase):
    """An assessor's or manager's practitioners: what they may read and write."""

    __tablename__ = "assignments"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class ScopeExit(ServerBase):
    """Records leaving a scope, so devices holding copies drop them at their next pull.

    ``user_id`` set: practitioner ``practitioner_id`` left that user's scope (unassigned,
    reassigned, role changed). ``user_id`` None: the row (``table_name``, ``row_id``) and
    its children moved away from practitioner ``practitioner_id`` to another one. ``seq``
    comes from the same sequence as ``sync_rows.seq``, so a device meets an exit and the
    rows around it in the order they happened.
    """

    __tablename__ = "scope_exits"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    practitioner_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    table_name: Mapped[str | None] = mapped_column(String(64), default=None)
    row_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: unassigned / reassigned / role / moved
    reason: Mapped[str] = mapped_column(String(16))
    written_at: Mapped[datetime] = mapped_column(Stamp)


class SyncRow(ServerBase):
    __tablename__ = "sync_rows"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the scope: the practitioner the row hangs from (None: employer-wide)
    practitioner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    rev: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: the sha256 a blob column names (so a download can be checked against scope)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    created_by: Mapped[str] = mapped_column(String(36))
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    written_at: Mapped[datetime] = mapped_column(Stamp)


class SyncRowVersion(ServerBase):
    __tablename__ = "sync_row_versions"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, primary_key=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    written_at: Mapped[datetime] = mapped_column(Stamp)
    #: when the retention purge replaced this version's notes with the current version's:
    #: a push based on it cannot be merged on those fields (``server.retention_guard``)
    purged_at: Mapped[datetime | None] = mapped_column(Stamp, default=None)


class AdminEvent(ServerBase):
    """What an administrator's command did to the stored data (the retention purge): when,
    which command, the operating-system account that ran it, and counts; never any text."""

    __tablename__ = "admin_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(Stamp, index=True)
    command: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class Batch(ServerBase):
    """A push already applied: a replay returns ``response``; other rows under its id are 409."""

    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class Blob(ServerBase):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class BlobPart(ServerBase):
    """Blob bytes in the database (not on disk) so several server instances can share them."""

    __tablename__ = "blob_parts"
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="CASCADE"),
                                        primary_key=True)
    start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BlobHolder(ServerBase):
    """A user who has sent a file's bytes (``proved`` of them so far; all: they hold it).
    Only a holder may name the file in a new row, so a known sha256 reads nothing."""

    __tablename__ = "blob_holders"
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="CASCADE"),
                                        primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    proved: Mapped[int] = mapped_column(BigInteger)

"""Writes a hash-chained audit event for every flushed change (no narrative text).

Installed on the session factory by the unit of work, so no use case can change
data without leaving a trace. Also keeps the sync columns current.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from assessor_app.domain.audit import GENESIS, AuditRecord, event_hash
from assessor_app.store.base import SyncMixin
from assessor_app.store.models.system import AuditEvent

_SKIP_FIELDS = {"rev", "base_rev", "dirty", "created_at", "updated_at", "updated_by"}
_PENDING = "_audit_pending"


def _changed_fields(obj: object) -> list[str]:
    state = inspect(obj)
    out = []
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP_FIELDS:
            continue
        if state.attrs[attr.key].history.has_changes():
            out.append(attr.key)
    return out


def _before_flush(session: Session, _ctx, _instances) -> None:  # type: ignore[no-untyped-def]
    actor = session.info.get("actor", "")
    now = datetime.now(UTC)
    pending: list[tuple[str, str, str, list[str]]] = session.info.setdefault(_PENDING, [])
    for obj in list(session.new):
        if isinstance(obj, SyncMixin):
            if obj.id is None:
                from assessor_app.store.base import new_id

                obj.id = new_id()
            obj.updated_by = actor
            obj.updated_at = now
            if not session.info.get("from_sync"):
                obj.dirty = True
            cols = [a.key for a in inspect(obj).mapper.column_attrs if a.key not in _SKIP_FIELDS]
            pending.append(("insert", type(obj).__tablename__, obj.id, cols))
    for obj in list(session.dirty):
        if isinstance(obj, SyncMixin) and session.is_modified(obj, include_collections=False):
            fields = _changed_fields(obj)
            if not fields:
                continue
            obj.updated_by = actor
            obj.updated_at = now
            if not session.info.get("from_sync"):
                obj.dirty = True
            action = "delete" if "deleted_at" in fields and obj.deleted_at is not None else "update"
            pending.append((action, type(obj).__tablename__, obj.id, fields))
    for obj in list(session.deleted):
        if isinstance(obj, SyncMixin):
            pending.append(("purge", type(obj).__tablename__, obj.id, []))


def _after_flush(session: Session, _ctx) -> None:  # type: ignore[no-untyped-def]
    pending = session.info.pop(_PENDING, [])
    if pending:
        append_events(session, session.info.get("actor", ""), pending)


def append_events(session: Session, actor: str,
                  events: list[tuple[str, str, str, list[str]]]) -> None:
    """Append events to the chain inside the session's transaction."""
    conn = session.connection()
    last = conn.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    for action, entity, entity_id, fields in events:
        seq += 1
        h = event_hash(prev, at, actor, action, entity, entity_id, fields)
        rows.append(dict(seq=seq, at=at, actor=actor, action=action, entity=entity,
                         entity_id=entity_id, fields=sorted(fields), prev_hash=prev, hash=h))
        prev = h
    conn.execute(insert(AuditEvent), rows)


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)


def iter_records(session: Session) -> Iterator[AuditRecord]:
    for row in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        yield AuditRecord(row.seq, row.at, row.actor, row.action, row.entity, row.entity_id,
                          tuple(row.fields or ()), row.prev_hash, row.hash)

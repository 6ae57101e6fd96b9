"""Conflict rows an editor's save makes on this device, and who changed a record last.

When a save meets a field changed meanwhile by a sync or another window
(``domain.edit_merge``), the editor's text goes into the record and the other version into
a ``conflict`` row made here. It is an ordinary row of the unit of work (dirty, audited), so
it is pushed like any edit and every device in scope lists it (Sync ▸ Conflicts…).

A conflict's ``field`` is a column of the record, or ``column.key`` for one key of a JSON
dict column (one party's comments, one criterion's answer): ``services.sync_conflicts``
reads and resolves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from assessor_app.domain.edit_merge import RecordChange
from assessor_app.store.base import SyncMixin
from assessor_app.store.models import Conflict, Person, Practitioner, SyncState
from assessor_app.sync import tables


def practitioner_of(conn: Connection, table: str, row_id: str) -> str | None:
    """The practitioner a row hangs from (None: employer-wide or not found)."""
    from assessor_app.store.sync_rows import shape

    seen = 0
    while table != "practitioner" and seen < 10:
        seen += 1
        spec = tables.BY_NAME.get(table)
        if spec is None or spec.parent is None:
            return None
        col, parent = spec.parent
        t = shape(table).table
        value = conn.execute(select(t.c[col]).where(t.c.id == row_id)).scalar_one_or_none()
        if not value:
            return None
        table, row_id = parent, value
    return row_id if table == "practitioner" else None


def enrolled_user(session: Session) -> str:
    """The name this device syncs as ("" when not enrolled)."""
    return _server_state(session).get("user_name") or ""


def _server_state(session: Session) -> dict[str, str]:
    row = session.get(SyncState, "server")
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: str(v) for k, v in value.items() if isinstance(v, str)}


def this_device(session: Session) -> RecordChange:
    """A change made on this computer (its user and enrolled device name when known)."""
    server = _server_state(session)
    return RecordChange(server.get("user_name", ""), here=True,
                        device=server.get("device_name") or "this computer")


def last_change(session: Session, rows: Sequence[SyncMixin | None]) -> RecordChange:
    """Who made the newest change to these rows (a record and its detail row)."""
    live = [r for r in rows if r is not None]
    if not live:
        return RecordChange()
    newest = max(live, key=lambda r: _utc(r.updated_at))
    if any(r.dirty for r in live):
        # a sync never writes over a row with unpushed edits: this computer changed it
        return replace(this_device(session), at=newest.updated_at)
    me, by = enrolled_user(session), newest.updated_by or ""
    if me and by == me:
        return RecordChange(me, yours=True, at=newest.updated_at)
    known = by and (
        session.scalars(select(Person.id).where(Person.name == by).limit(1)).first()
        or session.scalars(select(Practitioner.id).where(Practitioner.name == by).limit(1)).first())
    return RecordChange(by if known else "", at=newest.updated_at)


def _utc(at: Any) -> Any:
    from assessor_app.store.sync_rows import utc

    return utc(at) if at is not None else at


def add(session: Session, entity: str, entity_id: str, field_name: str, *, kept: Any,
        other: Any, base: Any, source: RecordChange) -> str:
    """A new open conflict: ``kept`` is in the record, ``other`` (by ``source``) is not."""
    c = Conflict(practitioner_id=practitioner_of(session.connection(), entity, entity_id),
                 entity=entity, entity_id=entity_id, field=field_name[:64], kept_value=kept,
                 other_value=other, base_value=base, other_user=source.by[:200],
                 other_device=source.device[:200], resolution="", resolved_by="",
                 resolved_at=None)
    session.add(c)
    session.flush()
    return c.id


def open_fields(session: Session, entity_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(entity id, field) of the open conflicts about these rows."""
    if not entity_ids:
        return []
    return [(r.entity_id, r.field) for r in session.execute(
        select(Conflict.entity_id, Conflict.field).where(
            Conflict.entity_id.in_(list(entity_ids)), Conflict.resolution == "",
            Conflict.deleted_at.is_(None)).order_by(Conflict.created_at))]

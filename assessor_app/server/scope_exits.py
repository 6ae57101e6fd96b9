"""Scope exits: telling a device which records it may no longer keep.

Written when an assignment ends (``server unassign``, ``server reassign``, a role change)
and when a push moves a record to another practitioner. Pull sends a caller the exits
after its cursor that still hold *now* (the practitioner, or the moved record's new
practitioner, is outside the caller's scope at the moment of the pull), so an exit made
stale by a later assignment is never acted on: the device keeps what it may read. Exits
take their ``seq`` from the same sequence as ``sync_rows`` so they interleave with rows in
the order things happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, exists, func, select
from sqlalchemy.orm import Session

from assessor_app.server.models import Assignment, ScopeExit, SyncRow

if TYPE_CHECKING:
    from assessor_app.server.auth import Caller

REASONS = ("unassigned", "reassigned", "role", "moved")


def max_seq(s: Session | Connection) -> int:
    """The highest seq handed out so far (rows and exits share the sequence)."""
    rows = s.execute(select(func.coalesce(func.max(SyncRow.seq), 0))).scalar_one()
    exits = s.execute(select(func.coalesce(func.max(ScopeExit.seq), 0))).scalar_one()
    return max(int(rows), int(exits))


def record_left(s: Session, user_id: str, practitioner_ids: Iterable[str], reason: str) -> int:
    """Practitioners that left ``user_id``'s scope; returns how many exits were written."""
    seq = max_seq(s)
    n = 0
    for pid in sorted(set(practitioner_ids)):
        seq += 1
        s.add(ScopeExit(seq=seq, practitioner_id=pid, user_id=user_id, reason=reason,
                        written_at=datetime.now(UTC)))
        n += 1
    s.flush()
    return n


def moved(seq: int, table: str, row_id: str, old_practitioner: str) -> ScopeExit:
    """A record (and what hangs from it) moved away from ``old_practitioner``."""
    return ScopeExit(seq=seq, practitioner_id=old_practitioner, user_id=None, table_name=table,
                     row_id=row_id, reason="moved", written_at=datetime.now(UTC))


def _readable(caller: Caller) -> Callable[[Any], ColumnElement[bool]] | None:
    """The condition "practitioner column ``col`` is in the caller's scope now" (None: all)."""
    if caller.role == "coordinator":
        return None
    if caller.role == "practitioner":
        mine = [caller.practitioner_id] if caller.practitioner_id else []
        return lambda col: col.in_(mine)
    assigned = select(Assignment.practitioner_id).where(Assignment.user_id == caller.user_id)
    return lambda col: col.in_(assigned)


def exits_after(conn: Connection, caller: Caller, cursor: int, limit: int) -> list[Any]:
    """Up to ``limit`` exits after ``cursor`` that apply to ``caller`` now, in seq order."""
    readable = _readable(caller)
    if readable is None:
        return []  # a coordinator reads everything: nothing ever leaves their scope
    e = ScopeExit
    left_me = (e.user_id == caller.user_id) & ~readable(e.practitioner_id)
    moved_away = e.user_id.is_(None) & readable(e.practitioner_id) & exists(
        select(SyncRow.id).where(SyncRow.table_name == e.table_name, SyncRow.id == e.row_id,
                                 SyncRow.practitioner_id.is_not(None),
                                 ~readable(SyncRow.practitioner_id)))
    q = (select(e.seq, e.practitioner_id, e.table_name, e.row_id, e.reason)
         .where(e.seq > cursor, left_me | moved_away).order_by(e.seq).limit(limit))
    return list(conn.execute(q).all())


def as_wire(exit_row: Any) -> dict[str, Any]:
    """An exit as ``protocol.Revocation`` JSON."""
    return {"seq": int(exit_row.seq), "practitioner_id": exit_row.practitioner_id,
            "table": exit_row.table_name, "id": exit_row.row_id, "reason": exit_row.reason}

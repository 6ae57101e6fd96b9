"""Who may read and write which rows: a row's scope is the practitioner it hangs from.

coordinator: everything; assessor and manager: the practitioners assigned to them (and any
practitioner record they created, assigned on its first push); practitioner user: their own
record. Employer-wide rows (no practitioner) are read by all and written by all but
practitioner users.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from assessor_app.server.auth import Caller
from assessor_app.server.models import Assignment, SyncRow
from assessor_app.sync.tables import TableSpec

#: None means "every practitioner" (a coordinator)
Scope = set[str] | None


def readable(s: Session, caller: Caller) -> Scope:
    if caller.role == "coordinator":
        return None
    if caller.role == "practitioner":
        return {caller.practitioner_id} if caller.practitioner_id else set()
    return set(s.scalars(select(Assignment.practitioner_id)
                         .where(Assignment.user_id == caller.user_id)).all())


def row_filter(caller: Caller) -> ColumnElement[bool] | None:
    """The SQL condition for rows ``caller`` may read (None: all rows)."""
    if caller.role == "coordinator":
        return None
    if caller.role == "practitioner":
        mine = [caller.practitioner_id] if caller.practitioner_id else []
        return or_(SyncRow.practitioner_id.is_(None), SyncRow.practitioner_id.in_(mine))
    assigned = select(Assignment.practitioner_id).where(Assignment.user_id == caller.user_id)
    return or_(SyncRow.practitioner_id.is_(None), SyncRow.practitioner_id.in_(assigned))


def may_read(scope: Scope, practitioner_id: str | None) -> bool:
    return practitioner_id is None or scope is None or practitioner_id in scope


def may_write(caller: Caller, scope: Scope, practitioner_id: str | None) -> bool:
    if practitioner_id is None:
        return caller.role != "practitioner"
    return scope is None or practitioner_id in scope


class MissingParent(Exception):
    pass


def row_scope(s: Session, spec: TableSpec, row_id: str, fields: dict[str, Any],
              known: dict[tuple[str, str], SyncRow] | None = None) -> str | None:
    """The practitioner a row belongs to, from its parent link (``MissingParent`` when the
    parent is not on the server). ``known``: rows already loaded, looked up first."""
    if spec.employer_wide:
        return None
    if spec.parent is None:  # practitioner: its own scope
        return row_id
    column, parent_table = spec.parent
    parent_id = fields.get(column)
    if not parent_id:
        if spec.name == "conflict":
            return None  # a conflict on an employer-wide row
        raise MissingParent(f"it has no {column}")
    if not isinstance(parent_id, str):
        raise MissingParent(f"its {column} is not an id")
    key = (parent_table, parent_id)
    parent = known.get(key) if known is not None else None
    if parent is None:
        parent = s.get(SyncRow, key)
    if parent is None:
        raise MissingParent(f"its {parent_table} ({parent_id}) is not on the server; "
                            "send the parent first")
    return parent.practitioner_id


def descendants(rows: list[SyncRow], table: str, row_id: str) -> list[SyncRow]:
    """The rows among ``rows`` hanging (at any depth) from ``(table, row_id)`` by their
    parent links (conflict rows are not children: they follow their record's scope)."""
    from assessor_app.sync.tables import BY_NAME

    children: dict[tuple[str, str], list[SyncRow]] = {}
    for r in rows:
        spec = BY_NAME.get(r.table_name)
        if spec is None or spec.parent is None or r.table_name == "conflict":
            continue
        parent_id = r.fields.get(spec.parent[0])
        if isinstance(parent_id, str):
            children.setdefault((spec.parent[1], parent_id), []).append(r)
    found: list[SyncRow] = []
    todo = [(table, row_id)]
    seen = set(todo)
    while todo:
        for child in children.get(todo.pop(), []):
            key = (child.table_name, child.id)
            if key not in seen:
                seen.add(key)
                found.append(child)
                todo.append(key)
    return found

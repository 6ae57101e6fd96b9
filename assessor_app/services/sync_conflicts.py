"""Sync conflicts on this device: the list a person decides from, and their decision.

A conflict row holds both versions of one field (``kept_value`` is in the record,
``other_value`` is not). Resolving edits the record (when the other or a merged text
wins) and the conflict row in one unit of work; both sync like any edit. A field named
``column.key`` is one key of a JSON dict column (an editor's save keeps one party's
comments or one criterion's answer apart from the rest of the dict).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from assessor_app.errors import AppError, NotFound, UsageError

if TYPE_CHECKING:
    from assessor_app.store.database import Database


@dataclass(frozen=True)
class ConflictItem:
    id: str
    entity: str
    entity_id: str
    field: str
    field_label: str
    record_title: str
    practitioner_name: str
    kept_value: str
    other_value: str
    base_value: str
    other_user: str
    other_device: str
    created_at: datetime | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "deleted" if value else "not deleted"
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def field_label(name: str) -> str:
    if name == "_deleted":
        return "Deleted"
    column, dot, key = name.partition(".")
    label = column.replace("_", " ").strip().capitalize()
    return f"{label} ({key.replace('_', ' ').strip()})" if dot else label


def _dict_key(sh: Any, name: str) -> tuple[str, str] | None:
    """(column, key) when ``name`` is one key of a JSON dict column of the shape."""
    column, dot, key = name.partition(".")
    return (column, key) if dot and key and column in sh.fields else None


def open_conflicts(database: Database) -> list[ConflictItem]:
    from assessor_app.store.models import Conflict, Practitioner
    from assessor_app.store.sync_repo import SyncRepository

    with database.uow() as uow:
        s = uow.session
        out = []
        for cid in SyncRepository(s).open_conflict_ids():
            c = s.get(Conflict, cid)
            assert c is not None
            prac = s.get(Practitioner, c.practitioner_id) if c.practitioner_id else None
            out.append(ConflictItem(
                c.id, c.entity, c.entity_id, c.field, field_label(c.field),
                _record_title(s, c.entity, c.entity_id), prac.name if prac else "",
                _text(_value_now(s, c)), _text(c.other_value), _text(c.base_value),
                c.other_user, c.other_device, c.created_at))
    return out


def _value_now(session: Any, c: Any) -> Any:
    """The conflicting field's value in the record now (it may have been edited since the
    conflict was written: "kept" must show what keeping would keep, so a person choosing the
    other version never overwrites a text they were not shown)."""
    from assessor_app.store.sync_rows import iso_datetime, model_for, shape

    try:
        sh = shape(c.entity)
        record = session.get(model_for(c.entity), c.entity_id)
    except KeyError:
        return c.kept_value
    if record is None:
        return c.kept_value
    if c.field == "_deleted":
        return record.deleted_at is not None
    if (part := _dict_key(sh, c.field)) is not None:
        held = getattr(record, part[0])
        return held.get(part[1]) if isinstance(held, dict) else None
    if c.field not in sh.fields:
        return c.kept_value
    value = getattr(record, c.field)
    if value is not None and c.field in sh.datetimes:
        return iso_datetime(value)
    if value is not None and c.field in sh.dates:
        return value.isoformat()
    return value


def resolve(database: Database, user: str, conflict_id: str,
            choice: Literal["kept", "other", "merged"], merged_text: str | None = None) -> None:
    """Settle a conflict: keep the record's value, take the other one, or a merged text.
    The record edit and the resolution are one change, pushed at the next sync."""
    from assessor_app.store.models import Conflict
    from assessor_app.store.sync_rows import from_wire, model_for, shape

    if choice not in ("kept", "other", "merged"):
        raise UsageError(f"Unknown choice {choice!r}.", "Use kept, other or merged.")
    if choice == "merged" and merged_text is None:
        raise UsageError("A merged resolution needs the merged text.")
    with database.uow(user[:64]) as uow:
        s = uow.session
        c = s.get(Conflict, conflict_id)
        if c is None:
            raise NotFound("That conflict is not on this computer.",
                           "Sync again to refresh the list.")
        if c.resolution:
            raise AppError("That conflict was already resolved.",
                           f"It was settled by {c.resolved_by or 'someone'}; sync to see it.")
        value = {"kept": c.kept_value, "other": c.other_value, "merged": merged_text}[choice]
        try:
            model = model_for(c.entity)
        except KeyError:
            model = None
        record = s.get(model, c.entity_id) if model is not None else None
        if record is not None and choice != "kept":
            if choice == "merged" and c.field != "_deleted" and not isinstance(
                    c.kept_value if c.kept_value is not None else c.other_value, str):
                raise UsageError("Only text can be merged by hand.",
                                 "Keep one of the two versions instead.")
            if c.field == "_deleted":
                record.deleted_at = datetime.now(UTC) if value else None
            elif (part := _dict_key(shape(c.entity), c.field)) is not None:
                held = getattr(record, part[0])
                held = dict(held) if isinstance(held, dict) else {}  # a new dict: saved
                if value in (None, ""):
                    held.pop(part[1], None)
                else:
                    held[part[1]] = value
                setattr(record, part[0], held)
            elif c.field in shape(c.entity).fields:
                setattr(record, c.field, from_wire(shape(c.entity), {c.field: value})[c.field])
        c.resolution = choice
        c.resolved_by = user[:200]
        c.resolved_at = datetime.now(UTC).isoformat()
        uow.commit()


def _record_title(session: Any, entity: str, entity_id: str) -> str:
    """A short name for the record a conflict is about (its own title, or its evidence's)."""
    from assessor_app.store.models import Evidence
    from assessor_app.store.sync_rows import model_for

    label = entity.replace("_", " ").capitalize()
    try:
        record = session.get(model_for(entity), entity_id)
    except KeyError:
        return label
    if record is None:
        return label
    for attr in ("title", "name", "filename"):
        if isinstance(getattr(record, attr, None), str) and getattr(record, attr):
            return f"{label}: {getattr(record, attr)}"
    ev_id = getattr(record, "evidence_id", None)
    ev = session.get(Evidence, ev_id) if ev_id else None
    return f"{label}: {ev.title}" if ev is not None and ev.title else label

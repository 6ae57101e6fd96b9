"""Push: apply one batch of rows in one serialised transaction.

Per row: a new row is inserted at rev 1; an edit from the current revision is accepted;
an edit from an older one is merged three ways against the version it started from
(``sync.merge``). A field both sides changed differently is a hard conflict: the server
keeps its value and writes a ``conflict`` row holding both, so no text is lost. Signed
and immutable rows are refused with a reason, as are rows out of scope or without parent,
and old text about records the retention purge cleared (``retention_guard``).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessor_app.server.admin import next_seq, utcnow
from assessor_app.server.auth import Caller
from assessor_app.server.blobs import holds
from assessor_app.server.db import write_session
from assessor_app.server.documents import appended_only, signed_document
from assessor_app.server.models import (
    Assignment,
    Batch,
    Blob,
    Device,
    SyncRow,
    SyncRowVersion,
)
from assessor_app.server.pull import to_row
from assessor_app.server.retention_guard import conflict_text, stale_text
from assessor_app.server.roles import practitioner_refusal
from assessor_app.server.scope_exits import moved as moved_exit
from assessor_app.server.scopes import (
    MissingParent,
    Scope,
    descendants,
    may_write,
    readable,
    row_scope,
)
from assessor_app.sync.merge import FieldConflict, merge_fields
from assessor_app.sync.protocol import PushBatch, PushResponse, Row, RowResult
from assessor_app.sync.tables import BY_NAME, RANK, SIGNED_STATUSES, SYNC_COLUMNS

SHA256 = re.compile(r"^[0-9a-f]{64}$")
DELETED = "_deleted"


class BatchReused(Exception):
    """The batch id was already used for different rows (or by another user)."""


def request_hash(batch: PushBatch) -> str:
    rows = [r.model_dump(mode="json") for r in batch.rows]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=True).encode()).hexdigest()


@dataclass
class _Ctx:
    s: Session
    caller: Caller
    scope: Scope
    seq: int
    #: the batch's rows and their parents as the server has them (one query, not one per row)
    known: dict[tuple[str, str], SyncRow] = field(default_factory=dict)
    #: rows this batch creates (not added to the session: inserted in bulk at the end)
    created: list[SyncRow] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)

    def take_seq(self) -> int:
        self.seq += 1
        return self.seq - 1


def push(engine: Engine, caller: Caller, batch: PushBatch) -> PushResponse:
    digest = request_hash(batch)
    with Session(engine) as s:  # before the write lock: a replay and the caller's scope
        done = _stored(s, batch.batch_id, caller, digest)
        if done is not None:
            return done
        scope = readable(s, caller)
    try:
        with write_session(engine) as s:
            ctx = _Ctx(s, caller, scope, next_seq(s), _prefetch(s, batch.rows))
            order = sorted(range(len(batch.rows)),
                           key=lambda i: (RANK.get(batch.rows[i].table, len(RANK)), i))
            results: dict[int, RowResult] = {}
            for i in order:
                results[i] = _apply(ctx, batch.rows[i])
            resp = PushResponse(batch_id=batch.batch_id,
                                results=[results[i] for i in range(len(batch.rows))])
            s.flush()  # edits to rows already held; new rows, versions, the batch: Core below
            _write_new(ctx, {"batch_id": batch.batch_id, "user_id": caller.user_id,
                             "request_hash": digest, "response": resp.model_dump(mode="json"),
                             "created_at": utcnow()})
    except IntegrityError:
        # a retry raced its original, which committed first: nothing of this one was kept
        with Session(engine) as s:
            done = _stored(s, batch.batch_id, caller, digest)
        if done is None:
            raise
        return done
    return resp


def _stored(s: Session, batch_id: str, caller: Caller, digest: str) -> PushResponse | None:
    done = s.get(Batch, batch_id)
    if done is None:
        return None
    if done.user_id != caller.user_id or done.request_hash != digest:
        raise BatchReused()
    return PushResponse.model_validate(done.response)


def _prefetch(s: Session, rows: list[Row]) -> dict[tuple[str, str], SyncRow]:
    """Load the batch's rows and the parents they name in one query."""
    keys: set[tuple[str, str]] = set()
    for r in rows:
        keys.add((r.table, r.id))
        spec = BY_NAME.get(r.table)
        if spec is not None and spec.parent is not None:
            parent_id = r.fields.get(spec.parent[0])
            if isinstance(parent_id, str) and parent_id:
                keys.add((spec.parent[1], parent_id))
    if not keys:
        return {}
    found = s.scalars(select(SyncRow).where(
        tuple_(SyncRow.table_name, SyncRow.id).in_(sorted(keys)))).all()
    return {(r.table_name, r.id): r for r in found}


def _refused(row: Row, reason: str, current: SyncRow | None = None) -> RowResult:
    return RowResult(table=row.table, id=row.id, status="refused", reason=reason,
                     rev=current.rev if current else 0, seq=current.seq if current else 0,
                     row=to_row(current) if current is not None else None)


def _blob_ref(spec_blob: str | None, fields: dict[str, Any]) -> tuple[str | None, str]:
    """(sha256 the row names, problem) for a table with a blob column."""
    if not spec_blob or fields.get(spec_blob) is None:
        return None, ""
    value = fields[spec_blob]
    if isinstance(value, str) and SHA256.match(value):
        return value, ""
    return None, (f"its {spec_blob} must be the file's sha256 (64 lower-case hex digits); "
                  "the bytes go to /v1/blobs")


def _apply(ctx: _Ctx, row: Row) -> RowResult:
    s, caller = ctx.s, ctx.caller
    spec = BY_NAME.get(row.table)
    if spec is None:
        return _refused(row, f"{row.table!r} is not a table that syncs")
    fields = {k: v for k, v in row.fields.items() if k not in SYNC_COLUMNS}
    blob, problem = _blob_ref(spec.blob_column, fields)
    if problem:
        return _refused(row, problem)
    current = ctx.known.get((row.table, row.id))
    if current is not None and not may_write(caller, ctx.scope, current.practitioner_id):
        return _refused(row, "This record is outside your scope: you may not change it.")
    if blob is not None and not row.deleted and (current is None or current.blob_sha256 != blob) \
            and not _may_name(ctx, blob):
        return _refused(row, "The file this record names was not uploaded from this account: "
                             "upload its bytes (PATCH /v1/blobs/{sha256}) and send it again.",
                        current)
    try:
        new_scope = row_scope(s, spec, row.id, {**(current.fields if current else {}), **fields},
                              ctx.known)
    except MissingParent as exc:
        return _refused(row, f"Not saved: {exc}.", current)
    if caller.role == "practitioner" and may_write(caller, ctx.scope, new_scope):
        reason = _practitioner_refusal(ctx, spec, row, current, fields)
        if reason:  # in their scope, but not their part of the record
            return _refused(row, reason, current)
    if current is None:
        if row.table == "conflict" and (reason := conflict_text(s, fields)):
            return _refused(row, reason)
        return _insert(ctx, row, fields, new_scope, blob)

    if spec.immutable or current.fields.get("status") in SIGNED_STATUSES \
            or (row.table == "document" and signed_document(s, current.id)):
        if _same(current, fields, row.deleted):
            return RowResult(table=row.table, id=row.id, status="accepted", rev=current.rev,
                             seq=current.seq)
        if row.table == "document" and row.base_rev == current.rev:
            problem = appended_only(s, current, fields, row.deleted)
            if not problem:
                return _write(ctx, current, row, {**current.fields, **fields}, False,
                              "accepted", [], current.practitioner_id, spec)
            return _refused(row, problem, current)
        when = str(current.fields.get("signed_at") or current.updated_at
                   or current.written_at.date().isoformat())[:10]
        return _refused(row, f"This record was signed on {when} and cannot change; "
                             "make a new version instead.", current)
    if row.base_rev > current.rev:
        return _refused(row, f"The server has revision {current.rev} of this record, not "
                             f"{row.base_rev}: send the edit from a revision the server gave.",
                        current)
    if _same(current, fields, row.deleted):
        return RowResult(table=row.table, id=row.id, status="accepted", rev=current.rev,
                         seq=current.seq)
    if row.base_rev < current.rev and (reason := stale_text(s, ctx.versions, current,
                                                            row.base_rev, fields)):
        # without the server's row: given it, a device keeps its text as a conflict and
        # sends that back (the retention purge removed what a merge would need)
        return _refused(row, reason)

    hard: list[Any] = []
    kept_incoming: tuple[str, str] | None = None
    if row.base_rev == current.rev:
        merged, deleted, status = {**current.fields, **fields}, row.deleted, "accepted"
    elif fields.get("status") in SIGNED_STATUSES and not row.deleted:
        # a signing from an older revision: the record is exactly what was signed; each
        # field changed meanwhile on the server is kept as a conflict (no text lost)
        merged, deleted, hard = _signed_as_sent(ctx, current, row, fields)
        status = "conflict" if hard else "merged"
        kept_incoming = _last_writer(ctx, current)
    else:
        merged, deleted, hard = _merge(ctx, current, row, fields)
        status = "conflict" if hard else "merged"
    if new_scope != current.practitioner_id:
        try:
            new_scope = row_scope(s, spec, row.id, merged, ctx.known)
        except MissingParent as exc:
            return _refused(row, f"Not saved: {exc}.", current)
        if not may_write(caller, ctx.scope, new_scope):
            return _refused(row, "That would move the record outside your scope.", current)
    return _write(ctx, current, row, merged, deleted, status, hard, new_scope, spec,
                  kept_incoming)


def _may_name(ctx: _Ctx, sha: str) -> bool:
    """A row may name a file the server holds only if the caller sent its bytes or may read
    a row naming it already (else a known sha256 would read another scope's file)."""
    if ctx.s.get(Blob, sha) is None:
        return True  # not on the server: nothing to read (its upload will follow)
    if holds(ctx.s, ctx.caller, sha):
        return True
    cond = SyncRow.blob_sha256 == sha
    if ctx.scope is not None:
        cond = cond & (SyncRow.practitioner_id.is_(None) | SyncRow.practitioner_id.in_(ctx.scope))
    return ctx.s.scalar(select(SyncRow.id).where(cond).limit(1)) is not None


def _practitioner_refusal(ctx: _Ctx, spec: Any, row: Row, current: SyncRow | None,
                          fields: dict[str, Any]) -> str:
    if row.table == "document":  # only a further signature on a signed document
        if current is not None and signed_document(ctx.s, current.id):
            return ""
        return "Practitioners may countersign a signed document but not change documents."
    parent = None
    if spec.parent is not None:
        pid = fields.get(spec.parent[0], (current.fields if current else {}).get(spec.parent[0]))
        if isinstance(pid, str):
            found = ctx.known.get((spec.parent[1], pid))
            parent = found.fields if found is not None else None
    return practitioner_refusal(row.table, current.fields if current else None, fields,
                                row.deleted, parent, current.deleted if current else False)


def _write(ctx: _Ctx, current: SyncRow, row: Row, merged: dict[str, Any], deleted: bool,
           status: str, hard: list[Any], new_scope: str | None, spec: Any,
           kept_incoming: tuple[str, str] | None = None) -> RowResult:
    caller = ctx.caller
    old_scope = current.practitioner_id
    current.fields = merged
    current.deleted = deleted
    current.practitioner_id = new_scope
    if old_scope is not None and new_scope != old_scope:
        _carry_children(ctx, current, old_scope, new_scope)
        # devices that read the old practitioner but not the new one must drop their copies
        ctx.s.add(moved_exit(ctx.take_seq(), current.table_name, current.id, old_scope))
    current.rev += 1
    current.seq = ctx.take_seq()
    current.blob_sha256 = _blob_ref(spec.blob_column, merged)[0]
    current.updated_by = caller.user_name
    current.updated_at = row.updated_at
    current.written_at = utcnow()
    _version(ctx, current)
    conflict_ids = [_conflict_row(ctx, current, h, kept_incoming) for h in hard]
    return RowResult(table=row.table, id=row.id, status=status, rev=current.rev,  # type: ignore[arg-type]
                     seq=current.seq, row=None if status == "accepted" else to_row(current),
                     conflict_ids=conflict_ids)


def _carry_children(ctx: _Ctx, moved: SyncRow, old: str, new: str | None) -> None:
    """A row moved to another practitioner takes its children along (fresh seqs, so the
    new scope's devices receive them; their conflict rows follow too)."""
    held = list(ctx.s.scalars(select(SyncRow).where(SyncRow.practitioner_id == old)))
    held += [r for r in ctx.created if r.practitioner_id == old]
    moving = descendants(held, moved.table_name, moved.id)
    ids = {moved.id} | {r.id for r in moving}
    moving += [r for r in held if r.table_name == "conflict" and r.fields.get("entity_id") in ids]
    for r in moving:
        r.practitioner_id = new
        if r in ctx.created:
            continue
        if r.table_name == "conflict":  # its practitioner_id is a field: a new revision
            r.fields = {**r.fields, "practitioner_id": new}
            r.rev += 1
            _version(ctx, r)
        r.seq = ctx.take_seq()


def _same(current: SyncRow, fields: dict[str, Any], deleted: bool) -> bool:
    return current.deleted == deleted and all(current.fields.get(k, _NONE) == v
                                              for k, v in fields.items())


_NONE = object()


def _insert(ctx: _Ctx, row: Row, fields: dict[str, Any], scope: str | None,
            blob: str | None) -> RowResult:
    caller = ctx.caller
    if row.base_rev != 0:
        return _refused(row, f"The server has no copy of this record, yet it was sent as an "
                             f"edit of revision {row.base_rev}; send it as new (base_rev 0).")
    creating_practitioner = row.table == "practitioner" and caller.role in ("assessor", "manager",
                                                                            "coordinator")
    if not (may_write(caller, ctx.scope, scope) or creating_practitioner):
        return _refused(row, "This record belongs to a practitioner outside your scope: "
                             "you may not add to it.")
    rec = SyncRow(table_name=row.table, id=row.id, practitioner_id=scope, seq=ctx.take_seq(),
                  rev=1, deleted=row.deleted, fields=fields, blob_sha256=blob,
                  created_by=caller.user_id, updated_by=caller.user_name,
                  updated_at=row.updated_at, written_at=utcnow())
    ctx.created.append(rec)
    ctx.known[(row.table, row.id)] = rec
    _version(ctx, rec)
    if creating_practitioner and caller.role != "coordinator" and ctx.scope is not None \
            and row.id not in ctx.scope:
        ctx.s.add(Assignment(user_id=caller.user_id, practitioner_id=row.id, created_at=utcnow()))
        ctx.scope.add(row.id)
    return RowResult(table=row.table, id=row.id, status="accepted", rev=1, seq=rec.seq)


def _version(ctx: _Ctx, rec: SyncRow) -> None:
    ctx.versions.append({"table_name": rec.table_name, "id": rec.id, "rev": rec.rev,
                         "deleted": rec.deleted, "fields": dict(rec.fields),
                         "user_id": ctx.caller.user_id, "device_id": ctx.caller.device_id,
                         "written_at": rec.written_at})


_ROW_COLUMNS = ("table_name", "id", "practitioner_id", "seq", "rev", "deleted", "fields",
                "blob_sha256", "created_by", "updated_by", "updated_at", "written_at")


def _write_new(ctx: _Ctx, batch: dict[str, Any]) -> None:
    """Insert the batch's new rows, every version and the batch record: one Core statement
    each, on the session's connection (the ORM's bulk path costs more than the round trip)."""
    conn = ctx.s.connection()
    if ctx.created:
        conn.execute(SyncRow.__table__.insert(), [{c: getattr(r, c) for c in _ROW_COLUMNS}
                                                  for r in ctx.created])
    if ctx.versions:
        conn.execute(SyncRowVersion.__table__.insert(), ctx.versions)
    conn.execute(Batch.__table__.insert(), [batch])


def _base_version(ctx: _Ctx, current: SyncRow, rev: int) -> tuple[dict[str, Any], bool] | None:
    for v in reversed(ctx.versions):  # written earlier in this batch
        if (v["table_name"], v["id"], v["rev"]) == (current.table_name, current.id, rev):
            return v["fields"], v["deleted"]
    ver = ctx.s.get(SyncRowVersion, (current.table_name, current.id, rev))
    return (ver.fields, ver.deleted) if ver is not None else None


def _merge(ctx: _Ctx, current: SyncRow, row: Row, fields: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Three-way merge with deletion as the pseudo-field ``_deleted``; an edit is never
    lost to a delete (the row is restored when either side changed its content)."""
    ver = _base_version(ctx, current, row.base_rev) if row.base_rev > 0 else None
    base = {**ver[0], DELETED: ver[1]} if ver is not None else None
    server = {**current.fields, DELETED: current.deleted}
    incoming = {**fields, DELETED: row.deleted}
    out = merge_fields(base, server, incoming)
    merged = dict(out.fields)
    deleted = bool(merged.pop(DELETED))
    hard = [h for h in out.hard if h.field != DELETED]
    if deleted:
        if base is None:
            deleted = current.deleted and row.deleted
        else:
            def changed(side: dict[str, Any]) -> bool:
                return any(k != DELETED and base.get(k, _NONE) != v for k, v in side.items())
            if (not row.deleted and changed(incoming)) or \
                    (not current.deleted and changed(server)):
                deleted = False
    return merged, deleted, hard


def _signed_as_sent(ctx: _Ctx, current: SyncRow, row: Row, fields: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The signer's row as sent (fields it does not know keep the server's value) and one
    conflict per field the server changed since ``base_rev`` to something else."""
    ver = _base_version(ctx, current, row.base_rev) if row.base_rev > 0 else None
    base = ver[0] if ver is not None else None
    hard = []
    for name in sorted(fields):
        theirs = current.fields.get(name, _NONE)
        mine = fields[name]
        if theirs is _NONE or theirs == mine:
            continue
        was = base.get(name, _NONE) if base is not None else _NONE
        if was is not _NONE and theirs == was:
            continue  # only the signer changed it
        hard.append(FieldConflict(name, None if was is _NONE else was, theirs, mine))
    return {**current.fields, **fields}, False, hard


def _last_writer(ctx: _Ctx, current: SyncRow) -> tuple[str, str]:
    """(user name, device name) of whoever wrote the server's current revision."""
    device_id = ctx.s.scalar(select(SyncRowVersion.device_id).where(
        SyncRowVersion.table_name == current.table_name, SyncRowVersion.id == current.id,
        SyncRowVersion.rev == current.rev))
    name = ctx.s.scalar(select(Device.name).where(Device.id == device_id)) if device_id else None
    return current.updated_by or "", name or ""


def _conflict_row(ctx: _Ctx, rec: SyncRow, h,  # type: ignore[no-untyped-def]
                  kept_incoming: tuple[str, str] | None = None) -> str:
    """One ``conflict`` row per field both sides changed: the server's value was kept,
    the device's is stored here, in the record's scope. ``kept_incoming`` (a signing):
    the device's value was kept; the server's, by that (user, device), is stored here."""
    cid = str(uuid.uuid4())
    caller = ctx.caller
    kept, other, user, device = h.server, h.incoming, caller.user_name, caller.device_name
    if kept_incoming is not None:
        kept, other, (user, device) = h.incoming, h.server, kept_incoming
    fields = {
        "practitioner_id": rec.practitioner_id, "entity": rec.table_name, "entity_id": rec.id,
        "field": h.field, "kept_value": kept, "other_value": other,
        "base_value": h.base, "other_user": user, "other_device": device,
        "resolution": "", "resolved_by": "", "resolved_at": None,
    }
    c = SyncRow(table_name="conflict", id=cid, practitioner_id=rec.practitioner_id,
                seq=ctx.take_seq(), rev=1, deleted=False, fields=fields,
                created_by=caller.user_id, updated_by=caller.user_name,
                updated_at=utcnow().isoformat(timespec="seconds"), written_at=utcnow())
    ctx.created.append(c)
    _version(ctx, c)
    return cid

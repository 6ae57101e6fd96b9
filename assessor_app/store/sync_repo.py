"""The device side of sync in the store: dirty rows out, pulled rows in, inbox, conflicts, blobs.

Every method works inside the caller's session; the sync service opens one short
write transaction (BEGIN IMMEDIATE) per batch or page, so the GUI's autosaves
interleave safely. Rows are read and written with Core (a first sync brings tens
of thousands); every change is still recorded in the audit chain
(``audit.append_events``) and nothing written here is marked dirty unless it is
the device's own unpushed text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from assessor_app.store import audit
from assessor_app.store.models.system import SyncState
from assessor_app.store.scope_removal import RemovalMixin
from assessor_app.store.sync_pull import PullMixin, chunks
from assessor_app.store.sync_rows import (
    EMPTY_SHA256,
    TableShape,
    all_shapes,
    from_wire,
    shape,
    storable,
    to_wire,
    wire_row,
)
from assessor_app.sync.merge import merge_fields

if TYPE_CHECKING:
    from assessor_app.store.database import Database

_IN_CHUNK = 500
_DELETED = "_deleted"
_MISSING = object()


@dataclass
class Settled:
    status: str
    still_dirty: bool = False
    conflicts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Who:
    """Who this device is, written on the conflict rows it creates."""

    user_name: str = ""
    device_name: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def sync_transaction(database: Database, actor: str = "sync") -> Iterator[SyncRepository]:
    """One short write transaction, commits when the block ends cleanly. It takes turns with
    the units of work of other threads (``uow.store_lock``) and takes SQLite's write lock up
    front (BEGIN IMMEDIATE), so another process's commit in between cannot fail it."""
    from assessor_app.store.uow import store_lock

    bind = database.engine.execution_options(sqlite_immediate=True)
    with store_lock(database.engine), database.factory(bind=bind) as session:
        session.info["actor"] = actor
        repo = SyncRepository(session)
        yield repo
        repo.flush_events()
        session.commit()


class SyncRepository(PullMixin, RemovalMixin):
    def __init__(self, session: Session) -> None:
        self._s = session
        session.info["from_sync"] = True
        self._events: list[tuple[str, str, str, list[str]]] = []
        self._prefetched: dict[tuple[str, str], dict[str, Any]] = {}
        self._revisions: dict[str, list[dict[str, Any]]] = {}

    @property
    def _conn(self):  # type: ignore[no-untyped-def]
        return self._s.connection()

    def flush_events(self) -> None:
        """Write pending revision updates and the audit events of this transaction's changes
        (call before commit)."""
        self.flush_revisions()
        if self._events:
            audit.append_events(self._s, self._s.info.get("actor", "sync"), self._events)
            self._events = []

    # -- sync_state ------------------------------------------------------------------------
    def state(self, key: str) -> dict[str, Any] | None:
        row = self._s.get(SyncState, key)
        return dict(row.value) if row is not None and row.value is not None else None

    def set_state(self, key: str, value: dict[str, Any] | None) -> None:
        if value is None:
            self._conn.execute(delete(SyncState).where(SyncState.key == key))
            return
        row = self._s.get(SyncState, key)
        if row is None:
            self._s.add(SyncState(key=key, value=value))
        else:
            row.value = value
        self._s.flush()

    # -- outgoing --------------------------------------------------------------------------
    def dirty_keys(self) -> list[tuple[str, str]]:
        """Every row waiting to be pushed, parents first (``tables.RANK``)."""
        out: list[tuple[str, str]] = []
        for sh in all_shapes():
            t = sh.table
            ids = self._conn.execute(select(t.c.id).where(t.c.dirty.is_(True))
                                     .order_by(t.c.created_at, t.c.id)).scalars()
            out.extend((sh.name, i) for i in ids)
        return out

    def forget_revisions(self) -> int:
        """Enrolled with another server: every row is new to it, so all of it is sent again
        (revisions from the old server mean nothing there). Returns the rows marked."""
        n = 0
        for sh in all_shapes():
            n += self._conn.execute(update(sh.table).values(rev=0, base_rev=0, dirty=True)
                                    ).rowcount or 0
        return n

    def count_dirty(self) -> int:
        return sum(self._conn.execute(select(func.count()).select_from(sh.table)
                                      .where(sh.table.c.dirty.is_(True))).scalar_one()
                   for sh in all_shapes())

    def open_conflict_ids(self) -> list[str]:
        """Conflicts nobody has settled yet, oldest first."""
        c = shape("conflict").table
        return list(self._conn.execute(select(c.c.id).where(
            c.c.resolution == "", c.c.deleted_at.is_(None)).order_by(c.c.created_at, c.c.id))
            .scalars())

    def drop_signing_keys(self, before: Mapping[str, Any]) -> list[str]:
        """The previous enrolment's user (``before``) may no longer sign here: retire their
        identities and delete their private keys (the employer-issued ones, and any other
        of theirs); audited by id only. Returns the identity ids whose key went."""
        from assessor_app.store.signing_repo import SigningRepository

        signing = SigningRepository(self._s)
        subjects = signing.subjects_issued_by("employer")  # issued only to enrolled users
        name = before.get("user_name") or ""
        person = self.person_named(name) if name else None
        subjects |= {("person", p) for p in (person, before.get("user_id")) if p}
        if before.get("practitioner_id"):
            subjects.add(("practitioner", before["practitioner_id"]))
        wiped = signing.wipe_keys(subjects)
        if wiped:
            audit.append_events(self._s, self._s.info.get("actor", "sync"), [
                ("key-removal", "signing_identity", i, ["key_pem_encrypted", "reason=enrolment"])
                for i in wiped])
        return wiped

    def person_named(self, name: str) -> str | None:
        p = shape("person").table
        return self._conn.execute(select(p.c.id).where(p.c.name == name, p.c.deleted_at.is_(None))
                                  .limit(1)).scalar_one_or_none()

    def open_conflicts(self) -> int:
        c = shape("conflict").table
        return int(self._conn.execute(select(func.count()).select_from(c).where(
            c.c.resolution == "", c.c.deleted_at.is_(None))).scalar_one())

    def read_rows(self, keys: list[tuple[str, str]], *,
                  dirty_only: bool = False) -> list[dict[str, Any]]:
        """The wire rows for ``keys`` (in that order; rows gone meanwhile are left out, and
        with ``dirty_only`` rows already pushed)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for table, group in itertools.groupby(sorted(keys, key=lambda k: k[0]), key=lambda k: k[0]):
            sh = shape(table)
            for ids in chunks([k[1] for k in group]):
                cond = sh.table.c.id.in_(ids)
                if dirty_only:
                    cond = cond & sh.table.c.dirty.is_(True)
                for row in self._conn.execute(select(*sh.read_columns).where(cond)).mappings():
                    wire = wire_row(sh, row)
                    if dirty_only:
                        self._make_storable(sh, wire)
                    found[(table, row["id"])] = wire
        return [found[k] for k in keys if k in found]

    def _make_storable(self, sh: TableShape, wire: dict[str, Any]) -> None:
        """Clean text the server cannot store (``storable``) in the row about to be sent and
        in the store alike, so what is sent is what the device holds."""
        fields = wire["fields"]
        fixed = {k: storable(v) for k, v in fields.items() if k in sh.fields}
        changed = [k for k, v in fixed.items() if v is not fields[k]]
        if not changed:
            return
        fields.update({k: fixed[k] for k in changed})
        self._conn.execute(update(sh.table).where(sh.table.c.id == wire["id"])
                           .values(from_wire(sh, {k: fixed[k] for k in changed})))
        self._events.append(("update", sh.name, wire["id"], sorted(changed)))

    def blob(self, table: str, row_id: str) -> bytes | None:
        sh = shape(table)
        if sh.blob_column is None:
            return None
        data = self._conn.execute(select(sh.table.c[sh.blob_column])
                                  .where(sh.table.c.id == row_id)).scalar_one_or_none()
        return bytes(data) if data else None

    # -- after a push ----------------------------------------------------------------------
    def settle(self, sent: Mapping[str, Any], status: str, rev: int,
               server_row: Mapping[str, Any] | None, who: Who) -> Settled:
        """Record what the server did with one pushed row.

        A row edited since it was sent stays dirty (its newer text is pushed next time,
        based on the server's new revision); otherwise it becomes clean. A refused edit
        with the server's row (a signed record) takes the server's version and keeps the
        local text as a conflict row, so nothing typed is lost.
        """
        sh = shape(sent["table"])
        cur = self._prefetched.pop((sh.name, sent["id"]), None) or self._read_one(sh, sent["id"])
        if cur is None:
            return Settled(status)
        mine = dict(to_wire(sh, cur), **{_DELETED: cur["deleted_at"] is not None})
        if status == "refused":
            if server_row is None:
                return Settled(status, still_dirty=True)
            theirs = dict(server_row["fields"], **{_DELETED: bool(server_row["deleted"])})
            if sh.blob_column and theirs.get("sha256") != mine.get("sha256"):
                # a conflict row can hold a text but not a file: taking the server's version
                # would throw this device's bytes away (a signed PDF), so the row stays as it
                # is, waiting (and refused, with the server's reason) until the server takes it
                return Settled(status, still_dirty=True)
            ids = [self.add_conflict(sh.name, sent["id"], name, kept=theirs[name], other=value,
                                     base=None, who=who)
                   for name, value in sorted(mine.items())
                   if name in theirs and theirs[name] != value]
            self._write(sh, cur, theirs, int(server_row["rev"]), dirty=False)
            return Settled(status, conflicts=ids)
        if status == "accepted" or server_row is None:
            result = dict(sent["fields"], **{_DELETED: bool(sent["deleted"])})
        else:
            result = dict(server_row["fields"], **{_DELETED: bool(server_row["deleted"])})
            rev = int(server_row.get("rev") or rev)
        was_sent = dict(sent["fields"], **{_DELETED: bool(sent["deleted"])})
        if mine == was_sent:
            self._write(sh, cur, result, rev, dirty=False)
            return Settled(status)
        # edited while the batch was out: the new text goes on top of the server's result,
        # except where the server kept another value for the same field: that value stays in
        # the record (as the server's conflict row says) and the new text becomes a conflict
        # row of its own, so the list's "kept" is what the record holds and no text is lost
        merged = merge_fields(was_sent, result, mine)
        ids = [self.add_conflict(sh.name, sent["id"], hard.field, kept=hard.server,
                                 other=hard.incoming, base=hard.base, who=who)
               for hard in merged.hard]
        dirty = merged.fields != result
        self._write(sh, cur, merged.fields, rev, dirty=dirty)
        return Settled(status, still_dirty=dirty, conflicts=ids)

    def prefetch(self, keys: list[tuple[str, str]]) -> None:
        """Read the rows a batch of ``settle`` calls will look at, one query per table."""
        for table, group in itertools.groupby(sorted(keys), key=lambda k: k[0]):
            sh = shape(table)
            for ids in chunks([k[1] for k in group]):
                for row in self._conn.execute(select(*sh.read_columns)
                                              .where(sh.table.c.id.in_(ids))).mappings():
                    self._prefetched[(table, row["id"])] = dict(row)

    def flush_revisions(self) -> None:
        """Write the revision-only updates ``settle`` collected (one statement per table)."""
        for table, batch in self._revisions.items():
            t = shape(table).table
            self._conn.execute(update(t).where(t.c.id == bindparam("_id")).values(
                rev=bindparam("_rev"), base_rev=bindparam("_rev"), dirty=bindparam("_dirty")),
                batch)
        self._revisions = {}

    def add_conflict(self, entity: str, entity_id: str, field_name: str, *, kept: Any,
                     other: Any, base: Any, who: Who) -> str:
        """A new (dirty) conflict row made on this device, to be pushed like any edit."""
        from assessor_app.store.base import new_id

        cid = new_id()
        now = _now()
        c = shape("conflict").table
        self._conn.execute(insert(c).values(
            id=cid, practitioner_id=self.practitioner_of(entity, entity_id), entity=entity,
            entity_id=entity_id, field=field_name, kept_value=kept, other_value=other,
            base_value=base, other_user=who.user_name[:200], other_device=who.device_name[:200],
            resolution="", resolved_by="", resolved_at=None, rev=0, base_rev=0, dirty=True,
            deleted_at=None, created_at=now, updated_at=now, updated_by=who.user_name[:64]))
        self._events.append(("insert", "conflict", cid, sorted(shape("conflict").fields)))
        return cid

    def practitioner_of(self, table: str, row_id: str) -> str | None:
        """The practitioner a row hangs from (None: employer-wide or not found)."""
        from assessor_app.store.edit_conflicts import practitioner_of

        return practitioner_of(self._conn, table, row_id)

    def _read_one(self, sh: TableShape, row_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(select(*sh.read_columns)
                                 .where(sh.table.c.id == row_id)).mappings().first()
        return dict(row) if row is not None else None

    def _write(self, sh: TableShape, old: Mapping[str, Any], wire: Mapping[str, Any], rev: int,
               *, dirty: bool) -> None:
        """Give a row these wire values (``_deleted`` included) and revision. Only changed
        columns are written (an unchanged text must not re-index the search); a row whose
        content already matches gets its revision in ``flush_revisions``' one statement."""
        fields = {k: v for k, v in wire.items() if k != _DELETED}
        before = to_wire(sh, old)
        changed = [k for k, v in fields.items() if k in before and before[k] != v
                   and k in sh.fields]
        deleted = bool(wire.get(_DELETED))
        was_deleted = old["deleted_at"] is not None
        if not changed and deleted == was_deleted:
            self._revisions.setdefault(sh.name, []).append(
                {"_id": old["id"], "_rev": rev, "_dirty": dirty})
            return
        values = from_wire(sh, {k: fields[k] for k in changed})
        values.update(rev=rev, base_rev=rev, dirty=dirty)
        if deleted != was_deleted:
            values["deleted_at"] = _now() if deleted else None
        if sh.blob_column and "sha256" in changed:
            values[sh.blob_column] = b""
        self._conn.execute(update(sh.table).where(sh.table.c.id == old["id"]).values(values))
        if changed or deleted != was_deleted:
            action = "delete" if deleted and old["deleted_at"] is None else "update"
            self._events.append((action, sh.name, old["id"], sorted(changed)))

    # -- blobs -----------------------------------------------------------------------------
    def missing_blobs(self) -> list[str]:
        """sha256 of the files rows name but this device does not hold yet."""
        out: set[str] = set()
        for sh in all_shapes():
            if sh.blob_column is None:
                continue
            t = sh.table
            out.update(self._conn.execute(
                select(t.c.sha256).where(func.length(t.c[sh.blob_column]) == 0,
                                         t.c.sha256 != EMPTY_SHA256)).scalars())
        return sorted(out)

    def fill_blob(self, sha256: str, data: bytes) -> int:
        n = 0
        for sh in all_shapes():
            if sh.blob_column is None:
                continue
            t = sh.table
            n += self._conn.execute(
                update(t).where(t.c.sha256 == sha256, func.length(t.c[sh.blob_column]) == 0)
                .values({sh.blob_column: data})).rowcount or 0
        return n

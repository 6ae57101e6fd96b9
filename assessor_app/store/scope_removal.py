"""Removing from this device what its user may no longer keep (a scope exit), without losing
typed work.

The server says a practitioner left the user's scope (unassigned, reassigned, a role change)
or a record moved to a practitioner outside it (``protocol.Revocation``). Everything local
that hangs from it by parent links goes: rows of every syncable table, the conflicts about
them, parked inbox rows, moderation pseudonyms, and with the evidence rows their search
documents (the FTS triggers; the index is then optimised so no deleted word stays in it).
Deletes run with ``secure_delete`` on, so freed pages are zeroed rather than left holding
the text. A change the device could not send first is kept aside (``KeptAside``) and put
back when the practitioner returns. Every removed row and the removal itself are audited
(ids, counts and the reason; never names or text).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from assessor_app.store.models.signing import Pseudonym
from assessor_app.store.models.system import KeptAside
from assessor_app.store.sync_pull import _column_default, chunks
from assessor_app.store.sync_rows import from_wire, parse_datetime, shape
from assessor_app.sync import tables

Tree = dict[str, set[str]]
#: ``KeptAside.table_name`` of an open editor's typing (editor fields, see keep_typing_aside)
TYPING = "evidence-typing"
#: the same for the review-meeting and final-assessment editors (their row_id is the enrolment)
REVIEW_TYPING = "review-typing"
ASSESSMENT_TYPING = "assessment-typing"
#: the table whose row must be back before each kind of typing can be put back
TYPING_OF = {TYPING: "evidence", REVIEW_TYPING: "enrolment", ASSESSMENT_TYPING: "enrolment"}
REMEMBER_REMOVALS = 50  # removals remembered for editors still open on their records


@dataclass(frozen=True)
class Removed:
    """What one revocation removed here (nothing is returned when the device held nothing)."""

    practitioner_id: str
    practitioner_name: str
    reason: str
    #: True: the whole practitioner; False: one record (and its children) moved away
    whole: bool
    rows: int
    kept_aside: int


@dataclass(frozen=True)
class KeptGroup:
    practitioner_id: str
    practitioner_name: str
    changes: int
    kept_at: datetime


@dataclass(frozen=True)
class Restored:
    practitioner_name: str
    changes: int


def _now() -> datetime:
    return datetime.now(UTC)


class RemovalMixin:
    """The removal half of ``SyncRepository`` (which provides ``_conn``, ``_events``,
    ``state``, ``set_state`` and ``read_rows``)."""

    _events: list[tuple[str, str, str, list[str]]]

    @property
    def _conn(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def state(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def set_state(self, key: str, value: dict[str, Any] | None) -> None:
        raise NotImplementedError

    def read_rows(self, keys: list[tuple[str, str]], *,
                  dirty_only: bool = False) -> list[dict[str, Any]]:
        raise NotImplementedError

    # -- what a revocation covers ------------------------------------------------------------
    def tree(self, table: str, row_id: str) -> Tree:
        """Every local row hanging (at any depth) from ``(table, row_id)``, that row included,
        and the conflict rows about any of them (for a practitioner: every conflict in their
        scope). Empty when the device holds none of it."""
        start = shape(table).table
        found: Tree = {}
        if self._conn.execute(select(start.c.id).where(start.c.id == row_id)).first() is not None:
            found[table] = {row_id}
        for spec in tables.SPECS[tables.RANK[table] + 1:]:  # parents come first
            if spec.parent is None or spec.name == "conflict":
                continue
            column, parent = spec.parent
            if not found.get(parent):
                continue
            t = shape(spec.name).table
            ids: set[str] = set()
            for group in chunks(sorted(found[parent])):
                ids.update(self._conn.execute(select(t.c.id).where(t.c[column].in_(group)))
                           .scalars())
            if ids:
                found[spec.name] = ids
        c = shape("conflict").table
        conflicts: set[str] = set(found.get("conflict", set()))
        if table == "practitioner":
            conflicts.update(self._conn.execute(select(c.c.id).where(
                c.c.practitioner_id == row_id)).scalars())
        every = sorted(set().union(*found.values())) if found else []
        for group in chunks(every):
            conflicts.update(self._conn.execute(select(c.c.id).where(c.c.entity_id.in_(group)))
                             .scalars())
        if conflicts:
            found["conflict"] = conflicts
        return found

    def dirty_under(self, revocations: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
        """The unsent rows the revocations would remove (to be pushed first)."""
        keys: list[tuple[str, str]] = []
        for rev in revocations:
            start = _start(rev)
            if start is None:
                continue
            for table, ids in self.tree(*start).items():
                t = shape(table).table
                for group in chunks(sorted(ids)):
                    keys.extend((table, i) for i in self._conn.execute(
                        select(t.c.id).where(t.c.id.in_(group), t.c.dirty.is_(True))).scalars())
        return sorted(set(keys), key=lambda k: (tables.RANK[k[0]], k[1]))

    def practitioner_name(self, practitioner_id: str) -> str:
        p = shape("practitioner").table
        name = self._conn.execute(select(p.c.name).where(p.c.id == practitioner_id)
                                  ).scalar_one_or_none()
        if name:
            return str(name)
        k = KeptAside.__table__
        kept = self._conn.execute(select(k.c.practitioner_name).where(
            k.c.practitioner_id == practitioner_id, k.c.practitioner_name != "").limit(1)
        ).scalar_one_or_none()
        return str(kept or "")

    def held_practitioners(self) -> list[str]:
        """Every practitioner this device holds anything of (their row, or conflicts about
        them): what a store enrolled as someone else must let go of."""
        p, c = shape("practitioner").table, shape("conflict").table
        ids = set(self._conn.execute(select(p.c.id)).scalars())
        ids.update(self._conn.execute(select(c.c.practitioner_id).where(
            c.c.practitioner_id.is_not(None))).scalars())
        return sorted(ids)

    # -- removal -----------------------------------------------------------------------------
    def remove_revoked(self, rev: Mapping[str, Any]) -> Removed | None:
        """Apply one revocation: keep aside what is still unsent, remove the rest."""
        start = _start(rev)
        if start is None:
            return None
        pid = str(rev["practitioner_id"])
        reason = str(rev.get("reason") or "unassigned")
        name = self.practitioner_name(pid)
        found = self.tree(*start)
        parked = self._drop_parked(start, found, pid)
        if not found and not parked:
            return None  # never here (or already removed): nothing to remove, nothing to tell
        keys = [(t, i) for t in sorted(found, key=lambda t: tables.RANK[t]) for i in found[t]]
        kept = self._keep_aside(keys, start, pid, name, reason)
        self._note_removed(start, pid, name, reason, found.get("evidence", set()),
                           found.get("enrolment", set()))
        self._secure_delete(found)
        enrolments = sorted(found.get("enrolment", set()))
        for group in chunks(enrolments):
            self._conn.execute(delete(Pseudonym).where(Pseudonym.scope.in_(group)))
        self._drop_in_flight(keys)
        rows = len(keys)
        self._events.extend(("purge", t, i, []) for t, i in keys)
        self._events.append(("scope-removal", start[0], start[1],
                             [f"reason={reason}", f"rows={rows}", f"parked={parked}",
                              f"kept_aside={kept}"]))
        return Removed(pid, name, reason, start[0] == "practitioner", rows + parked, kept)

    def _keep_aside(self, keys: list[tuple[str, str]], root: tuple[str, str], pid: str,
                    name: str, reason: str) -> int:
        dirty = self.read_rows(keys, dirty_only=True)
        now = _now()
        kept = []
        for wire in dirty:
            sh = shape(wire["table"])
            content = None
            if sh.blob_column:
                data = self._conn.execute(select(sh.table.c[sh.blob_column]).where(
                    sh.table.c.id == wire["id"])).scalar_one_or_none()
                content = bytes(data) if data else None
            kept.append({"id": _new_id(), "practitioner_id": pid, "practitioner_name": name[:200],
                         "table_name": wire["table"], "row_id": wire["id"],
                         "root_table": root[0], "root_id": root[1], "row": wire,
                         "content": content, "reason": reason[:32], "kept_at": now})
        if kept:
            self._conn.execute(insert(KeptAside), kept)
            self._events.extend(("keep-aside", k["table_name"], k["row_id"],
                                 sorted(k["row"]["fields"])) for k in kept)
        return len(kept)

    def _note_removed(self, root: tuple[str, str], pid: str, name: str, reason: str,
                      evidence: set[str], enrolments: set[str]) -> None:
        """Remember which evidence and enrolments left with which removal, so an editor
        still open on one (evidence, review meeting, final assessment) can say why its
        record is gone and keep its typing aside (``keep_typing_aside``)."""
        if not evidence and not enrolments:
            return
        item = {"root_table": root[0], "root_id": root[1], "practitioner_id": pid,
                "practitioner_name": name[:200], "reason": reason[:32],
                "whole": root[0] == "practitioner", "evidence": sorted(evidence),
                "enrolments": sorted(enrolments)}
        items = [i for i in (self.state("removed") or {}).get("items", [])
                 if i.get("root_id") != root[1]]
        self.set_state("removed", {"items": [*items, item][-REMEMBER_REMOVALS:]})

    def removal_of(self, record_id: str) -> dict[str, Any] | None:
        """The removal that took this evidence (or enrolment) off the device (None: not
        removed that way, or the practitioner is back: their records are here again)."""
        for item in reversed((self.state("removed") or {}).get("items", [])):
            if record_id in item.get("evidence", ()) or record_id in item.get("enrolments", ()):
                back = self._has(item["root_table"], item["root_id"], live=True)
                return None if back else item
        return None

    def keep_typing_aside(self, record_id: str, typing: dict[str, Any], base: dict[str, Any],
                          *, kind: str = TYPING,
                          extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """An open editor's typing for a record a removal took away (evidence, or for the
        review and assessment editors their enrolment), kept aside with the removal's other
        unsent changes (``TYPING_OF`` entries: editor fields, not a wire row; the sync puts
        them back through the editor's service when the practitioner returns). ``extra``:
        what else the service needs to put it back (the review's id). None when the record
        did not leave with a removal."""
        item = self.removal_of(record_id)
        if item is None:
            return None
        if typing or (extra or {}).get("links") is not None:
            entry = {"id": _new_id(), "practitioner_id": item["practitioner_id"],
                     "practitioner_name": item["practitioner_name"], "table_name": kind,
                     "row_id": record_id, "root_table": item["root_table"],
                     "root_id": item["root_id"],
                     "row": {**(extra or {}), "typing": typing, "base": base},
                     "content": None, "reason": item["reason"], "kept_at": _now()}
            self._conn.execute(insert(KeptAside), [entry])
            self._events.append(("keep-aside", TYPING_OF[kind], record_id,
                                 sorted(typing) + (["links"] if extra and "links" in extra else [])))
        return item

    def typing_to_put_back(self, kind: str = TYPING) -> list[dict[str, Any]]:
        """Kept-aside editor typing whose record is on this device again (oldest first)."""
        k = KeptAside.__table__
        rows = self._conn.execute(select(k).where(k.c.table_name == kind)
                                  .order_by(k.c.kept_at)).mappings().all()
        return [dict(r) for r in rows if self._has(TYPING_OF[kind], r["row_id"], live=True)]

    def rekeep(self, entry_id: str, row: dict[str, Any]) -> None:
        """What is left of a kept-aside entry after part of it was put back."""
        k = KeptAside.__table__
        self._conn.execute(update(KeptAside).where(k.c.id == entry_id).values(row=row))

    def drop_kept(self, ids: list[str]) -> None:
        """Kept-aside entries that were put back another way (``typing_to_put_back``)."""
        k = KeptAside.__table__
        for group in chunks(ids):
            self._conn.execute(delete(KeptAside).where(k.c.id.in_(group)))

    @contextmanager
    def _zeroing(self) -> Iterator[None]:
        """Deletes inside zero the freed pages (SQLite's ``secure_delete``), then the setting
        goes back to what it was."""
        previous = self._conn.exec_driver_sql("PRAGMA secure_delete").scalar()
        self._conn.exec_driver_sql("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            self._conn.exec_driver_sql(f"PRAGMA secure_delete = {int(previous or 0)}")

    def _secure_delete(self, found: Tree) -> None:
        """Delete children first (foreign keys), freed pages zeroed; then merge the search
        index's segments so no deleted word lingers in an older one."""
        with self._zeroing():
            for table in sorted(found, key=lambda t: tables.RANK[t], reverse=True):
                t = shape(table).table
                for group in chunks(sorted(found[table])):
                    self._conn.execute(delete(t).where(t.c.id.in_(group)))
            if found.get("evidence"):
                self._conn.exec_driver_sql(
                    "INSERT INTO evidence_fts (evidence_fts) VALUES ('optimize')")

    def _drop_parked(self, start: tuple[str, str], found: Tree, pid: str) -> int:
        """Remove inbox rows (parked for a missing parent) that belong to what goes."""
        inbox = (self.state("inbox") or {}).get("rows", [])
        if not inbox:
            return 0
        gone = {(t, i) for t, ids in found.items() for i in ids} | {start}
        whole = start[0] == "practitioner"
        keep = list(inbox)
        changed = True
        while changed:  # a parked child of a parked row goes too
            changed = False
            for r in list(keep):
                spec = tables.BY_NAME.get(r.get("table", ""))
                fields = r.get("fields") or {}
                hit = (r.get("table"), r.get("id")) in gone
                if spec is not None and spec.parent is not None:
                    col, parent = spec.parent
                    hit = hit or (parent, fields.get(col)) in gone
                if r.get("table") == "conflict":
                    hit = hit or (whole and fields.get("practitioner_id") == pid) \
                        or (fields.get("entity"), fields.get("entity_id")) in gone
                if hit:
                    keep.remove(r)
                    gone.add((r.get("table"), r.get("id")))
                    changed = True
        dropped = len(inbox) - len(keep)
        if dropped:
            self.set_state("inbox", {"rows": keep} if keep else None)
        return dropped

    def _drop_in_flight(self, keys: list[tuple[str, str]]) -> None:
        """A batch saved for replay must not carry removed rows' text (the server then
        refuses the changed batch; rows still dirty go out in fresh batches)."""
        in_flight = self.state("push")
        if not in_flight:
            return
        gone = set(keys)
        rows = [r for r in in_flight.get("rows", []) if (r["table"], r["id"]) not in gone]
        if len(rows) != len(in_flight.get("rows", [])):
            self.set_state("push", None)

    # -- kept aside --------------------------------------------------------------------------
    def kept_aside_count(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(KeptAside)).scalar_one())

    def kept_aside_groups(self) -> list[KeptGroup]:
        k = KeptAside.__table__
        rows = self._conn.execute(select(k.c.practitioner_id, func.max(k.c.practitioner_name),
                                         func.count(), func.min(k.c.kept_at))
                                  .group_by(k.c.practitioner_id)).all()
        return sorted((KeptGroup(r[0], r[1] or "", int(r[2]), r[3]) for r in rows),
                      key=lambda g: (g.practitioner_name.casefold(), g.practitioner_id))

    def discard_kept_aside(self, practitioner_id: str | None = None) -> int:
        """Delete kept-aside changes (of one practitioner, or all), for good."""
        k = KeptAside.__table__
        cond = k.c.practitioner_id == practitioner_id if practitioner_id else k.c.id.is_not(None)
        gone = self._conn.execute(select(k.c.table_name, k.c.row_id).where(cond)).all()
        if not gone:
            return 0
        with self._zeroing():
            self._conn.execute(delete(KeptAside).where(cond))
        self._events.extend(("discard", t, i, []) for t, i in gone)
        return len(gone)

    def restore_kept_aside(self) -> list[Restored]:
        """Put kept-aside changes back (unsent, so the next push sends them) once what left
        (the practitioner, or the moved record) and their parent rows are here again."""
        k = KeptAside.__table__
        entries = self._conn.execute(select(k)).mappings().all()
        if not entries:
            return []
        ordered = sorted((e for e in entries if e["table_name"] in tables.BY_NAME
                          and e["root_table"] in tables.BY_NAME
                          and self._has(e["root_table"], e["root_id"], live=True)),
                         key=lambda e: (tables.RANK[e["table_name"]], e["kept_at"]))
        done: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for e in ordered:
            if self._put_back(e):
                done.setdefault(e["practitioner_id"], []).append(e["id"])
                names[e["practitioner_id"]] = e["practitioner_name"]
        for ids in done.values():
            for group in chunks(ids):
                self._conn.execute(delete(KeptAside).where(k.c.id.in_(group)))
        return [Restored(names[pid], len(ids)) for pid, ids in sorted(done.items())]

    def _put_back(self, e: Mapping[str, Any]) -> bool:
        sh = shape(e["table_name"])
        t = sh.table
        wire = e["row"]
        fields = wire.get("fields") or {}
        base = int(wire.get("base_rev") or 0)
        now = _now()
        deleted = now if wire.get("deleted") else None
        exists = self._conn.execute(select(t.c.id).where(t.c.id == e["row_id"])).first()
        values = from_wire(sh, fields)
        if sh.blob_column:
            values[sh.blob_column] = e["content"] or b""
        if exists is None:
            for col, ref in sh.foreign_keys:
                parent = fields.get(col)
                if parent and not self._has(ref, parent):
                    return False  # its parent is not here (yet): it waits
            for name in sh.fields:
                values.setdefault(name, _column_default(sh, name))
            values.update(id=e["row_id"], rev=base, base_rev=base, dirty=True,
                          deleted_at=deleted, created_at=now,
                          updated_at=parse_datetime(wire.get("updated_at")) or now,
                          updated_by=(wire.get("updated_by") or "")[:64])
            self._conn.execute(insert(t).values(values))
        else:
            values.update(base_rev=base, dirty=True, deleted_at=deleted)
            self._conn.execute(update(t).where(t.c.id == e["row_id"]).values(values))
        self._events.append(("restore", sh.name, e["row_id"], sorted(fields)))
        return True

    def _has(self, table: str, row_id: str, *, live: bool = False) -> bool:
        if table not in tables.BY_NAME:
            return True  # not a synced table: never removed here
        t = shape(table).table
        cond = t.c.id == row_id
        if live:
            cond = cond & t.c.deleted_at.is_(None)
        return self._conn.execute(select(t.c.id).where(cond)).first() is not None


def _start(rev: Mapping[str, Any]) -> tuple[str, str] | None:
    """The row a revocation starts from (None: a table this version does not know)."""
    table, row_id = rev.get("table"), rev.get("id")
    if not table:
        return "practitioner", str(rev["practitioner_id"])
    if table not in tables.BY_NAME or not row_id:
        return None
    return str(table), str(row_id)


def _new_id() -> str:
    from assessor_app.store.base import new_id

    return new_id()


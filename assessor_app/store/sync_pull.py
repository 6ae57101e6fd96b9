"""Applying pulled rows on a device: parents first, unpushed local text kept, orphans parked.

A page is applied in ``tables.RANK`` order. A row whose foreign key names a row this
device does not have yet waits in the inbox (``sync_state["inbox"]``) and is tried
again with every later page. A row the device edited and has not pushed keeps its
text (only its known server revision moves); everything else takes the server's
version. Inserts and updates are batched (Core), audited like any change.

A parked row carries why it waits (``row["parked"]``: a missing parent, or a unique key
another row here already holds) and since when, so the conflicts view can explain it;
``parked_rows`` adds the practitioner it belongs to, where this device can tell.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from assessor_app.store.sync_rows import TableShape, from_wire, parse_datetime, shape
from assessor_app.sync import tables

_IN_CHUNK = 500


def chunks(items: list[Any], n: int = _IN_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


@dataclass
class ApplyStats:
    applied: int = 0
    kept_local: int = 0  # the device had an unpushed edit: its text stays, to be pushed
    parked: int = 0  # waiting in the inbox for a parent
    skipped: int = 0  # already had that revision, or a table this version does not know


@dataclass(frozen=True)
class ParkedRow:
    """A pulled row waiting in the inbox, with what this device knows about whose it is."""

    table: str
    id: str
    #: "parent" (a row it names is not here) or "clash" (its unique key is taken here)
    reason: str
    #: for "parent": the table of the missing row; for "clash": the unique key's columns
    waits_for: tuple[str, ...]
    since: str  # ISO time it was first parked
    updated_by: str
    practitioner_id: str | None  # None: not known here, or an employer-wide row
    practitioner_name: str | None  # None: that practitioner is not on this device (yet)
    employer_wide: bool


class PullMixin:
    """The incoming half of ``SyncRepository`` (which provides ``_conn``, ``_events``,
    ``state`` and ``set_state``)."""

    _events: list[tuple[str, str, str, list[str]]]

    @property
    def _conn(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def state(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def set_state(self, key: str, value: dict[str, Any] | None) -> None:
        raise NotImplementedError

    def apply_page(self, rows: list[Mapping[str, Any]]) -> ApplyStats:
        """Apply pulled rows (and any parked ones) parents first; park rows whose parent
        (any foreign key) is not here yet. Never fails a page on a foreign key."""
        stats = ApplyStats()
        pending: dict[tuple[str, str], Mapping[str, Any]] = {}
        inbox = (self.state("inbox") or {}).get("rows", [])
        for r in itertools.chain(inbox, rows):
            if r["table"] not in tables.BY_NAME:
                stats.skipped += 1
                continue
            key = (r["table"], r["id"])
            before = pending.get(key)
            if before is not None and int(before["rev"]) > int(r["rev"]):
                continue
            if before is not None and "parked" in before:  # a newer version of a parked row
                r = {**r, "parked": before["parked"]}  # waits since the first one did
            pending[key] = r
        ordered = sorted(pending.values(), key=lambda r: tables.RANK[r["table"]])
        parked: list[Mapping[str, Any]] = []
        for table, group in itertools.groupby(ordered, key=lambda r: r["table"]):
            parked.extend(self._apply_table(shape(table), list(group), stats))
        stats.parked = len(parked)
        if parked or inbox:
            self.set_state("inbox", {"rows": [dict(r) for r in parked]} if parked else None)
        return stats

    def inbox_size(self) -> int:
        return len((self.state("inbox") or {}).get("rows", []))

    def parked_rows(self) -> list[ParkedRow]:
        """The rows waiting in the inbox, oldest first, each with why it waits and, where this
        device can tell (walking parent links through the store and the inbox), whose it is."""
        rows = [r for r in (self.state("inbox") or {}).get("rows", []) if r["table"] in tables.BY_NAME]
        by_key = {(r["table"], r["id"]): r for r in rows}
        out = []
        for r in rows:
            why = r.get("parked") or {}
            practitioner, wide = self._owner(r["table"], r["id"], r["fields"], by_key)
            name = None
            if practitioner is not None:
                held = by_key.get(("practitioner", practitioner))
                name = held["fields"].get("name") if held else self._practitioner_name(practitioner)
            out.append(ParkedRow(r["table"], r["id"], str(why.get("reason", "parent")),
                                 tuple(why.get("waits_for", ())), str(why.get("since", "")),
                                 str(r.get("updated_by") or ""), practitioner, name, wide))
        out.sort(key=lambda p: (p.since, tables.RANK[p.table]))
        return out

    def _owner(self, table: str, rid: str, fields: Mapping[str, Any],
               by_key: Mapping[tuple[str, str], Mapping[str, Any]]) -> tuple[str | None, bool]:
        """(practitioner id, employer-wide) of a row, found by walking up its parents."""
        for _ in range(len(tables.SPECS)):
            if table == "practitioner":
                return rid, False
            spec = tables.BY_NAME[table]
            if spec.parent is None:
                return None, spec.employer_wide
            col, parent = spec.parent
            pid = fields.get(col)
            if not pid:
                return None, table == "conflict"  # a conflict on an employer-wide row
            if parent == "practitioner":
                return str(pid), False
            held = by_key.get((parent, pid))
            if held is not None:
                table, rid, fields = parent, pid, held["fields"]
                continue
            sh = shape(parent)
            found = self._conn.execute(select(*sh.read_columns)
                                       .where(sh.table.c.id == pid)).mappings().first()
            if found is None:
                return None, False  # its parent has not arrived: whose it is is not known yet
            table, rid, fields = parent, pid, found
        return None, False

    def _practitioner_name(self, practitioner_id: str) -> str | None:
        from assessor_app.store.base import Base

        t = Base.metadata.tables["practitioner"]
        return self._conn.execute(select(t.c.name).where(t.c.id == practitioner_id)).scalar()

    def _apply_table(self, sh: TableShape, rows: list[Mapping[str, Any]],
                     stats: ApplyStats) -> list[Mapping[str, Any]]:
        t = sh.table
        ids = [r["id"] for r in rows]
        cols = [t.c.id, t.c.rev, t.c.base_rev, t.c.dirty, t.c.deleted_at]
        if sh.blob_column:
            cols.append(t.c.sha256)
        existing: dict[str, Any] = {}
        for chunk in chunks(ids):
            existing.update((r.id, r) for r in self._conn.execute(select(*cols).where(t.c.id.in_(chunk))))
        waiting: dict[str, dict[str, Any]] = {}  # row id → why it waits
        for col, ref in sh.foreign_keys:
            wanted = {r["fields"].get(col) for r in rows} - {None, ""}
            have = self._existing_ids(ref, wanted)
            for r in rows:
                if r["fields"].get(col) not in (None, "") and r["fields"].get(col) not in have:
                    waiting.setdefault(r["id"], {"reason": "parent", "waits_for": [ref]})
        for rid, key in self._unique_clashes(sh, [r for r in rows if r["id"] not in waiting]).items():
            waiting[rid] = {"reason": "clash", "waits_for": list(key)}
        now = datetime.now(UTC)
        inserts: list[dict[str, Any]] = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = {}
        parked = []
        for r in rows:
            if r["id"] in waiting:
                since = (r.get("parked") or {}).get("since") or now.isoformat()
                parked.append({**r, "parked": {**waiting[r["id"]], "since": since}})
                continue
            old = existing.get(r["id"])
            rev = int(r["rev"])
            if old is None:
                inserts.append(self._insert_values(sh, r, now))
                self._events.append(("insert", sh.name, r["id"], list(sh.fields)))
            elif old.dirty:
                stats.kept_local += 1
                if rev > old.rev:
                    updates.setdefault(frozenset({"rev"}), []).append({"_id": r["id"], "rev": rev})
                continue
            elif rev <= old.rev:
                stats.skipped += 1
                continue
            else:
                values = from_wire(sh, r["fields"])
                values.update(rev=rev, base_rev=rev, updated_by=(r.get("updated_by") or "")[:64],
                              updated_at=parse_datetime(r.get("updated_at")) or now,
                              deleted_at=(old.deleted_at or now) if r["deleted"] else None)
                if sh.blob_column and r["fields"].get("sha256") != old.sha256:
                    values[sh.blob_column] = b""
                values["_id"] = r["id"]
                updates.setdefault(frozenset(values), []).append(values)
                action = "delete" if r["deleted"] and old.deleted_at is None else "update"
                self._events.append((action, sh.name, r["id"], list(sh.fields)))
            stats.applied += 1
        if inserts:
            self._conn.execute(insert(t), inserts)
        for keys, batch in updates.items():
            stmt = update(t).where(t.c.id == bindparam("_id")).values(
                {k: bindparam(k) for k in keys if k != "_id"})
            self._conn.execute(stmt, batch)
        return parked

    def _unique_clashes(self, sh: TableShape,
                        rows: list[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
        """Rows whose unique key another row (here, or earlier in the page) already holds
        under another id: two devices each made the record an enrolment has one of. Such a
        row waits in the inbox (its text kept there and on the server) rather than failing
        the page, and with it every later sync. Returns {row id: the key's columns}."""
        clash: dict[str, tuple[str, ...]] = {}
        t = sh.table
        for key in sh.unique_keys:
            claimed: dict[tuple[Any, ...], str] = {}
            values = {r["id"]: tuple(r["fields"].get(c) for c in key) for r in rows}
            wanted = sorted({v[0] for v in values.values() if v[0] is not None})
            for chunk in chunks(wanted):
                for row in self._conn.execute(select(t.c.id, *(t.c[c] for c in key))
                                              .where(t.c[key[0]].in_(chunk))):
                    claimed[tuple(row[1:])] = row[0]
            for r in rows:
                v = values[r["id"]]
                if any(x is None for x in v):
                    continue  # NULLs never clash
                holder = claimed.setdefault(v, r["id"])
                if holder != r["id"]:
                    clash.setdefault(r["id"], key)
        return clash

    def _insert_values(self, sh: TableShape, r: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        values = from_wire(sh, r["fields"])
        for name in sh.fields:
            if name not in values:
                values[name] = _column_default(sh, name)
        rev = int(r["rev"])
        values.update(id=r["id"], rev=rev, base_rev=rev, dirty=False,
                      deleted_at=now if r["deleted"] else None, created_at=now,
                      updated_at=parse_datetime(r.get("updated_at")) or now,
                      updated_by=(r.get("updated_by") or "")[:64])
        if sh.blob_column:
            values[sh.blob_column] = b""
        return values

    def _existing_ids(self, table: str, ids: set[Any]) -> set[Any]:
        if not ids:
            return set()
        from assessor_app.store.base import Base

        t = Base.metadata.tables[table]
        found: set[Any] = set()
        for chunk in chunks(sorted(ids)):
            found.update(self._conn.execute(select(t.c.id).where(t.c.id.in_(chunk))).scalars())
        return found



def _column_default(sh: TableShape, name: str) -> Any:
    col = sh.table.c[name]
    default = col.default
    if default is None or not getattr(default, "is_scalar", False):
        if default is not None and getattr(default, "is_callable", False):
            return default.arg(None)  # type: ignore[operator]
        return None
    return default.arg

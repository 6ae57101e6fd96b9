"""Pull: rows after a cursor, in the caller's scope, in seq order, in pages; and (protocol 2)
the scope exits among them: what the caller's devices may no longer keep.

A page is read with plain Core rows and written straight to JSON in the shape of
``protocol.PullPage`` (no ORM objects, no model validation): a first sync pulls tens of
thousands of rows. Rows and exits are read in one snapshot (SQLite: one read transaction
in WAL mode; PostgreSQL: REPEATABLE READ), so a page never holds both a practitioner's rows
and an exit for that practitioner: the caller's scope is one scope for the whole page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, select

from assessor_app.server.auth import Caller
from assessor_app.server.db import is_postgres
from assessor_app.server.models import SyncRow
from assessor_app.server.scope_exits import as_wire, exits_after, max_seq
from assessor_app.server.scopes import row_filter
from assessor_app.sync.protocol import Row

_COLS = (SyncRow.seq, SyncRow.table_name, SyncRow.id, SyncRow.rev, SyncRow.deleted,
         SyncRow.updated_at, SyncRow.updated_by, SyncRow.fields)
#: the first protocol whose pages carry ``revoked``
REVOCATIONS_FROM = 2


class UpdateNeeded(Exception):
    """A protocol 1 device would be sent a scope exit it cannot act on."""


def to_row(r: SyncRow) -> Row:
    return Row(table=r.table_name, id=r.id, base_rev=r.rev, rev=r.rev, deleted=r.deleted,
               updated_at=r.updated_at, updated_by=r.updated_by, fields=dict(r.fields))


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if is_postgres(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def pull_page(engine: Engine, caller: Caller, cursor: int, limit: int,
              protocol: int = REVOCATIONS_FROM) -> dict[str, Any]:
    """One page as a ``PullPage``-shaped dict (``revoked`` from protocol 2 on).

    Raises ``UpdateNeeded`` when a protocol 1 device reaches an exit: it would keep records
    it may no longer hold, so it must not be told it is up to date."""
    q = select(*_COLS).where(SyncRow.seq > cursor)
    cond = row_filter(caller)
    if cond is not None:
        q = q.where(cond)
    with _snapshot(engine) as conn:
        head = max_seq(conn)
        found = conn.execute(q.order_by(SyncRow.seq).limit(limit + 1)).all()
        exits = exits_after(conn, caller, cursor, limit + 1)
    items = sorted([(r.seq, False, r) for r in found] + [(x.seq, True, x) for x in exits],
                   key=lambda item: item[0])
    more = len(items) > limit
    page = items[:limit]
    # the cursor is the last item sent, never ``head``: a batch committed between the two
    # reads would otherwise be skipped
    nxt = page[-1][0] if page else cursor
    rows = [{"table": r.table_name, "id": r.id, "base_rev": r.rev, "rev": r.rev,
             "deleted": bool(r.deleted), "updated_at": r.updated_at,
             "updated_by": r.updated_by, "fields": r.fields}
            for _seq, is_exit, r in page if not is_exit]
    out: dict[str, Any] = {"rows": rows, "cursor": str(nxt), "more": more,
                           "head": max(head, nxt)}
    revoked = [as_wire(x) for _seq, is_exit, x in page if is_exit]
    if protocol >= REVOCATIONS_FROM:
        out["revoked"] = revoked
    elif revoked:
        raise UpdateNeeded()
    return out


def pull_json(engine: Engine, caller: Caller, cursor: int, limit: int,
              protocol: int = REVOCATIONS_FROM) -> bytes:
    return json.dumps(pull_page(engine, caller, cursor, limit, protocol), ensure_ascii=False,
                      separators=(",", ":")).encode()

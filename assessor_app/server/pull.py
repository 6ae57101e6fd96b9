"""Pull: rows after a cursor, in the caller's scope, in seq order, in pages.

A page is read with plain Core rows and written straight to JSON in the shape of
``protocol.PullPage`` (no ORM objects, no model validation): a first sync pulls tens of
thousands of rows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select

from assessor_app.server.auth import Caller
from assessor_app.server.models import SyncRow
from assessor_app.server.scopes import row_filter
from assessor_app.sync.protocol import Row

_COLS = (SyncRow.seq, SyncRow.table_name, SyncRow.id, SyncRow.rev, SyncRow.deleted,
         SyncRow.updated_at, SyncRow.updated_by, SyncRow.fields)


def to_row(r: SyncRow) -> Row:
    return Row(table=r.table_name, id=r.id, base_rev=r.rev, rev=r.rev, deleted=r.deleted,
               updated_at=r.updated_at, updated_by=r.updated_by, fields=dict(r.fields))


def pull_page(engine: Engine, caller: Caller, cursor: int, limit: int) -> dict[str, Any]:
    """One page as a ``PullPage``-shaped dict."""
    q = select(*_COLS).where(SyncRow.seq > cursor)
    cond = row_filter(caller)
    if cond is not None:
        q = q.where(cond)
    with engine.connect() as conn:
        head = int(conn.execute(select(func.coalesce(func.max(SyncRow.seq), 0))).scalar_one())
        found = conn.execute(q.order_by(SyncRow.seq).limit(limit + 1)).all()
    more = len(found) > limit
    page = found[:limit]
    # the cursor is the last row sent, never ``head``: a batch committed between the two
    # reads would otherwise be skipped
    nxt = page[-1].seq if page else cursor
    rows = [{"table": r.table_name, "id": r.id, "base_rev": r.rev, "rev": r.rev,
             "deleted": bool(r.deleted), "updated_at": r.updated_at,
             "updated_by": r.updated_by, "fields": r.fields} for r in page]
    return {"rows": rows, "cursor": str(nxt), "more": more, "head": max(head, nxt)}


def pull_json(engine: Engine, caller: Caller, cursor: int, limit: int) -> bytes:
    return json.dumps(pull_page(engine, caller, cursor, limit), ensure_ascii=False,
                      separators=(",", ":")).encode()

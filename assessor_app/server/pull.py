"""Pull: rows after a cursor, in the caller's scope, in seq order, in pages."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from assessor_app.server.auth import Caller
from assessor_app.server.models import SyncRow
from assessor_app.server.scopes import row_filter
from assessor_app.sync.protocol import PullPage, Row


def to_row(r: SyncRow) -> Row:
    return Row(table=r.table_name, id=r.id, base_rev=r.rev, rev=r.rev, deleted=r.deleted,
               updated_at=r.updated_at, updated_by=r.updated_by, fields=dict(r.fields))


def pull(engine: Engine, caller: Caller, cursor: int, limit: int) -> PullPage:
    q = select(SyncRow).where(SyncRow.seq > cursor)
    cond = row_filter(caller)
    if cond is not None:
        q = q.where(cond)
    with Session(engine) as s:
        head = int(s.scalar(select(func.coalesce(func.max(SyncRow.seq), 0))))
        found = s.scalars(q.order_by(SyncRow.seq).limit(limit + 1)).all()
        more = len(found) > limit
        page = found[:limit]
        # the cursor is the last row sent, never ``head``: a batch committed between the two
        # reads would otherwise be skipped
        nxt = page[-1].seq if page else cursor
        return PullPage(rows=[to_row(r) for r in page], cursor=str(nxt), more=more,
                        head=max(head, nxt))

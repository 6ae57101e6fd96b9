"""Review: a delete on one device meets an edit on another, in both orders: the edited text
survives on every device (an edit is never lost to a delete), and a delete nobody contests
reaches everyone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assessor_app.store.models import Observation
from tests.sync.devices import Devices, add_portfolio, table_contents


def _edit(ctx, row_id: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        row = uow.session.get(Observation, row_id)
        for k, v in values.items():
            setattr(row, k, v)
        uow.commit()


def _row(ctx, row_id: str) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        o = uow.session.get(Observation, row_id)
        return o.notes, o.deleted_at is not None


@pytest.mark.parametrize("deleter_first", [True, False])
def test_a_delete_meeting_an_edit_keeps_the_edit(live_server, devices: Devices,  # type: ignore[no-untyped-def]
                                                 deleter_first: bool) -> None:
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs, other = add_portfolio(a)["evidence"][:2]
    a.sync.sync()
    b.sync.sync()
    _edit(a, obs, deleted_at=datetime.now(UTC))
    _edit(a, other, deleted_at=datetime.now(UTC))  # nobody contests this one
    _edit(b, obs, notes="Edited on B while A deleted it")
    order = (a, b) if deleter_first else (b, a)
    for ctx in (*order, *order):
        ctx.sync.sync()
    for ctx in (a, b):
        assert _row(ctx, obs) == ("Edited on B while A deleted it", False)
        assert _row(ctx, other)[1] is True
    assert table_contents(a) == table_contents(b)

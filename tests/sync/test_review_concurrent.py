"""Review: two syncs of one data folder at once (the app's background sync and
``assessor-app sync`` in a terminal are two processes, two stores, two in-process locks):
the second is told a sync is running, and nothing is sent twice."""

from __future__ import annotations

from sqlalchemy import select

from assessor_app.app import open_context
from assessor_app.paths import DataPaths
from assessor_app.services.sync import SyncBusy
from assessor_app.store.models import Conflict, Evidence
from tests.sync.devices import Devices
from tests.sync.fault_proxy import FaultProxy


def _set_title(ctx, ev_id: str, title: str) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        uow.session.get(Evidence, ev_id).title = title
        uow.commit()


def test_a_second_sync_of_the_same_folder_waits_its_turn(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    proxy = FaultProxy(server.url)
    try:
        a = devices.enrolled("a", server, "Fictional Assessor", demo=True, url=proxy.url)
        b = devices.enrolled("b", server, "Fictional Assessor")
        a.sync.sync()
        b.sync.sync()
        with b.database.uow() as uow:
            ev_id = uow.session.execute(select(Evidence.id).where(Evidence.status == "draft")
                                        .order_by(Evidence.id).limit(1)).scalar_one()
        _set_title(b, ev_id, "B's title")
        b.sync.sync()
        _set_title(a, ev_id, "A's title")
        terminal = open_context(DataPaths(a.paths.root), create=False)  # another process
        outcome: list[object] = []

        def terminal_sync_meanwhile(method: str, path: str) -> None:
            if path == "/v1/push" and not outcome:
                outcome.append("started")
                try:
                    outcome.append(terminal.sync.sync())
                except SyncBusy as exc:
                    outcome.append(exc)

        proxy.on_request = terminal_sync_meanwhile
        try:
            a.sync.sync()
        finally:
            proxy.on_request = None
            terminal.close()
        assert isinstance(outcome[-1], SyncBusy)
        a.sync.sync()
        b.sync.sync()
        for ctx in (a, b):
            with ctx.database.uow() as uow:
                found = uow.session.execute(select(Conflict.other_value)
                                            .where(Conflict.entity_id == ev_id)).scalars().all()
            assert found == ["A's title"]  # one conflict, not one per sync that sent it
    finally:
        proxy.close()


def test_a_finished_sync_lets_the_next_one_run(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor", demo=True)
    a.sync.sync()
    terminal = open_context(DataPaths(a.paths.root), create=False)
    try:
        assert terminal.sync.sync().pushed == 0  # the first one's turn is over
        assert a.sync.sync().pushed == 0
    finally:
        terminal.close()

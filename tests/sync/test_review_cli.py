"""Review: ``assessor-app sync`` when the server goes away in the middle of a sync (between
two push batches): a plain message, nothing lost, and the next sync completes."""

from __future__ import annotations

import pytest

from assessor_app.cli import main
from tests.sync.devices import Devices, table_contents
from tests.sync.fault_proxy import FaultProxy


def test_the_server_vanishing_mid_sync_from_the_command_line(
        live_server, devices: Devices, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    proxy = FaultProxy(server.url)
    try:
        a = devices.enrolled("a", server, "Fictional Assessor", demo=True, url=proxy.url)
        folder = str(a.paths.root)
        waiting = a.sync.status().waiting
        assert waiting > 400  # several push batches
        pushes: list[str] = []

        def vanish_at_second_batch(method: str, path: str) -> None:
            if path == "/v1/push":
                pushes.append(path)
                if len(pushes) == 2:
                    server.stop()

        proxy.on_request = vanish_at_second_batch
        capsys.readouterr()
        rc = main(["sync", "--data-dir", folder])
        out, err = capsys.readouterr()
        assert rc != 0 and len(pushes) == 2
        assert "cannot be reached" in err and "Nothing on this computer was lost" in err
        assert "Traceback" not in err + out and "went wrong" not in err
        left = a.sync.status()
        assert 0 < left.waiting < waiting  # the first batch went, the rest wait
        assert left.last_error and "cannot be reached" in left.last_error

        proxy.on_request = None
        again = live_server("sqlite", data_dir=server.data_dir, database_url=server.database_url)
        proxy.retarget(again.url)
        rc = main(["sync", "--data-dir", folder])
        out, err = capsys.readouterr()
        assert rc == 0, err
        assert f"Synced with {proxy.url}" in out
        assert a.sync.status().waiting == 0 and a.sync.status().last_error == ""
        b = devices.enrolled("b", again, "Fictional Assessor")
        assert b.sync.sync().pulled == waiting
        assert table_contents(a) == table_contents(b)
    finally:
        proxy.close()


def test_a_refusal_without_a_server_row_says_why_and_keeps_the_change(
        live_server, devices: Devices, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from assessor_app.store.models import Person
    from tests.sync.devices import add_portfolio

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    prac = add_portfolio(a)["practitioner"]
    a.sync.sync()
    server.add_user("Fictional Practitioner", "practitioner", prac)
    from assessor_app.app import open_context
    from assessor_app.paths import DataPaths

    own = open_context(DataPaths(devices.base / "own"))  # keyring-backed, as the CLI opens it
    devices.opened.append(own)
    own.sync.enrol(server.url, server.issue_code("Fictional Practitioner"), "own laptop")
    own.sync.sync()
    with own.database.uow("tester") as uow:  # practitioners may not add employer-wide rows
        uow.add(Person(name="Fictional Colleague", role="assessor"))
        uow.commit()
    capsys.readouterr()
    for _ in range(2):  # refused every time, and said so every time
        assert main(["sync", "--data-dir", str(own.paths.root)]) == 0
        out, _err = capsys.readouterr()
        assert "refused 1" in out and "signed records cannot change" not in out
        assert "  - " in out and "scope" in out  # the server's own reason
        assert "1 change(s) still wait to be sent" in out
    with own.database.uow() as uow:
        assert uow.session.execute(select(Person.name).where(
            Person.name == "Fictional Colleague")).scalar_one()

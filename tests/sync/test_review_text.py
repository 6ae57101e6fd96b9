"""Review: a NUL character or a broken surrogate pasted into a text. The server (and
PostgreSQL) cannot store them and refuses the whole batch, so one such character stopped every
later sync; the device now drops NULs and replaces broken characters before sending, in its
own copy too, so both sides hold the same text."""

from __future__ import annotations

import pytest

from assessor_app.store.models import Observation
from tests.sync.devices import Devices, add_portfolio, table_contents


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_text_the_server_cannot_store_does_not_stop_sync(live_server, devices: Devices,  # type: ignore[no-untyped-def]
                                                        backend: str) -> None:
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    obs = add_portfolio(a)["evidence"]
    with a.database.uow("tester") as uow:
        uow.session.get(Observation, obs[0]).notes = "Pasted from a scan\x00 of the visit"
        uow.session.get(Observation, obs[1]).people_present = [{"name": "Broken \ud800 name"}]
        uow.commit()
    report = a.sync.sync()
    assert report.refused == 0 and a.sync.status().waiting == 0
    b.sync.sync()
    assert table_contents(a) == table_contents(b)
    with b.database.uow() as uow:
        assert uow.session.get(Observation, obs[0]).notes == "Pasted from a scan of the visit"
        assert uow.session.get(Observation, obs[1]).people_present == [
            {"name": "Broken \ufffd name"}]

"""Review: long texts. A push batch is cut by size as well as by count, so a device holding
many long reflections never sends a batch the server must refuse as too large (which would
leave it unable to sync at all)."""

from __future__ import annotations

from assessor_app.store.models import Observation
from assessor_app.sync.protocol import MAX_BODY_BYTES
from tests.sync.devices import Devices, add_portfolio, table_contents


def test_many_long_texts_go_in_batches_the_server_accepts(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    ids = add_portfolio(a, evidence=24)["evidence"]
    a.sync.sync()
    b.sync.sync()
    long_text = "Fictional reflective notes, written at length. " * 20_000  # about 0.9 MB
    assert len(long_text) * len(ids) > MAX_BODY_BYTES
    with a.database.uow("tester") as uow:
        for i, obs in enumerate(ids):
            uow.session.get(Observation, obs).notes = f"{i}: {long_text}"
        uow.commit()
    report = a.sync.sync()
    assert report.pushed == len(ids) and a.sync.status().waiting == 0
    b.sync.sync()
    assert table_contents(a) == table_contents(b)

"""Two real data folders, enrolled with a real server (SQLite and PostgreSQL), sync both ways."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assessor_app.store.models import Conflict, Observation
from tests.sync.devices import Devices, table_contents

BACKENDS = ["sqlite", "postgresql"]


def _observation_id(ctx) -> str:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        return uow.session.execute(select(Observation.id).order_by(Observation.id).limit(1)).scalar_one()


def _edit(ctx, obs_id: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        obs = uow.session.get(Observation, obs_id)
        for k, v in values.items():
            setattr(obs, k, v)
        uow.commit()


def _get(ctx, obs_id: str) -> Observation:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        obs = uow.session.get(Observation, obs_id)
        uow.session.expunge(obs)
        return obs


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo_cohort_syncs_both_ways(live_server, devices: Devices, backend: str) -> None:  # type: ignore[no-untyped-def]
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor", demo=True)
    b = devices.enrolled("b", server, "Fictional Assessor")
    status = a.sync.status()
    assert status.configured and status.user_name == "Fictional Assessor"
    assert status.waiting > 500

    first = a.sync.sync()
    assert first.pushed == status.waiting and first.refused == 0
    assert a.sync.status().waiting == 0
    got = b.sync.sync()
    assert got.pulled == first.pushed
    assert table_contents(b) == table_contents(a)

    # and back: an edit on B reaches A
    obs_id = _observation_id(b)
    _edit(b, obs_id, notes="written on device B")
    assert b.sync.status().waiting == 1
    assert b.sync.sync().pushed == 1
    a.sync.sync()
    assert _get(a, obs_id).notes == "written on device B"
    assert table_contents(b) == table_contents(a)
    assert a.sync.status().last_sync_at is not None


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_observation_edited_offline_on_two_devices(live_server, devices: Devices,  # type: ignore[no-untyped-def]
                                                       backend: str) -> None:
    server = live_server(backend)
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor", demo=True)
    b = devices.enrolled("b", server, "Fictional Assessor")
    a.sync.sync()
    b.sync.sync()
    obs_id = _observation_id(a)
    # offline: different fields, and the same field with different text
    _edit(a, obs_id, went_well="A: went well", notes="A's notes")
    _edit(b, obs_id, development="B: development", notes="B's notes")
    a.sync.sync()
    report = b.sync.sync()
    assert report.conflicts == 1
    a.sync.sync()
    for ctx in (a, b):
        obs = _get(ctx, obs_id)
        assert (obs.went_well, obs.development) == ("A: went well", "B: development")
        assert obs.notes == "A's notes"  # the server kept the value it had
        items = ctx.sync.conflicts()
        assert [(i.entity, i.entity_id, i.field) for i in items] == [("observation", obs_id, "notes")]
        assert (items[0].kept_value, items[0].other_value) == ("A's notes", "B's notes")
    assert table_contents(a) == table_contents(b)

    # B merges the two texts; the resolution and the record reach A
    conflict_id = b.sync.conflicts()[0].id
    b.sync.resolve(conflict_id, "merged", "A's notes\nB's notes")
    b.sync.sync()
    a.sync.sync()
    assert _get(a, obs_id).notes == "A's notes\nB's notes"
    assert a.sync.conflicts() == [] and b.sync.conflicts() == []
    with a.database.uow() as uow:
        c = uow.session.get(Conflict, conflict_id)
        assert (c.resolution, c.resolved_by) == ("merged", "Fictional Assessor")
    assert table_contents(a) == table_contents(b)

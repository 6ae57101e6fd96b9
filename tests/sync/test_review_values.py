"""Review: values that are not plain text (JSON lists and dicts, dates, floats, accented
text) travel and compare the same way on both sides: edits to different fields made on two
devices merge with no false conflict, and an unchanged value is never seen as changed."""

from __future__ import annotations

import unicodedata
from datetime import date

from assessor_app.store.models import Enrolment, Observation
from tests.sync.devices import Devices, add_portfolio, table_contents


def _edit(ctx, model, row_id: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        row = uow.session.get(model, row_id)
        for k, v in values.items():
            setattr(row, k, v)
        uow.commit()


def test_json_dates_and_floats_merge_without_false_conflicts(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    ids = add_portfolio(a)
    obs = ids["evidence"][0]
    a.sync.sync()
    b.sync.sync()
    nfd = unicodedata.normalize("NFD", "Zoë visited the café")
    _edit(a, Observation, obs, people_present=[{"role": "parent", "name": "Fictional"}],
          consent_on=date(2026, 10, 2), notes=nfd)
    _edit(a, Enrolment, ids["enrolment"], fte=1, framework_versions={"pcf": "2018", "kss": "2"})
    _edit(b, Observation, obs, development="Written on B", duration_minutes=45)
    _edit(b, Enrolment, ids["enrolment"], extension_months=1.5)
    a.sync.sync()
    report = b.sync.sync()
    assert (report.merged, report.conflicts) == (2, 0)
    a.sync.sync()
    assert a.sync.conflicts() == [] == b.sync.conflicts()
    assert table_contents(a) == table_contents(b)
    with b.database.uow() as uow:
        o = uow.session.get(Observation, obs)
        assert (o.notes, o.consent_on, o.development) == (nfd, date(2026, 10, 2), "Written on B")
        e = uow.session.get(Enrolment, ids["enrolment"])
        assert (e.fte, e.extension_months) == (1.0, 1.5)
    # a sync with nothing edited sends nothing and changes nothing
    before = table_contents(b)
    assert (b.sync.sync().pushed, a.sync.sync().pushed) == (0, 0)
    assert table_contents(b) == before and a.sync.status().waiting == 0

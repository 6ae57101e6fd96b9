"""Review: records an enrolment has one of (its final assessment, its agreement) started on
two devices before either synced. Each device made its own row; the second row must not stop
every later sync (a unique constraint failing the page), and neither text may be lost."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from assessor_app.store.models import FinalAssessment
from tests.sync.devices import Devices, add_portfolio, table_contents


def _assessments(ctx, enrolment: str) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    with ctx.database.uow() as uow:
        return [tuple(r) for r in uow.session.execute(
            select(FinalAssessment.id, FinalAssessment.judgements)
            .where(FinalAssessment.enrolment_id == enrolment))]


def test_a_final_assessment_opened_on_two_devices_offline(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    enrolment = add_portfolio(a)["enrolment"]
    a.sync.sync()
    b.sync.sync()
    a.assessment.draft(enrolment, date(2027, 6, 1))  # opening the editor makes the draft
    b.assessment.draft(enrolment, date(2027, 6, 1))
    for ctx, text in ((a, "Strengths seen on A"), (b, "Strengths seen on B")):
        with ctx.database.uow("tester") as uow:
            uow.session.execute(select(FinalAssessment).where(
                FinalAssessment.enrolment_id == enrolment)).scalar_one().strengths = text
            uow.commit()
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    b.sync.sync()
    assert len(_assessments(a, enrolment)) == 1
    assert table_contents(a) == table_contents(b)
    for ctx in (a, b):  # both texts survive: one in the record, the other as its conflict
        [item] = ctx.sync.conflicts()
        assert {item.kept_value, item.other_value} == {"Strengths seen on A",
                                                      "Strengths seen on B"}

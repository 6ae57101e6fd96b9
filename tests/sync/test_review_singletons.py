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
            select(FinalAssessment.id, FinalAssessment.strengths)
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


def test_two_rows_clashing_on_a_unique_key_do_not_stop_sync(live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    """Stores from before ids were shared hold such rows under random ids: the clash waits
    aside and everything else still syncs."""
    from assessor_app.store.base import new_id
    from assessor_app.store.models import Evidence

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    ids = add_portfolio(a)
    a.sync.sync()
    b.sync.sync()
    for ctx, text in ((a, "Strengths seen on A"), (b, "Strengths seen on B")):
        with ctx.database.uow("tester") as uow:
            uow.add(FinalAssessment(id=new_id(), enrolment_id=ids["enrolment"], judgements={},
                                    status="draft", strengths=text))
            uow.commit()
    a.sync.sync()
    b.sync.sync()  # B's row went up; A's row comes down and cannot sit beside it
    with a.database.uow("tester") as uow:
        uow.session.get(Evidence, ids["evidence"][1]).title = "Renamed after the clash"
        uow.commit()
    a.sync.sync()
    b.sync.sync()
    with b.database.uow() as uow:
        assert uow.session.get(Evidence, ids["evidence"][1]).title == "Renamed after the clash"
    [(_, kept_b)] = _assessments(b, ids["enrolment"])
    [(_, kept_a)] = _assessments(a, ids["enrolment"])
    assert (kept_a, kept_b) == ("Strengths seen on A", "Strengths seen on B")  # each kept its own
    assert b.sync.status().last_error == ""


def test_signing_an_older_revision_does_not_sign_edits_made_meanwhile(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    enrolment = add_portfolio(a)["enrolment"]
    a.assessment.draft(enrolment, date(2027, 6, 1))
    _set_assessment(a, enrolment, strengths="Strengths as signed on A")
    a.sync.sync()
    b.sync.sync()
    _set_assessment(b, enrolment, development="Added on B after A's last sync")
    b.sync.sync()
    _set_assessment(a, enrolment, status="signed")  # A signs what A sees
    a.sync.sync()
    b.sync.sync()
    with b.database.uow() as uow:
        fa = uow.session.execute(select(FinalAssessment).where(
            FinalAssessment.enrolment_id == enrolment)).scalar_one()
        assert fa.status == "signed"
        assert fa.development == ""  # the signed record is what A signed
    assert [i.other_value for i in b.sync.conflicts()] == ["Added on B after A's last sync"]


def _set_assessment(ctx, enrolment: str, **values: object) -> None:  # type: ignore[no-untyped-def]
    with ctx.database.uow("tester") as uow:
        fa = uow.session.execute(select(FinalAssessment).where(
            FinalAssessment.enrolment_id == enrolment)).scalar_one()
        for k, v in values.items():
            setattr(fa, k, v)
        uow.commit()

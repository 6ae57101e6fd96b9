"""The list and page read models over a real demo store."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind, EvidenceStatus, LengthStatus
from assessor_app.errors import NotFound
from assessor_app.keystore import DEMO_STORE_KEY_HEX
from assessor_app.paths import resources_dir
from assessor_app.services.catalogue import CatalogueService
from assessor_app.services.demo import create_demo_cohort
from assessor_app.services.practitioners import PractitionerService

TODAY = date(2026, 11, 23)


@pytest.fixture
def service(db):  # type: ignore[no-untyped-def]
    cat = CatalogueService(db, resources_dir())
    create_demo_cohort(db, cat.catalogue(), today=TODAY)
    return PractitionerService(db, cat.catalogue)


def test_demo_key_is_a_256_bit_key() -> None:
    assert len(bytes.fromhex(DEMO_STORE_KEY_HEX)) == 32


def test_list_rows_cover_every_status(service: PractitionerService) -> None:
    rows = service.list_rows(TODAY)
    assert len(rows) == 6
    assert [r.name for r in rows] == sorted(r.name for r in rows)
    by_status = Counter(r.status for r in rows)
    assert by_status[EnrolmentStatus.PAUSED] == 1
    assert by_status[EnrolmentStatus.COMPLETED] == 1
    assert by_status[EnrolmentStatus.EXTENDED] == 1
    done = next(r for r in rows if r.status is EnrolmentStatus.COMPLETED)
    assert done.next_due is None and done.overdue == () and done.stage_title == "Completed (pass)"
    paused = next(r for r in rows if r.status is EnrolmentStatus.PAUSED)
    assert paused.next_due is None and paused.stage_title.startswith("Paused since ")
    assert any(r.overdue for r in rows), "the demo has one practitioner behind"
    for r in rows:
        if r.next_due is not None:
            assert r.next_due.due >= TODAY
        assert all(o.due < TODAY for o in r.overdue)
    assert {r.fte for r in rows} >= {0.6, 1.0}


def test_page_agrees_with_the_evidence(service: PractitionerService) -> None:
    for row in service.list_rows(TODAY):
        page = service.page(row.enrolment_id, TODAY)
        assert page.row == row
        assert [e.occurred_on for e in page.evidence] == sorted(
            (e.occurred_on for e in page.evidence), reverse=True)
        final = Counter(e.kind for e in page.evidence if e.status is not EvidenceStatus.DRAFT)
        for m in page.sufficiency.minimums:
            assert m.have == final[m.kind]
        fw_ids = [f.id for f in page.frameworks]
        assert fw_ids == list(page.programme.frameworks)
        linked = {(ln.framework_id, ln.statement_code) for e in page.evidence
                  if e.status is not EvidenceStatus.DRAFT for ln in e.links}
        for c in page.sufficiency.coverage:
            assert (c.items > 0) == ((c.framework_id, c.code) in linked)
        assert all(e.stage_title for e in page.evidence if e.stage_id)
        assert page.timeline.start == row.start_date


def test_completed_practitioner_meets_every_minimum(service: PractitionerService) -> None:
    row = next(r for r in service.list_rows(TODAY) if r.status is EnrolmentStatus.COMPLETED)
    page = service.page(row.enrolment_id, TODAY)
    assert page.sufficiency.all_minimums_met
    assert page.sufficiency.uncovered() == ()
    assert {r.review_point_id for r in page.reviews} >= {"review-3", "review-6", "final"}
    assert EvidenceKind.SUPERVISION in {e.kind for e in page.evidence}


def test_only_the_extended_practitioner_runs_past_the_maximum(service: PractitionerService) -> None:
    rows = service.list_rows(TODAY)
    assert all(r.length is not None for r in rows)  # every shipped programme has a maximum
    extended = next(r for r in rows if r.status is EnrolmentStatus.EXTENDED)
    check = extended.length
    assert check is not None and check.status is LengthStatus.BEYOND
    assert check.max_months == 24 and check.days_over > 0 and not check.ended
    page = service.page(extended.enrolment_id, TODAY)
    assert check.end == page.timeline.end  # the projected final review, pause and extension in
    assert check.end - check.latest_end == timedelta(days=check.days_over)
    assert [r.length.status for r in rows if r is not extended] == [LengthStatus.WITHIN] * 5  # type: ignore[union-attr]
    paused = next(r for r in rows if r.status is EnrolmentStatus.PAUSED)
    assert paused.length is not None and paused.length.still_paused
    done = next(r for r in rows if r.status is EnrolmentStatus.COMPLETED)
    assert done.length is not None and done.length.ended and done.length.end <= TODAY


def test_overdue_moves_with_today(service: PractitionerService) -> None:
    early = {r.enrolment_id: len(r.overdue) for r in service.list_rows(TODAY - timedelta(days=400))}
    now = {r.enrolment_id: len(r.overdue) for r in service.list_rows(TODAY)}
    assert sum(early.values()) <= sum(now.values())


def test_unknown_enrolment(service: PractitionerService) -> None:
    with pytest.raises(NotFound):
        service.page("no-such-id", TODAY)

"""ReviewService over a real encrypted demo store: round trips, refusals, the period summary."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.review_dto import Attendee, ReviewInput
from assessor_app.errors import AppError, NotFound, UsageError
from assessor_app.services.reviews import ReviewLocked
from assessor_app.store import queries
from assessor_app.store.models import Evidence, Review, SupervisionEntry
from tests.review_demo import TODAY, Services


@pytest.fixture
def api(review_services: Services) -> Services:
    """The real review and assessment services over this test's own copy of the demo."""
    return review_services


def full_input(point: str = "review-3") -> ReviewInput:
    return ReviewInput(
        review_point_id=point, held_on=date(2026, 11, 20),
        attendees=(Attendee("Sam Okafor", "practitioner"), Attendee("Jo Mistry", "assessor"),
                   Attendee("Kim Lee", "principal social worker")),
        judgement="some_concerns", reasons="Observation overdue; caseload high.",
        workload_check="Above the agreed 90%.", supervision_check="Two sessions cancelled.",
        pdp="1. Observation by January.\n2. Legal training.",
        comments={"practitioner": "I agree.", "manager": "Cases moved.", "assessor": "Plan agreed."},
        signoffs={"practitioner": date(2026, 11, 21), "manager": date(2026, 11, 23),
                  "assessor": date(2026, 11, 20)})


def test_editor_data_lists_points_and_the_recorded_reviews(api: Services) -> None:
    done = api.scenarios()["completed"]
    data = api.reviews.editor_data(done.enrolment_id, TODAY)
    assert [p.id for p in data.points] == ["review-3", "review-6", "review-9", "final"]
    assert all(p.review_status == "final" and p.review_id for p in data.points)
    assert {a.role for a in data.usual_attendees} == {"practitioner", "assessor", "line manager"}
    assert data.practitioner_name == done.name and not data.assessment_signed
    with api.ctx.database.uow() as uow:
        stored = {r.id: (r.review_point_id, r.held_on, r.reasons, dict(r.signoffs))
                  for r in uow.session.execute(select(Review).where(
                      Review.enrolment_id == done.enrolment_id)).scalars()}
    assert set(stored) == {r.id for r in data.reviews}
    six = data.review_for("review-6")
    assert six is not None
    point, held_on, reasons, signoffs = stored[six.id]
    assert (point, held_on, reasons) == ("review-6", six.data.held_on, six.data.reasons)
    assert six.data.signoffs == {k: date.fromisoformat(v) for k, v in signoffs.items()}


def test_every_field_round_trips_through_the_store(api: Services) -> None:
    new = api.scenarios()["new"]
    typed = full_input()
    saved = api.reviews.create(new.enrolment_id, typed)
    assert saved.status == "draft" and not saved.locked
    again = api.reviews.get(saved.id)
    assert again.data == typed
    changed = ReviewInput(**{**typed.__dict__, "judgement": "on_track", "reasons": "Caught up.",
                             "attendees": typed.attendees[:2], "comments": {"assessor": "Fine."}})
    final = api.reviews.update(saved.id, changed, final=True)
    assert final.status == "final" and api.reviews.get(saved.id).data == changed
    assert [r.id for r in api.reviews.list_reviews(new.enrolment_id)] == [saved.id]
    assert api.reviews.for_point(new.enrolment_id, "review-3") == final
    assert api.reviews.for_point(new.enrolment_id, "review-6") is None


def test_blank_attendee_rows_and_whitespace_are_dropped(api: Services) -> None:
    new = api.scenarios()["new"]
    messy = ReviewInput("review-3", attendees=(Attendee("  Sam ", " practitioner "), Attendee("", "")),
                        reasons="  padded  ", comments={"manager": "   "})
    rec = api.reviews.create(new.enrolment_id, messy)
    assert rec.data.attendees == (Attendee("Sam", "practitioner"),)
    assert rec.data.reasons == "padded" and rec.data.comments == {}


@pytest.mark.parametrize(("data", "final", "words"), [
    (ReviewInput("review-3"), True, "Give the date the meeting was held"),
    (ReviewInput("review-3", held_on=date(2026, 11, 20), judgement="on_track"), True,
     "Give the reasons"),
    (ReviewInput("month-13"), False, "not a review point"),
    (ReviewInput("review-3", held_on=date(2026, 11, 20),
                 signoffs={"manager": date(2026, 11, 1)}), False, "before the meeting"),
    (ReviewInput("review-3", attendees=(Attendee("", "coordinator"),)), False, "needs a name"),
])
def test_invalid_reviews_are_refused_and_nothing_is_saved(api: Services, data: ReviewInput,
                                                          final: bool, words: str) -> None:
    new = api.scenarios()["new"]
    with pytest.raises(UsageError, match=words):
        api.reviews.create(new.enrolment_id, data, final=final)
    assert api.reviews.list_reviews(new.enrolment_id) == []


def test_one_review_per_point(api: Services) -> None:
    new = api.scenarios()["new"]
    first = api.reviews.create(new.enrolment_id, ReviewInput("review-3"))
    with pytest.raises(UsageError, match="already recorded"):
        api.reviews.create(new.enrolment_id, ReviewInput("review-3"))
    other = api.reviews.create(new.enrolment_id, ReviewInput("review-6"))
    with pytest.raises(UsageError, match="already recorded"):
        api.reviews.update(other.id, ReviewInput("review-3"))
    assert api.reviews.get(first.id).data.review_point_id == "review-3"
    with pytest.raises(NotFound):
        api.reviews.get("no-such-review")


def test_a_final_review_is_locked_once_the_assessment_is_signed(api: Services) -> None:
    done = api.scenarios()["completed"]
    final_review = api.reviews.for_point(done.enrolment_id, "final")
    assert final_review is not None
    api.reviews.update(final_review.id, final_review.data, final=True)  # still allowed
    api.assessment.mark_signed(done.enrolment_id)
    locked = api.reviews.get(final_review.id)
    assert locked.locked
    assert all(r.locked for r in api.reviews.editor_data(done.enrolment_id, TODAY).reviews)
    with pytest.raises(ReviewLocked, match="final assessment has been signed") as err:
        api.reviews.update(final_review.id, ReviewInput("final", reasons="Changed afterwards"))
    assert isinstance(err.value, AppError)
    assert api.reviews.get(final_review.id).data == final_review.data


def test_summary_counts_match_the_store(api: Services) -> None:
    done = api.scenarios()["completed"]
    data = api.reviews.editor_data(done.enrolment_id, TODAY)
    three, six = data.review_for("review-3"), data.review_for("review-6")
    assert three and six and three.data.held_on and six.data.held_on
    summary = api.reviews.summary(done.enrolment_id, "review-6", six.data.held_on, TODAY)
    assert summary.start == three.data.held_on + timedelta(days=1)
    assert summary.end == six.data.held_on
    with api.ctx.database.uow() as uow:
        rows = queries.evidence(uow.session, done.enrolment_id)
        held = dict(uow.session.execute(
            select(Evidence.id, SupervisionEntry.held)
            .join(SupervisionEntry, SupervisionEntry.evidence_id == Evidence.id)
            .where(Evidence.enrolment_id == done.enrolment_id)).all())
    period = [e for e in rows if summary.start <= e.occurred_on <= summary.end]
    final = Counter(e.kind for e in period if e.status != EvidenceStatus.DRAFT.value)
    assert {c.kind.value: c.final for c in summary.counts if c.final} == dict(final)
    sup = [e for e in period if e.kind == EvidenceKind.SUPERVISION.value]
    assert summary.supervision.held == sum(held[e.id] for e in sup)
    assert summary.supervision.cancelled == sum(not held[e.id] for e in sup)
    linked = {(ln.framework_id, ln.statement_code) for e in period
              if e.status != EvidenceStatus.DRAFT.value for ln in e.links}
    assert {(s.framework_id, s.code) for s in summary.covered} == linked
    assert summary.workload is not None and summary.workload.workload_percent == 90.0


def test_summary_before_the_meeting_runs_to_today_and_moves_with_the_date(api: Services) -> None:
    new = api.scenarios()["new"]
    so_far = api.reviews.summary(new.enrolment_id, "review-3", None, TODAY)
    assert so_far.start == new.start_date and so_far.end == TODAY
    earlier = api.reviews.summary(new.enrolment_id, "review-3", TODAY - timedelta(days=30), TODAY)
    assert earlier.total < so_far.total
    assert earlier.supervision.owed < so_far.supervision.owed
    with pytest.raises(UsageError):
        api.reviews.summary(new.enrolment_id, "month-13", None, TODAY)

"""Clearing the raw notes of closed portfolios (the retention purge), inside one session.

Every ``Text`` column of the evidence detail tables, the standard links' comments and
the reviews' narrative is emptied; ids, dates, kinds, titles, ratings, judgements,
links and the signed documents stay. The audit listener records which fields changed
(never their text), and one summary event records the counts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Text, inspect, select
from sqlalchemy.orm import Session

from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.store.audit import append_events
from assessor_app.store.models.assessment import Review
from assessor_app.store.models.evidence import (
    Evidence,
    Feedback,
    Observation,
    RecordReview,
    Reflection,
    SelfAssessment,
    StandardLink,
    SupervisionEntry,
)
from assessor_app.store.models.people import Enrolment

CLOSED = (EnrolmentStatus.COMPLETED.value, EnrolmentStatus.WITHDRAWN.value,
          EnrolmentStatus.LEFT.value)
DETAIL_MODELS = (Observation, RecordReview, Feedback, Reflection, SelfAssessment,
                 SupervisionEntry)
#: JSON columns that hold free text too: review comments {party: text}
JSON_TEXT = {Review: ("comments",)}


def _text_columns(model: type) -> list[str]:
    return [c.key for c in inspect(model).columns if isinstance(c.type, Text)]


def closed_before(session: Session, cutoff: date) -> tuple[list[str], int]:
    """(ids of enrolments closed before ``cutoff``, closed ones with no closing date)."""
    rows = session.execute(select(Enrolment.id, Enrolment.completed_on).where(
        Enrolment.status.in_(CLOSED), Enrolment.deleted_at.is_(None))).all()
    return [r.id for r in rows if r.completed_on and r.completed_on < cutoff], \
        sum(1 for r in rows if r.completed_on is None)


def _clear(obj: object, columns: list[str], json_columns: tuple[str, ...] = ()) -> int:
    cleared = 0
    for key in columns:
        if getattr(obj, key):
            setattr(obj, key, "")
            cleared += 1
    for key in json_columns:
        if getattr(obj, key):
            setattr(obj, key, {})
            cleared += 1
    return cleared


def purge_notes(session: Session, enrolment_ids: list[str]) -> dict[str, int]:
    """Empty the raw notes of these enrolments; returns counts (the caller commits or not)."""
    counts = {"enrolments": len(enrolment_ids), "evidence": 0, "reviews": 0, "fields": 0}
    if not enrolment_ids:
        return counts
    evidence_ids = list(session.scalars(select(Evidence.id).where(
        Evidence.enrolment_id.in_(enrolment_ids))))
    touched: set[str] = set()
    for model in DETAIL_MODELS:
        columns = _text_columns(model)
        for row in session.scalars(select(model).where(model.evidence_id.in_(evidence_ids))):
            n = _clear(row, columns)
            if n:
                touched.add(row.evidence_id)
                counts["fields"] += n
    for link in session.scalars(select(StandardLink).where(
            StandardLink.evidence_id.in_(evidence_ids))):
        if link.comment:
            link.comment = ""
            touched.add(link.evidence_id)
            counts["fields"] += 1
    counts["evidence"] = len(touched)
    review_columns = _text_columns(Review)
    for review in session.scalars(select(Review).where(Review.enrolment_id.in_(enrolment_ids))):
        n = _clear(review, review_columns, JSON_TEXT[Review])
        if n:
            counts["reviews"] += 1
            counts["fields"] += n
    session.flush()
    return counts


def record_purge(session: Session, actor: str, counts: dict[str, int], cutoff: date) -> None:
    """One summary event in the audit chain: counts and the cut-off date, nothing else."""
    fields = [f"{k}={v}" for k, v in sorted(counts.items())] + [f"cutoff={cutoff.isoformat()}"]
    append_events(session, actor, [("retention", "store", "purge", fields)])

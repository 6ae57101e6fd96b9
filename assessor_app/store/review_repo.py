"""Review meetings and the final assessment in the store; plain values in and out.

Rows are read and written inside the caller's unit of work; the rules (who may
change what, when) live in ``services.reviews`` and ``services.assessment``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.review_dto import (
    AgreementTerms,
    AssessmentInput,
    AssessmentRecord,
    Attendee,
    EvidenceBrief,
    LinkFact,
    ReviewInput,
    ReviewRecord,
    StandardJudgementInput,
)
from assessor_app.store.models import (
    Agreement,
    Evidence,
    FinalAssessment,
    Review,
    StandardLink,
    SupervisionEntry,
)


def _live(model):  # type: ignore[no-untyped-def]
    return model.deleted_at.is_(None)


# -- reviews -------------------------------------------------------------------------

def _signoffs(raw: Any) -> dict[str, date]:
    out: dict[str, date] = {}
    for party, value in (raw or {}).items():
        with contextlib.suppress(TypeError, ValueError):
            out[str(party)] = date.fromisoformat(str(value))
    return out


def _review_record(r: Review, locked: bool) -> ReviewRecord:
    data = ReviewInput(
        review_point_id=r.review_point_id, held_on=r.held_on,
        attendees=tuple(Attendee(str(a.get("name", "")), str(a.get("role", "")))
                        for a in (r.attendees or []) if isinstance(a, dict)),
        judgement=r.judgement, reasons=r.reasons, workload_check=r.workload_check,
        supervision_check=r.supervision_check, pdp=r.pdp,
        comments={str(k): str(v) for k, v in (r.comments or {}).items()},
        signoffs=_signoffs(r.signoffs))
    return ReviewRecord(r.id, r.enrolment_id, r.status, data,
                        locked=locked and r.status == "final")


def _apply_review(r: Review, data: ReviewInput, status: str) -> None:
    r.review_point_id = data.review_point_id
    r.held_on = data.held_on
    r.attendees = [{"name": a.name, "role": a.role} for a in data.attendees]
    r.judgement = data.judgement
    r.reasons = data.reasons
    r.workload_check = data.workload_check
    r.supervision_check = data.supervision_check
    r.pdp = data.pdp
    r.comments = {k: v for k, v in data.comments.items() if v}
    r.signoffs = {k: v.isoformat() for k, v in data.signoffs.items()}
    r.status = status


def reviews(session: Session, enrolment_id: str, *, locked: bool = False) -> list[ReviewRecord]:
    rows = session.execute(select(Review).where(Review.enrolment_id == enrolment_id, _live(Review))
                           .order_by(Review.held_on, Review.review_point_id)).scalars()
    return [_review_record(r, locked) for r in rows]


def review(session: Session, review_id: str, *, locked: bool = False) -> ReviewRecord | None:
    r = session.get(Review, review_id)
    return None if r is None or r.deleted_at is not None else _review_record(r, locked)


def review_row(session: Session, review_id: str) -> Review | None:
    """The review's row, deleted or not (who changed it last, a tombstone)."""
    return session.get(Review, review_id)


def add_review(session: Session, enrolment_id: str, data: ReviewInput, status: str) -> str:
    r = Review(enrolment_id=enrolment_id, review_point_id=data.review_point_id)
    _apply_review(r, data, status)
    session.add(r)
    session.flush()
    return r.id


def update_review(session: Session, review_id: str, data: ReviewInput, status: str) -> None:
    r = session.get(Review, review_id)
    if r is None:
        raise LookupError(review_id)
    _apply_review(r, data, status)
    session.flush()


# -- the final assessment ---------------------------------------------------------------

def _judgements(raw: Any) -> dict[str, StandardJudgementInput]:
    out = {}
    for key, j in (raw or {}).items():
        if isinstance(j, dict):
            out[str(key)] = StandardJudgementInput(
                str(j.get("judgement", "")), tuple(str(i) for i in j.get("evidence_ids") or ()),
                str(j.get("comment", "")))
    return out


def _assessment_record(f: FinalAssessment) -> AssessmentRecord:
    data = AssessmentInput(
        judgements=_judgements(f.judgements), strengths=f.strengths, development=f.development,
        year2_plan=f.year2_plan, recommendation=f.recommendation, rationale=f.rationale,
        practitioner_comments=f.practitioner_comments, manager_comments=f.manager_comments)
    return AssessmentRecord(f.id, f.enrolment_id, f.status, data, f.moderation_outcome)


def _assessment_row(session: Session, enrolment_id: str) -> FinalAssessment | None:
    return session.execute(select(FinalAssessment).where(
        FinalAssessment.enrolment_id == enrolment_id, _live(FinalAssessment))).scalars().first()


def assessment_row(session: Session, enrolment_id: str) -> FinalAssessment | None:
    """The live final assessment's row (who changed it last)."""
    return _assessment_row(session, enrolment_id)


def assessment(session: Session, enrolment_id: str) -> AssessmentRecord | None:
    f = _assessment_row(session, enrolment_id)
    return _assessment_record(f) if f is not None else None


def assessment_status(session: Session, enrolment_id: str) -> str:
    """"" when there is no final assessment yet."""
    status = session.execute(select(FinalAssessment.status).where(
        FinalAssessment.enrolment_id == enrolment_id, _live(FinalAssessment))).scalars().first()
    return status or ""


def add_assessment(session: Session, enrolment_id: str) -> AssessmentRecord:
    from assessor_app.store.base import new_id, singleton_id

    fid = singleton_id("final_assessment", enrolment_id)
    if session.get(FinalAssessment, fid) is not None:  # that one was deleted: a new record
        fid = new_id()
    f = FinalAssessment(id=fid, enrolment_id=enrolment_id, judgements={}, status="draft")
    session.add(f)
    session.flush()
    return _assessment_record(f)


def write_assessment(session: Session, enrolment_id: str, data: AssessmentInput,
                     status: str) -> AssessmentRecord:
    """Replace the entered fields; judgements of standards not in ``data`` are kept."""
    f = _assessment_row(session, enrolment_id)
    if f is None:
        raise LookupError(enrolment_id)
    merged = dict(f.judgements or {})
    merged.update({k: j.stored() for k, j in data.judgements.items()})
    f.judgements = merged  # a new dict, so the JSON column sees the change
    for name in ("strengths", "development", "year2_plan", "recommendation", "rationale",
                 "practitioner_comments", "manager_comments"):
        setattr(f, name, getattr(data, name))
    f.status = status
    session.flush()
    return _assessment_record(f)


def set_assessment_status(session: Session, enrolment_id: str, status: str) -> None:
    f = _assessment_row(session, enrolment_id)
    if f is None:
        raise LookupError(enrolment_id)
    f.status = status
    session.flush()


# -- what reviews and the assessment read -----------------------------------------------

def evidence_briefs(session: Session, enrolment_id: str) -> list[EvidenceBrief]:
    """Every live piece of evidence with its links (and strengths) and supervision flags."""
    mine = select(Evidence.id).where(Evidence.enrolment_id == enrolment_id, _live(Evidence))
    links: dict[str, list[LinkFact]] = defaultdict(list)
    for eid, fw, code, strength in session.execute(
            select(StandardLink.evidence_id, StandardLink.framework_id, StandardLink.statement_code,
                   StandardLink.strength)
            .where(StandardLink.evidence_id.in_(mine), _live(StandardLink))):
        links[eid].append(LinkFact(fw, code, int(strength or 1)))
    sessions = {eid: (bool(held), int(minutes or 0)) for eid, held, minutes in session.execute(
        select(SupervisionEntry.evidence_id, SupervisionEntry.held, SupervisionEntry.duration_minutes)
        .where(SupervisionEntry.evidence_id.in_(mine), _live(SupervisionEntry)))}
    rows = session.execute(
        select(Evidence.id, Evidence.kind, Evidence.status, Evidence.occurred_on, Evidence.title)
        .where(Evidence.enrolment_id == enrolment_id, _live(Evidence))
        .order_by(Evidence.occurred_on, Evidence.id)).all()
    out = []
    for eid, kind, status, day, title in rows:
        held, minutes = sessions.get(eid, (True, 0))
        out.append(EvidenceBrief(eid, EvidenceKind(kind), EvidenceStatus(status), day, title,
                                 tuple(sorted(links[eid], key=lambda ln: (ln.key, ln.strength))),
                                 held, minutes))
    return out


def agreement_terms(session: Session, enrolment_id: str) -> AgreementTerms | None:
    a = session.execute(select(Agreement).where(Agreement.enrolment_id == enrolment_id,
                                                _live(Agreement))).scalars().first()
    if a is None:
        return None
    return AgreementTerms(a.agreed_on, a.supervision_plan, a.workload_percent,
                          a.protected_time_percent, a.workload_notes)

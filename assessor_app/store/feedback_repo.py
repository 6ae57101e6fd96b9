"""The ratings of a feedback row (a JSON column the string-valued editor forms do not hold)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.store.models import Evidence, Feedback


def _row(session: Session, evidence_id: str) -> Feedback | None:
    ev = session.get(Evidence, evidence_id)
    if ev is None or ev.deleted_at is not None:
        return None
    row = session.scalars(select(Feedback).where(Feedback.evidence_id == evidence_id)).first()
    if row is None:
        row = Feedback(evidence_id=evidence_id)
        session.add(row)
    return row


def ratings(session: Session, evidence_id: str) -> dict[str, int]:
    row = _row(session, evidence_id)
    return dict(row.ratings or {}) if row is not None else {}


def update_ratings(session: Session, evidence_id: str,
                   changes: Mapping[str, int | None]) -> bool:
    """Set (or with None remove) the given ratings; False when the evidence is gone."""
    row = _row(session, evidence_id)
    if row is None:
        return False
    new = dict(row.ratings or {})
    for qid, value in changes.items():
        if value is None:
            new.pop(qid, None)
        else:
            new[qid] = value
    if new != (row.ratings or {}):
        row.ratings = new  # a new dict: the JSON column notices the change
    return True


def clear_ratings(session: Session, evidence_id: str) -> None:
    row = _row(session, evidence_id)
    if row is not None and row.ratings:
        row.ratings = {}

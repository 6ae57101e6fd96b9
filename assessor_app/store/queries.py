"""Read queries for the list and the practitioner page: plain records, no ORM objects escape.

Enrolment records come from ``records.py`` (plain SQL, shared with the start-up
path); evidence rows for the page are read here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.domain.dto import LinkRow
from assessor_app.store.models import (
    Evidence,
    StandardLink,
)
from assessor_app.store.records import EnrolmentRecord, enrolment_records


@dataclass(frozen=True)
class EvidenceRecord:
    id: str
    kind: str
    title: str
    occurred_on: date
    status: str
    stage_id: str
    transcribed: bool
    links: tuple[LinkRow, ...]


def _live(model):  # type: ignore[no-untyped-def]
    return model.deleted_at.is_(None)


def enrolments(session: Session, enrolment_id: str | None = None) -> list[EnrolmentRecord]:
    """The enrolment records, read in this unit of work's own transaction."""
    return enrolment_records(session.connection().connection.driver_connection, enrolment_id)


def evidence(session: Session, enrolment_id: str) -> list[EvidenceRecord]:
    links: dict[str, list[LinkRow]] = defaultdict(list)
    q = (select(StandardLink.evidence_id, StandardLink.framework_id, StandardLink.statement_code,
                StandardLink.comment)
         .join(Evidence, Evidence.id == StandardLink.evidence_id)
         .where(Evidence.enrolment_id == enrolment_id, _live(StandardLink), _live(Evidence)))
    for eid, fw, code, comment in session.execute(q):
        links[eid].append(LinkRow(fw, code, comment))
    rows = session.execute(
        select(Evidence.id, Evidence.kind, Evidence.title, Evidence.occurred_on, Evidence.status,
               Evidence.stage_id, Evidence.transcribed)
        .where(Evidence.enrolment_id == enrolment_id, _live(Evidence))
        .order_by(Evidence.occurred_on.desc(), Evidence.title)
    ).all()
    return [EvidenceRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(links[r[0]])) for r in rows]

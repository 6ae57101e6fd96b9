"""Read models handed to the GUI and CLI: plain frozen dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessor_app.domain.catalogue import Framework, Programme
from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind, EvidenceStatus
from assessor_app.domain.programme_length import LengthCheck
from assessor_app.domain.sufficiency import Sufficiency
from assessor_app.domain.timeline import DueItem, Timeline


@dataclass(frozen=True)
class PractitionerRow:
    """One line of the main list."""

    practitioner_id: str
    enrolment_id: str
    name: str
    programme_title: str
    status: EnrolmentStatus
    stage_title: str  # "" when completed
    next_due: DueItem | None
    overdue: tuple[DueItem, ...]
    assessor_name: str
    start_date: date
    fte: float
    length: LengthCheck | None = None  # None: no maximum, or withdrawn or left


@dataclass(frozen=True)
class LinkRow:
    framework_id: str
    statement_code: str
    comment: str


@dataclass(frozen=True)
class EvidenceRow:
    id: str
    kind: EvidenceKind
    title: str
    occurred_on: date
    status: EvidenceStatus
    stage_id: str
    stage_title: str
    links: tuple[LinkRow, ...]
    transcribed: bool = False


@dataclass(frozen=True)
class PauseRow:
    id: str
    start: date
    end: date | None
    reason: str
    agreed_by: str


@dataclass(frozen=True)
class ReviewRow:
    id: str
    review_point_id: str
    title: str
    held_on: date | None
    judgement: str


@dataclass(frozen=True)
class PractitionerPage:
    row: PractitionerRow
    registration_number: str
    team: str
    line_manager_name: str
    programme: Programme
    frameworks: tuple[Framework, ...]
    timeline: Timeline
    pauses: tuple[PauseRow, ...]
    evidence: tuple[EvidenceRow, ...]  # newest first
    reviews: tuple[ReviewRow, ...]
    sufficiency: Sufficiency
    today: date

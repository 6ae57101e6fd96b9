"""Everything a PDF report shows, as frozen dataclasses (pure: no I/O).

The service fills a ``ReportData`` from the store; ``reports/`` lays it out; and
``anonymise`` walks it to make the moderation copy. Evidence details are kept as
an ordered list of labelled fields so every column an assessor can fill in
reaches the appendix (``report_fields.detail_fields``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from assessor_app.domain.catalogue import Framework, Programme
from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind
from assessor_app.domain.programme_length import LengthCheck, enrolment_length
from assessor_app.domain.sufficiency import Sufficiency
from assessor_app.domain.timeline import Timeline


class ReportKind(StrEnum):
    FINAL = "final"
    REVIEW = "review"
    EVIDENCE = "evidence"
    PORTFOLIO = "portfolio"
    MODERATION = "moderation"

    @property
    def title(self) -> str:
        return REPORT_TITLES[self]


REPORT_TITLES: dict[ReportKind, str] = {
    ReportKind.FINAL: "Final assessment report",
    ReportKind.REVIEW: "Review report",
    ReportKind.EVIDENCE: "Evidence record",
    ReportKind.PORTFOLIO: "Portfolio",
    ReportKind.MODERATION: "Portfolio — anonymised for moderation",
}


class FieldTag(StrEnum):
    """What a field holds, so anonymisation knows what to replace or remove."""

    TEXT = ""
    NAME = "name"  # a person's name: replaced by a pseudonym
    CASE = "case"  # a case reference: removed
    REGISTRATION = "registration"  # a registration number: removed


@dataclass(frozen=True)
class ReportMeta:
    kind: ReportKind
    document_id: str  # uuid4, printed on every page
    generated_at: datetime
    evidence_set_sha256: str
    anonymised: bool = False

    @property
    def title(self) -> str:
        return self.kind.title


@dataclass(frozen=True)
class PractitionerInfo:
    id: str
    name: str
    registration_number: str
    team: str
    employer: str
    fte: float


@dataclass(frozen=True)
class PersonInfo:
    role: str  # assessor / manager / coordinator (domain.enums.PersonRole values)
    name: str
    job_title: str = ""
    registration_number: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role.capitalize())


ROLE_LABELS = {"assessor": "Assessor", "manager": "Line manager", "coordinator": "Programme coordinator",
               "practitioner": "Practitioner"}


@dataclass(frozen=True)
class PauseInfo:
    start: date
    end: date | None
    reason: str
    detail: str
    agreed_by: str


@dataclass(frozen=True)
class ProgrammeDates:
    start: date
    final_review_due: date
    moderation_due: date | None
    completed_on: date | None
    status: str
    outcome: str
    extension_months: float
    extension_reason: str
    pauses: tuple[PauseInfo, ...]


@dataclass(frozen=True)
class AgreementInfo:
    agreed_on: date | None
    planned_dates: tuple[tuple[str, date], ...]  # (review or panel title, planned date)
    supervision_plan: str
    workload_percent: float
    protected_time_percent: float
    workload_notes: str
    initial_pdp: str


@dataclass(frozen=True)
class SupportMonth:
    month: date  # first day of the calendar month
    held: int
    cancelled: int
    minutes: int


@dataclass(frozen=True)
class SupportSummary:
    """Supervision as logged: what moderators check against what was owed."""

    held: int
    cancelled: int
    minutes: int
    months: tuple[SupportMonth, ...]

    @property
    def average_minutes_per_month(self) -> float:
        return self.minutes / len(self.months) if self.months else 0.0


@dataclass(frozen=True)
class DetailField:
    label: str
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()  # a small two-column table (criteria, ratings)
    long: bool = False  # narrative: laid out as paragraphs, not in a table cell
    tag: FieldTag = FieldTag.TEXT


@dataclass(frozen=True)
class LinkInfo:
    framework_id: str
    framework_short: str
    statement_code: str
    statement_title: str
    comment: str
    strength: int


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    mime: str
    size: int
    sha256: str


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    number: int  # E1, E2, ... in date order: the appendix and the summaries cite these
    kind: EvidenceKind
    title: str
    occurred_on: date
    status: str
    stage_id: str
    stage_title: str
    author_role: str
    transcribed: bool
    fields: tuple[DetailField, ...]
    links: tuple[LinkInfo, ...]
    attachments: tuple[AttachmentInfo, ...] = ()

    @property
    def ref(self) -> str:
        return f"E{self.number}"


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str


@dataclass(frozen=True)
class ReviewInfo:
    id: str
    review_point_id: str
    title: str
    due: date | None
    held_on: date | None
    attendees: tuple[Attendee, ...]
    judgement: str
    reasons: str
    workload_check: str
    supervision_check: str
    pdp: str
    comments: tuple[tuple[str, str], ...]  # (party, text)
    signoffs: tuple[tuple[str, str], ...]  # (party, ISO date or text as stored)
    status: str
    period_start: date | None = None  # the evidence of the period runs from here ...
    period_end: date | None = None  # ... to here (inclusive)


@dataclass(frozen=True)
class StandardJudgement:
    framework_id: str
    code: str
    title: str
    judgement: str
    comment: str
    evidence_ids: tuple[str, ...]


@dataclass(frozen=True)
class FinalInfo:
    judgements: tuple[StandardJudgement, ...]
    strengths: str
    development: str
    year2_plan: str
    recommendation: str
    rationale: str
    practitioner_comments: str
    manager_comments: str
    moderation_outcome: str
    status: str


@dataclass(frozen=True)
class ReportData:
    meta: ReportMeta
    practitioner: PractitionerInfo
    programme: Programme
    frameworks: tuple[Framework, ...]
    dates: ProgrammeDates
    timeline: Timeline
    people: tuple[PersonInfo, ...]
    agreement: AgreementInfo | None
    support: SupportSummary
    reviews: tuple[ReviewInfo, ...]  # in date order
    final: FinalInfo | None
    evidence: tuple[EvidenceItem, ...]  # oldest first, numbered
    sufficiency: Sufficiency
    today: date
    focus_review_id: str = ""  # the review of a review report
    focus_evidence_id: str = ""  # the item of an evidence record

    def person(self, role: str) -> PersonInfo | None:
        return next((p for p in self.people if p.role == role), None)

    def evidence_by_id(self) -> dict[str, EvidenceItem]:
        return {e.id: e for e in self.evidence}

    def focus_review(self) -> ReviewInfo | None:
        return next((r for r in self.reviews if r.id == self.focus_review_id), None)

    def focus_evidence(self) -> EvidenceItem | None:
        return next((e for e in self.evidence if e.id == self.focus_evidence_id), None)

    def length_check(self) -> LengthCheck | None:
        """The programme's maximum length against this enrolment's end (None: no maximum)."""
        try:
            status = EnrolmentStatus(self.dates.status)
        except ValueError:
            status = EnrolmentStatus.ACTIVE
        return enrolment_length(self.programme, self.timeline, status,
                                completed_on=self.dates.completed_on,
                                still_paused=any(p.end is None for p in self.dates.pauses))


# -- labels ------------------------------------------------------------------------------

JUDGEMENT_LABELS = {"on_track": "On track", "some_concerns": "Some concerns",
                    "serious_concerns": "Serious concerns", "met": "Met", "not_met": "Not met",
                    "partly": "Partly met", "pass": "Pass", "fail": "Fail", "": "Not recorded"}


def label_of(value: str) -> str:
    """A stored code as words ("some_concerns" → "Some concerns")."""
    return JUDGEMENT_LABELS.get(value) or humanise(value)


def humanise(key: str) -> str:
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def long_date(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def short_date(d: date | None) -> str:
    """For table columns: "7 Jul 2026"."""
    return f"{d.day} {d:%b %Y}" if d else ""


def support_summary(entries: Iterable[tuple[date, bool, int]], start: date,
                    end: date) -> SupportSummary:
    """Supervision per calendar month from ``start`` to ``end``, months without any included.

    ``entries`` are (day, held, minutes). An empty month is the point: the log
    shows support that was owed and not given.
    """
    by_month: dict[date, list[int]] = {}
    m = date(start.year, start.month, 1)
    last = date(end.year, end.month, 1)
    while m <= last:
        by_month[m] = [0, 0, 0]
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    held = cancelled = minutes = 0
    for day, was_held, mins in entries:
        key = date(day.year, day.month, 1)
        slot = by_month.setdefault(key, [0, 0, 0])
        if was_held:
            slot[0] += 1
            slot[2] += mins
            held += 1
            minutes += mins
        else:
            slot[1] += 1
            cancelled += 1
    months = tuple(SupportMonth(k, *v) for k, v in sorted(by_month.items()))
    return SupportSummary(held, cancelled, minutes, months)

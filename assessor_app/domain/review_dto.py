"""Plain values for review meetings and the final assessment, crossing store → services → GUI.

Frozen dataclasses only: the GUI edits copies and hands back an ``*Input``; it never
sees a mapped row. Stored shapes are kept: a review's comments and sign-offs are
``{party: text}`` / ``{party: ISO date}``; the final assessment's judgements are
``{"framework_id:code": {"judgement", "evidence_ids", "comment"}}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assessor_app.domain.edit_merge import RecordChange
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.sufficiency import MinimumStatus

#: who comments on and signs a review, in the order the forms show them
PARTIES: tuple[str, ...] = ("practitioner", "manager", "assessor")
PARTY_LABELS: dict[str, str] = {"practitioner": "Practitioner", "manager": "Line manager",
                                "assessor": "Assessor"}

PROGRESS_LABELS: dict[str, str] = {"on_track": "On track", "some_concerns": "Some concerns",
                                   "serious_concerns": "Serious concerns"}

#: stored judgement codes per standard (the report's labels know "met", "partly", "not_met")
STANDARD_JUDGEMENTS: dict[str, str] = {"met": "Demonstrated", "partly": "Partly",
                                       "not_met": "Not yet"}

RECOMMENDATIONS: dict[str, str] = {"pass": "Pass", "fail": "Fail"}


def standard_key(framework_id: str, code: str) -> str:
    return f"{framework_id}:{code}"


# -- evidence as reviews and the assessment need it (no narrative) ----------------------

@dataclass(frozen=True)
class LinkFact:
    framework_id: str
    code: str
    strength: int  # 1 some, 2 clear, 3 strong

    @property
    def key(self) -> str:
        return standard_key(self.framework_id, self.code)


@dataclass(frozen=True)
class EvidenceBrief:
    id: str
    kind: EvidenceKind
    status: EvidenceStatus
    occurred_on: date
    title: str
    links: tuple[LinkFact, ...] = ()
    held: bool = True  # supervision only: False when cancelled or moved
    minutes: int = 0  # supervision only


@dataclass(frozen=True)
class AgreementTerms:
    agreed_on: date | None
    supervision_plan: str
    workload_percent: float
    protected_time_percent: float
    workload_notes: str


# -- reviews -------------------------------------------------------------------------

@dataclass(frozen=True)
class Attendee:
    name: str
    role: str


@dataclass(frozen=True)
class ReviewInput:
    """What the review form holds; ``signoffs`` maps a party to the day they signed."""

    review_point_id: str
    held_on: date | None = None
    attendees: tuple[Attendee, ...] = ()
    judgement: str = ""  # domain.enums.ProgressJudgement value, or "" while undecided
    reasons: str = ""
    workload_check: str = ""
    supervision_check: str = ""
    pdp: str = ""
    comments: dict[str, str] = field(default_factory=dict)
    signoffs: dict[str, date] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewRecord:
    id: str
    enrolment_id: str
    status: str  # draft / final
    data: ReviewInput
    locked: bool = False  # final, and the final assessment is signed: read only
    #: fields with an open sync conflict (``comments.manager``: one party's comments)
    conflicts: tuple[str, ...] = ()
    change: RecordChange = field(default_factory=RecordChange)  # who changed it last
    #: after a save: who had changed the same fields meanwhile (both versions were kept)
    conflicted_with: RecordChange | None = None


@dataclass(frozen=True)
class ReviewPointInfo:
    id: str
    title: str
    due: date
    month: float
    optional: bool
    final: bool
    review_id: str | None = None
    review_status: str = ""


@dataclass(frozen=True)
class ReviewEditorData:
    enrolment_id: str
    practitioner_name: str
    programme_title: str
    points: tuple[ReviewPointInfo, ...]
    reviews: tuple[ReviewRecord, ...]
    usual_attendees: tuple[Attendee, ...]  # practitioner, assessor, line manager
    assessment_signed: bool
    today: date

    def review_for(self, point_id: str) -> ReviewRecord | None:
        return next((r for r in self.reviews if r.data.review_point_id == point_id), None)


# -- the final assessment ---------------------------------------------------------------

@dataclass(frozen=True)
class StandardRef:
    framework_id: str
    framework_title: str  # short title: "PQS (KSS)"
    code: str
    title: str

    @property
    def key(self) -> str:
        return standard_key(self.framework_id, self.code)


@dataclass(frozen=True)
class StandardJudgementInput:
    judgement: str = ""  # one of STANDARD_JUDGEMENTS, or "" while undecided
    evidence_ids: tuple[str, ...] = ()
    comment: str = ""

    def stored(self) -> dict[str, Any]:
        return {"judgement": self.judgement, "evidence_ids": list(self.evidence_ids),
                "comment": self.comment}


@dataclass(frozen=True)
class AssessmentInput:
    judgements: dict[str, StandardJudgementInput] = field(default_factory=dict)
    strengths: str = ""
    development: str = ""
    year2_plan: str = ""
    recommendation: str = ""  # pass / fail / ""
    rationale: str = ""
    practitioner_comments: str = ""
    manager_comments: str = ""


@dataclass(frozen=True)
class AssessmentRecord:
    id: str
    enrolment_id: str
    status: str  # draft / final / signed
    data: AssessmentInput
    moderation_outcome: str = ""
    #: fields with an open sync conflict (``judgements.<framework:code>``: one standard)
    conflicts: tuple[str, ...] = ()
    change: RecordChange = field(default_factory=RecordChange)  # who changed it last
    #: after a save: who had changed the same fields meanwhile (both versions were kept)
    conflicted_with: RecordChange | None = None

    @property
    def signed(self) -> bool:
        return self.status == "signed"


@dataclass(frozen=True)
class EvidenceOption:
    """One piece of evidence linked to a standard, as the editor lists it."""

    id: str
    title: str
    kind: EvidenceKind
    occurred_on: date
    strength: int
    status: EvidenceStatus


@dataclass(frozen=True)
class AssessmentEditorData:
    """Everything the final assessment editor shows, fetched in one call."""

    enrolment_id: str
    practitioner_name: str
    programme_title: str
    record: AssessmentRecord
    standards: tuple[StandardRef, ...]  # framework order, statement order
    options: dict[str, tuple[EvidenceOption, ...]]  # key → linked evidence, strongest first
    suggested: dict[str, tuple[str, ...]]  # key → evidence ids suggested (non-draft)
    minimums: tuple[MinimumStatus, ...]
    today: date

    @property
    def known_evidence(self) -> frozenset[str]:
        return frozenset(o.id for opts in self.options.values() for o in opts)


def standards_text(standards: Sequence[StandardRef]) -> str:
    """'PCF 1, 3, 4; SWE standards 2': codes grouped by framework, in the order given."""
    groups: dict[str, list[str]] = {}
    for s in standards:
        groups.setdefault(s.framework_title, []).append(s.code)
    return "; ".join(f"{fw} {', '.join(codes)}" for fw, codes in groups.items())

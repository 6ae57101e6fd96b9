"""Vocabulary shared by every layer (values are stored in the DB and in JSON exports)."""

from __future__ import annotations

from enum import StrEnum


class EvidenceKind(StrEnum):
    OBSERVATION = "observation"
    RECORD_REVIEW = "record_review"
    FEEDBACK_LIVED = "feedback_lived"  # people who draw on services: children, parents, carers
    FEEDBACK_PROFESSIONAL = "feedback_professional"
    REFLECTION = "reflection"
    SELF_ASSESSMENT = "self_assessment"
    SUPERVISION = "supervision"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.OBSERVATION: "Direct observation",
    EvidenceKind.RECORD_REVIEW: "Review of written work",
    EvidenceKind.FEEDBACK_LIVED: "Feedback from people with lived experience",
    EvidenceKind.FEEDBACK_PROFESSIONAL: "Feedback from other professionals",
    EvidenceKind.REFLECTION: "Critical reflection",
    EvidenceKind.SELF_ASSESSMENT: "Self-assessment",
    EvidenceKind.SUPERVISION: "Supervision log entry",
}

KIND_SHORT: dict[EvidenceKind, str] = {
    EvidenceKind.OBSERVATION: "Observation",
    EvidenceKind.RECORD_REVIEW: "Written work",
    EvidenceKind.FEEDBACK_LIVED: "Family feedback",
    EvidenceKind.FEEDBACK_PROFESSIONAL: "Professional feedback",
    EvidenceKind.REFLECTION: "Reflection",
    EvidenceKind.SELF_ASSESSMENT: "Self-assessment",
    EvidenceKind.SUPERVISION: "Supervision",
}


class EvidenceStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"
    SIGNED = "signed"


class EnrolmentStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    EXTENDED = "extended"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    LEFT = "left"


class PersonRole(StrEnum):
    ASSESSOR = "assessor"
    LINE_MANAGER = "manager"
    COORDINATOR = "coordinator"


class ProgressJudgement(StrEnum):
    ON_TRACK = "on_track"
    SOME_CONCERNS = "some_concerns"
    SERIOUS_CONCERNS = "serious_concerns"


class Recommendation(StrEnum):
    PASS = "pass"
    FAIL = "fail"


class DueKind(StrEnum):
    """Kinds of dated item on an enrolment's timeline."""

    AGREEMENT = "agreement"
    REVIEW = "review"
    OBSERVATION_WINDOW = "observation_window"
    REFLECTION = "reflection"
    FINAL_REVIEW = "final_review"
    MODERATION = "moderation"


class LengthStatus(StrEnum):
    """Where an enrolment's end falls against the programme's maximum length."""

    WITHIN = "within"
    APPROACHING = "approaching"  # in the last months before the limit, or on it
    BEYOND = "beyond"

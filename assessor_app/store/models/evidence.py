"""Evidence: one common row plus one detail table per kind (DOMAIN.md §4)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessor_app.store.base import Base, SyncMixin


class Evidence(SyncMixin, Base):
    __tablename__ = "evidence"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # domain.enums.EvidenceKind
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft / final / signed
    stage_id: Mapped[str] = mapped_column(String(64), default="")
    author_role: Mapped[str] = mapped_column(String(32), default="assessor")  # who wrote it
    transcribed: Mapped[bool] = mapped_column(Boolean, default=False)  # typed in from paper

    links: Mapped[list[StandardLink]] = relationship(back_populates="evidence")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="evidence")


class _Detail(SyncMixin):
    """A detail row shares its evidence's id (one-to-one)."""

    __abstract__ = True


class Observation(_Detail, Base):
    __tablename__ = "observation"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    start_time: Mapped[str] = mapped_column(String(5), default="")  # HH:MM
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    setting: Mapped[str] = mapped_column(String(32), default="")  # home visit, office, school, ...
    activity: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    people_present: Mapped[list] = mapped_column(JSON, default=list)  # roles only: "mother", "child, 7"
    consent_how: Mapped[str] = mapped_column(Text, default="")
    consent_by: Mapped[str] = mapped_column(String(200), default="")
    consent_on: Mapped[date | None] = mapped_column(Date, default=None)
    observer_name: Mapped[str] = mapped_column(String(200), default="")
    observer_role: Mapped[str] = mapped_column(String(200), default="")
    plan_before: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    development: Mapped[str] = mapped_column(Text, default="")
    practitioner_reflection: Mapped[str] = mapped_column(Text, default="")
    assessor_judgement: Mapped[str] = mapped_column(Text, default="")
    signed_off_by_practitioner: Mapped[date | None] = mapped_column(Date, default=None)
    signed_off_by_assessor: Mapped[date | None] = mapped_column(Date, default=None)


class RecordReview(_Detail, Base):
    __tablename__ = "record_review"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    case_reference: Mapped[str] = mapped_column(String(64), default="")  # pseudonymised
    record_type: Mapped[str] = mapped_column(String(64), default="")
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)  # {criterion_id: met/partly/not_met/na}
    grade: Mapped[str] = mapped_column(String(32), default="")
    commentary: Mapped[str] = mapped_column(Text, default="")


class Feedback(_Detail, Base):
    """Feedback from people with lived experience or from other professionals."""

    __tablename__ = "feedback"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    respondent_type: Mapped[str] = mapped_column(String(64), default="")  # child, parent, carer, ... or a professional role
    age_band: Mapped[str] = mapped_column(String(16), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(32), default="")  # adult form, easy-read, child, verbal, drawn
    method: Mapped[str] = mapped_column(String(32), default="")  # form, hand-over, verbal, transcribed
    collected_by: Mapped[str] = mapped_column(String(200), default="")
    practitioner_present: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[str] = mapped_column(String(16), default="")  # consent / assent / ""
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    respondent_ref: Mapped[str] = mapped_column(String(32), default="")  # anonymised identifier only
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)  # {question_id: 1..5}
    went_well: Mapped[str] = mapped_column(Text, default="")
    could_be_better: Mapped[str] = mapped_column(Text, default="")
    own_words: Mapped[str] = mapped_column(Text, default="")


class Reflection(_Detail, Base):
    __tablename__ = "reflection"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    period: Mapped[str] = mapped_column(String(32), default="")  # e.g. reflection-6
    prompt: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")


class SelfAssessment(_Detail, Base):
    __tablename__ = "self_assessment"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)  # {"fw:code": confidence 1..5}
    body: Mapped[str] = mapped_column(Text, default="")
    priorities: Mapped[str] = mapped_column(Text, default="")


class SupervisionEntry(_Detail, Base):
    __tablename__ = "supervision_entry"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), unique=True)
    supervisor_name: Mapped[str] = mapped_column(String(200), default="")
    held: Mapped[bool] = mapped_column(Boolean, default=True)  # False: cancelled or moved
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    case_discussion: Mapped[str] = mapped_column(Text, default="")
    reflective_discussion: Mapped[str] = mapped_column(Text, default="")
    wellbeing_workload: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")


class StandardLink(SyncMixin, Base):
    """One piece of evidence linked to one framework statement, with a short comment."""

    __tablename__ = "standard_link"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), index=True)
    framework_id: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[str] = mapped_column(String(32))
    statement_code: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    strength: Mapped[int] = mapped_column(Integer, default=1)  # 1 some, 2 clear, 3 strong

    evidence: Mapped[Evidence] = relationship(back_populates="links")


class Attachment(SyncMixin, Base):
    __tablename__ = "attachment"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    evidence: Mapped[Evidence] = relationship(back_populates="attachments")

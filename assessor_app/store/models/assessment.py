"""Reviews, the final assessment, generated documents and their signatures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assessor_app.store.base import Base, SyncMixin


class Review(SyncMixin, Base):
    __tablename__ = "review"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    review_point_id: Mapped[str] = mapped_column(String(64))  # from the programme
    held_on: Mapped[date | None] = mapped_column(Date, default=None)
    attendees: Mapped[list] = mapped_column(JSON, default=list)  # [{"name":..., "role":...}]
    judgement: Mapped[str] = mapped_column(String(32), default="")  # domain.enums.ProgressJudgement
    reasons: Mapped[str] = mapped_column(Text, default="")
    workload_check: Mapped[str] = mapped_column(Text, default="")
    supervision_check: Mapped[str] = mapped_column(Text, default="")
    pdp: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[dict] = mapped_column(JSON, default=dict)  # {party: text}
    signoffs: Mapped[dict] = mapped_column(JSON, default=dict)  # {party: ISO date}
    status: Mapped[str] = mapped_column(String(16), default="draft")


class FinalAssessment(SyncMixin, Base):
    __tablename__ = "final_assessment"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), unique=True)
    #: {"fw:code": {"judgement": ..., "evidence_ids": [...], "comment": ...}}
    judgements: Mapped[dict] = mapped_column(JSON, default=dict)
    strengths: Mapped[str] = mapped_column(Text, default="")
    development: Mapped[str] = mapped_column(Text, default="")
    year2_plan: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(String(8), default="")  # pass / fail
    rationale: Mapped[str] = mapped_column(Text, default="")
    practitioner_comments: Mapped[str] = mapped_column(Text, default="")
    manager_comments: Mapped[str] = mapped_column(Text, default="")
    moderation_outcome: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")


class Document(SyncMixin, Base):
    """A generated PDF. Once signed it is immutable: a correction is a new version."""

    __tablename__ = "document"

    enrolment_id: Mapped[str | None] = mapped_column(ForeignKey("enrolment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # final, review, evidence, portfolio, moderation
    #: what a review or evidence report is about (its review / evidence id); "" for the others.
    #: Versions count per (enrolment, kind, subject), so each review has its own history.
    subject_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(String(36), default=None)
    sha256: Mapped[str] = mapped_column(String(64))
    evidence_set_sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Signature(SyncMixin, Base):
    __tablename__ = "signature"

    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    cert_fingerprint: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    field_name: Mapped[str] = mapped_column(String(64), default="")

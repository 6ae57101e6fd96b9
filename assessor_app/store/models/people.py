"""People, practitioners and their enrolments on a programme."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessor_app.store.base import Base, SyncMixin


class Person(SyncMixin, Base):
    """Assessors, line managers and coordinators."""

    __tablename__ = "person"

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))  # domain.enums.PersonRole
    job_title: Mapped[str] = mapped_column(String(200), default="")
    registration_number: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")


class Practitioner(SyncMixin, Base):
    __tablename__ = "practitioner"

    name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(32), default="")  # Social Work England
    team: Mapped[str] = mapped_column(String(200), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    fte: Mapped[float] = mapped_column(Float, default=1.0)

    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="practitioner")


class Enrolment(SyncMixin, Base):
    """A practitioner on one version of a programme from a start date."""

    __tablename__ = "enrolment"

    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioner.id"), index=True)
    programme_id: Mapped[str] = mapped_column(String(64))
    programme_version: Mapped[str] = mapped_column(String(32))
    #: {framework_id: version} fixed when the enrolment starts, so old portfolios keep theirs
    framework_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    start_date: Mapped[date] = mapped_column(Date)
    fte: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # domain.enums.EnrolmentStatus
    extension_months: Mapped[float] = mapped_column(Float, default=0.0)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date, default=None)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # "", pass, fail
    assessor_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None, index=True)
    line_manager_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None)
    coordinator_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None)

    practitioner: Mapped[Practitioner] = relationship(back_populates="enrolments")
    assessor: Mapped[Person | None] = relationship(foreign_keys=[assessor_id])
    line_manager: Mapped[Person | None] = relationship(foreign_keys=[line_manager_id])
    coordinator: Mapped[Person | None] = relationship(foreign_keys=[coordinator_id])
    pauses: Mapped[list[Pause]] = relationship(back_populates="enrolment", order_by="Pause.start_date")


class Pause(SyncMixin, Base):
    __tablename__ = "pause"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)  # None: still paused
    reason: Mapped[str] = mapped_column(String(64))  # illness, bereavement, parental leave, support not given, other
    detail: Mapped[str] = mapped_column(Text, default="")
    agreed_by: Mapped[str] = mapped_column(String(200), default="")

    enrolment: Mapped[Enrolment] = relationship(back_populates="pauses")


class Agreement(SyncMixin, Base):
    """The support and assessment (learning) agreement."""

    __tablename__ = "agreement"

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), unique=True)
    agreed_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: {review_point_id or "moderation": ISO date}
    planned_dates: Mapped[dict] = mapped_column(JSON, default=dict)
    supervision_plan: Mapped[str] = mapped_column(Text, default="")
    workload_percent: Mapped[float] = mapped_column(Float, default=90.0)
    protected_time_percent: Mapped[float] = mapped_column(Float, default=10.0)
    workload_notes: Mapped[str] = mapped_column(Text, default="")
    initial_pdp: Mapped[str] = mapped_column(Text, default="")

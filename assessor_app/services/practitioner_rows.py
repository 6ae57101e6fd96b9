"""One list row per enrolment: timeline, what is done, next due, overdue (no SQLAlchemy).

Shared by the practitioner service and the start-up path that shows the list
before the ORM is loaded.
"""

from __future__ import annotations

from datetime import date

from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.domain.dto import PractitionerRow
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.domain.programme_length import enrolment_length
from assessor_app.domain.progress import ProgressFacts, done_keys
from assessor_app.domain.timeline import PauseSpan, Timeline, build_timeline
from assessor_app.store.records import EnrolmentRecord


def frameworks_for(versions: dict[str, str], programme: Programme,
                   cat: Catalogue) -> tuple[Framework, ...]:
    """The enrolment's framework versions (fixed at enrolment), falling back to the newest."""
    out = []
    for fid in programme.frameworks:
        fw = cat.framework(fid, versions.get(fid)) or cat.framework(fid)
        if fw is not None:
            out.append(fw)
    return tuple(out)


def build_row(r: EnrolmentRecord, cat: Catalogue,
              today: date) -> tuple[PractitionerRow, Programme | None, Timeline | None]:
    """The list row, and the programme and timeline it was computed from (None if not installed)."""
    status = EnrolmentStatus(r.status)
    programme = cat.programme(r.programme_id, r.programme_version)
    if programme is None:
        row = PractitionerRow(r.practitioner_id, r.enrolment_id, r.name,
                              f"{r.programme_id} {r.programme_version} (not installed)",
                              status, "", None, (), r.assessor_name, r.start_date, r.fte)
        return row, None, None
    timeline = build_timeline(
        programme, r.start_date, fte=r.fte,
        pauses=[PauseSpan(p.start, p.end) for p in r.pauses],
        extension_months=r.extension_months, today=today,
    )
    done = done_keys(timeline, ProgressFacts(
        held_reviews=frozenset(h.review_point_id for h in r.reviews if h.held_on),
        agreement_agreed=r.agreement_agreed, observation_dates=r.observation_dates,
        reflection_periods=r.reflection_periods, moderated=r.moderated,
    ))
    closed = status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.LEFT)
    open_pause = next((p for p in r.pauses if p.end is None), None)
    length = enrolment_length(programme, timeline, status, completed_on=r.completed_on,
                              still_paused=open_pause is not None)
    if closed:
        stage_title = {EnrolmentStatus.COMPLETED: "Completed",
                       EnrolmentStatus.WITHDRAWN: "Withdrawn",
                       EnrolmentStatus.LEFT: "Left the programme"}[status]
        if r.outcome:
            stage_title += f" ({r.outcome})"
        next_due, overdue = None, ()
    else:
        stage = timeline.stage_at(today)
        stage_title = stage.title if stage else ("Not started" if today < timeline.start
                                                 else "Past the final review")
        next_due = timeline.next_due(today, done)
        overdue = tuple(timeline.overdue(today, done))
        if status is EnrolmentStatus.PAUSED or open_pause is not None:
            # Due dates move by the pause's length, unknown until it ends.
            since = f" since {open_pause.start:%-d %b %Y}" if open_pause else ""
            stage_title = f"Paused{since} — {stage_title}"
            next_due = None
    row = PractitionerRow(r.practitioner_id, r.enrolment_id, r.name, programme.title, status,
                          stage_title, next_due, overdue, r.assessor_name, r.start_date, r.fte,
                          length)
    return row, programme, timeline


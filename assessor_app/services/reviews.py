"""Review meetings: record them per review point, summarise their period, sign them off.

One live review per review point. A review is saved as a draft or marked final;
either may be edited again until the final assessment is signed, after which a
final review is part of the signed record and is refused with ``ReviewLocked``.
The editor's save says what the form held when it was shown (``base``): parts a sync
changed meanwhile are never written over blindly (``domain.edit_merge``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.domain.edit_merge import RecordChange, align, merge_edit
from assessor_app.domain.enums import ProgressJudgement
from assessor_app.domain.review_dto import (
    PARTIES,
    PARTY_LABELS,
    Attendee,
    ReviewEditorData,
    ReviewInput,
    ReviewPointInfo,
    ReviewRecord,
    StandardRef,
)
from assessor_app.domain.review_fields import clean_review, review_fields, review_from_fields
from assessor_app.domain.reviews import PeriodSummary, day_text, period_summary, review_period
from assessor_app.domain.timeline import PauseSpan, Timeline, build_timeline
from assessor_app.errors import AppError, NotFound, RecordDeleted, UsageError
from assessor_app.services import kept_typing
from assessor_app.store import edit_conflicts, queries, review_repo
from assessor_app.store.database import Database
from assessor_app.store.queries import EnrolmentRecord
from assessor_app.store.scope_removal import REVIEW_TYPING


class ReviewLocked(AppError):
    """A final review of a signed-off year cannot change."""


@dataclass(frozen=True)
class EnrolmentContext:
    """An enrolment with its programme, frameworks and timeline (shared with the assessment)."""

    record: EnrolmentRecord
    programme: Programme
    frameworks: tuple[Framework, ...]
    timeline: Timeline

    @property
    def standards(self) -> tuple[StandardRef, ...]:
        return tuple(StandardRef(fw.id, fw.short_title, st.code, st.title)
                     for fw in self.frameworks for st in fw.statements)


def enrolment_context(record: EnrolmentRecord | None, cat: Catalogue,
                      today: date | None = None) -> EnrolmentContext:
    if record is None:
        raise NotFound("That practitioner is not in this store.",
                       "It may have been removed; refresh the list (F5).")
    programme = cat.programme(record.programme_id, record.programme_version)
    if programme is None:
        raise NotFound(
            f"The programme {record.programme_id} version {record.programme_version} of this "
            "enrolment is not installed.",
            "Import the employer's programme file: assessor-app frameworks import FILE")
    # The versions fixed at enrolment, so an old portfolio keeps its standards.
    versions = record.framework_versions
    frameworks = tuple(fw for fid in programme.frameworks
                       if (fw := cat.framework(fid, versions.get(fid)) or cat.framework(fid)))
    timeline = build_timeline(programme, record.start_date, fte=record.fte,
                              pauses=[PauseSpan(p.start, p.end) for p in record.pauses],
                              extension_months=record.extension_months, today=today)
    return EnrolmentContext(record, programme, frameworks, timeline)


def with_sync_facts(session, rec: ReviewRecord) -> ReviewRecord:  # type: ignore[no-untyped-def]
    """The record with its open conflicts and who changed it last."""
    row = review_repo.review_row(session, rec.id)
    return replace(rec, conflicts=tuple(dict.fromkeys(
        f for _, f in edit_conflicts.open_fields(session, [rec.id]))),
        change=edit_conflicts.last_change(session, [row]))


def validate(data: ReviewInput, points: dict[str, str], *, final: bool) -> list[str]:
    """Problems that stop a save (``final``: also what marking final needs)."""
    problems = []
    if data.review_point_id not in points:
        problems.append(f"'{data.review_point_id}' is not a review point of this programme.")
    if data.judgement and data.judgement not in {j.value for j in ProgressJudgement}:
        problems.append(f"'{data.judgement}' is not a progress judgement.")
    for party in (*data.comments, *data.signoffs):
        if party not in PARTIES:
            problems.append(f"'{party}' is not one of the parties to a review.")
    for a in data.attendees:
        if not a.name:
            problems.append("Every attendee needs a name (or remove the empty row).")
            break
    for party, day in data.signoffs.items():
        if data.held_on is None:
            problems.append("Give the meeting date before recording sign-offs.")
            break
        if day < data.held_on:
            problems.append(f"The {PARTY_LABELS.get(party, party).lower()}'s sign-off "
                            f"({day_text(day)}) is before the meeting ({day_text(data.held_on)}).")
    if final:
        if data.held_on is None:
            problems.append("Give the date the meeting was held.")
        if not data.judgement:
            problems.append("Choose the progress judgement.")
        if not data.reasons:
            problems.append("Give the reasons for the progress judgement.")
    return problems


class ReviewService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue]) -> None:
        self._db = database
        self._catalogue = catalogue_fn

    # -- reading ------------------------------------------------------------------------
    def editor_data(self, enrolment_id: str, today: date) -> ReviewEditorData:
        """Everything the review editor shows. RecordRemoved when the practitioner left this
        laptop (a scope exit)."""
        try:
            return self._editor_data(enrolment_id, today)
        except NotFound as exc:
            raise kept_typing.or_removed(self._db, enrolment_id, exc) from None

    def _editor_data(self, enrolment_id: str, today: date) -> ReviewEditorData:
        with self._db.uow() as uow:
            found = queries.enrolments(uow.session, enrolment_id)
            signed = review_repo.assessment_status(uow.session, enrolment_id) == "signed"
            records = [with_sync_facts(uow.session, r)
                       for r in review_repo.reviews(uow.session, enrolment_id, locked=signed)]
        ctx = enrolment_context(found[0] if found else None, self._catalogue(), today)
        due = {i.key: i.due for i in ctx.timeline.items}
        by_point = {r.data.review_point_id: r for r in records}
        points = tuple(ReviewPointInfo(
            rp.id, rp.title, due[rp.id], rp.month, rp.optional, rp.final,
            by_point[rp.id].id if rp.id in by_point else None,
            by_point[rp.id].status if rp.id in by_point else "")
            for rp in ctx.programme.review_points)
        rec = ctx.record
        usual = [Attendee(rec.name, "practitioner")]
        if rec.assessor_name:
            usual.append(Attendee(rec.assessor_name, "assessor"))
        if rec.line_manager_name:
            usual.append(Attendee(rec.line_manager_name, "line manager"))
        return ReviewEditorData(enrolment_id, rec.name, ctx.programme.title, points,
                                tuple(records), tuple(usual), signed, today)

    def list_reviews(self, enrolment_id: str) -> list[ReviewRecord]:
        with self._db.uow() as uow:
            signed = review_repo.assessment_status(uow.session, enrolment_id) == "signed"
            return [with_sync_facts(uow.session, r)
                    for r in review_repo.reviews(uow.session, enrolment_id, locked=signed)]

    def get(self, review_id: str) -> ReviewRecord:
        with self._db.uow() as uow:
            found = review_repo.review(uow.session, review_id)
            if found is None:
                raise NotFound("That review is not in this store.", "Refresh the page (F5).")
            signed = review_repo.assessment_status(uow.session, found.enrolment_id) == "signed"
            found = with_sync_facts(uow.session, found)
        return replace(found, locked=signed and found.status == "final")

    def for_point(self, enrolment_id: str, review_point_id: str) -> ReviewRecord | None:
        return next((r for r in self.list_reviews(enrolment_id)
                     if r.data.review_point_id == review_point_id), None)

    def summary(self, enrolment_id: str, review_point_id: str, held_on: date | None,
                today: date) -> PeriodSummary:
        """The automatic summary of the period a review at ``review_point_id`` covers."""
        with self._db.uow() as uow:
            found = queries.enrolments(uow.session, enrolment_id)
            records = review_repo.reviews(uow.session, enrolment_id)
            evidence = review_repo.evidence_briefs(uow.session, enrolment_id)
            agreement = review_repo.agreement_terms(uow.session, enrolment_id)
        ctx = enrolment_context(found[0] if found else None, self._catalogue(), today)
        point = next((p for p in ctx.programme.review_points if p.id == review_point_id), None)
        if point is None:
            raise UsageError(f"'{review_point_id}' is not a review point of this programme.")
        due = next(i.due for i in ctx.timeline.items if i.key == review_point_id)
        end = held_on or min(today, due)
        others = [r.data.held_on for r in records
                  if r.data.review_point_id != review_point_id and r.data.held_on]
        start = min(review_period(end, ctx.timeline.start, others), end)
        final_month = max((p.month for p in ctx.programme.review_points if p.final),
                          default=float(ctx.programme.months))
        return period_summary(
            evidence, ctx.standards, ctx.programme.minimums, programme_start=ctx.timeline.start,
            period_start=start, period_end=end, fraction=point.month / final_month,
            fte=ctx.record.fte, pauses=ctx.timeline.pauses, agreement=agreement)

    # -- writing ------------------------------------------------------------------------
    def save(self, enrolment_id: str, data: ReviewInput, *, review_id: str | None = None,
             final: bool = False, base: ReviewInput | None = None) -> ReviewRecord:
        """Create (no ``review_id``) or update; ``final`` marks it final, else it is a draft.

        ``base``: what the editor's form held when it was shown. A review made meanwhile at
        the same point (another device, synced in) is then saved into, field by field
        against that base, instead of refused. RecordRemoved when the practitioner left this
        laptop meanwhile (the editor keeps its typing aside: ``keep_aside``).
        """
        try:
            return self._save(enrolment_id, data, review_id=review_id, final=final, base=base)
        except NotFound as exc:
            raise kept_typing.or_removed(self._db, enrolment_id, exc) from None

    def _save(self, enrolment_id: str, data: ReviewInput, *, review_id: str | None,
              final: bool, base: ReviewInput | None) -> ReviewRecord:
        if review_id is None and base is not None:
            made = self.for_point(enrolment_id, data.review_point_id)
            review_id = made.id if made is not None else None
        if review_id is None:
            return self.create(enrolment_id, data, final=final)
        return self.update(review_id, data, final=final, base=base)

    def create(self, enrolment_id: str, data: ReviewInput, *, final: bool = False) -> ReviewRecord:
        data = clean_review(data)
        with self._db.uow(actor="assessor") as uow:
            found = queries.enrolments(uow.session, enrolment_id)
            ctx = enrolment_context(found[0] if found else None, self._catalogue())
            self._check(ctx, data, final)
            taken = [r for r in review_repo.reviews(uow.session, enrolment_id)
                     if r.data.review_point_id == data.review_point_id]
            if taken:
                raise UsageError("A review is already recorded at this review point.",
                                 "Open it and edit it instead.")
            review_id = review_repo.add_review(uow.session, enrolment_id, data,
                                               "final" if final else "draft")
            uow.commit()
        return self.get(review_id)

    def update(self, review_id: str, data: ReviewInput, *, final: bool = False,
               base: ReviewInput | None = None) -> ReviewRecord:
        """Save over the review; with ``base``, fields changed meanwhile elsewhere keep the
        other value (untouched here) or become conflicts (changed in both: this text in the
        record, the other kept in a conflict row). RecordDeleted when a sync deleted it."""
        data = clean_review(data)
        with self._db.uow(actor="assessor") as uow:
            s = uow.session
            old = review_repo.review(s, review_id)
            if old is None:
                row = review_repo.review_row(s, review_id)
                if row is not None:  # a tombstone: deleted by a sync while the editor was open
                    raise RecordDeleted(
                        f"This review was deleted {edit_conflicts.last_change(s, [row]).where}.",
                        "Your text is still in the editor: save it again to record it as a "
                        "new review.")
                raise NotFound("That review is not in this store.", "Refresh the page (F5).")
            merged = None
            if base is not None:
                was, now, mine = align(review_fields(base), review_fields(old.data),
                                       review_fields(data))
                merged = merge_edit(was, now, mine)
                data = review_from_fields({**now, **merged.write})
            source = (edit_conflicts.last_change(s, [review_repo.review_row(s, review_id)])
                      if merged is not None and merged.conflicts else None)
            if old.status == "final" and review_repo.assessment_status(
                    uow.session, old.enrolment_id) == "signed":
                raise ReviewLocked(
                    "This review is final and the final assessment has been signed, so it "
                    "cannot be changed.",
                    "Add anything new to the practitioner's year-2 plan instead.")
            found = queries.enrolments(uow.session, old.enrolment_id)
            ctx = enrolment_context(found[0] if found else None, self._catalogue())
            self._check(ctx, data, final)
            if data.review_point_id != old.data.review_point_id and any(
                    r.data.review_point_id == data.review_point_id
                    for r in review_repo.reviews(uow.session, old.enrolment_id)):
                raise UsageError("A review is already recorded at that review point.",
                                 "Choose another review point.")
            review_repo.update_review(uow.session, review_id, data, "final" if final else "draft")
            for c in merged.conflicts if merged is not None else ():
                edit_conflicts.add(s, "review", review_id, c.field, kept=c.mine, other=c.theirs,
                                   base=c.base, source=source or RecordChange())
            uow.commit()
        return replace(self.get(review_id), conflicted_with=source)

    def keep_aside(self, enrolment_id: str, typing: dict[str, object],
                   base: dict[str, object]) -> str:
        """An open editor's review (flat fields, and the base they were typed on) for a
        practitioner who left this laptop, kept aside until they are assigned back
        (``put_back_typing``). Returns the plain words for the editor."""
        return kept_typing.keep_aside(self._db, REVIEW_TYPING, enrolment_id, dict(typing),
                                      dict(base))

    def put_back_typing(self) -> list[tuple[str, int]]:
        """Review typing kept aside for practitioners who are on this laptop again, saved as
        a draft into the review at its point (or as a new one) on the base it was typed on
        (changed meanwhile: both texts kept)."""
        def save(row: dict[str, Any]) -> None:
            self.save(str(row["enrolment_id"]), review_from_fields(row["typing"]),
                      base=review_from_fields(row["base"]))

        return kept_typing.put_back(self._db, REVIEW_TYPING, save)

    @staticmethod
    def _check(ctx: EnrolmentContext, data: ReviewInput, final: bool) -> None:
        points = {p.id: p.title for p in ctx.programme.review_points}
        problems = validate(data, points, final=final)
        if problems:
            what = "marked final" if final else "saved"
            raise UsageError(f"The review cannot be {what} yet: " + " ".join(problems),
                             "Nothing was saved.")

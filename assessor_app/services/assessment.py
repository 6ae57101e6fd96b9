"""The final assessment: judgements per standard, the recommendation and its rationale.

Lifecycle: draft → final (the rules' blocking warnings must all be cleared) →
signed (set when the signed final report is stored). A final assessment may be
saved again (as final, or back to draft) until it is signed; after that every
change is refused with ``AssessmentSigned``: a correction is a new document.
The editor's save says what the form held when it was shown (``base``): parts a sync
changed meanwhile are never written over blindly (``domain.edit_merge``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from assessor_app.domain.assessment_rules import (
    RuleWarning,
    blocking,
    check,
    evidence_options,
    suggested_evidence,
)
from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.edit_merge import RecordChange, align, merge_edit
from assessor_app.domain.review_dto import (
    RECOMMENDATIONS,
    STANDARD_JUDGEMENTS,
    AssessmentEditorData,
    AssessmentInput,
    AssessmentRecord,
    EvidenceOption,
)
from assessor_app.domain.review_fields import (
    assessment_fields,
    assessment_from_fields,
    clean_assessment,
)
from assessor_app.domain.sufficiency import EvidenceFact, MinimumStatus, assess
from assessor_app.errors import AppError, NotFound, UsageError
from assessor_app.services import kept_typing
from assessor_app.services.reviews import EnrolmentContext, enrolment_context
from assessor_app.store import edit_conflicts, queries, review_repo
from assessor_app.store.database import Database
from assessor_app.store.scope_removal import ASSESSMENT_TYPING
from assessor_app.store.uow import UnitOfWork


class AssessmentSigned(AppError):
    """The final assessment has been signed; it cannot change."""


def with_sync_facts(session, rec: AssessmentRecord) -> AssessmentRecord:  # type: ignore[no-untyped-def]
    """The record with its open conflicts and who changed it last."""
    row = review_repo.assessment_row(session, rec.enrolment_id)
    return replace(rec, conflicts=tuple(dict.fromkeys(
        f for _, f in edit_conflicts.open_fields(session, [rec.id]))),
        change=edit_conflicts.last_change(session, [row]))


class AssessmentService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue]) -> None:
        self._db = database
        self._catalogue = catalogue_fn

    # -- reading ------------------------------------------------------------------------
    def draft(self, enrolment_id: str, today: date) -> AssessmentEditorData:
        """The assessment with everything its editor shows; creates the draft if there is none.
        RecordRemoved when the practitioner left this laptop (a scope exit)."""
        try:
            return self._draft(enrolment_id, today)
        except NotFound as exc:
            raise kept_typing.or_removed(self._db, enrolment_id, exc) from None

    def _draft(self, enrolment_id: str, today: date) -> AssessmentEditorData:
        with self._db.uow(actor="assessor") as uow:
            ctx = self._context(uow, enrolment_id, today)
            record = review_repo.assessment(uow.session, enrolment_id)
            if record is None:
                record = review_repo.add_assessment(uow.session, enrolment_id)
                uow.commit()
            return self._editor_data(uow, ctx, with_sync_facts(uow.session, record), today)

    def get(self, enrolment_id: str) -> AssessmentRecord | None:
        with self._db.uow() as uow:
            return review_repo.assessment(uow.session, enrolment_id)

    def warnings(self, enrolment_id: str) -> tuple[RuleWarning, ...]:
        """What the stored assessment (or, with none yet, an empty one) lacks."""
        with self._db.uow() as uow:
            ctx = self._context(uow, enrolment_id, None)
            record = review_repo.assessment(uow.session, enrolment_id)
            data = self._editor_data(uow, ctx, record, date.today())
        return check(data.standards, data.minimums, data.options,
                     record.data if record else AssessmentInput())

    # -- writing ------------------------------------------------------------------------
    def update(self, enrolment_id: str, data: AssessmentInput, *, final: bool = False,
               base: AssessmentInput | None = None) -> AssessmentEditorData:
        """Save the assessment as a draft or (``final``) mark it final.

        Raises AssessmentSigned once signed; UsageError for values outside the
        vocabulary, standards the enrolment does not have, or, when marking final,
        the blocking warnings still open. ``base``: what the editor's form held when it
        was shown; a field a sync changed meanwhile keeps the other value (untouched here)
        or becomes a conflict (changed in both: this text in the record, the other kept).
        RecordRemoved when the practitioner left this laptop meanwhile (``keep_aside``).
        """
        try:
            return self._update(enrolment_id, data, final=final, base=base)
        except NotFound as exc:
            raise kept_typing.or_removed(self._db, enrolment_id, exc) from None

    def keep_aside(self, enrolment_id: str, typing: dict[str, object],
                   base: dict[str, object]) -> str:
        """An open editor's assessment (flat fields, and the base they were typed on) for a
        practitioner who left this laptop, kept aside until they are assigned back
        (``put_back_typing``). Returns the plain words for the editor."""
        return kept_typing.keep_aside(self._db, ASSESSMENT_TYPING, enrolment_id, dict(typing),
                                      dict(base))

    def put_back_typing(self) -> list[tuple[str, int]]:
        """Assessment typing kept aside for practitioners who are on this laptop again,
        saved as a draft on the base it was typed on (changed meanwhile: both texts kept;
        signed meanwhile: it stays kept aside)."""
        def save(row: dict[str, Any]) -> None:
            self.update(str(row["enrolment_id"]), assessment_from_fields(row["typing"]),
                        base=assessment_from_fields(row["base"]))

        return kept_typing.put_back(self._db, ASSESSMENT_TYPING, save)

    def _update(self, enrolment_id: str, data: AssessmentInput, *, final: bool,
                base: AssessmentInput | None) -> AssessmentEditorData:
        data = clean_assessment(data)
        with self._db.uow(actor="assessor") as uow:
            s = uow.session
            ctx = self._context(uow, enrolment_id, None)
            record = review_repo.assessment(s, enrolment_id)
            if record is None:
                record = review_repo.add_assessment(s, enrolment_id)
            self._refuse_if_signed(record)
            merged = None
            if base is not None:
                was, now, mine = align(assessment_fields(base), assessment_fields(record.data),
                                       assessment_fields(data))
                # a standard nobody has judged is not stored: the editor showed its suggested
                # evidence, and nobody else has changed it since
                now = {k: was[k] if v is None and k.startswith("judgements.") else v
                       for k, v in now.items()}
                merged = merge_edit(was, now, mine)
                data = assessment_from_fields({**now, **merged.write})
            source = (edit_conflicts.last_change(s, [review_repo.assessment_row(s, enrolment_id)])
                      if merged is not None and merged.conflicts else None)
            problems = self._problems(ctx, record, data)
            if problems:
                raise UsageError("The final assessment was not saved: " + " ".join(problems))
            if final:
                options, minimums = self._evidence(uow, ctx)
                stops = blocking(check(ctx.standards, minimums, options, data))
                if stops:
                    raise UsageError("The final assessment cannot be marked final yet: "
                                     + " ".join(w.message for w in stops),
                                     "It was not saved; put these right, or save it as a draft.")
            record = review_repo.write_assessment(s, enrolment_id, data,
                                                  "final" if final else "draft")
            for c in merged.conflicts if merged is not None else ():
                edit_conflicts.add(s, "final_assessment", record.id, c.field, kept=c.mine,
                                   other=c.theirs, base=c.base, source=source or RecordChange())
            uow.commit()
            record = replace(with_sync_facts(s, record), conflicted_with=source)
            return self._editor_data(uow, ctx, record, date.today())

    def mark_signed(self, enrolment_id: str) -> AssessmentRecord:
        """Record that the final report built from this assessment has been signed."""
        with self._db.uow(actor="assessor") as uow:
            record = review_repo.assessment(uow.session, enrolment_id)
            if record is None:
                raise NotFound("There is no final assessment for this practitioner yet.")
            self._refuse_if_signed(record)
            if record.status != "final":
                raise UsageError("Only a final assessment can be signed.",
                                 "Mark it final first.")
            review_repo.set_assessment_status(uow.session, enrolment_id, "signed")
            uow.commit()
        return replace(record, status="signed")

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _refuse_if_signed(record: AssessmentRecord) -> None:
        if record.signed:
            raise AssessmentSigned(
                "The final assessment has been signed, so it cannot be changed.",
                "A correction needs a new version of the final report with new signatures.")

    @staticmethod
    def _problems(ctx: EnrolmentContext, record: AssessmentRecord,
                  data: AssessmentInput) -> list[str]:
        out = []
        if data.recommendation not in ("", *RECOMMENDATIONS):
            out.append(f"'{data.recommendation}' is not a recommendation (pass or fail).")
        allowed = {s.key for s in ctx.standards} | set(record.data.judgements)
        for key, j in data.judgements.items():
            if key not in allowed:
                out.append(f"'{key}' is not a standard of this enrolment.")
            if j.judgement not in ("", *STANDARD_JUDGEMENTS):
                out.append(f"'{j.judgement}' is not a judgement.")
        return out

    def _context(self, uow: UnitOfWork, enrolment_id: str, today: date | None) -> EnrolmentContext:
        found = queries.enrolments(uow.session, enrolment_id)
        return enrolment_context(found[0] if found else None, self._catalogue(), today)

    @staticmethod
    def _evidence(uow: UnitOfWork, ctx: EnrolmentContext) -> tuple[
            dict[str, tuple[EvidenceOption, ...]], tuple[MinimumStatus, ...]]:
        """Linked evidence per standard, and the programme minimums, from one query."""
        evidence = review_repo.evidence_briefs(uow.session, ctx.record.enrolment_id)
        facts = [EvidenceFact(e.id, e.kind, e.status, e.occurred_on, "",
                              tuple((ln.framework_id, ln.code) for ln in e.links))
                 for e in evidence]
        return (evidence_options(evidence, ctx.standards),
                assess(ctx.programme, ctx.frameworks, facts).minimums)

    def _editor_data(self, uow: UnitOfWork, ctx: EnrolmentContext,
                     record: AssessmentRecord | None, today: date) -> AssessmentEditorData:
        options, minimums = self._evidence(uow, ctx)
        if record is None:
            record = AssessmentRecord("", ctx.record.enrolment_id, "draft", AssessmentInput())
        return AssessmentEditorData(
            enrolment_id=ctx.record.enrolment_id, practitioner_name=ctx.record.name,
            programme_title=ctx.programme.title, record=record, standards=ctx.standards,
            options=options, suggested=suggested_evidence(options),
            minimums=minimums, today=today)

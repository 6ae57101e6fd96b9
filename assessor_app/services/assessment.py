"""The final assessment: judgements per standard, the recommendation and its rationale.

Lifecycle: draft → final (the rules' blocking warnings must all be cleared) →
signed (set when the signed final report is stored). A final assessment may be
saved again (as final, or back to draft) until it is signed; after that every
change is refused with ``AssessmentSigned``: a correction is a new document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from assessor_app.domain.assessment_rules import (
    RuleWarning,
    blocking,
    check,
    evidence_options,
    suggested_evidence,
)
from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.review_dto import (
    RECOMMENDATIONS,
    STANDARD_JUDGEMENTS,
    AssessmentEditorData,
    AssessmentInput,
    AssessmentRecord,
    EvidenceOption,
    StandardJudgementInput,
)
from assessor_app.domain.sufficiency import EvidenceFact, MinimumStatus, assess
from assessor_app.errors import AppError, NotFound, UsageError
from assessor_app.services.reviews import EnrolmentContext, enrolment_context
from assessor_app.store import queries, review_repo
from assessor_app.store.database import Database
from assessor_app.store.uow import UnitOfWork


class AssessmentSigned(AppError):
    """The final assessment has been signed; it cannot change."""


def _clean(data: AssessmentInput) -> AssessmentInput:
    judgements = {k: StandardJudgementInput(j.judgement, tuple(dict.fromkeys(j.evidence_ids)),
                                            j.comment.strip())
                  for k, j in data.judgements.items()}
    return replace(data, judgements=judgements, strengths=data.strengths.strip(),
                   development=data.development.strip(), year2_plan=data.year2_plan.strip(),
                   rationale=data.rationale.strip(),
                   practitioner_comments=data.practitioner_comments.strip(),
                   manager_comments=data.manager_comments.strip())


class AssessmentService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue]) -> None:
        self._db = database
        self._catalogue = catalogue_fn

    # -- reading ------------------------------------------------------------------------
    def draft(self, enrolment_id: str, today: date) -> AssessmentEditorData:
        """The assessment with everything its editor shows; creates the draft if there is none."""
        with self._db.uow(actor="assessor") as uow:
            ctx = self._context(uow, enrolment_id, today)
            record = review_repo.assessment(uow.session, enrolment_id)
            if record is None:
                record = review_repo.add_assessment(uow.session, enrolment_id)
                uow.commit()
            return self._editor_data(uow, ctx, record, today)

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
    def update(self, enrolment_id: str, data: AssessmentInput, *,
               final: bool = False) -> AssessmentEditorData:
        """Save the assessment as a draft or (``final``) mark it final.

        Raises AssessmentSigned once signed; UsageError for values outside the
        vocabulary, standards the enrolment does not have, or, when marking final,
        the blocking warnings still open.
        """
        data = _clean(data)
        with self._db.uow(actor="assessor") as uow:
            ctx = self._context(uow, enrolment_id, None)
            record = review_repo.assessment(uow.session, enrolment_id)
            if record is None:
                record = review_repo.add_assessment(uow.session, enrolment_id)
            self._refuse_if_signed(record)
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
            record = review_repo.write_assessment(uow.session, enrolment_id, data,
                                                  "final" if final else "draft")
            uow.commit()
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

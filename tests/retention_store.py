"""A store for the retention tests: two closed portfolios with a sentinel in every free text.

``OLD`` was completed years ago (the purge clears it); ``RECENT`` was completed this year
(the purge must not touch it). Every narrative field, JSON text, file name and file of
each gets its own sentinel word (``zebrapurged0001``…, ``yakkept0001``…), written as
single lower-case tokens so they can be found in the search index's pages too. The old
portfolio's final assessment, its signed report and a signed evidence item hold only
``keptrecord`` words: the policy keeps them whole. Written through the unit of work, so
every row is dirty and audited like an assessor's own edits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from assessor_app.app import AppContext
from assessor_app.store.models import (
    Agreement,
    Attachment,
    Conflict,
    Document,
    Enrolment,
    Evidence,
    Feedback,
    FinalAssessment,
    Observation,
    Pause,
    Practitioner,
    Pseudonym,
    RecordReview,
    Reflection,
    Review,
    SelfAssessment,
    Signature,
    StandardLink,
    SupervisionEntry,
    SyncState,
)

TODAY = date(2026, 11, 23)
YEARS = 3  # cut-off 23 November 2023
OLD_TAG, RECENT_TAG, KEPT_TAG = "zebrapurged", "yakkept", "keptrecord"


@dataclass
class Portfolio:
    tag: str
    enrolment_id: str = ""
    practitioner_id: str = ""
    evidence_ids: list[str] = field(default_factory=list)
    observation_ids: list[str] = field(default_factory=list)
    attachment_ids: list[str] = field(default_factory=list)
    unsigned_document_id: str = ""
    signed_document_id: str = ""
    signed_evidence_id: str = ""
    sentinels: dict[str, str] = field(default_factory=dict)  # word -> where it was put
    _n: Iterator[int] = field(default_factory=lambda: count(1))

    def word(self, where: str) -> str:
        w = f"{self.tag}{next(self._n):04d}"
        self.sentinels[w] = where
        return w

    def text(self, where: str) -> str:
        return f"Fictional note {self.word(where)} about the visit."


def _file(word: str) -> bytes:
    """A small PNG-looking file whose bytes carry the sentinel in clear."""
    return b"\x89PNG\r\n\x1a\n" + f"tEXt comment {word} ".encode() + bytes(range(64))


def _evidence(p: Portfolio, s: Any, enrolment_id: str, kind: str, day: date, *,
              status: str = "final", where: str = "evidence.title") -> Evidence:
    ev = Evidence(enrolment_id=enrolment_id, kind=kind, occurred_on=day, status=status,
                  title=p.text(f"{where} ({kind})"))
    s.add(ev)
    s.flush()
    p.evidence_ids.append(ev.id)
    s.add(StandardLink(evidence_id=ev.id, framework_id="pcf", framework_version="2018",
                       statement_code="PCF1", comment=p.text("standard_link.comment")))
    return ev


def add_portfolio(ctx: AppContext, tag: str, *, start: date, completed: date) -> Portfolio:
    p = Portfolio(tag)
    t = p.text
    with ctx.database.uow("tester") as uow:
        s = uow.session
        prac = Practitioner(name=f"Fictional Practitioner {tag[0].upper()}", team="North",
                            employer="Fictional Council")
        s.add(prac)
        s.flush()
        en = Enrolment(practitioner_id=prac.id, programme_id="asye-children",
                       programme_version="2025", framework_versions={"pcf": "2018"},
                       start_date=start, status="completed", completed_on=completed,
                       outcome="pass", extension_months=1,
                       extension_reason=t("enrolment.extension_reason"))
        s.add(en)
        s.flush()
        p.enrolment_id, p.practitioner_id = en.id, prac.id
        s.add(Pause(enrolment_id=en.id, start_date=start + timedelta(days=90), reason="illness",
                    end_date=start + timedelta(days=120), detail=t("pause.detail")))
        s.add(Agreement(enrolment_id=en.id, agreed_on=start,
                        supervision_plan=t("agreement.supervision_plan"),
                        workload_notes=t("agreement.workload_notes"),
                        initial_pdp=t("agreement.initial_pdp")))
        day = start.replace(day=20)

        ev = _evidence(p, s, en.id, "observation", day)
        obs = Observation(id=ev.id, evidence_id=ev.id, setting="home visit",
                          activity=t("observation.activity"), purpose=t("observation.purpose"),
                          people_present=[{"role": p.word("observation.people_present")}],
                          consent_how=t("observation.consent_how"),
                          consent_by=p.word("observation.consent_by"),
                          observer_name="Fictional Observer", observer_role="Assessor",
                          plan_before=t("observation.plan_before"), notes=t("observation.notes"),
                          went_well=t("observation.went_well"),
                          development=t("observation.development"),
                          practitioner_reflection=t("observation.practitioner_reflection"),
                          assessor_judgement=t("observation.assessor_judgement"))
        s.add(obs)
        p.observation_ids.append(ev.id)
        for i in range(3):  # the third was removed by hand: its row still holds the file
            removed = "removed " if i == 2 else ""
            name = p.word(f"{removed}attachment.filename")
            data = _file(p.word(f"{removed}attachment.content"))
            a = Attachment(evidence_id=ev.id, filename=f"{name}-drawing-{i}.png", mime="image/png",
                           sha256=hashlib.sha256(data).hexdigest(), size=len(data), content=data,
                           deleted_at=datetime.now(UTC) if i == 2 else None)
            s.add(a)
            s.flush()
            p.attachment_ids.append(a.id)

        ev = _evidence(p, s, en.id, "record_review", day + timedelta(days=30 * 1))
        s.add(RecordReview(id=ev.id, evidence_id=ev.id, case_reference=p.word("record_review.case_reference"),
                           record_type="assessment", criteria={"child_seen": "met"}, grade="good",
                           commentary=t("record_review.commentary")))
        ev = _evidence(p, s, en.id, "feedback_lived", day + timedelta(days=30 * 2))
        s.add(Feedback(id=ev.id, evidence_id=ev.id, respondent_type="parent",
                       agency=t("feedback.agency"), context=t("feedback.context"),
                       respondent_ref=p.word("feedback.respondent_ref"), ratings={"listened": 5},
                       went_well=t("feedback.went_well"),
                       could_be_better=t("feedback.could_be_better"),
                       own_words=t("feedback.own_words")))
        ev = _evidence(p, s, en.id, "reflection", day + timedelta(days=30 * 3))
        s.add(Reflection(id=ev.id, evidence_id=ev.id, period="reflection-6",
                         prompt=t("reflection.prompt"), body=t("reflection.body"),
                         learning=t("reflection.learning")))
        ev = _evidence(p, s, en.id, "reflection", day + timedelta(days=30 * 3),
                       where="deleted evidence.title")
        ev.deleted_at = datetime.now(UTC)
        s.add(Reflection(id=ev.id, evidence_id=ev.id, body=t("deleted reflection.body")))
        ev = _evidence(p, s, en.id, "self_assessment", day + timedelta(days=30 * 4))
        s.add(SelfAssessment(id=ev.id, evidence_id=ev.id, ratings={"pcf:PCF1": 3},
                             body=t("self_assessment.body"),
                             priorities=t("self_assessment.priorities")))
        ev = _evidence(p, s, en.id, "supervision", day + timedelta(days=30 * 5))
        s.add(SupervisionEntry(id=ev.id, evidence_id=ev.id, supervisor_name="Fictional Manager",
                               case_discussion=t("supervision_entry.case_discussion"),
                               reflective_discussion=t("supervision_entry.reflective_discussion"),
                               wellbeing_workload=t("supervision_entry.wellbeing_workload"),
                               actions=t("supervision_entry.actions")))
        s.add(Review(enrolment_id=en.id, review_point_id="review-6", held_on=day,
                     attendees=[{"name": "Fictional Manager", "role": "manager"}],
                     judgement="on_track", reasons=t("review.reasons"),
                     workload_check=t("review.workload_check"),
                     supervision_check=t("review.supervision_check"), pdp=t("review.pdp"),
                     comments={"practitioner": t("review.comments")},
                     signoffs={"assessor": day.isoformat()}, status="final"))
        # kept whole by the policy: the final assessment and anything signed
        kept = f"Fictional {KEPT_TAG} outcome"
        s.add(FinalAssessment(enrolment_id=en.id, judgements={"pcf:PCF1": {
            "judgement": "met", "evidence_ids": p.evidence_ids[:1], "comment": kept}},
            strengths=kept, development=kept, year2_plan=kept, recommendation="pass",
            rationale=kept, status="signed"))
        signed_ev = Evidence(enrolment_id=en.id, kind="reflection", occurred_on=day,
                             status="signed", title=f"Signed {KEPT_TAG} reflection")
        s.add(signed_ev)
        s.flush()
        s.add(Reflection(id=signed_ev.id, evidence_id=signed_ev.id, body=kept))
        p.signed_evidence_id = signed_ev.id
        pdf = f"%PDF-1.7 signed {KEPT_TAG} report".encode()
        signed = Document(enrolment_id=en.id, kind="final", version=2,
                          sha256=hashlib.sha256(pdf).hexdigest(), content=pdf)
        draft_pdf = f"%PDF-1.7 draft {p.word('document.content')}".encode()
        draft = Document(enrolment_id=en.id, kind="portfolio", version=1,
                         sha256=hashlib.sha256(draft_pdf).hexdigest(), content=draft_pdf)
        s.add_all([signed, draft])
        s.flush()
        s.add(Signature(document_id=signed.id, signer_name="Fictional Assessor", role="assessor",
                        cert_fingerprint="ab" * 32, signed_at=datetime(completed.year, completed.month,
                                                                     completed.day, tzinfo=UTC)))
        p.signed_document_id, p.unsigned_document_id = signed.id, draft.id
        # moderation pseudonyms (local only) and a sync conflict about the observation
        s.add(Pseudonym(scope=en.id, kind="case", real=p.word("pseudonym.real"),
                        pseudonym="Case A"))
        s.add(Conflict(practitioner_id=prac.id, entity="observation", entity_id=obs.id,
                       field="notes", kept_value=t("conflict.kept_value"),
                       other_value=t("conflict.other_value"),
                       base_value=t("conflict.base_value"), other_user="Fictional Assessor"))
        uow.commit()
    return p


def add_sync_leftovers(ctx: AppContext, p: Portfolio) -> None:
    """What an interrupted sync leaves in ``sync_state``: a batch in flight carrying the
    observation's text, and a pulled row parked in the inbox (a second observation of the
    same evidence, which a unique key keeps out) carrying text of its own."""
    ev = p.observation_ids[0]
    with ctx.database.uow("tester") as uow:
        s = uow.session
        obs = s.get(Observation, ev)
        assert obs is not None
        s.add(SyncState(key="push", value={"batch_id": "b-1", "rows": [{
            "table": "observation", "id": ev, "base_rev": 0, "rev": 0, "deleted": False,
            "updated_at": "", "updated_by": "tester",
            "fields": {"evidence_id": ev, "notes": p.text("sync_state.push")}}]}))
        s.add(SyncState(key="inbox", value={"rows": [{
            "table": "observation", "id": "00000000-0000-4000-8000-000000000001", "rev": 3,
            "deleted": False, "updated_at": "", "updated_by": "other",
            "fields": {"evidence_id": ev, "notes": p.text("sync_state.inbox")}}]}))
        uow.commit()

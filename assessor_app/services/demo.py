"""A fictional demo cohort: two assessors and six practitioners at different points.

Used for demonstrations, screenshots and manual testing: every screen has
something to show (overdue items, a pause, part-time hours, an extension, a
passed portfolio). Dates are relative to ``today`` so the demo always looks
current, and nothing is dated after it. The same seed and ``today`` give the
same cohort (ids apart). All text comes from resources/demo/*.yaml; the whole
cohort is written in one unit of work, so it is either all there or not at all.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind
from assessor_app.domain.timeline import Timeline
from assessor_app.paths import resources_dir
from assessor_app.services import demo_evidence, demo_journal
from assessor_app.services.demo_assessment import final_assessment, links_for, reviews_for, top_up
from assessor_app.services.demo_people import Member, make_member, make_staff
from assessor_app.services.demo_schedule import SCENARIOS, Slot, plan_slots
from assessor_app.services.demo_text import load_banks
from assessor_app.store.base import new_id
from assessor_app.store.database import Database
from assessor_app.store.models import (
    Agreement,
    Enrolment,
    Evidence,
    FinalAssessment,
    Pause,
    Person,
    Practitioner,
    Review,
    StandardLink,
)

DEMO_ACTOR = "demo"
DRAFT_DAYS = 14  # evidence this recent is still being written up

_Builder = Callable[[Member, Slot, Evidence, date], object]
_BUILDERS: dict[EvidenceKind, _Builder] = {
    EvidenceKind.OBSERVATION: demo_evidence.observation,
    EvidenceKind.RECORD_REVIEW: demo_evidence.record_review,
    EvidenceKind.FEEDBACK_LIVED: demo_evidence.feedback_lived,
    EvidenceKind.FEEDBACK_PROFESSIONAL: demo_evidence.feedback_professional,
    EvidenceKind.REFLECTION: demo_journal.reflection,
    EvidenceKind.SELF_ASSESSMENT: demo_journal.self_assessment,
    EvidenceKind.SUPERVISION: demo_journal.supervision,
}


#: insert order: parents first (the rest, detail rows and links, go last)
_TIER: dict[type, int] = {Person: 0, Practitioner: 0, Enrolment: 1, Agreement: 2, Pause: 2,
                          Evidence: 2, Review: 2, FinalAssessment: 2}


@dataclass(frozen=True)
class DemoSummary:
    """What was created: for the CLI's message and for tests."""

    assessors: int
    managers: int
    coordinators: int
    practitioners: int
    enrolments: int
    agreements: int
    pauses: int
    evidence: int
    links: int
    reviews: int
    final_assessments: int
    drafts: int
    transcribed: int
    evidence_by_kind: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        from assessor_app.domain.enums import KIND_SHORT, EvidenceKind

        kinds = ", ".join(f"{n} {KIND_SHORT[EvidenceKind(k)].lower()}"
                          for k, n in sorted(self.evidence_by_kind.items(), key=lambda kv: -kv[1]))
        return (f"{self.assessors} assessors, {self.practitioners} practitioners, "
                f"{self.evidence} pieces of evidence ({kinds}), {self.links} standard links, "
                f"{self.reviews} reviews held")


@dataclass
class _Portfolio:
    evidence: list[Evidence] = field(default_factory=list)
    details: list[object] = field(default_factory=list)
    links: list[StandardLink] = field(default_factory=list)


def _stage_id(tl: Timeline, day: date) -> str:
    stage = tl.stage_at(day)
    if stage is None and tl.stages and day >= tl.stages[-1].end:
        stage = tl.stages[-1]  # the day of the final review closes the last stage
    return stage.id if stage else ""


def _status(m: Member, slot: Slot, today: date) -> str:
    recent = (today - slot.day).days <= DRAFT_DAYS
    if m.scenario.completed or slot.kind is EvidenceKind.SUPERVISION or not recent:
        return "final"
    return "draft"


def _portfolio(m: Member, today: date) -> _Portfolio:
    out = _Portfolio()
    plan = plan_slots(m.scenario, m.programme, m.timeline, today, m.pause)
    for slot in plan.slots:
        ev = Evidence(id=new_id(), enrolment_id=m.enrolment.id, kind=slot.kind.value,
                      occurred_on=slot.day, title="", status=_status(m, slot, today),
                      stage_id=_stage_id(m.timeline, slot.day), transcribed=False)
        out.details.append(_BUILDERS[slot.kind](m, slot, ev, today))
        out.evidence.append(ev)
        out.links += links_for(m, ev, slot.kind)
    if m.scenario.completed or m.scenario.status is EnrolmentStatus.EXTENDED:
        out.links += top_up(m, out.evidence, out.links)
    return out


def create_demo_cohort(database: Database, catalogue: Catalogue, *, today: date,
                       seed: int = 2026, phrases_dir: Path | None = None) -> DemoSummary:
    """Add the demo staff and six practitioners with their portfolios to ``database``.

    Raises ``NotFound`` when a programme or framework it needs is not in ``catalogue``.
    """
    rng = random.Random(seed)
    banks = load_banks(phrases_dir or resources_dir() / "demo")
    used: set[str] = set()
    staff = make_staff(banks["people"], rng, used)
    people: list[object] = list(staff.all)
    evidence: list[Evidence] = []
    details: list[object] = []
    links: list[StandardLink] = []
    reviews: list[Review] = []
    finals: list[FinalAssessment] = []
    pauses = 0
    for index, scenario in enumerate(SCENARIOS):
        member, rows = make_member(scenario, index, staff, catalogue, banks, rng, used, today)
        people += rows
        pauses += member.pause is not None
        folio = _portfolio(member, today)
        evidence += folio.evidence
        details += folio.details
        links += folio.links
        reviews += reviews_for(member, today)
        if scenario.completed:
            finals.append(final_assessment(member, folio.evidence, folio.links))

    rows = [*people, *evidence, *reviews, *finals, *details, *links]
    with database.uow(actor=DEMO_ACTOR) as uow:
        # Parents before children, one flush per tier: several detail tables refer to
        # their parent by a bare foreign key the session cannot order by.
        for tier in range(4):
            uow.session.add_all([r for r in rows if _TIER.get(type(r), 3) == tier])
            uow.session.flush()
        uow.commit()

    kinds = Counter(e.kind for e in evidence)
    return DemoSummary(
        assessors=len(staff.assessors), managers=len(staff.managers), coordinators=1,
        practitioners=len(SCENARIOS), enrolments=len(SCENARIOS), agreements=len(SCENARIOS),
        pauses=pauses, evidence=len(evidence), links=len(links), reviews=len(reviews),
        final_assessments=len(finals), drafts=sum(e.status == "draft" for e in evidence),
        transcribed=sum(e.transcribed for e in evidence),
        evidence_by_kind={k.value: kinds.get(k.value, 0) for k in EvidenceKind},
    )

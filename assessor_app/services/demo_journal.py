"""Demo evidence the practitioner and line manager write: reflections, self-assessments,
supervision log entries.
"""

from __future__ import annotations

from datetime import date

from assessor_app.services.demo_people import Member
from assessor_app.services.demo_schedule import Slot
from assessor_app.store.base import new_id
from assessor_app.store.models import Evidence, Reflection, SelfAssessment, SupervisionEntry

_SA_TITLES = {"initial": "Initial self-assessment", "mid": "Six-month self-assessment",
              "final": "End-of-year self-assessment"}


def reflection(m: Member, slot: Slot, ev: Evidence, today: date) -> Reflection:
    ph, rng = m.ph, m.ph.rng
    period = slot.key
    due = next((r for r in m.programme.reflections if r.id == period), None)
    ev.title = due.title if due else "Critical reflection"
    ev.author_role = "practitioner"
    ev.transcribed = rng.random() < 0.2  # sent as a document and typed in by the assessor
    opening_key = period if period in ph.get("reflections.opening") else "reflection-6"
    paragraphs = [
        ph.deal(f"reflections.opening.{opening_key}"),
        ph.deal(f"reflections.case.{m.service}"),
        ph.deal(f"reflections.theory.{m.service}"),
        ph.deal("reflections.feelings"),
    ]
    prompts = ph.get("reflections.prompts")
    return Reflection(id=new_id(), evidence_id=ev.id, period=period,
                      prompt=prompts.get(period, prompts["reflection-6"]),
                      body="\n\n".join(paragraphs),
                      learning=" ".join(ph.deal_many("reflections.learning", 2)))


def self_assessment(m: Member, slot: Slot, ev: Evidence, today: date) -> SelfAssessment:
    ph, rng = m.ph, m.ph.rng
    point = slot.key.removeprefix("sa-")
    ev.title = _SA_TITLES.get(point, "Self-assessment")
    ev.author_role = "practitioner"
    base = {"initial": 2.4, "mid": 3.3, "final": 4.2}.get(point, 3.0)
    ratings: dict[str, int] = {}
    for fw in m.frameworks[:2]:  # the main framework and the PCF
        for st in fw.statements:
            ratings[f"{fw.id}:{st.code}"] = max(1, min(5, round(base + rng.uniform(-0.9, 0.9))))
    return SelfAssessment(
        id=new_id(), evidence_id=ev.id, ratings=ratings,
        body=ph.deal(f"reflections.self_assessment.body.{point}"),
        priorities="\n".join(ph.deal_many("reflections.self_assessment.priorities", 3)),
    )


def supervision(m: Member, slot: Slot, ev: Evidence, today: date) -> SupervisionEntry:
    ph, rng = m.ph, m.ph.rng
    number = m.next("supervision")
    lo, hi = m.scenario.supervision_gap
    held = rng.random() >= (0.4 if lo <= slot.month < hi else 0.05)
    ev.author_role = "manager"
    ev.title = f"Supervision {number}" + ("" if held else " (cancelled)")
    if not held:
        return SupervisionEntry(id=new_id(), evidence_id=ev.id, supervisor_name=m.manager.name,
                                held=False, actions=ph.deal("supervision.cancelled"))
    cases = rng.sample(m.cases, 2)
    discussion = [ph.deal(f"supervision.case_discussion.{m.service}").format(case=c) for c in cases]
    return SupervisionEntry(
        id=new_id(), evidence_id=ev.id, supervisor_name=m.manager.name, held=True,
        duration_minutes=rng.choice((60, 75, 90, 90)),
        case_discussion="\n".join(discussion),
        reflective_discussion=ph.deal("supervision.reflective_discussion"),
        wellbeing_workload=ph.deal("supervision.wellbeing_workload"),
        actions="\n".join(f"- {a}" for a in ph.deal_many("supervision.actions", 2)),
    )

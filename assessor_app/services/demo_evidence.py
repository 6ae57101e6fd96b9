"""Demo evidence an assessor writes: observations, reviews of written work, feedback.

Each builder fills the common ``Evidence`` row's title (and flags) and returns the
detail row. People are named only in the name fields (observer, collector);
narrative text refers to roles ("the practitioner", "mother", "child, 7").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from assessor_app.services.demo_people import Member
from assessor_app.services.demo_schedule import Slot, workday
from assessor_app.store.base import new_id
from assessor_app.store.models import Evidence, Feedback, Observation, RecordReview

_TIMES = ("09:30", "10:00", "10:30", "11:15", "13:30", "14:00", "15:45")
_ANON_PREFIX = "R-"


def _signoff(day: date, days: int, today: date) -> date | None:
    d = workday(day + timedelta(days=days))
    return d if d <= today else None


def observation(m: Member, slot: Slot, ev: Evidence, today: date) -> Observation:
    ph, rng = m.ph, m.ph.rng
    sc = ph.deal(f"observations.{m.service}.scenarios")
    number = m.next("observation")
    m.suggested_links = dict(sc["links"])
    ev.title = f"Observation {number}: {sc['short']}"
    ev.author_role = "assessor"
    age = rng.randint(*sc["ages"])
    people = [p.format(age=age) for p in sc["people"]]
    notes = list(sc["notes"])
    notes[-1:-1] = ph.deal_many(f"observations.{m.service}.notes_generic", 2)  # before the close
    draft = ev.status == "draft"
    by_practitioner = None if draft else _signoff(slot.day, rng.randint(2, 6), today)
    by_assessor = None
    if by_practitioner is not None:
        by_assessor = _signoff(by_practitioner, rng.randint(0, 3), today)
    return Observation(
        id=new_id(), evidence_id=ev.id, start_time=rng.choice(_TIMES),
        duration_minutes=rng.choice((45, 60, 60, 75, 90)), setting=sc["setting"],
        activity=sc["activity"], purpose=" ".join(sc["purpose"].split()),
        people_present=people, consent_how=ph.deal("observations.consent_how"),
        consent_by=sc["consent_by"],
        consent_on=workday(slot.day - timedelta(days=rng.randint(2, 9))),
        observer_name=m.assessor.name, observer_role=m.assessor.job_title,
        plan_before=" ".join(sc["plan"].split()), notes=" ".join(notes),
        went_well=ph.sentences("observations.went_well", rng.randint(2, 3)),
        development=ph.sentences("observations.development", rng.randint(1, 2)),
        practitioner_reflection="" if draft else ph.deal("observations.practitioner_reflection"),
        assessor_judgement="" if draft else ph.deal("observations.assessor_judgement"),
        signed_off_by_practitioner=by_practitioner, signed_off_by_assessor=by_assessor,
    )


def _criteria_outcome(rng_value: float, maturity: float) -> str:
    """Written work improves over the year: fewer 'partly' and 'not met' later on."""
    not_met = 0.08 * (1 - maturity)
    partly = 0.35 - 0.22 * maturity
    if rng_value < not_met:
        return "not_met"
    if rng_value < not_met + partly:
        return "partly"
    return "met"


def _grade(outcomes: list[str], rng_value: float) -> str:
    partly, missing = outcomes.count("partly"), outcomes.count("not_met")
    if missing or partly >= 4:
        return "requires improvement"
    if partly == 0 and rng_value < 0.5:
        return "outstanding"
    return "good"


def _record_for(m: Member, month: float) -> dict[str, Any]:
    """The next kind of record this practitioner could have written by ``month``."""
    path = f"record_reviews.{m.service}.records"
    for _ in range(len(m.ph.get(path)) * 2):
        rec: dict[str, Any] = m.ph.deal(path)
        if rec.get("from_month", 0) <= month:
            return rec
    return m.ph.get(path)[0]


def record_review(m: Member, slot: Slot, ev: Evidence, today: date) -> RecordReview:
    ph, rng = m.ph, m.ph.rng
    rec = _record_for(m, slot.month)
    case = rng.choice(m.cases)
    ev.title = f"Written work: {rec['title']} ({case})"
    ev.author_role = "assessor"
    maturity = min(slot.month / 12.0, 1.0)
    criteria = {cid: _criteria_outcome(rng.random(), maturity)
                for cid in ph.get(f"record_reviews.{m.service}.criteria")}
    if m.service == "children" and "assessment" not in rec["record_type"]:
        criteria["child_seen_alone"] = "na" if rng.random() < 0.5 else criteria["child_seen_alone"]
    outcomes = list(criteria.values())
    grade = _grade(outcomes, rng.random())
    parts = [rec["opening"], *ph.deal_many("record_reviews.strengths", rng.randint(1, 2))]
    notes = ph.get(f"record_reviews.{m.service}.notes")
    weak = [cid for cid, outcome in criteria.items() if outcome in ("partly", "not_met")]
    parts += [notes[cid] for cid in weak[:2]]
    if not weak and grade != "outstanding":
        parts.append(rng.choice([*ph.get("record_reviews.development"),
                                 *ph.get(f"record_reviews.{m.service}.development")]))
    parts.append(ph.deal(f"record_reviews.closing.{grade}"))
    return RecordReview(id=new_id(), evidence_id=ev.id, case_reference=case,
                        record_type=rec["record_type"], criteria=criteria, grade=grade,
                        commentary=" ".join(parts))


def _rating(rng_value: float) -> int:
    return 5 if rng_value < 0.5 else 4 if rng_value < 0.85 else 3


def feedback_lived(m: Member, slot: Slot, ev: Evidence, today: date) -> Feedback:
    ph, rng = m.ph, m.ph.rng
    group = ph.deal(f"feedback.lived.{m.service}")
    age_band = rng.choice(group["age_bands"])
    fmt = rng.choice(group["formats"])
    on_paper = [x for x in group["methods"] if x != "verbal"] or ["form"]
    method = "verbal" if fmt == "verbal" else rng.choice(on_paper)  # said, or written down
    number = m.next("respondent")
    ref = f"{_ANON_PREFIX}{number:02d}"  # every respondent gets an identifier, never a name
    anonymous = rng.random() < 0.3 or (number == 2 and not m.counters.get("anonymous"))
    if anonymous:
        m.next("anonymous")  # so each portfolio with two or more has an anonymous one
    who = ("anonymous " if anonymous else "") + group["respondent_type"]
    article = "an" if who[0] in "aeiou" else "a"
    ev.title = f"Feedback from {article} {who}" + (f" ({age_band})" if age_band else "")
    ev.author_role = "assessor"
    ev.transcribed = method != "verbal" and rng.random() < 0.6  # paper form typed in
    kind = group["respondent_type"]
    return Feedback(
        id=new_id(), evidence_id=ev.id, respondent_type=group["respondent_type"],
        age_band=age_band, context=rng.choice(group["contexts"]), format=fmt, method=method,
        collected_by=m.assessor.name, practitioner_present=method == "form" and rng.random() < 0.3,
        consent=group["consent"], anonymous=anonymous, respondent_ref=ref,
        ratings={q: _rating(rng.random()) for q in ph.get("feedback.ratings_lived")},
        went_well=ph.deal_from(f"went_well:{kind}", group["went_well"]),
        could_be_better=ph.deal_from(f"could_be_better:{kind}", group["could_be_better"]),
        own_words=ph.deal_from(f"own_words:{kind}", group["own_words"]),
    )


def feedback_professional(m: Member, slot: Slot, ev: Evidence, today: date) -> Feedback:
    ph, rng = m.ph, m.ph.rng
    who = ph.deal(f"feedback.professional.{m.service}")
    role = who["respondent_type"]
    ev.title = f"Feedback from {'an' if role[0] in 'aeiou' else 'a'} {role}"
    ev.author_role = "assessor"
    return Feedback(
        id=new_id(), evidence_id=ev.id, respondent_type=who["respondent_type"],
        agency=who["agency"], context=who["context"], format="adult form",
        method=rng.choice(("form", "form", "verbal")), collected_by=m.assessor.name,
        consent="consent",
        ratings={q: _rating(rng.random()) for q in ph.get("feedback.professional.ratings")},
        went_well=ph.deal("feedback.professional.went_well"),
        could_be_better=ph.deal("feedback.professional.could_be_better"),
        own_words=ph.deal("feedback.professional.own_words"),
    )

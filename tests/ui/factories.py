"""Hand-built DTOs for GUI tests and benchmarks: a realistic ASYE programme, timelines built
from the dataclasses directly (not ``build_timeline``), and N evidence rows.

``InMemoryWorkbench`` is a plain ``WorkbenchApi`` implementation over these DTOs: test
data, not a mock of the store. Everything is deterministic (seeded), and every name,
team and registration number is invented.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from assessor_app.domain.catalogue import (
    EvidenceMinimum,
    Framework,
    ObservationWindow,
    Programme,
    ReflectionDue,
    ReviewPoint,
    Stage,
    Statement,
)
from assessor_app.domain.dto import (
    EvidenceRow,
    LinkRow,
    PauseRow,
    PractitionerPage,
    PractitionerRow,
    ReviewRow,
)
from assessor_app.domain.enums import DueKind, EnrolmentStatus, EvidenceKind, EvidenceStatus
from assessor_app.domain.sufficiency import MinimumStatus, StatementCoverage, Sufficiency
from assessor_app.domain.timeline import DueItem, PauseSpan, StageSpan, Timeline

TODAY = date(2026, 11, 23)


def _fw(fid: str, version: str, title: str, short: str, titles: list[str]) -> Framework:
    return Framework(fid, version, title, short,
                     tuple(Statement(str(i), t) for i, t in enumerate(titles, 1)))


PQS = _fw("pqs-cf", "2018", "Post-qualifying standard: KSS for child and family practitioners",
          "PQS (child and family)", [
              "Relationships and effective direct work", "Communication", "Child development",
              "Adult mental ill health, substance misuse, domestic abuse, physical ill health "
              "and disability", "Abuse and neglect of children", "Child and family assessment",
              "Analysis, decision-making, planning and review",
              "The law and the family and youth justice systems",
              "The role of supervision and research", "Organisational context"])
PCF = _fw("pcf", "2018", "Professional Capabilities Framework (ASYE level)", "PCF", [
    "Professionalism", "Values and ethics", "Diversity and equality",
    "Rights, justice and economic wellbeing", "Knowledge", "Critical reflection and analysis",
    "Skills and interventions", "Contexts and organisations", "Professional leadership"])
SWE = _fw("swe", "2019", "Social Work England professional standards", "SWE standards", [
    "Promote the rights, strengths and wellbeing of people, families and communities",
    "Establish and maintain the trust and confidence of people",
    "Be accountable for the quality of practice and decisions",
    "Maintain continuing professional development",
    "Act safely, respectfully and with professional integrity",
    "Promote ethical practice and report concerns"])
FRAMEWORKS = (PQS, PCF, SWE)

ASYE = Programme(
    id="asye-children", version="2025", title="ASYE — child and family", months=12,
    frameworks=("pqs-cf", "pcf", "swe"),
    stages=(Stage("stage-1", "Foundation (months 0–3)", 0, 3),
            Stage("stage-2", "Consolidation (months 3–6)", 3, 6),
            Stage("stage-3", "Development (months 6–12)", 6, 12)),
    review_points=(ReviewPoint("review-3", "3-month (foundational) review", 3),
                   ReviewPoint("review-6", "6-month review", 6),
                   ReviewPoint("review-9", "9-month review", 9, optional=True),
                   ReviewPoint("final", "Final review", 12, final=True)),
    observation_windows=(ObservationWindow("obs-1", "First observation (months 0–3)", 0, 3),
                         ObservationWindow("obs-2", "Second observation (months 3–6)", 3, 6),
                         ObservationWindow("obs-3", "Third observation (months 6–12)", 6, 12)),
    reflections=(ReflectionDue("reflection-6", "Critical reflection on months 0–6", 6),
                 ReflectionDue("reflection-12", "Critical reflection on months 6–12", 12)),
    minimums=(EvidenceMinimum(EvidenceKind.OBSERVATION, 3, "Direct observations of practice"),
              EvidenceMinimum(EvidenceKind.FEEDBACK_LIVED, 3,
                              "Feedback from children, young people, parents or carers"),
              EvidenceMinimum(EvidenceKind.FEEDBACK_PROFESSIONAL, 3,
                              "Feedback from other professionals"),
              EvidenceMinimum(EvidenceKind.RECORD_REVIEW, 3, "Assessed examples of written work"),
              EvidenceMinimum(EvidenceKind.REFLECTION, 2, "Critical reflections")),
)


@dataclass(frozen=True)
class Person:
    """One invented enrolment: enough to derive a row and a page."""

    key: str
    name: str
    team: str
    start: date
    fte: float = 1.0
    status: EnrolmentStatus = EnrolmentStatus.ACTIVE
    pauses: tuple[PauseSpan, ...] = ()
    not_held: frozenset[str] = frozenset()  # past review points deliberately not held
    extension_months: float = 0.0
    assessor: str = "Rosalind Achterberg-Moore"
    manager: str = "Priyanka Venkatesan"
    seed: int = 1


PEOPLE = (
    Person("e1", "Aisha Kowalczyk-Barnes", "Children's assessment team", date(2026, 3, 2),
           not_held=frozenset({"review-6"}), seed=1),
    Person("e2", "Callum Brightwater", "Family support team (north)", date(2026, 9, 7), seed=2),
    Person("e3", "Niamh Castellanos", "Children's assessment team", date(2025, 12, 1), fte=0.8,
           seed=3),
    Person("e4", "Bethany Ashworth-Nwosu", "Children in care team", date(2026, 1, 12),
           status=EnrolmentStatus.PAUSED, pauses=(PauseSpan(date(2026, 10, 5), None),), seed=4),
    Person("e5", "Tomasz Abernethy-Osei", "Children's disability team", date(2025, 9, 1),
           status=EnrolmentStatus.COMPLETED, seed=5),
    Person("e6", "Jack Nowak", "Family support team (south)", date(2026, 6, 1), seed=6,
           pauses=(PauseSpan(date(2026, 7, 20), date(2026, 8, 17)),),
           assessor="Desmond Okonkwo-Fairley"),
    Person("e7", "Siobhan Kelly", "Children in need team", date(2025, 10, 6),
           status=EnrolmentStatus.EXTENDED, extension_months=3, not_held=frozenset({"final"}),
           assessor="Desmond Okonkwo-Fairley", seed=7),
    Person("e8", "Mohammed Rahman", "Children's assessment team", date(2026, 4, 20), seed=8,
           not_held=frozenset({"review-3"})),
)


def add_months(start: date, months: float) -> date:
    whole = int(months)
    y, m = divmod(start.month - 1 + whole, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=round((months - whole) * 365.25 / 12))


def _shift(day: date, pauses: tuple[PauseSpan, ...], today: date) -> date:
    for p in pauses:
        if day >= p.start:
            day += (p.end or today) - p.start
    return day


def make_timeline(person: Person, today: date = TODAY, programme: Programme = ASYE) -> Timeline:
    def at(month: float) -> date:
        return _shift(add_months(person.start, month / person.fte), person.pauses, today)

    ext = person.extension_months
    items = [DueItem("agreement", DueKind.AGREEMENT, "Learning agreement", at(1), stage_id="stage-1")]
    for rp in programme.review_points:
        month = rp.month + (ext if rp.final else 0)
        items.append(DueItem(rp.id, DueKind.FINAL_REVIEW if rp.final else DueKind.REVIEW,
                             rp.title, at(month), optional=rp.optional))
    for w in programme.observation_windows:
        items.append(DueItem(w.id, DueKind.OBSERVATION_WINDOW, w.title, at(w.end_month),
                             window_start=at(w.start_month)))
    for r in programme.reflections:
        items.append(DueItem(r.id, DueKind.REFLECTION, r.title, at(r.month + (ext if r.month >= 12 else 0))))
    items.append(DueItem("moderation", DueKind.MODERATION, "Moderation panel",
                         at(programme.months + ext + 1)))
    stages = tuple(StageSpan(s.id, s.title, at(s.start_month),
                             at(s.end_month + (ext if s is programme.stages[-1] else 0)))
                   for s in programme.stages)
    pauses = tuple(PauseSpan(p.start, p.end or today) for p in person.pauses)
    return Timeline(person.start, at(programme.months + ext), stages,
                    tuple(sorted(items, key=lambda i: (i.due, i.key))), pauses)


def _held(person: Person, timeline: Timeline, today: date) -> dict[str, date]:
    done = {}
    for item in timeline.items:
        if item.kind in (DueKind.REVIEW, DueKind.FINAL_REVIEW) and item.due < today \
                and item.key not in person.not_held and not item.optional:
            done[item.key] = item.due - timedelta(days=3)
    return done


def make_row(person: Person, today: date = TODAY) -> PractitionerRow:
    timeline = make_timeline(person, today)
    done = set(_held(person, timeline, today))
    running = person.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.EXTENDED)
    overdue = tuple(i for i in timeline.items if running and i.due < today and not i.optional
                    and i.key not in done and i.kind in (DueKind.REVIEW, DueKind.FINAL_REVIEW))
    upcoming = [i for i in timeline.items if i.due >= today and i.key not in done]
    stage = next((s.title for s in timeline.stages if s.start <= today < s.end), "")
    if person.status is EnrolmentStatus.COMPLETED:
        stage = ""
    return PractitionerRow(
        practitioner_id=f"p-{person.key}", enrolment_id=person.key, name=person.name,
        programme_title=ASYE.title, status=person.status, stage_title=stage,
        next_due=upcoming[0] if upcoming else None, overdue=overdue,
        assessor_name=person.assessor, start_date=person.start, fte=person.fte)


TITLES = {
    EvidenceKind.OBSERVATION: ["Home visit: child and family assessment (child, {n})",
                               "Core group meeting chaired with the family",
                               "Direct work session at school (young person, {n})",
                               "Strategy discussion with police and health"],
    EvidenceKind.RECORD_REVIEW: ["Child and family assessment", "Chronology and case summary",
                                 "Child protection conference report", "Visit record"],
    EvidenceKind.FEEDBACK_LIVED: ["Feedback from a mother (easy-read form)",
                                  "Feedback from a young person, {n} (faces scale)",
                                  "Feedback from a foster carer"],
    EvidenceKind.FEEDBACK_PROFESSIONAL: ["Feedback from a health visitor",
                                         "Feedback from a designated safeguarding lead",
                                         "Feedback from an independent reviewing officer"],
    EvidenceKind.REFLECTION: ["Critical reflection on a neglect case",
                              "Reflective log: working with fathers"],
    EvidenceKind.SELF_ASSESSMENT: ["Self-assessment against the PQS"],
    EvidenceKind.SUPERVISION: ["Supervision: caseload and workload", "Supervision: case discussion"],
}
KIND_WEIGHTS = {EvidenceKind.OBSERVATION: 3, EvidenceKind.RECORD_REVIEW: 3,
                EvidenceKind.FEEDBACK_LIVED: 3, EvidenceKind.FEEDBACK_PROFESSIONAL: 3,
                EvidenceKind.REFLECTION: 2, EvidenceKind.SELF_ASSESSMENT: 1,
                EvidenceKind.SUPERVISION: 6}


def make_evidence(person: Person, timeline: Timeline, n: int, today: date = TODAY
                  ) -> tuple[EvidenceRow, ...]:
    rng = random.Random(person.seed * 7919 + n)
    last = min(today, timeline.end)
    span = max((last - timeline.start).days, 1)
    kinds = list(KIND_WEIGHTS)
    statements = [(fw.id, st.code) for fw in FRAMEWORKS for st in fw.statements]
    # Each kind tends to evidence some statements (observations: direct work; supervision:
    # supervision and organisation), so coverage is uneven, as in a real portfolio.
    favoured = {k: rng.sample(statements, 7) for k in kinds}
    rows = []
    for i in range(n):
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        day = timeline.start + timedelta(days=rng.randrange(span))
        stage = next((s for s in timeline.stages if s.start <= day < s.end), timeline.stages[-1])
        title = rng.choice(TITLES[kind]).format(n=rng.randrange(4, 17))
        status = rng.choices(list(EvidenceStatus), weights=[1, 5, 2])[0]
        pool = favoured[kind] if rng.random() < 0.85 else statements
        links = tuple(LinkRow(fid, code, "") for fid, code in
                      rng.sample(pool, rng.randrange(0 if kind is EvidenceKind.SUPERVISION else 1, 4)))
        rows.append(EvidenceRow(f"{person.key}-ev{i:04d}", kind, title, day, status,
                                stage.id, stage.title, links, transcribed=rng.random() < 0.05))
    rows.sort(key=lambda r: (r.occurred_on, r.id), reverse=True)
    return tuple(rows)


def sufficiency_for(evidence: tuple[EvidenceRow, ...], programme: Programme = ASYE) -> Sufficiency:
    """Counted by hand here (not ``assess``), so these tests do not depend on it."""
    final = [r for r in evidence if r.status is not EvidenceStatus.DRAFT]
    minimums = tuple(MinimumStatus(
        m.kind, m.label, m.count, sum(1 for r in final if r.kind is m.kind),
        sum(1 for r in evidence if r.kind is m.kind and r.status is EvidenceStatus.DRAFT))
        for m in programme.minimums)
    coverage = []
    for fw in FRAMEWORKS:
        for st in fw.statements:
            linked = [r for r in final
                      if any((ln.framework_id, ln.statement_code) == (fw.id, st.code) for ln in r.links)]
            coverage.append(StatementCoverage(fw.id, st.code, st.title, len(linked),
                                              frozenset(r.kind for r in linked)))
    return Sufficiency(minimums, tuple(coverage))


def make_page(person: Person = PEOPLE[0], n_evidence: int = 60, today: date = TODAY
              ) -> PractitionerPage:
    timeline = make_timeline(person, today)
    held = _held(person, timeline, today)
    evidence = make_evidence(person, timeline, n_evidence, today)
    reviews = tuple(ReviewRow(f"{person.key}-{rp.id}", rp.id, rp.title, held.get(rp.id),
                              "on_track" if rp.id in held else "")
                    for rp in ASYE.review_points)
    pauses = tuple(PauseRow(f"{person.key}-pause{i}", p.start, p.end, "Long-term illness",
                            person.manager) for i, p in enumerate(person.pauses))
    return PractitionerPage(
        row=make_row(person, today), registration_number=f"SW{100000 + person.seed * 7321}",
        team=person.team, line_manager_name=person.manager, programme=ASYE,
        frameworks=FRAMEWORKS, timeline=timeline, pauses=pauses, evidence=evidence,
        reviews=reviews, sufficiency=sufficiency_for(evidence), today=today)


@dataclass
class InMemoryWorkbench:
    """A ``WorkbenchApi`` over hand-built DTOs; records which thread served each call."""

    people: tuple[Person, ...] = PEOPLE
    n_evidence: int = 60
    calls: list[tuple[str, str]] = field(default_factory=list)

    def list_rows(self, today: date) -> list[PractitionerRow]:
        self.calls.append(("list_rows", today.isoformat()))
        return [make_row(p, today) for p in self.people]

    def page(self, enrolment_id: str, today: date) -> PractitionerPage:
        self.calls.append(("page", enrolment_id))
        person = next((p for p in self.people if p.key == enrolment_id), None)
        if person is None:
            raise LookupError(enrolment_id)
        return make_page(person, self.n_evidence, today)

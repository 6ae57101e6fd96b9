"""Demo staff, practitioners, enrolments, learning agreements and pauses.

Names and numbers come from resources/demo/people.yaml (all invented). Each
practitioner becomes a ``Member``: the rows plus what the evidence builders need
(timeline, frameworks, a phrase deck of their own) so nothing is looked up twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.domain.enums import EnrolmentStatus, PersonRole
from assessor_app.domain.timeline import PauseSpan, Timeline, build_timeline
from assessor_app.errors import NotFound
from assessor_app.services.demo_schedule import (
    Scenario,
    months_before,
    pause_dates,
    workday,
)
from assessor_app.services.demo_text import Phrases
from assessor_app.store.base import new_id
from assessor_app.store.models import Agreement, Enrolment, Pause, Person, Practitioner


@dataclass
class Staff:
    assessors: list[Person]
    managers: list[Person]
    coordinator: Person

    @property
    def all(self) -> list[Person]:
        return [*self.assessors, *self.managers, self.coordinator]


@dataclass
class Member:
    """One practitioner's rows and context while their portfolio is being written."""

    scenario: Scenario
    programme: Programme
    frameworks: tuple[Framework, ...]
    service: str  # "children" or "adults": picks the phrase banks
    practitioner: Practitioner
    enrolment: Enrolment
    assessor: Person
    manager: Person
    coordinator: Person
    timeline: Timeline
    pause: tuple[date, date | None] | None
    ph: Phrases
    cases: list[str] = field(default_factory=list)  # pseudonymous case references
    counters: dict[str, int] = field(default_factory=dict)
    #: {"fw:code": comment} the last built item proposes for its links (observations do)
    suggested_links: dict[str, str] = field(default_factory=dict)

    def next(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]


def _email(name: str, domain: str) -> str:
    return ".".join(name.lower().split()) + "@" + domain


def _registration(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"SW{rng.randint(100000, 999999)}"
        if number not in used:
            used.add(number)
            return number


def make_staff(people: dict[str, Any], rng: random.Random, used: set[str]) -> Staff:
    employer, domain = people["employer"], people["email_domain"]

    def person(entry: dict[str, str], role: PersonRole, registered: bool) -> Person:
        return Person(id=new_id(), name=entry["name"], role=role.value,
                      job_title=entry["job_title"], employer=employer,
                      email=_email(entry["name"], domain),
                      registration_number=_registration(rng, used) if registered else "")

    return Staff(
        assessors=[person(a, PersonRole.ASSESSOR, True) for a in people["assessors"]],
        managers=[person(m, PersonRole.LINE_MANAGER, True) for m in people["managers"]],
        coordinator=person(people["coordinator"], PersonRole.COORDINATOR, True),
    )


def _frameworks(catalogue: Catalogue, programme: Programme) -> tuple[Framework, ...]:
    out = []
    for fid in programme.frameworks:
        fw = catalogue.framework(fid)
        if fw is None:
            raise NotFound(f"The framework {fid} used by {programme.title} is not installed.",
                           "Reinstall the app's resources folder, then try again.")
        out.append(fw)
    return tuple(out)


def make_member(sc: Scenario, index: int, staff: Staff, catalogue: Catalogue,
                banks: dict[str, Any], rng: random.Random, used: set[str],
                today: date) -> tuple[Member, list[object]]:
    """The practitioner's rows (returned for adding) and their ``Member`` context."""
    people = banks["people"]
    programme = catalogue.programme(sc.programme_id)
    if programme is None:
        raise NotFound(f"The programme {sc.programme_id} is not installed.",
                       "Reinstall the app's resources folder, then try again.")
    frameworks = _frameworks(catalogue, programme)
    start = months_before(today, sc.months_ago, sc.extra_days)
    pause = pause_dates(sc, start, today)
    spans = [PauseSpan(*pause)] if pause else []
    tl = build_timeline(programme, start, fte=sc.fte, pauses=spans,
                        extension_months=sc.extension_months, today=today)
    entry = people["practitioners"][index]
    prac = Practitioner(id=new_id(), name=entry["name"], team=entry["team"],
                        registration_number=_registration(rng, used),
                        employer=people["employer"], fte=sc.fte,
                        email=_email(entry["name"], people["email_domain"]))
    assessor, manager = staff.assessors[sc.assessor], staff.managers[sc.manager]
    enrol = Enrolment(
        id=new_id(), practitioner_id=prac.id, programme_id=programme.id,
        programme_version=programme.version,
        framework_versions={f.id: f.version for f in frameworks}, start_date=start,
        fte=sc.fte, status=sc.status.value, extension_months=sc.extension_months,
        extension_reason=" ".join(people["extension_reason"].split()) if sc.extension_months else "",
        assessor_id=assessor.id, line_manager_id=manager.id, coordinator_id=staff.coordinator.id,
    )
    if sc.status is EnrolmentStatus.COMPLETED:
        moderation = next(i.due for i in tl.items if i.key == "moderation")
        enrol.completed_on = min(moderation, today)
        enrol.outcome = "pass"
    service = "adults" if "adults" in programme.id else "children"
    member = Member(sc, programme, frameworks, service, prac, enrol, assessor, manager,
                    staff.coordinator, tl, pause, Phrases(banks, rng))
    letter = "A" if service == "adults" else "C"
    member.cases = [f"{letter}-{n}" for n in rng.sample(range(1000, 10000), 6)]
    rows: list[object] = [prac, enrol, _agreement(member, people, rng)]
    if pause:
        rows.append(Pause(id=new_id(), enrolment_id=enrol.id, start_date=pause[0],
                          end_date=pause[1], reason=sc.pause.reason if sc.pause else "",
                          detail=people["pause_detail"].get(sc.pause.reason if sc.pause else "", ""),
                          agreed_by=staff.coordinator.name))
    return member, rows


def _agreement(m: Member, people: dict[str, Any], rng: random.Random) -> Agreement:
    """Agreed in the first month; planned dates as they stood then (before any pause)."""
    planned = build_timeline(m.programme, m.timeline.start, fte=m.scenario.fte)
    dates = {i.key: i.due.isoformat() for i in planned.items
             if i.key in {rp.id for rp in m.programme.review_points} or i.key == "moderation"}
    text = people["agreement"]
    plan_key = "supervision_plan_part_time" if m.scenario.fte < 1 else "supervision_plan"
    notes_key = "workload_notes_adults" if m.service == "adults" else "workload_notes"
    return Agreement(
        id=new_id(), enrolment_id=m.enrolment.id,
        agreed_on=workday(m.timeline.start + timedelta(days=rng.randint(8, 20))),
        planned_dates=dates, supervision_plan=" ".join(text[plan_key].split()),
        workload_percent=90.0, protected_time_percent=10.0,
        workload_notes=" ".join(text[notes_key].split()),
        initial_pdp=rng.choice(text["initial_pdp"]),
    )

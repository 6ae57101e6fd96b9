"""The six demo scenarios and when each piece of their evidence happened (no I/O, no RNG).

Evidence is planned in *programme* months (full time, no pauses) and mapped to
calendar days the same way the timeline maps due dates, so a part-time or paused
practitioner's evidence spreads out exactly as their deadlines do.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from assessor_app.domain.catalogue import Programme
from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind
from assessor_app.domain.timeline import (
    DAYS_PER_MONTH,
    PauseSpan,
    Timeline,
    add_months,
    shift_for_pauses,
)

K = EvidenceKind


@dataclass(frozen=True)
class PauseSpec:
    reason: str
    days_ago: int | None = None  # open pause that started this many days before today
    at_month: float = 0.0  # closed pause starting at this calendar month after the start
    length_days: int = 0


@dataclass(frozen=True)
class Scenario:
    """One practitioner's story: programme, where they are and what is (not) done."""

    key: str
    programme_id: str
    months_ago: int
    extra_days: int
    assessor: int  # index into the assessors
    manager: int
    status: EnrolmentStatus = EnrolmentStatus.ACTIVE
    fte: float = 1.0
    pause: PauseSpec | None = None
    extension_months: float = 0.0
    skip: frozenset[str] = frozenset()  # slot keys deliberately not done
    skip_reviews: frozenset[str] = frozenset()
    concerns_at: str = ""  # review point judged "some concerns"
    supervision_gap: tuple[float, float] = (0.0, 0.0)  # programme months with cancellations
    extra: bool = False  # more than the minimum of each kind (the completed portfolio)
    empty: tuple[str, ...] = ()  # "fw:code" never linked: gaps for the heat map
    thin: tuple[str, ...] = ()  # "fw:code" rarely linked
    completed: bool = False


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("new", "asye-children", 2, 5, assessor=0, manager=0,
             empty=("pqs-cf:8", "pqs-cf:4", "pcf:9", "swe:6"), thin=("pqs-cf:3", "pcf:4")),
    Scenario("overdue", "asye-children", 7, 4, assessor=1, manager=0,
             skip=frozenset({"obs-2", "reflection-6"}), concerns_at="review-6",
             supervision_gap=(3.8, 5.6), empty=("pqs-cf:8",),
             thin=("pqs-cf:4", "pqs-cf:10", "pcf:9", "swe:6")),
    Scenario("paused", "asye-children", 9, 3, assessor=0, manager=0,
             status=EnrolmentStatus.PAUSED, pause=PauseSpec("parental leave", days_ago=36),
             thin=("pqs-cf:8", "pcf:9")),
    Scenario("part-time", "asye-adults", 10, 20, assessor=1, manager=1, fte=0.6,
             thin=("kss-adults:10", "pcf:9")),
    # Ten months of sickness absence and a three-month extension take the final review
    # past the programme's 24-month maximum: the demo's "beyond the limit" case.
    Scenario("extended", "asye-children", 20, 7, assessor=0, manager=0,
             status=EnrolmentStatus.EXTENDED,
             pause=PauseSpec("illness", at_month=4.5, length_days=300), extension_months=3.0,
             skip=frozenset({"obs-3", "lived-3"}), skip_reviews=frozenset({"review-9"})),
    Scenario("completed", "asye-adults", 16, 12, assessor=1, manager=1,
             status=EnrolmentStatus.COMPLETED, extra=True, completed=True),
)

#: (slot key, programme month) of each kind apart from observations and reflections,
#: whose months come from the programme's windows and due dates.
_FIXED: dict[EvidenceKind, tuple[tuple[str, float], ...]] = {
    K.SELF_ASSESSMENT: (("sa-initial", 0.4), ("sa-mid", 5.6), ("sa-final", 11.4)),
    K.RECORD_REVIEW: (("rr-1", 2.2), ("rr-2", 5.2), ("rr-3", 8.8)),
    K.FEEDBACK_LIVED: (("lived-1", 2.6), ("lived-2", 6.2), ("lived-3", 9.6)),
    K.FEEDBACK_PROFESSIONAL: (("prof-1", 3.3), ("prof-2", 7.0), ("prof-3", 10.4)),
}
_EXTRA: dict[EvidenceKind, tuple[tuple[str, float], ...]] = {
    K.OBSERVATION: (("obs-extra", 7.4),),
}


@dataclass(frozen=True)
class Slot:
    kind: EvidenceKind
    key: str
    month: float  # programme month: how far into the year (drives tone and ratings)
    day: date


@dataclass
class Plan:
    """Dates that frame one enrolment's evidence."""

    start: date
    first: date  # nothing before this
    last: date  # nothing after this (today, the day before a pause, or the final review)
    slots: list[Slot] = field(default_factory=list)


def months_before(day: date, months: int, extra_days: int = 0) -> date:
    """``months`` calendar months and ``extra_days`` before ``day``, on a Monday."""
    years, month0 = divmod(day.month - 1 - months, 12)
    year = day.year + years
    d = date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))
    d -= timedelta(days=extra_days)
    return d - timedelta(days=d.weekday())


_CLOSED = {(12, 25), (12, 26), (1, 1)}  # offices shut: no visits or meetings


def _off(day: date) -> bool:
    return day.weekday() >= 5 or (day.month, day.day) in _CLOSED


def workday(day: date, pauses: tuple[PauseSpan, ...] = ()) -> date:
    """Back to a working day from a weekend or holiday; forward out of a pause."""
    while _off(day):
        day -= timedelta(days=1)
    for p in pauses:
        if p.start <= day and (p.end is None or day < p.end):
            day = p.end if p.end is not None else day
            while _off(day):
                day += timedelta(days=1)
    return day


def pause_dates(sc: Scenario, start: date, today: date) -> tuple[date, date | None] | None:
    if sc.pause is None:
        return None
    if sc.pause.days_ago is not None:
        return workday(today - timedelta(days=sc.pause.days_ago)), None
    begin = workday(add_months(start, sc.pause.at_month))
    return begin, begin + timedelta(days=sc.pause.length_days)


def _supervision_months(until: float) -> list[float]:
    """Weekly for six weeks, fortnightly to month six, then monthly (DOMAIN.md §2)."""
    months = [(3 + 7 * k) / DAYS_PER_MONTH for k in range(6)]
    day = 3 + 7 * 5 + 14
    while day / DAYS_PER_MONTH < 5.5:
        months.append(day / DAYS_PER_MONTH)
        day += 14
    m = 6.1
    while m < until:
        months.append(m)
        m += 1.0
    return months


def plan_slots(sc: Scenario, programme: Programme, tl: Timeline, today: date,
               pause: tuple[date, date | None] | None) -> Plan:
    """Every slot whose day has come (and falls outside pauses and after completion)."""
    last = today
    if pause is not None and pause[1] is None:
        last = min(last, pause[0] - timedelta(days=1))
    if sc.completed:
        last = min(last, tl.end)
    plan = Plan(start=tl.start, first=tl.start, last=last)

    wanted: list[tuple[EvidenceKind, str, float]] = []
    for kind, fixed in _FIXED.items():
        wanted += [(kind, key, m) for key, m in fixed]
    for w in programme.observation_windows:
        wanted.append((K.OBSERVATION, w.id, w.start_month + 0.55 * (w.end_month - w.start_month)))
    for r in programme.reflections:
        wanted.append((K.REFLECTION, r.id, r.month - 0.3))
    if sc.extra:
        for kind, extra in _EXTRA.items():
            wanted += [(kind, key, m) for key, m in extra]
    until = programme.months + sc.extension_months
    lo, hi = sc.supervision_gap
    for i, m in enumerate(_supervision_months(until)):
        if lo <= m < hi and i % 2:
            continue  # support not given: no session at all, not even a cancelled one
        wanted.append((K.SUPERVISION, f"sup-{i + 1}", m))

    for kind, key, month in wanted:
        if key in sc.skip:
            continue
        day = shift_for_pauses(add_months(tl.start, month / sc.fte), tl.pauses)
        day = workday(day, tl.pauses)
        if plan.first <= day <= plan.last:
            plan.slots.append(Slot(kind, key, month, day))
    plan.slots.sort(key=lambda s: (s.day, s.kind.value, s.key))
    return plan

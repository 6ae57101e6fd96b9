"""The automatic summary of a review period (pure): what the evidence, supervision log and
learning agreement say, so the meeting discusses it rather than counts it.

- The period runs from the day after the previous review (or the programme start)
  to the meeting (or, before it is held, to its due date or today, whichever is first).
- Minimums are checked *pro rata* by the review: at the 6-month review of a 12-month programme, half
  of each minimum (rounded half up) is expected, counting final and signed evidence
  since the start. Drafts are shown apart and do not count.
- Supervision owed follows the support rules (DOMAIN.md §2): weekly for the first
  6 weeks, at least fortnightly to 6 months, then at least monthly. The intervals are
  laid out in programme time like every due date: stretched by 1/FTE for part-time
  hours and moved by pauses, so a pause owes nothing. An interval is owed in the
  period when it ends within it; it is missed when no session marked held falls in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from assessor_app.domain.catalogue import EvidenceMinimum
from assessor_app.domain.enums import KIND_LABELS, EvidenceKind, EvidenceStatus
from assessor_app.domain.review_dto import (
    AgreementTerms,
    EvidenceBrief,
    StandardRef,
    standards_text,
)
from assessor_app.domain.timeline import PauseSpan, add_months, shift_for_pauses

WORK_WEEK_HOURS = 37.0  # a full-time week, for protected time in hours
EXPECTED_WORKLOAD_PERCENT = 90.0  # of an experienced worker's caseload, at most
EXPECTED_PROTECTED_PERCENT = 10.0  # of working time, at least
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """'7 Mar 2026', in English whatever the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class SupportRules:
    weekly_weeks: int = 6
    fortnightly_until_month: float = 6.0  # then monthly

    def describe(self) -> str:
        return (f"weekly for the first {self.weekly_weeks} weeks, at least fortnightly to "
                f"{self.fortnightly_until_month:g} months, then at least monthly")


DEFAULT_SUPPORT = SupportRules()


@dataclass(frozen=True)
class KindCount:
    kind: EvidenceKind
    final: int  # final or signed, in the period
    drafts: int

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class MinimumProgress:
    kind: EvidenceKind
    label: str
    required: int  # over the whole programme
    expected: int  # pro rata by this review
    have: int  # final or signed, from the start to the end of the period
    drafts: int

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.have)


@dataclass(frozen=True)
class SupervisionCheck:
    owed: int  # intervals ending in the period
    held: int  # sessions held in the period
    cancelled: int
    minutes: int
    missed: tuple[tuple[date, date], ...]  # owed intervals with no session held: [start, end)
    rule: str

    def text(self) -> str:
        s = "s" if self.held != 1 else ""
        out = f"{self.held} session{s} held"
        if self.cancelled:
            out += f" ({self.cancelled} cancelled or moved)"
        out += f"; {self.owed} owed under the support rules ({self.rule})."
        if not self.owed:
            return out
        if not self.missed:
            return out + " Every interval had a session."
        spans = ", ".join(f"{day_text(a)} to {day_text(b - timedelta(days=1))}"
                          for a, b in self.missed[:4])
        more = f" and {len(self.missed) - 4} more" if len(self.missed) > 4 else ""
        n = len(self.missed)
        return out + f" {n} interval{'s' if n != 1 else ''} without a session: {spans}{more}."


@dataclass(frozen=True)
class WorkloadCheck:
    agreed_on: date | None
    workload_percent: float
    protected_percent: float
    fte: float
    supervision_plan: str
    notes: str

    @property
    def protected_hours(self) -> float:
        """Protected development time a week, pro rata for part-time hours."""
        return WORK_WEEK_HOURS * self.fte * self.protected_percent / 100

    @property
    def concerns(self) -> tuple[str, ...]:
        out = []
        if self.agreed_on is None:
            out.append("The learning agreement has not been signed off.")
        if self.workload_percent > EXPECTED_WORKLOAD_PERCENT:
            out.append(f"The agreed workload ({self.workload_percent:g}%) is above the "
                       f"{EXPECTED_WORKLOAD_PERCENT:g}% the programme expects.")
        if self.protected_percent < EXPECTED_PROTECTED_PERCENT:
            out.append(f"The agreed protected time ({self.protected_percent:g}%) is below the "
                       f"{EXPECTED_PROTECTED_PERCENT:g}% the programme expects.")
        return tuple(out)

    def text(self) -> str:
        agreed = f"agreed on {day_text(self.agreed_on)}" if self.agreed_on else "not yet agreed"
        out = (f"Learning agreement {agreed}: workload {self.workload_percent:g}% of an "
               f"experienced worker's; protected development time {self.protected_percent:g}% "
               f"(about {self.protected_hours:.1f} hours a week at FTE {self.fte:g}).")
        return " ".join((out, *self.concerns))


@dataclass(frozen=True)
class PeriodSummary:
    start: date
    end: date  # inclusive
    fraction: float  # how far through the programme this review falls (0..1)
    counts: tuple[KindCount, ...]  # every kind, in the usual order
    covered: tuple[StandardRef, ...]  # standards evidenced in the period
    not_yet: tuple[StandardRef, ...]  # standards with no evidence at all by the end
    minimums: tuple[MinimumProgress, ...]
    supervision: SupervisionCheck
    workload: WorkloadCheck | None

    @property
    def total(self) -> int:
        return sum(c.final for c in self.counts)

    @property
    def drafts(self) -> int:
        return sum(c.drafts for c in self.counts)

    def missing_lines(self) -> list[str]:
        """What is still missing, one sentence each (empty when nothing is)."""
        out = [f"{m.label}: {m.have} of {m.expected} expected by this review ({m.missing} more needed)."
               for m in self.minimums if m.missing]
        if self.not_yet:
            codes = standards_text(self.not_yet)
            out.append(f"No evidence yet for {len(self.not_yet)} standard"
                       f"{'s' if len(self.not_yet) != 1 else ''}: {codes}.")
        return out

    def workload_text(self) -> str:
        return self.workload.text() if self.workload else "No learning agreement is recorded."


def review_period(end: date, programme_start: date, other_meetings: Sequence[date]) -> date:
    """The first day of the period ending ``end``: the day after the latest earlier meeting."""
    before = [d for d in other_meetings if d < end]
    return max(before) + timedelta(days=1) if before else programme_start


def supervision_intervals(programme_start: date, until: date, *, fte: float = 1.0,
                          pauses: Sequence[PauseSpan] = (),
                          rules: SupportRules = DEFAULT_SUPPORT) -> list[tuple[date, date]]:
    """``[start, end)`` intervals each owing one session, from the start until ``until``."""
    fte = fte if 0 < fte <= 1 else 1.0

    def by_days(d: float) -> date:
        return shift_for_pauses(programme_start + timedelta(days=round(d / fte)), pauses)

    def by_months(m: float) -> date:
        return shift_for_pauses(add_months(programme_start, m / fte), pauses)

    bounds = [by_days(7 * k) for k in range(rules.weekly_weeks + 1)]
    switch = by_months(rules.fortnightly_until_month)
    d = 7 * rules.weekly_weeks + 14
    # A last fortnight cut shorter than a week by the switch joins the one before it.
    while (nxt := by_days(d)) < switch and (switch - nxt).days >= round(7 / fte):
        bounds.append(nxt)
        d += 14
    bounds.append(switch)
    m = rules.fortnightly_until_month + 1
    while bounds[-1] <= until:
        bounds.append(by_months(m))
        m += 1
    pairs = [(a, b) for a, b in pairwise(bounds) if a < b]
    return [(a, b) for a, b in pairs if a <= until]


def _supervision(evidence: Sequence[EvidenceBrief], start: date, end: date,
                 intervals: Sequence[tuple[date, date]], rules: SupportRules) -> SupervisionCheck:
    sessions = [e for e in evidence if e.kind is EvidenceKind.SUPERVISION]
    held_days = sorted(e.occurred_on for e in sessions if e.held)
    in_period = [e for e in sessions if start <= e.occurred_on <= end]
    owed = [(a, b) for a, b in intervals if start < b <= end + timedelta(days=1)]
    missed = tuple((a, b) for a, b in owed if not any(a <= d < b for d in held_days))
    return SupervisionCheck(
        owed=len(owed), held=sum(e.held for e in in_period),
        cancelled=sum(not e.held for e in in_period),
        minutes=sum(e.minutes for e in in_period if e.held), missed=missed,
        rule=rules.describe())


def period_summary(evidence: Sequence[EvidenceBrief], standards: Sequence[StandardRef],
                   minimums: Sequence[EvidenceMinimum], *, programme_start: date,
                   period_start: date, period_end: date, fraction: float, fte: float = 1.0,
                   pauses: Sequence[PauseSpan] = (), agreement: AgreementTerms | None = None,
                   rules: SupportRules = DEFAULT_SUPPORT) -> PeriodSummary:
    """The summary of ``[period_start, period_end]`` for a review ``fraction`` of the way through.

    ``fraction`` is the review point's month over the final review's, so minimums are due pro
    rata by that review whatever the date today.
    """
    fraction = min(max(fraction, 0.0), 1.0)
    period = [e for e in evidence if period_start <= e.occurred_on <= period_end]
    so_far = [e for e in evidence if e.occurred_on <= period_end]
    counted = (EvidenceStatus.FINAL, EvidenceStatus.SIGNED)
    counts = tuple(KindCount(k, sum(e.kind is k and e.status in counted for e in period),
                             sum(e.kind is k and e.status is EvidenceStatus.DRAFT for e in period))
                   for k in EvidenceKind)
    keys_period = {ln.key for e in period if e.status in counted for ln in e.links}
    keys_so_far = {ln.key for e in so_far if e.status in counted for ln in e.links}
    progress = []
    for m in minimums:
        expected = min(m.count, math.floor(m.count * fraction + 0.5))
        progress.append(MinimumProgress(
            m.kind, m.label or m.kind.label, m.count, expected,
            sum(e.kind is m.kind and e.status in counted for e in so_far),
            sum(e.kind is m.kind and e.status is EvidenceStatus.DRAFT for e in so_far)))
    intervals = supervision_intervals(programme_start, period_end, fte=fte, pauses=pauses,
                                      rules=rules)
    workload = None
    if agreement is not None:
        workload = WorkloadCheck(agreement.agreed_on, agreement.workload_percent,
                                 agreement.protected_time_percent, fte,
                                 agreement.supervision_plan, agreement.workload_notes)
    return PeriodSummary(
        start=period_start, end=period_end, fraction=fraction, counts=counts,
        covered=tuple(s for s in standards if s.key in keys_period),
        not_yet=tuple(s for s in standards if s.key not in keys_so_far),
        minimums=tuple(progress),
        supervision=_supervision(evidence, period_start, period_end, intervals, rules),
        workload=workload)


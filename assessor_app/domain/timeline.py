"""Due dates of an enrolment (pure): reviews, observation windows, reflections, final review, moderation.

Rules (DOMAIN.md §2):
- A programme month ``m`` at FTE 1.0 falls ``m`` calendar months after the start
  (fractional months: whole months by the calendar, the rest as days of 365.25/12).
  The day is clamped to the month's end (31 Jan + 1 month = 28/29 Feb), and the
  fractional days never run past the next whole month, so later months never
  give earlier dates.
- Part-time extends pro rata: at FTE ``f`` the nominal month ``m`` falls at ``m / f``
  (``0 < f <= 1``).
- An extension is calendar time agreed by the employer: it is added in months
  after FTE scaling and before pause shifting, to the final review, moderation,
  the last stage's end and every point at or after the final month.
- Moderation falls ``moderation_after_final_months`` calendar months (not FTE
  scaled: the panel is not the practitioner's working time) after the final review.
- A pause shifts every date on or after its start by its length in days, pauses
  applied in date order to the already shifted date.
- Pauses are normalised first: sorted, those ending on/before the start dropped,
  starts before the programme start clipped to it, overlapping or adjacent ones
  merged. An open pause (no end) is closed at ``max(today, its start)`` when
  ``today`` is given. Without ``today`` it stays open (``end=None``) and shifts
  nothing; if it starts inside a closed pause it is listed from that pause's end,
  and only the earliest open pause is kept (it is still running).
- Stage of an item: the stage containing its nominal month; an item exactly at a
  stage's end belongs to the stage ending there (the 3-month review is stage 1's).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from assessor_app.domain.catalogue import Programme, Stage
from assessor_app.domain.enums import DueKind

DAYS_PER_MONTH = 365.25 / 12
_EPS = 1e-9


@dataclass(frozen=True)
class PauseSpan:
    start: date
    end: date | None  # exclusive end; None = still paused


@dataclass(frozen=True)
class StageSpan:
    id: str
    title: str
    start: date
    end: date  # exclusive


@dataclass(frozen=True)
class DueItem:
    key: str  # stable id: review point id, window id, reflection id, "agreement", "moderation"
    kind: DueKind
    title: str
    due: date
    window_start: date | None = None  # observation windows open here and close at ``due``
    stage_id: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date  # date of the final review
    stages: tuple[StageSpan, ...]
    items: tuple[DueItem, ...]  # sorted by due date, then key
    pauses: tuple[PauseSpan, ...]  # normalised (merged, clipped, open pause closed at today)

    def stage_at(self, day: date) -> StageSpan | None:
        """The stage whose ``[start, end)`` holds ``day``; None before the start or after the end."""
        return next((s for s in self.stages if s.start <= day < s.end), None)

    def overdue(self, today: date, done: Iterable[str] = ()) -> list[DueItem]:
        """Non-optional items due before ``today`` whose key is not in ``done``."""
        finished = set(done)
        return [i for i in self.items
                if not i.optional and i.due < today and i.key not in finished]

    def next_due(self, today: date, done: Iterable[str] = ()) -> DueItem | None:
        """The earliest item not in ``done`` due on or after ``today`` (optional items included)."""
        finished = set(done)
        return next((i for i in self.items if i.due >= today and i.key not in finished), None)


def _add_whole_months(start: date, months: int) -> date:
    """Calendar months, the day clamped to the target month's length."""
    years, month0 = divmod(start.month - 1 + months, 12)
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def add_months(start: date, months: float) -> date:
    """Whole months by the calendar, the fraction as ``round(frac * 365.25/12)`` days.

    The fractional days are capped at the next whole month so the result never
    decreases as ``months`` grows (31 Jan + 0.99 months is not after 28 Feb).
    """
    if not math.isfinite(months):
        raise ValueError(f"months must be finite, got {months!r}")
    months = round(months, 9)  # 33 / 0.55 is 59.99999999999999: not 59 months and 30 days
    whole = math.floor(months)
    base = _add_whole_months(start, whole)
    days = round((months - whole) * DAYS_PER_MONTH)
    if days == 0:
        return base
    return min(base + timedelta(days=days), _add_whole_months(start, whole + 1))


def _merged_closed(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Sort and merge overlapping or adjacent ``[start, end)`` spans."""
    merged: list[tuple[date, date]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def normalise_pauses(pauses: Iterable[PauseSpan], start: date | None = None,
                     today: date | None = None) -> tuple[PauseSpan, ...]:
    """Pauses as the timeline uses them (rules in the module docstring).

    ``start`` is the programme start (None: no clipping). Raises ValueError for a
    pause that ends before it starts.
    """
    closed: list[tuple[date, date]] = []
    open_starts: list[date] = []
    for p in pauses:
        if p.end is not None and p.end < p.start:
            raise ValueError(f"pause ends ({p.end}) before it starts ({p.start})")
        s = p.start if start is None else max(p.start, start)
        if p.end is None:
            if today is None:
                open_starts.append(s)
            else:
                closed.append((s, max(today, s)))  # kept even if empty: still paused today
        elif p.end > s:  # drops pauses over before the start, and empty closed ones
            closed.append((s, p.end))
    merged = _merged_closed(closed)
    result = [PauseSpan(s, e) for s, e in merged]
    if open_starts:
        o = min(open_starts)
        for s, e in merged:
            if s <= o <= e:
                o = e
        result.append(PauseSpan(o, None))
        result.sort(key=lambda p: p.start)
    return tuple(result)


def _shift_normalised(day: date, pauses: Sequence[PauseSpan]) -> date:
    shifted = day
    for p in pauses:
        if p.end is not None and p.start <= shifted:
            shifted += p.end - p.start
    return shifted


def shift_for_pauses(day: date, pauses: Sequence[PauseSpan]) -> date:
    """``day`` moved later by every pause starting on or before it (as shifted so far).

    The pauses are sorted and merged here (no clipping); open pauses shift nothing:
    pass pauses through ``normalise_pauses`` with ``today`` to count them.
    """
    return _shift_normalised(day, normalise_pauses(pauses))


def _final_month(programme: Programme) -> float:
    finals = [r.month for r in programme.review_points if r.final]
    return max(finals) if finals else float(programme.months)


def _stage_for(stages: Sequence[Stage], month: float) -> str | None:
    """The stage ending at ``month`` or containing it; None outside every stage."""
    for st in stages:
        if st.start_month < month and abs(month - st.end_month) < _EPS:
            return st.id
    for st in stages:
        if st.start_month - _EPS <= month < st.end_month - _EPS:
            return st.id
    return None


def build_timeline(programme: Programme, start: date, *, fte: float = 1.0,
                   pauses: Sequence[PauseSpan] = (), extension_months: float = 0.0,
                   today: date | None = None) -> Timeline:
    """``extension_months`` moves the final review, moderation and the last stage's end.

    Raises ValueError when ``fte`` is not in ``(0, 1]`` or the extension is negative.
    """
    if not 0 < fte <= 1:
        raise ValueError(f"FTE must be in (0, 1], got {fte!r}")
    if not extension_months >= 0:
        raise ValueError(f"extension_months must be >= 0, got {extension_months!r}")
    spans = normalise_pauses(pauses, start, today)
    final_month = _final_month(programme)

    def at(offset: float) -> date:
        return _shift_normalised(add_months(start, offset), spans)

    def when(month: float, extend: bool = False) -> date:
        offset = month / fte
        if extend or month >= final_month - _EPS:
            offset += extension_months
        return at(offset)

    last = max(range(len(programme.stages)), key=lambda i: programme.stages[i].end_month,
               default=None)
    stages = tuple(
        StageSpan(st.id, st.title, when(st.start_month), when(st.end_month, extend=i == last))
        for i, st in enumerate(programme.stages))

    def stage_of(month: float) -> str | None:
        return _stage_for(programme.stages, month)

    items: list[DueItem] = [DueItem(
        "agreement", DueKind.AGREEMENT, "Support and assessment agreement",
        when(programme.agreement_due_month), stage_id=stage_of(programme.agreement_due_month))]
    for rp in programme.review_points:
        items.append(DueItem(
            rp.id, DueKind.FINAL_REVIEW if rp.final else DueKind.REVIEW, rp.title,
            when(rp.month), stage_id=stage_of(rp.month), optional=rp.optional))
    for w in programme.observation_windows:
        items.append(DueItem(
            w.id, DueKind.OBSERVATION_WINDOW, w.title, when(w.end_month),
            window_start=when(w.start_month), stage_id=stage_of(w.end_month)))
    for r in programme.reflections:
        items.append(DueItem(r.id, DueKind.REFLECTION, r.title, when(r.month),
                             stage_id=stage_of(r.month)))
    final_offset = final_month / fte + extension_months
    moderation_month = final_month + programme.moderation_after_final_months
    items.append(DueItem(
        "moderation", DueKind.MODERATION, "Moderation panel",
        at(final_offset + programme.moderation_after_final_months),
        stage_id=stage_of(moderation_month)))
    items.sort(key=lambda i: (i.due, i.key))
    return Timeline(start=start, end=at(final_offset), stages=stages, items=tuple(items),
                    pauses=spans)

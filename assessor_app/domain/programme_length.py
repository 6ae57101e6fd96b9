"""The programme's maximum length against an enrolment's projected end (pure).

DOMAIN.md §2 says only that "some employers cap the total at 2 years"; the programme
files carry the cap as ``max_total_months``, defined in resources/README.md as the
"cap on the total length including pauses and extensions". Rules, from that:

- The latest permitted end is ``max_total_months`` *calendar* months after the start
  (``add_months``: the day clamped to the month's end). It is not scaled by FTE: the cap
  is on elapsed time, so part-time hours use it up just as pauses do.
- The end compared with it is the final review date of the timeline, which already
  holds part-time hours (pro rata), the extension and every pause (an open pause counted
  up to today). Moderation is not counted: the panel is the employer's step after the
  practitioner's last review. Once the enrolment has ended, the actual end is used.
- **Every pause counts toward the cap, whatever its reason.** DOMAIN.md names no kind of
  leave that stops the clock, and the data file says the cap includes pauses. An
  employer whose policy stops the clock (for parental leave, say) raises
  ``max_total_months`` in its own version of the programme.
- Status: *beyond* when the end falls after the latest permitted end; *approaching*
  when it falls within ``APPROACHING_MONTHS`` (two) calendar months before it, or on
  it; *within* otherwise. Two months is roughly the notice a coordinator needs to agree
  what happens next (a further pause then would push the end past the limit).
- While a pause is still open the end moves a day later every day, so the status is a
  floor: it can only get worse until the pause ends (``still_paused``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessor_app.domain.catalogue import Programme
from assessor_app.domain.enums import EnrolmentStatus, LengthStatus
from assessor_app.domain.timeline import Timeline, add_months

APPROACHING_MONTHS = 2


@dataclass(frozen=True)
class LengthCheck:
    max_months: int  # the programme's cap, in calendar months from the start
    programme_months: int  # its nominal length at full time
    start: date
    end: date  # the projected final review, or the actual end once ended
    latest_end: date  # the last permitted day
    warn_from: date  # from this day on the end is "approaching" the limit
    status: LengthStatus
    ended: bool = False  # ``end`` is the actual end, not a projection
    still_paused: bool = False  # an open pause: ``end`` moves later every day

    @property
    def days_over(self) -> int:
        return max((self.end - self.latest_end).days, 0)

    @property
    def days_to_spare(self) -> int:
        return max((self.latest_end - self.end).days, 0)

    @property
    def over_text(self) -> str:
        """"1 month and 5 days" past the limit ("" when not beyond it)."""
        return span_text(self.latest_end, self.end) if self.days_over else ""

    @property
    def spare_text(self) -> str:
        """"47 days" left between the end and the limit ("" when none is left)."""
        return span_text(self.end, self.latest_end) if self.days_to_spare else ""

    @property
    def limit_text(self) -> str:
        """"24-month limit"."""
        return f"{self.max_months}-month limit"

    def phrase(self) -> str:
        """The status in plain words, no dates: the list, the page and the reports use it."""
        if self.status is LengthStatus.BEYOND:
            return f"Beyond the {self.limit_text} by {self.over_text}"
        if self.status is LengthStatus.APPROACHING:
            if not self.days_to_spare:
                return f"Ends on the last day of the {self.limit_text}"
            return f"Close to the {self.limit_text}: {self.spare_text} to spare"
        return f"Within the {self.limit_text}"


def months_and_days(earlier: date, later: date) -> tuple[int, int]:
    """Whole calendar months from ``earlier`` (clamped like ``add_months``), then days."""
    if later < earlier:
        raise ValueError(f"{later} is before {earlier}")
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    while months > 0 and add_months(earlier, months) > later:
        months -= 1
    return months, (later - add_months(earlier, months)).days


def span_text(earlier: date, later: date) -> str:
    """"1 month and 5 days", "3 months", "12 days", "1 day"."""
    months, days = months_and_days(earlier, later)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}"
             for n, unit in ((months, "month"), (days, "day")) if n]
    return " and ".join(parts) or "0 days"


def check_length(programme: Programme, timeline: Timeline, *, ended_on: date | None = None,
                 still_paused: bool = False,
                 approaching_months: int = APPROACHING_MONTHS) -> LengthCheck | None:
    """The end of ``timeline`` (or ``ended_on``) against ``programme``'s cap; None without one.

    ``timeline`` must be built for this programme with the enrolment's FTE, pauses and
    extension (and ``today``, so an open pause counts).
    """
    cap = programme.max_total_months
    if cap is None:
        return None
    latest = add_months(timeline.start, cap)
    warn_from = add_months(timeline.start, max(cap - approaching_months, 0))
    end = ended_on if ended_on is not None else timeline.end
    if end > latest:
        status = LengthStatus.BEYOND
    elif end >= warn_from:
        status = LengthStatus.APPROACHING
    else:
        status = LengthStatus.WITHIN
    return LengthCheck(max_months=cap, programme_months=programme.months, start=timeline.start,
                       end=end, latest_end=latest, warn_from=warn_from, status=status,
                       ended=ended_on is not None, still_paused=still_paused and ended_on is None)


def enrolment_length(programme: Programme, timeline: Timeline, status: EnrolmentStatus, *,
                     completed_on: date | None = None,
                     still_paused: bool = False) -> LengthCheck | None:
    """The check for an enrolment in ``status``: projected while it runs, on its actual end
    once completed (the final review date when no completion date was recorded).

    Withdrawn and left enrolments get none: they no longer run against the limit.
    """
    if status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.LEFT):
        return None
    ended = (completed_on or timeline.end) if status is EnrolmentStatus.COMPLETED else None
    return check_length(programme, timeline, ended_on=ended, still_paused=still_paused)

"""The programme's maximum length against an enrolment's end: examples, then properties."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor_app.domain.enums import EnrolmentStatus, LengthStatus
from assessor_app.domain.programme_length import (
    APPROACHING_MONTHS,
    check_length,
    enrolment_length,
    months_and_days,
    span_text,
)
from assessor_app.domain.timeline import PauseSpan, add_months, build_timeline
from assessor_app.services.catalogue_loader import load_builtin
from tests.unit.test_timeline import asye_programme
from tests.unit.test_timeline_properties import ftes, pause_lists, starts

CAPPED = asye_programme(max_total_months=24)
SETTINGS = settings(max_examples=150, deadline=None)
RANK = {LengthStatus.WITHIN: 0, LengthStatus.APPROACHING: 1, LengthStatus.BEYOND: 2}


def _check(start: date, *, fte: float = 1.0, pauses: list[PauseSpan] | None = None,
           extension: float = 0.0, today: date | None = None, cap: int | None = 24,
           **kwargs: object):  # type: ignore[no-untyped-def]
    programme = asye_programme(max_total_months=cap)
    tl = build_timeline(programme, start, fte=fte, pauses=pauses or [],
                        extension_months=extension, today=today)
    return check_length(programme, tl, **kwargs)  # type: ignore[arg-type]


# --- examples ---------------------------------------------------------------------------

def test_long_illness_and_an_extension_run_past_the_limit() -> None:
    """The demo's extended practitioner: 300 days off sick, then three more months."""
    start = date(2025, 3, 10)
    pause = PauseSpan(date(2025, 7, 25), date(2026, 5, 21))
    c = _check(start, pauses=[pause], extension=3)
    assert c is not None
    assert c.latest_end == date(2027, 3, 10)
    assert c.end == date(2027, 4, 6)  # 10 Jun 2026 + 300 days
    assert c.status is LengthStatus.BEYOND
    assert (c.days_over, c.days_to_spare) == (27, 0)
    assert c.phrase() == "Beyond the 24-month limit by 27 days"
    assert not c.ended and not c.still_paused


def test_full_time_without_pauses_is_within_and_says_so() -> None:
    c = _check(date(2026, 9, 7))
    assert c is not None and c.status is LengthStatus.WITHIN
    assert c.end == date(2027, 9, 7) and c.latest_end == date(2028, 9, 7)
    assert c.spare_text == "12 months" and c.over_text == ""
    assert c.phrase() == "Within the 24-month limit"


def test_half_time_uses_up_the_whole_limit() -> None:
    """12 months at 0.5 FTE take 24 months: on the limit, with nothing to spare."""
    c = _check(date(2026, 1, 5), fte=0.5)
    assert c is not None and c.end == c.latest_end == date(2028, 1, 5)
    assert c.status is LengthStatus.APPROACHING
    assert c.phrase() == "Ends on the last day of the 24-month limit"


@pytest.mark.parametrize(("end", "status", "phrase"), [
    (date(2027, 1, 5), LengthStatus.WITHIN, "Within the 24-month limit"),
    (date(2027, 11, 4), LengthStatus.WITHIN, "Within the 24-month limit"),
    # Two months before the limit the warning starts.
    (date(2027, 11, 5), LengthStatus.APPROACHING, "Close to the 24-month limit: 2 months to spare"),
    (date(2027, 12, 1), LengthStatus.APPROACHING,
     "Close to the 24-month limit: 1 month and 4 days to spare"),
    (date(2028, 1, 5), LengthStatus.APPROACHING, "Ends on the last day of the 24-month limit"),
    (date(2028, 1, 6), LengthStatus.BEYOND, "Beyond the 24-month limit by 1 day"),
    (date(2028, 2, 5), LengthStatus.BEYOND, "Beyond the 24-month limit by 1 month"),
])
def test_status_follows_the_pause(end: date, status: LengthStatus, phrase: str) -> None:
    """Starting 5 Jan 2026 the final review falls on 5 Jan 2027 plus the pause."""
    begin = date(2026, 3, 2)
    pause = PauseSpan(begin, begin + (end - date(2027, 1, 5)))
    c = _check(date(2026, 1, 5), pauses=[pause])
    assert c is not None and c.end == end
    assert (c.status, c.phrase()) == (status, phrase)


def test_every_pause_counts_whatever_its_reason() -> None:
    """No leave stops the clock (DOMAIN.md names none): the cap is on elapsed time."""
    start = date(2026, 1, 5)
    parental = PauseSpan(date(2026, 4, 6), date(2026, 4, 6) + timedelta(days=270))
    plain, paused = _check(start), _check(start, pauses=[parental])
    assert plain is not None and paused is not None
    assert (paused.end - plain.end).days == 270
    assert paused.latest_end == plain.latest_end


def test_an_open_pause_counts_to_today_and_says_the_end_will_move() -> None:
    start = date(2026, 1, 5)
    pause = PauseSpan(date(2026, 6, 1), None)
    early = _check(start, pauses=[pause], today=date(2026, 9, 1), still_paused=True)
    later = _check(start, pauses=[pause], today=date(2027, 9, 1), still_paused=True)
    assert early is not None and later is not None
    assert early.still_paused and later.still_paused
    assert later.end - early.end == date(2027, 9, 1) - date(2026, 9, 1)
    assert (early.status, later.status) == (LengthStatus.WITHIN, LengthStatus.BEYOND)


def test_no_cap_no_check() -> None:
    assert _check(date(2026, 1, 5), cap=None) is None


def test_an_ended_enrolment_is_judged_on_its_actual_end() -> None:
    tl = build_timeline(CAPPED, date(2025, 1, 6))
    c = enrolment_length(CAPPED, tl, EnrolmentStatus.COMPLETED, completed_on=date(2027, 2, 1))
    assert c is not None and c.ended and c.end == date(2027, 2, 1)
    assert c.status is LengthStatus.BEYOND and c.over_text == "26 days"
    without_date = enrolment_length(CAPPED, tl, EnrolmentStatus.COMPLETED)
    assert without_date is not None and without_date.end == tl.end and without_date.ended
    for gone in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.LEFT):
        assert enrolment_length(CAPPED, tl, gone) is None
    running = enrolment_length(CAPPED, tl, EnrolmentStatus.PAUSED, still_paused=True)
    assert running is not None and running.still_paused and not running.ended


def test_month_ends_clamp_like_the_timeline() -> None:
    c = _check(date(2026, 2, 28), cap=24, fte=0.5)  # 12 months at half time: 24 months
    assert c is not None and c.latest_end == date(2028, 2, 28) == c.end
    assert _check(date(2026, 1, 31), cap=13) .latest_end == date(2027, 2, 28)  # type: ignore[union-attr]


@pytest.mark.parametrize(("a", "b", "text"), [
    (date(2027, 3, 10), date(2027, 4, 6), "27 days"),
    (date(2027, 3, 10), date(2027, 4, 10), "1 month"),
    (date(2027, 3, 10), date(2027, 4, 15), "1 month and 5 days"),
    (date(2027, 1, 31), date(2027, 2, 28), "1 month"),
    (date(2027, 1, 31), date(2027, 3, 1), "1 month and 1 day"),
    (date(2027, 3, 10), date(2028, 3, 10), "12 months"),
    (date(2027, 3, 10), date(2027, 3, 10), "0 days"),
])
def test_span_text(a: date, b: date, text: str) -> None:
    assert span_text(a, b) == text


def test_months_and_days_refuses_a_backwards_span() -> None:
    with pytest.raises(ValueError, match="before"):
        months_and_days(date(2027, 3, 10), date(2027, 3, 9))


def test_shipped_programmes_at_full_time_are_within(resources: Path) -> None:
    catalogue = load_builtin(resources)
    for programme in catalogue.programmes:
        assert programme.max_total_months is not None, programme.id
        tl = build_timeline(programme, date(2026, 9, 7))
        c = check_length(programme, tl)
        assert c is not None and c.status is LengthStatus.WITHIN, programme.id


# --- properties -------------------------------------------------------------------------

caps = st.integers(12, 48)


@SETTINGS
@given(starts, caps)
def test_full_time_without_pauses_is_never_beyond(start: date, cap: int) -> None:
    c = _check(start, cap=cap)
    assert c is not None and c.status is not LengthStatus.BEYOND
    if cap > 12 + APPROACHING_MONTHS:
        assert c.status is LengthStatus.WITHIN


@SETTINGS
@given(starts, ftes, caps, st.data())
def test_adding_a_pause_never_brings_the_end_earlier_or_the_status_lower(
        start: date, fte: float, cap: int, data: st.DataObject) -> None:
    pauses = data.draw(pause_lists(start))
    extra = data.draw(pause_lists(start))
    today = start + timedelta(days=data.draw(st.integers(0, 2000)))
    before = _check(start, fte=fte, pauses=pauses, today=today, cap=cap)
    after = _check(start, fte=fte, pauses=pauses + extra, today=today, cap=cap)
    assert before is not None and after is not None
    assert after.end >= before.end
    assert after.latest_end == before.latest_end  # the limit is fixed by the start alone
    assert RANK[after.status] >= RANK[before.status]


@SETTINGS
@given(starts, ftes, caps, st.integers(0, 900), st.integers(0, 900), st.integers(0, 700))
def test_status_is_monotone_in_pause_length(start: date, fte: float, cap: int, a: int, b: int,
                                            offset: int) -> None:
    short, long = sorted((a, b))
    begin = start + timedelta(days=offset)
    one = _check(start, fte=fte, cap=cap, pauses=[PauseSpan(begin, begin + timedelta(days=short))])
    two = _check(start, fte=fte, cap=cap, pauses=[PauseSpan(begin, begin + timedelta(days=long))])
    assert one is not None and two is not None
    assert two.end >= one.end
    assert RANK[two.status] >= RANK[one.status]
    assert two.days_over >= one.days_over and two.days_to_spare <= one.days_to_spare


@SETTINGS
@given(starts, ftes, ftes, caps, st.floats(0, 12, allow_nan=False), st.data())
def test_lower_fte_or_an_extension_never_improves_the_status(
        start: date, f1: float, f2: float, cap: int, ext: float, data: st.DataObject) -> None:
    low, high = sorted((f1, f2))
    pauses = data.draw(pause_lists(start, allow_open=False))
    fast = _check(start, fte=high, pauses=pauses, cap=cap)
    slow = _check(start, fte=low, pauses=pauses, cap=cap)
    longer = _check(start, fte=high, pauses=pauses, cap=cap, extension=ext)
    assert fast is not None and slow is not None and longer is not None
    assert RANK[slow.status] >= RANK[fast.status]
    assert RANK[longer.status] >= RANK[fast.status]


@SETTINGS
@given(starts, ftes, caps, st.data())
def test_status_agrees_with_the_dates(start: date, fte: float, cap: int,
                                      data: st.DataObject) -> None:
    c = _check(start, fte=fte, pauses=data.draw(pause_lists(start, allow_open=False)), cap=cap)
    assert c is not None
    assert c.latest_end == add_months(start, cap)
    assert months_and_days(start, c.latest_end) == (cap, 0)
    assert c.warn_from <= c.latest_end
    assert (c.status is LengthStatus.BEYOND) == (c.end > c.latest_end) == (c.days_over > 0)
    assert (c.status is LengthStatus.WITHIN) == (c.end < c.warn_from)
    assert c.days_over == 0 or c.days_to_spare == 0


@SETTINGS
@given(starts, st.integers(0, 4000))
def test_months_and_days_add_back_up(a: date, gap: int) -> None:
    b = a + timedelta(days=gap)
    months, days = months_and_days(a, b)
    assert add_months(a, months) + timedelta(days=days) == b
    assert add_months(a, months + 1) > b  # as many whole months as fit
    assert 0 <= days < 31

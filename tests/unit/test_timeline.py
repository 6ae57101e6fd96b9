"""Due dates of an ASYE-shaped programme, with real calendar dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assessor_app.domain.catalogue import (
    EvidenceMinimum,
    ObservationWindow,
    Programme,
    ReflectionDue,
    ReviewPoint,
    Stage,
)
from assessor_app.domain.enums import DueKind, EvidenceKind
from assessor_app.domain.timeline import (
    PauseSpan,
    add_months,
    build_timeline,
    normalise_pauses,
    shift_for_pauses,
)

START = date(2026, 9, 7)


def asye_programme(**overrides: object) -> Programme:
    """A 12-month ASYE-shaped programme built by hand (no YAML)."""
    fields: dict[str, object] = dict(
        id="asye-test", version="1", title="ASYE (test)", months=12, frameworks=("pqs-cf",),
        stages=(Stage("stage-1", "First", 0, 3), Stage("stage-2", "Second", 3, 6),
                Stage("stage-3", "Third", 6, 12)),
        review_points=(ReviewPoint("review-3", "3-month review", 3),
                       ReviewPoint("review-6", "6-month review", 6),
                       ReviewPoint("review-9", "9-month review", 9, optional=True),
                       ReviewPoint("final", "Final review", 12, final=True)),
        observation_windows=(ObservationWindow("obs-1", "Observation 1", 0, 3),
                             ObservationWindow("obs-2", "Observation 2", 3, 6),
                             ObservationWindow("obs-3", "Observation 3", 6, 12)),
        reflections=(ReflectionDue("reflection-6", "Reflection 0-6", 6),
                     ReflectionDue("reflection-12", "Reflection 6-12", 12)),
        minimums=(EvidenceMinimum(EvidenceKind.OBSERVATION, 3),
                  EvidenceMinimum(EvidenceKind.FEEDBACK_LIVED, 3, "Family feedback"),
                  EvidenceMinimum(EvidenceKind.RECORD_REVIEW, 3)),
    )
    fields.update(overrides)
    return Programme(**fields)  # type: ignore[arg-type]


def due(tl, key: str) -> date:  # type: ignore[no-untyped-def]
    return next(i.due for i in tl.items if i.key == key)


# --- add_months -------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 9, 7), 3, date(2026, 12, 7)),
    (date(2026, 9, 7), 12, date(2027, 9, 7)),
    (date(2026, 9, 7), 20, date(2028, 5, 7)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2027, 1, 31), 2, date(2027, 3, 31)),  # clamping does not carry over
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2028, 2, 29), 48, date(2032, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year end
    (date(2026, 9, 7), 0, date(2026, 9, 7)),
])
def test_add_months_whole_months_by_the_calendar(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_months_fraction_is_days_of_a_mean_month() -> None:
    # half a month = round(15.21875) = 15 days after the whole months
    assert add_months(date(2026, 9, 7), 2.5) == date(2026, 11, 7) + timedelta(days=15)
    assert add_months(date(2026, 9, 7), 0.1) == date(2026, 9, 7) + timedelta(days=3)


def test_add_months_fraction_never_passes_the_next_month() -> None:
    # 31 Jan + 1 month = 28 Feb; 0.99 months (30 days) would be 2 March without the cap
    assert add_months(date(2027, 1, 31), 0.99) == date(2027, 2, 28)


def test_add_months_float_noise_is_not_a_fraction() -> None:
    assert 33 / 0.55 < 60  # the case this guards against: 59.99999999999999
    assert add_months(START, 33 / 0.55) == date(2031, 9, 7)


def test_add_months_rejects_nan() -> None:
    with pytest.raises(ValueError):
        add_months(START, float("nan"))


# --- full time, no pauses -----------------------------------------------------------------

def test_full_time_dates() -> None:
    tl = build_timeline(asye_programme(), START)
    assert due(tl, "agreement") == date(2026, 10, 7)
    assert due(tl, "review-3") == date(2026, 12, 7)
    assert due(tl, "review-6") == date(2027, 3, 7)
    assert due(tl, "review-9") == date(2027, 6, 7)
    assert due(tl, "final") == date(2027, 9, 7)
    assert due(tl, "moderation") == date(2027, 10, 7)
    assert tl.start == START
    assert tl.end == date(2027, 9, 7)


def test_kinds_optional_and_windows() -> None:
    tl = build_timeline(asye_programme(), START)
    by_key = {i.key: i for i in tl.items}
    assert by_key["agreement"].kind is DueKind.AGREEMENT
    assert by_key["review-3"].kind is DueKind.REVIEW
    assert by_key["final"].kind is DueKind.FINAL_REVIEW
    assert by_key["moderation"].kind is DueKind.MODERATION
    assert by_key["reflection-6"].kind is DueKind.REFLECTION
    assert [k for k, i in by_key.items() if i.optional] == ["review-9"]
    obs2 = by_key["obs-2"]
    assert obs2.kind is DueKind.OBSERVATION_WINDOW
    assert (obs2.window_start, obs2.due) == (date(2026, 12, 7), date(2027, 3, 7))
    assert by_key["review-3"].window_start is None


def test_items_sorted_by_date_then_key() -> None:
    tl = build_timeline(asye_programme(), START)
    keys = [i.key for i in tl.items]
    assert keys == ["agreement", "obs-1", "review-3", "obs-2", "reflection-6", "review-6",
                    "review-9", "final", "obs-3", "reflection-12", "moderation"]


def test_stage_ids_item_at_a_stage_end_belongs_to_that_stage() -> None:
    tl = build_timeline(asye_programme(), START)
    stage = {i.key: i.stage_id for i in tl.items}
    assert stage["agreement"] == "stage-1"
    assert stage["review-3"] == "stage-1"
    assert stage["obs-2"] == "stage-2"
    assert stage["review-6"] == "stage-2"
    assert stage["review-9"] == "stage-3"
    assert stage["final"] == "stage-3"
    assert stage["moderation"] is None


def test_stage_spans_and_stage_at() -> None:
    tl = build_timeline(asye_programme(), START)
    assert [(s.id, s.start, s.end) for s in tl.stages] == [
        ("stage-1", date(2026, 9, 7), date(2026, 12, 7)),
        ("stage-2", date(2026, 12, 7), date(2027, 3, 7)),
        ("stage-3", date(2027, 3, 7), date(2027, 9, 7)),
    ]
    assert tl.stage_at(date(2026, 9, 6)) is None
    assert tl.stage_at(START).id == "stage-1"  # type: ignore[union-attr]
    assert tl.stage_at(date(2026, 12, 6)).id == "stage-1"  # type: ignore[union-attr]
    assert tl.stage_at(date(2026, 12, 7)).id == "stage-2"  # type: ignore[union-attr]
    assert tl.stage_at(date(2027, 9, 6)).id == "stage-3"  # type: ignore[union-attr]
    assert tl.stage_at(date(2027, 9, 7)) is None


# --- part time ------------------------------------------------------------------------------

def test_part_time_stretches_pro_rata() -> None:
    tl = build_timeline(asye_programme(), START, fte=0.6)
    assert due(tl, "final") == date(2028, 5, 7)  # 12 / 0.6 = 20 months
    assert due(tl, "review-3") == date(2027, 2, 7)  # 5 months
    assert due(tl, "moderation") == date(2028, 6, 7)  # one calendar month after the final
    assert tl.stages[-1].end == date(2028, 5, 7)


@pytest.mark.parametrize("fte", [0, -0.5, 1.01, float("nan")])
def test_fte_out_of_range_is_rejected(fte: float) -> None:
    with pytest.raises(ValueError):
        build_timeline(asye_programme(), START, fte=fte)


# --- pauses ---------------------------------------------------------------------------------

def test_pause_moves_later_items_only() -> None:
    pause = PauseSpan(date(2027, 1, 10), date(2027, 2, 9))  # 30 days
    plain = build_timeline(asye_programme(), START)
    tl = build_timeline(asye_programme(), START, pauses=[pause])
    assert due(tl, "review-3") == date(2026, 12, 7)
    assert due(tl, "review-6") == date(2027, 3, 7) + timedelta(days=30)
    assert due(tl, "final") == date(2027, 9, 7) + timedelta(days=30)
    assert due(tl, "moderation") == date(2027, 10, 7) + timedelta(days=30)
    for before, after in zip(plain.items, tl.items, strict=True):
        assert after.key == before.key
        shift = 30 if before.due >= pause.start else 0
        assert after.due - before.due == timedelta(days=shift)
    assert tl.pauses == (pause,)


def test_pause_shifts_stage_boundaries_consistently() -> None:
    tl = build_timeline(asye_programme(), START, pauses=[PauseSpan(date(2026, 11, 1),
                                                                   date(2026, 11, 11))])
    assert tl.stages[0].end == date(2026, 12, 17)
    assert tl.stages[1].start == tl.stages[0].end


def test_item_inside_a_pause_moves_past_its_end() -> None:
    # the 3-month review (7 Dec) falls within a pause from 1 Dec to 31 Dec
    tl = build_timeline(asye_programme(), START,
                        pauses=[PauseSpan(date(2026, 12, 1), date(2026, 12, 31))])
    assert due(tl, "review-3") == date(2027, 1, 6)


def test_second_pause_reached_only_after_the_first_shift() -> None:
    # review-6 is nominally 7 Mar 2027; the first pause moves it to 6 Apr, past the second's start
    first = PauseSpan(date(2027, 1, 10), date(2027, 2, 9))
    second = PauseSpan(date(2027, 3, 20), date(2027, 3, 30))
    tl = build_timeline(asye_programme(), START, pauses=[second, first])
    assert due(tl, "review-6") == date(2027, 3, 7) + timedelta(days=40)
    assert due(tl, "review-3") == date(2026, 12, 7)


def test_open_pause_closed_at_today() -> None:
    open_pause = PauseSpan(date(2027, 1, 10), None)
    tl = build_timeline(asye_programme(), START, pauses=[open_pause], today=date(2027, 2, 1))
    assert tl.pauses == (PauseSpan(date(2027, 1, 10), date(2027, 2, 1)),)
    assert due(tl, "review-6") == date(2027, 3, 7) + timedelta(days=22)
    assert due(tl, "review-3") == date(2026, 12, 7)


def test_open_pause_without_today_shifts_nothing_and_stays_open() -> None:
    open_pause = PauseSpan(date(2027, 1, 10), None)
    tl = build_timeline(asye_programme(), START, pauses=[open_pause])
    assert tl.pauses == (open_pause,)
    assert due(tl, "review-6") == date(2027, 3, 7)


def test_open_pause_with_today_before_it_is_empty() -> None:
    tl = build_timeline(asye_programme(), START, pauses=[PauseSpan(date(2027, 1, 10), None)],
                        today=date(2026, 12, 1))
    assert tl.pauses == (PauseSpan(date(2027, 1, 10), date(2027, 1, 10)),)
    assert due(tl, "final") == date(2027, 9, 7)


def test_normalise_drops_clips_and_merges() -> None:
    spans = normalise_pauses([
        PauseSpan(date(2026, 8, 1), date(2026, 9, 1)),  # over before the start: dropped
        PauseSpan(date(2026, 8, 20), date(2026, 9, 17)),  # clipped to the start
        PauseSpan(date(2027, 1, 20), date(2027, 2, 1)),
        PauseSpan(date(2027, 1, 10), date(2027, 1, 25)),  # overlaps the one above
        PauseSpan(date(2027, 2, 1), date(2027, 2, 5)),  # adjacent to it
        PauseSpan(date(2027, 4, 1), date(2027, 4, 1)),  # empty: dropped
    ], start=START)
    assert spans == (PauseSpan(START, date(2026, 9, 17)),
                     PauseSpan(date(2027, 1, 10), date(2027, 2, 5)))


def test_pause_clipped_to_start_shifts_by_its_part_after_the_start() -> None:
    tl = build_timeline(asye_programme(), START,
                        pauses=[PauseSpan(date(2026, 8, 28), date(2026, 9, 17))])
    assert due(tl, "agreement") == date(2026, 10, 7) + timedelta(days=10)


def test_open_pause_inside_a_closed_one_is_listed_from_its_end() -> None:
    spans = normalise_pauses([PauseSpan(date(2027, 1, 1), date(2027, 2, 1)),
                              PauseSpan(date(2027, 1, 15), None),
                              PauseSpan(date(2027, 3, 1), None)], start=START)
    assert spans == (PauseSpan(date(2027, 1, 1), date(2027, 2, 1)),
                     PauseSpan(date(2027, 2, 1), None))
    assert shift_for_pauses(date(2027, 3, 7), spans) == date(2027, 4, 7)


def test_pause_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError):
        build_timeline(asye_programme(), START,
                       pauses=[PauseSpan(date(2027, 2, 1), date(2027, 1, 1))])


def test_shift_for_pauses_merges_overlaps_itself() -> None:
    overlapping = [PauseSpan(date(2027, 1, 1), date(2027, 1, 21)),
                   PauseSpan(date(2027, 1, 11), date(2027, 1, 31))]
    assert shift_for_pauses(date(2027, 3, 1), overlapping) == date(2027, 3, 31)
    assert shift_for_pauses(date(2026, 12, 31), overlapping) == date(2026, 12, 31)


# --- 31 January starts, leap years ------------------------------------------------------------

def test_start_on_31_january() -> None:
    tl = build_timeline(asye_programme(), date(2027, 1, 31))
    assert due(tl, "agreement") == date(2027, 2, 28)
    assert due(tl, "review-3") == date(2027, 4, 30)
    assert due(tl, "review-6") == date(2027, 7, 31)
    assert due(tl, "final") == date(2028, 1, 31)
    assert due(tl, "moderation") == date(2028, 2, 29)  # leap year


def test_leap_day_start() -> None:
    tl = build_timeline(asye_programme(), date(2028, 2, 29))
    assert due(tl, "final") == date(2029, 2, 28)
    assert due(tl, "review-6") == date(2028, 8, 29)


def test_pause_across_leap_day_counts_it() -> None:
    # 2028-02-01 .. 2028-03-01 is 29 days in a leap year
    tl = build_timeline(asye_programme(), date(2027, 9, 7),
                        pauses=[PauseSpan(date(2028, 2, 1), date(2028, 3, 1))])
    assert due(tl, "review-6") == date(2028, 3, 7) + timedelta(days=29)


# --- extension ----------------------------------------------------------------------------------

def test_extension_of_three_months() -> None:
    tl = build_timeline(asye_programme(), START, extension_months=3)
    assert due(tl, "final") == date(2027, 12, 7)
    assert due(tl, "moderation") == date(2028, 1, 7)
    assert due(tl, "reflection-12") == date(2027, 12, 7)
    assert due(tl, "review-9") == date(2027, 6, 7)  # before the final month: unchanged
    obs3 = next(i for i in tl.items if i.key == "obs-3")
    assert (obs3.window_start, obs3.due) == (date(2027, 3, 7), date(2027, 12, 7))
    assert tl.stages[-1].end == date(2027, 12, 7)
    assert tl.end == date(2027, 12, 7)


def test_extension_is_calendar_time_not_scaled_by_fte() -> None:
    tl = build_timeline(asye_programme(), START, fte=0.5, extension_months=3)
    assert due(tl, "final") == add_months(START, 27)
    assert due(tl, "review-6") == add_months(START, 12)


def test_extension_then_pause() -> None:
    pause = PauseSpan(date(2027, 10, 1), date(2027, 10, 15))  # after the unextended final
    tl = build_timeline(asye_programme(), START, pauses=[pause], extension_months=3)
    assert due(tl, "final") == date(2027, 12, 21)


def test_negative_extension_is_rejected() -> None:
    with pytest.raises(ValueError):
        build_timeline(asye_programme(), START, extension_months=-1)


# --- overdue and next due -------------------------------------------------------------------------

def test_overdue_skips_optional_and_done() -> None:
    tl = build_timeline(asye_programme(), START)
    today = date(2027, 7, 1)
    assert [i.key for i in tl.overdue(today)] == [
        "agreement", "obs-1", "review-3", "obs-2", "reflection-6", "review-6"]
    assert [i.key for i in tl.overdue(today, done={"agreement", "obs-1", "obs-2"})] == [
        "review-3", "reflection-6", "review-6"]


def test_item_due_today_is_not_overdue() -> None:
    tl = build_timeline(asye_programme(), START)
    assert [i.key for i in tl.overdue(date(2026, 10, 7))] == []
    assert [i.key for i in tl.overdue(date(2026, 10, 8))] == ["agreement"]


def test_next_due_includes_optional_and_today() -> None:
    tl = build_timeline(asye_programme(), START)
    assert tl.next_due(date(2027, 6, 1)).key == "review-9"  # type: ignore[union-attr]
    assert tl.next_due(date(2027, 6, 7)).key == "review-9"  # type: ignore[union-attr]
    assert tl.next_due(date(2027, 6, 1), done=["review-9"]).key == "final"  # type: ignore[union-attr]
    assert tl.next_due(date(2027, 10, 8)) is None


def test_programme_without_final_review_ends_at_its_length() -> None:
    programme = asye_programme(review_points=(ReviewPoint("review-3", "3-month review", 3),))
    tl = build_timeline(programme, START)
    assert tl.end == date(2027, 9, 7)
    assert due(tl, "moderation") == date(2027, 10, 7)

"""Properties of due dates under random starts, FTE and pauses, and of sufficiency counts."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assessor_app.domain.catalogue import Framework, Statement
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.sufficiency import EvidenceFact, assess
from assessor_app.domain.timeline import (
    PauseSpan,
    Timeline,
    add_months,
    build_timeline,
    normalise_pauses,
)
from tests.unit.test_timeline import asye_programme

PROGRAMME = asye_programme()
SETTINGS = settings(max_examples=150, deadline=None)

starts = st.dates(date(2020, 1, 1), date(2035, 12, 31))
ftes = st.floats(0.2, 1.0, exclude_min=True, allow_nan=False)


@st.composite
def pause_lists(draw: st.DrawFn, start: date, allow_open: bool = True) -> list[PauseSpan]:
    """Pauses around a start: some before it, overlapping, adjacent, open."""
    result = []
    for _ in range(draw(st.integers(0, 4))):
        begin = start + timedelta(days=draw(st.integers(-90, 1500)))
        if allow_open and draw(st.integers(0, 5)) == 0:
            result.append(PauseSpan(begin, None))
        else:
            result.append(PauseSpan(begin, begin + timedelta(days=draw(st.integers(0, 240)))))
    return result


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[date, float, list[PauseSpan], date | None]:
    start = draw(starts)
    today = draw(st.none() | st.just(start + timedelta(days=draw(st.integers(-30, 2000)))))
    return start, draw(ftes), draw(pause_lists(start)), today


def dated(tl: Timeline) -> dict[str, date]:
    """Every date of a timeline by a stable name."""
    out = {i.key: i.due for i in tl.items}
    out.update({f"{i.key}:open": i.window_start for i in tl.items if i.window_start})
    out.update({f"{s.id}:start": s.start for s in tl.stages})
    out.update({f"{s.id}:end": s.end for s in tl.stages})
    out["end"] = tl.end
    return out


@SETTINGS
@given(scenarios())
def test_items_sorted_and_never_before_start(case: tuple) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    tl = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today)
    keys = [(i.due, i.key) for i in tl.items]
    assert keys == sorted(keys)
    assert all(d >= start for d in dated(tl).values())
    for item in tl.items:
        if item.window_start is not None:
            assert item.window_start <= item.due


@SETTINGS
@given(scenarios(), st.data())
def test_adding_a_pause_never_makes_a_date_earlier(case: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    extra = data.draw(pause_lists(start))
    before = dated(build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today))
    after = dated(build_timeline(PROGRAMME, start, fte=fte, pauses=pauses + extra, today=today))
    assert all(after[k] >= before[k] for k in before)


@SETTINGS
@given(starts, ftes, st.data())
def test_date_before_every_pause_is_unchanged(start: date, fte: float,
                                              data: st.DataObject) -> None:
    pauses = data.draw(pause_lists(start, allow_open=False))
    plain = dated(build_timeline(PROGRAMME, start, fte=fte))
    paused = dated(build_timeline(PROGRAMME, start, fte=fte, pauses=pauses))
    first = min((max(p.start, start) for p in pauses if p.end and p.end > max(p.start, start)),
                default=date.max)
    for key, day in plain.items():
        if day < first:
            assert paused[key] == day


@SETTINGS
@given(starts, ftes, st.integers(1, 400), st.data())
def test_single_pause_on_or_before_a_date_shifts_it_exactly(
        start: date, fte: float, length: int, data: st.DataObject) -> None:
    plain = dated(build_timeline(PROGRAMME, start, fte=fte))
    key = data.draw(st.sampled_from(sorted(plain)))
    begin = start + timedelta(days=data.draw(st.integers(0, (plain[key] - start).days)))
    pause = PauseSpan(begin, begin + timedelta(days=length))
    shifted = dated(build_timeline(PROGRAMME, start, fte=fte, pauses=[pause]))
    assert shifted[key] - plain[key] == timedelta(days=length)


def paused_days(pauses: list[PauseSpan], start: date, today: date | None) -> set[date]:
    """Independent oracle: every calendar day on pause (clipped to the start)."""
    days: set[date] = set()
    for p in pauses:
        begin = max(p.start, start)
        end = p.end if p.end is not None else (max(today, begin) if today else begin)
        days.update(begin + timedelta(days=n) for n in range((end - begin).days))
    return days


@SETTINGS
@given(scenarios())
def test_final_shift_is_the_pauses_starting_on_or_before_it(case: tuple) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    plain = build_timeline(PROGRAMME, start, fte=fte)
    tl = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today)
    expected = sum((p.end - p.start).days for p in normalise_pauses(pauses, start, today)
                   if p.end is not None and p.start <= tl.end)
    assert (tl.end - plain.end).days == expected


@SETTINGS
@given(scenarios())
def test_every_shift_is_the_distinct_paused_days_before_it(case: tuple) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    plain = dated(build_timeline(PROGRAMME, start, fte=fte))
    shifted = dated(build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today))
    off = paused_days(pauses, start, today)
    for key, day in shifted.items():
        assert day not in off
        assert (day - plain[key]).days == sum(1 for d in off if d < day)


@SETTINGS
@given(starts, ftes, ftes, st.data())
def test_lower_fte_never_makes_a_date_earlier(start: date, f1: float, f2: float,
                                              data: st.DataObject) -> None:
    low, high = sorted((f1, f2))
    pauses = data.draw(pause_lists(start))
    slow = dated(build_timeline(PROGRAMME, start, fte=low, pauses=pauses))
    fast = dated(build_timeline(PROGRAMME, start, fte=high, pauses=pauses))
    assert all(slow[k] >= fast[k] for k in fast)


@SETTINGS
@given(scenarios(), st.floats(0, 12, allow_nan=False))
def test_review_order_preserved_and_extension_only_delays(case: tuple, ext: float) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    tl = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today)
    extended = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today,
                              extension_months=ext)
    for timeline in (tl, extended):
        by_key = {i.key: i.due for i in timeline.items}
        reviews = [by_key[r.id] for r in sorted(PROGRAMME.review_points, key=lambda r: r.month)]
        assert reviews == sorted(reviews)
        assert len(set(reviews)) == len(reviews)
    plain, later = dated(tl), dated(extended)
    assert all(later[k] >= plain[k] for k in plain)


@SETTINGS
@given(scenarios(), st.integers(-60, 3000))
def test_overdue_upcoming_and_optional_partition_the_items(case: tuple, offset: int) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    tl = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today)
    now = start + timedelta(days=offset)
    overdue = {i.key for i in tl.overdue(now)}
    upcoming = {i.key for i in tl.items if i.due >= now}
    optional_past = {i.key for i in tl.items if i.optional and i.due < now}
    assert overdue | upcoming | optional_past == {i.key for i in tl.items}
    assert not (overdue & upcoming) and not (overdue & optional_past)
    assert not (upcoming & optional_past)
    nxt = tl.next_due(now)
    assert (nxt is None) == (not upcoming)
    if nxt is not None:
        assert nxt.due == min(i.due for i in tl.items if i.due >= now)


@SETTINGS
@given(scenarios(), st.integers(0, 3650))
def test_nothing_overdue_on_or_before_the_start(case: tuple, days_before: int) -> None:  # type: ignore[type-arg]
    start, fte, pauses, today = case
    tl = build_timeline(PROGRAMME, start, fte=fte, pauses=pauses, today=today)
    assert tl.overdue(start - timedelta(days=days_before)) == []


month_ends = st.builds(
    lambda y, m, d: date(y, m, min(d, calendar.monthrange(y, m)[1])),
    st.integers(2020, 2035), st.integers(1, 12), st.sampled_from([1, 15, 28, 29, 30, 31]))
fractions = st.sampled_from([0.0, 0.5, 0.95, 0.99]) | st.floats(0, 1, exclude_max=True)


@SETTINGS
@given(month_ends, st.integers(0, 300), fractions, st.floats(0, 300, allow_nan=False))
def test_add_months_is_monotonic(start: date, whole: int, frac: float, other: float) -> None:
    months = whole + frac
    assert start <= add_months(start, months) <= add_months(start, whole + 1)
    low, high = sorted((months, other))
    assert add_months(start, low) <= add_months(start, high)


# --- sufficiency ------------------------------------------------------------------------------

FRAMEWORK = Framework("fw", "1", "Framework", "FW",
                      tuple(Statement(f"S-{i}", f"Statement {i}") for i in range(4)))
codes = st.sampled_from([f"S-{i}" for i in range(6)])  # S-4, S-5 are unknown statements
facts_strategy = st.lists(st.builds(
    EvidenceFact,
    id=st.sampled_from([f"e{i}" for i in range(12)]),
    kind=st.sampled_from(list(EvidenceKind)),
    status=st.sampled_from(list(EvidenceStatus)),
    occurred_on=st.just(date(2027, 1, 1)),
    stage_id=st.just("stage-1"),
    links=st.lists(st.tuples(st.sampled_from(["fw", "other"]), codes), max_size=4).map(tuple),
), max_size=15)


@SETTINGS
@given(facts_strategy, st.sampled_from(list(EvidenceKind)), st.lists(codes, max_size=4))
def test_sufficiency_counts_are_bounded_and_grow(facts: list[EvidenceFact],
                                                 kind: EvidenceKind, links: list[str]) -> None:
    before = assess(PROGRAMME, [FRAMEWORK], facts)
    for m in before.minimums:
        assert m.have + m.drafts <= sum(1 for f in facts if f.kind == m.kind)
    for c in before.coverage:
        assert c.items <= len(facts)
        assert len(c.kinds) <= c.items
    new = EvidenceFact("new", kind, EvidenceStatus.FINAL, date(2027, 2, 1), "stage-2",
                       tuple(("fw", code) for code in links))
    after = assess(PROGRAMME, [FRAMEWORK], [*facts, new])
    for b, a in zip(before.minimums, after.minimums, strict=True):
        assert (a.have, a.drafts) >= (b.have, b.drafts) and a.drafts == b.drafts
        assert a.have == b.have + (a.kind == kind)
    for b, a in zip(before.coverage, after.coverage, strict=True):
        assert a.items == b.items + (b.code in links)
        assert a.kinds >= b.kinds

"""Which timeline items count as done, and so what is overdue."""

from __future__ import annotations

from datetime import date

from assessor_app.domain.progress import ProgressFacts, done_keys
from assessor_app.domain.timeline import build_timeline
from tests.unit.test_timeline import asye_programme

START = date(2026, 1, 5)


def _facts(**kw: object) -> ProgressFacts:
    base: dict[str, object] = dict(held_reviews=frozenset(), agreement_agreed=False,
                                   observation_dates=(), reflection_periods=frozenset())
    base.update(kw)
    return ProgressFacts(**base)  # type: ignore[arg-type]


def test_nothing_done_means_everything_past_is_overdue() -> None:
    tl = build_timeline(asye_programme(), START)
    today = date(2026, 7, 20)
    overdue = {i.key for i in tl.overdue(today, done_keys(tl, _facts()))}
    assert {"agreement", "review-3", "review-6", "reflection-6"} <= overdue
    assert "review-9" not in overdue  # optional review
    assert "final" not in overdue


def test_records_mark_their_items_done() -> None:
    tl = build_timeline(asye_programme(), START)
    windows = [i for i in tl.items if i.kind.value == "observation_window"]
    first = windows[0]
    facts = _facts(held_reviews=frozenset({"review-3"}), agreement_agreed=True,
                   observation_dates=(first.due,), reflection_periods=frozenset({"reflection-6"}))
    done = done_keys(tl, facts)
    assert {"agreement", "review-3", "reflection-6", first.key} <= done
    assert "review-6" not in done
    assert windows[1].key not in done  # an observation only counts inside its window


def test_observation_outside_every_window_counts_for_none() -> None:
    tl = build_timeline(asye_programme(), START)
    done = done_keys(tl, _facts(observation_dates=(date(2030, 1, 1),)))
    assert not any(k.startswith("obs") for k in done)

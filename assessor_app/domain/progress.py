"""Which timeline items are done (pure): the input to overdue and next-due.

An item is done when the record it asks for exists and is not a draft:
a review held, the agreement agreed, an observation inside the window, the
reflection written for that period, moderation recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assessor_app.domain.enums import DueKind
from assessor_app.domain.timeline import Timeline


@dataclass(frozen=True)
class ProgressFacts:
    held_reviews: frozenset[str]  # review point ids with a held_on date
    agreement_agreed: bool
    observation_dates: tuple[date, ...]  # non-draft observations
    reflection_periods: frozenset[str]  # non-draft reflections' period ids
    moderated: bool = False


def done_keys(timeline: Timeline, facts: ProgressFacts) -> set[str]:
    done: set[str] = set()
    unused = sorted(facts.observation_dates)  # each observation satisfies one window at most
    for item in timeline.items:
        if item.kind in (DueKind.REVIEW, DueKind.FINAL_REVIEW):
            if item.key in facts.held_reviews:
                done.add(item.key)
        elif item.kind is DueKind.AGREEMENT:
            if facts.agreement_agreed:
                done.add(item.key)
        elif item.kind is DueKind.OBSERVATION_WINDOW:
            lo = item.window_start or timeline.start
            hit = next((d for d in unused if lo <= d <= item.due), None)
            if hit is not None:
                unused.remove(hit)
                done.add(item.key)
        elif item.kind is DueKind.REFLECTION:
            if item.key in facts.reflection_periods:
                done.add(item.key)
        elif item.kind is DueKind.MODERATION and facts.moderated:
            done.add(item.key)
    return done


def all_keys(timeline: Timeline) -> Iterable[str]:
    return (i.key for i in timeline.items)

"""The timeline in words: tooltips for each marker and a summary for screen readers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from assessor_app.domain.enums import DueKind
from assessor_app.domain.timeline import DueItem, Timeline
from assessor_app.ui import length_words
from assessor_app.ui.dates import long_date, spoken_date

if TYPE_CHECKING:
    from assessor_app.domain.programme_length import LengthCheck


def item_state(item: DueItem, *, today: date, held: dict[str, date],
               overdue: frozenset[str]) -> str:
    if item.key in held:
        return f"Held on {long_date(held[item.key])}"
    if item.key in overdue:
        return "Overdue"
    if item.optional:
        return "Optional"
    return "Upcoming" if item.due >= today else "Past"


def item_tooltip(item: DueItem, *, today: date, held: dict[str, date],
                 overdue: frozenset[str]) -> str:
    if item.kind is DueKind.OBSERVATION_WINDOW and item.window_start:
        when = f"Window {long_date(item.window_start)} to {long_date(item.due)}"
    else:
        when = f"Due {long_date(item.due)}"
    return f"{item.title}\n{when}\n{item_state(item, today=today, held=held, overdue=overdue)}"


def describe_timeline(timeline: Timeline, *, today: date, held: dict[str, date],
                      overdue_keys: frozenset[str], current_stage_title: str = "",
                      length: LengthCheck | None = None) -> str:
    """A plain-language summary (the accessible description of the painted timeline)."""
    parts = [f"Programme from {spoken_date(timeline.start)} to the final review on "
             f"{spoken_date(timeline.end)}. Today is {spoken_date(today)}."]
    if current_stage_title:
        parts.append(f"Current stage: {current_stage_title}.")
    stages = "; ".join(f"{s.title} from {spoken_date(s.start)}" for s in timeline.stages)
    if stages:
        parts.append(f"Stages: {stages}.")
    for pause in timeline.pauses:
        end = f"to {spoken_date(pause.end)}" if pause.end else "and still paused"
        parts.append(f"Paused from {spoken_date(pause.start)} {end}.")
    if length is not None:
        parts.append(f"{length.phrase()}. {length_words.limit_words(length, spoken=True)}.")
    overdue = [i for i in timeline.items if i.key in overdue_keys]
    if overdue:
        parts.append("Overdue: " + "; ".join(
            f"{i.title}, due {spoken_date(i.due)}" for i in overdue) + ".")
    upcoming = [i for i in timeline.items
                if i.due >= today and i.key not in held and i.key not in overdue_keys]
    if upcoming:
        parts.append("Coming up: " + "; ".join(
            f"{i.title}, due {spoken_date(i.due)}" for i in upcoming[:4]) + ".")
    done = [i for i in timeline.items if i.key in held]
    if done:
        parts.append("Held: " + "; ".join(
            f"{i.title} on {spoken_date(held[i.key])}" for i in done) + ".")
    return " ".join(parts)

"""Record-review criteria and grades as data (``resources/record_review/criteria.yaml``).

Pure dataclasses: the loader (``services/record_review_criteria.py``) fills them, the
editor shows one row of choices per criterion, and reports print the labels. A review
keeps ``{criterion id: scale value}``; ids no longer in the file still print by id.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How the editor sends one criterion through autosave: ``criterion:<id>`` → scale value.
CRITERION_PREFIX = "criterion:"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class ReviewCriteria:
    id: str
    version: str
    title: str
    scale: tuple[Choice, ...]
    criteria: tuple[Criterion, ...]
    grades: tuple[Choice, ...]
    source: str = ""

    def criterion_label(self, criterion_id: str) -> str:
        return next((c.label for c in self.criteria if c.id == criterion_id),
                    criterion_id.replace("_", " ").capitalize())

    def scale_label(self, value: str) -> str:
        return next((s.label for s in self.scale if s.value == value), value)

    def grade_label(self, value: str) -> str:
        return next((g.label for g in self.grades if g.value == value), value)

    def lines(self, answers: dict[str, str]) -> list[tuple[str, str]]:
        """(criterion label, answer label) in the file's order, then any older ids."""
        known = [(c.label, self.scale_label(answers[c.id])) for c in self.criteria
                 if answers.get(c.id)]
        ids = {c.id for c in self.criteria}
        return known + [(self.criterion_label(k), self.scale_label(v))
                        for k, v in answers.items() if k not in ids and v]

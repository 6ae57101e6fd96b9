"""Question sets for family feedback in hand-over mode (adult, easy-read, child): pure data.

The words live in ``resources/feedback/*.yaml`` so they can be changed without code. Every
set asks the same rating questions (ids shared with the demo data and the reports:
``listened``, ``explained_role``, ...) in its own words and on its own scale, and each
answer option says which value it stores on the common 1–5 scale, so an easy-read "Yes"
and an adult "Very well" can be read side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: where each free-text prompt's answer is stored (columns of the feedback row)
TEXT_FIELDS = ("went_well", "could_be_better", "own_words")
#: the faces a child's scale may show, saddest first
FACES = ("very_sad", "sad", "neutral", "happy", "very_happy")
CONSENT_KINDS = ("consent", "assent")
RESPONDENT_TYPES = ("parent", "carer", "other family member", "child or young person")
DECLINED = "declined"  # stored in ``consent`` when the person chose not to take part


@dataclass(frozen=True)
class RatingOption:
    value: int  # stored value on the common 1–5 scale
    label: str
    face: str = ""  # one of FACES (child sets), else ""


@dataclass(frozen=True)
class Question:
    id: str  # the ratings key, e.g. "listened"
    text: str


@dataclass(frozen=True)
class TextPrompt:
    field: str  # one of TEXT_FIELDS
    text: str
    hint: str = ""


@dataclass(frozen=True)
class FeedbackSet:
    """One version of the feedback form, every word a family will see."""

    id: str  # adult, easy-read, child
    title: str  # what the assessor picks from
    format: str  # stored in the feedback's ``format``: adult form, easy-read, child version
    consent_kind: str  # consent (adults) or assent (children)
    welcome: str
    consent_text: str  # how the feedback will be used, in plain words
    consent_question: str
    consent_yes: str
    consent_no: str
    declined_text: str
    anonymity_text: str
    anonymous_yes: str  # "keep it anonymous"
    anonymous_no: str  # "they can know it was me"
    scale: tuple[RatingOption, ...]
    questions: tuple[Question, ...]
    prompts: tuple[TextPrompt, ...]
    thank_you: str
    hand_back: str  # "please give the laptop back to ..."
    source: str = ""

    @property
    def steps(self) -> int:
        """Questions and prompts: what "Question 2 of 6" counts."""
        return len(self.questions) + len(self.prompts)

    def option(self, value: int) -> RatingOption | None:
        return next((o for o in self.scale if o.value == value), None)


@dataclass(frozen=True)
class HandoverStart:
    """What the assessor chose before handing the laptop over."""

    set_id: str
    respondent_type: str
    age_band: str = ""
    practitioner_present: bool = False


def rating_fields(ratings: Mapping[str, int]) -> dict[str, str]:
    """Ratings as autosave fields (``rating:listened`` → "4"), so one dict carries all answers."""
    return {f"rating:{qid}": str(value) for qid, value in ratings.items()}


def split_answers(fields: Mapping[str, str]) -> tuple[dict[str, int | None], dict[str, str]]:
    """Autosave fields → (ratings, other fields); an empty rating means "unanswered"."""
    ratings: dict[str, int | None] = {}
    rest: dict[str, str] = {}
    for name, text in fields.items():
        if name.startswith("rating:"):
            ratings[name.removeprefix("rating:")] = int(text) if text.strip() else None
        else:
            rest[name] = text
    return ratings, rest

"""Hand-over mode's use cases: the family fills in feedback on the assessor's laptop.

The answers go into an ordinary lived-experience feedback record (method "hand-over",
status draft) as they are given: ratings and consent at once, typed text through the
editors' autosave, so a crash or a dropped window leaves the text as a draft. A person
who declines leaves a record that says so and holds none of their words.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.feedback_sets import (
    DECLINED,
    RESPONDENT_TYPES,
    TEXT_FIELDS,
    FeedbackSet,
    HandoverStart,
    rating_fields,
    split_answers,
)
from assessor_app.errors import NotFound, UsageError
from assessor_app.services.feedback_sets import load_feedback_sets
from assessor_app.services.reviews import enrolment_context
from assessor_app.store import evidence_repo, feedback_repo, queries
from assessor_app.store.database import Database

_GONE = ("That feedback record is not in this store.", "Start the hand-over again.")
_ANSWER_FIELDS = frozenset({"consent", "anonymous", *TEXT_FIELDS})
MAX_AGE_BAND = 16  # the column's size
FAMILY = "family (hand-over)"  # the audit trail's actor for answers given on the laptop


@dataclass(frozen=True)
class HandoverSession:
    """A hand-over under way: its record, its question set and any answers kept so far."""

    evidence_id: str
    feedback_set: FeedbackSet
    respondent_ref: str
    answers: dict[str, str] = field(default_factory=dict)  # text fields and rating:<id>


@dataclass(frozen=True)
class HandoverPrep:
    sets: tuple[FeedbackSet, ...]
    defaults: HandoverStart | None = None  # from the record being handed over


def feedback_title(respondent_type: str, age_band: str, anonymous: bool) -> str:
    who = ("anonymous " if anonymous else "") + (respondent_type or "family member")
    article = "an" if who[0] in "aeiou" else "a"
    band = f" ({age_band})" if age_band else ""
    return f"Feedback from {article} {who}{band}, hand-over"


def new_respondent_ref() -> str:
    """An identifier that says nothing about the person (never a name or initials)."""
    return "R-" + secrets.token_hex(3).upper()


class HandoverService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue],
                 feedback_dir: Path) -> None:
        self._db = database
        self._catalogue = catalogue_fn
        self._dir = feedback_dir
        self._sets: dict[str, FeedbackSet] | None = None

    def sets(self) -> tuple[FeedbackSet, ...]:
        """The question sets (read once; CatalogueError naming file and line if one is wrong)."""
        if self._sets is None:
            self._sets = load_feedback_sets(self._dir)
        return tuple(self._sets.values())

    def prepare(self, evidence_id: str = "") -> HandoverPrep:
        """The sets and the set-up dialog's defaults, after checking ``evidence_id`` (if
        given) can be handed over: the assessor hears "this record cannot be used" before
        choosing a PIN, and who the record is from is filled in for them.
        """
        if not evidence_id:
            return HandoverPrep(self.sets())
        with self._db.uow() as uow:
            found = evidence_repo.read(uow.session, evidence_id)
            if found is None:
                raise NotFound(*_GONE)
            _check_usable(*found)
            values = found[1]
        by_format = {s.format: s.id for s in self.sets()}
        return HandoverPrep(self.sets(), HandoverStart(
            by_format.get(values.get("format", ""), ""), values.get("respondent_type", ""),
            values.get("age_band", ""), values.get("practitioner_present") == "yes"))

    def feedback_set(self, set_id: str) -> FeedbackSet:
        found = {s.id: s for s in self.sets()}.get(set_id)
        if found is None:
            raise UsageError(f"There is no feedback form called '{set_id}'.",
                             "Choose one of the forms in the list.")
        return found

    def start(self, enrolment_id: str, choice: HandoverStart, evidence_id: str = "",
              today: date | None = None) -> HandoverSession:
        """A record for the hand-over: ``evidence_id``'s draft, or a new one for the enrolment.

        Restarting from a hand-over draft (after a crash) brings back its answers, except
        consent, which is asked again. A record with answers typed in some other way is
        refused rather than overwritten.
        """
        fset = self.feedback_set(choice.set_id)
        if choice.respondent_type not in RESPONDENT_TYPES:
            raise UsageError("Choose who the feedback is from.", ", ".join(RESPONDENT_TYPES))
        age_band = choice.age_band.strip()[:MAX_AGE_BAND]
        day = today or date.today()
        with self._db.uow(actor="assessor") as uow:
            if evidence_id:
                found = evidence_repo.read(uow.session, evidence_id)
                if found is None:
                    raise NotFound(*_GONE)
                ev, values = found
                resuming = _check_usable(ev, values)
                answers = {k: values[k] for k in (*TEXT_FIELDS, "anonymous")} if resuming else {}
                if resuming:
                    answers.update(rating_fields(feedback_repo.ratings(uow.session, evidence_id)))
                ref = values.get("respondent_ref") or new_respondent_ref()
            else:
                found_enrolment = queries.enrolments(uow.session, enrolment_id)
                if not found_enrolment:
                    raise NotFound("That practitioner is not in this store.",
                                   "Refresh the list (F5) and open them again.")
                ctx = enrolment_context(found_enrolment[0], self._catalogue())
                span = ctx.timeline.stage_at(day)
                evidence_id = evidence_repo.create(
                    uow.session, enrolment_id, EvidenceKind.FEEDBACK_LIVED, day,
                    span.id if span is not None else "", "Family feedback (hand-over)")
                answers, ref = {}, new_respondent_ref()
            anonymous = answers.get("anonymous") == "yes"
            evidence_repo.write(uow.session, evidence_id, {
                "method": "hand-over", "format": fset.format, "transcribed": "no",
                "respondent_type": choice.respondent_type, "age_band": age_band,
                "respondent_ref": ref, "consent": "",
                "practitioner_present": "yes" if choice.practitioner_present else "no",
                "title": feedback_title(choice.respondent_type, age_band, anonymous)})
            uow.commit()
        return HandoverSession(evidence_id, fset, ref, answers)

    def answer(self, evidence_id: str, fields: Mapping[str, str]) -> None:
        """Keep answers as they are given: consent, anonymous, texts and ``rating:<id>``."""
        ratings, rest = split_answers(fields)
        unknown = set(rest) - _ANSWER_FIELDS
        if unknown:
            raise UsageError("Hand-over mode cannot change " + ", ".join(sorted(unknown)) + ".")
        if any(v is not None and not 1 <= v <= 5 for v in ratings.values()):
            raise UsageError("A rating must be between 1 and 5.")
        with self._db.uow(actor=FAMILY) as uow:
            found = evidence_repo.read(uow.session, evidence_id)
            if found is None:
                raise NotFound(*_GONE)
            ev, values = found
            if ev.status != "draft":
                raise UsageError("This feedback is final, so the answer was not kept.")
            if "anonymous" in rest:
                rest["title"] = feedback_title(values.get("respondent_type", ""),
                                               values.get("age_band", ""),
                                               rest["anonymous"] == "yes")
            evidence_repo.write(uow.session, evidence_id, rest)
            if ratings:
                feedback_repo.update_ratings(uow.session, evidence_id, ratings)
            uow.commit()

    def decline(self, evidence_id: str) -> None:
        """The person said no: keep only a note that feedback was offered and declined."""
        with self._db.uow(actor=FAMILY) as uow:
            found = evidence_repo.read(uow.session, evidence_id)
            if found is None:
                raise NotFound(*_GONE)
            evidence_repo.write(uow.session, evidence_id, {
                "consent": DECLINED, "anonymous": "no", **dict.fromkeys(TEXT_FIELDS, ""),
                "title": "Feedback offered on the laptop and declined"})
            feedback_repo.clear_ratings(uow.session, evidence_id)
            uow.commit()


def _check_usable(ev: Any, values: Mapping[str, str]) -> bool:
    """UsageError unless the record can take a hand-over; True when it resumes one."""
    if ev.kind != EvidenceKind.FEEDBACK_LIVED.value or ev.status != "draft":
        raise UsageError("Hand-over mode works on a draft of family feedback.",
                         "Use Evidence → New feedback from a family… instead.")
    resuming = values.get("method") == "hand-over" and values.get("consent") != DECLINED
    if not resuming and any(values.get(f, "").strip() for f in TEXT_FIELDS):
        raise UsageError("This feedback already has answers typed in.",
                         "Start a new hand-over from the Evidence menu instead.")
    return resuming

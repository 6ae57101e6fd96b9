"""The fields of each evidence editor (DOMAIN.md §4): pure data, no Qt, no store.

A field's ``name`` is the attribute of the kind's detail row, except the common
``EVIDENCE_FIELDS`` (title, date) that live on the evidence row itself. Values cross
the layers as plain strings (``widget`` says how to edit and store them), so an
autosave is one dict of strings and a draft round-trips exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assessor_app.domain.edit_merge import RecordChange
from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.record_review import CRITERION_PREFIX, ReviewCriteria

# Widget kinds: line (one line), text (multi-line, undo/redo), date (YYYY-MM-DD or empty),
# time (HH:MM), minutes (whole number), choice (editable list), lines (one item a line),
# yesno ("yes"/"no").
WIDGETS = ("line", "text", "date", "time", "minutes", "choice", "lines", "yesno")


@dataclass(frozen=True)
class FieldDef:
    name: str
    label: str
    widget: str = "line"
    required: bool = False  # needed before the evidence can be marked final
    choices: tuple[str, ...] = ()
    hint: str = ""


EVIDENCE_FIELDS = (
    FieldDef("title", "Title", required=True, hint="A short title for the evidence list"),
    FieldDef("occurred_on", "Date", "date", required=True),
)
#: fields kept on the evidence row itself (the rest live on the kind's detail row)
EVIDENCE_COLUMNS = frozenset({"title", "occurred_on", "transcribed"})
#: how lived-experience feedback was given; "transcribed" goes with the paper-form flag
FEEDBACK_METHODS = ("transcribed", "hand-over", "form", "verbal")

SETTINGS = ("home visit", "office", "school", "hospital", "virtual", "other")

FORMS: dict[EvidenceKind, tuple[FieldDef, ...]] = {
    EvidenceKind.OBSERVATION: (
        FieldDef("start_time", "Start time", "time", hint="HH:MM"),
        FieldDef("duration_minutes", "Duration (minutes)", "minutes"),
        FieldDef("setting", "Setting", "choice", required=True, choices=SETTINGS),
        FieldDef("activity", "Type of activity", required=True),
        FieldDef("purpose", "Purpose", "text"),
        FieldDef("people_present", "People present (by role only, one a line)", "lines",
                 hint="e.g. mother; child, 7 — never names"),
        FieldDef("consent_how", "How consent to being observed was obtained", "text",
                 required=True),
        FieldDef("consent_by", "Consent obtained by"),
        FieldDef("consent_on", "Consent obtained on", "date"),
        FieldDef("observer_name", "Observer"),
        FieldDef("observer_role", "Observer's role"),
        FieldDef("plan_before", "Practitioner's plan beforehand", "text"),
        FieldDef("notes", "Observation notes", "text", required=True),
        FieldDef("went_well", "What went well", "text"),
        FieldDef("development", "Areas for development", "text"),
        FieldDef("practitioner_reflection", "Practitioner's reflection and reply", "text"),
        FieldDef("assessor_judgement", "Assessor's judgement", "text", required=True),
        FieldDef("signed_off_by_practitioner", "Signed off by practitioner on", "date"),
        FieldDef("signed_off_by_assessor", "Signed off by assessor on", "date"),
    ),
    EvidenceKind.REFLECTION: (
        FieldDef("period", "Period", hint="e.g. reflection-6"),
        FieldDef("prompt", "Prompt or question", "text"),
        FieldDef("body", "Reflection", "text", required=True),
        FieldDef("learning", "Learning and next steps", "text"),
    ),
    EvidenceKind.SUPERVISION: (
        FieldDef("supervisor_name", "Supervisor", required=True),
        FieldDef("held", "Supervision held", "yesno"),
        FieldDef("duration_minutes", "Duration (minutes)", "minutes"),
        FieldDef("case_discussion", "Case discussion", "text"),
        FieldDef("reflective_discussion", "Reflective discussion", "text"),
        FieldDef("wellbeing_workload", "Wellbeing and workload", "text"),
        FieldDef("actions", "Actions agreed", "text"),
    ),
    EvidenceKind.FEEDBACK_PROFESSIONAL: (
        FieldDef("respondent_type", "Respondent's role", required=True),
        FieldDef("agency", "Agency"),
        FieldDef("context", "Context", "text"),
        FieldDef("went_well", "What went well", "text"),
        FieldDef("could_be_better", "What could be better", "text"),
        FieldDef("own_words", "Comments", "text"),
    ),
    EvidenceKind.FEEDBACK_LIVED: (
        FieldDef("respondent_type", "Respondent", "choice", required=True,
                 choices=("child or young person", "parent", "carer", "other family member")),
        FieldDef("age_band", "Age band (children)"),
        FieldDef("format", "Format", "choice",
                 choices=("adult form", "easy-read", "child version", "verbal", "drawn")),
        FieldDef("method", "How it was given", "choice", choices=FEEDBACK_METHODS,
                 hint="transcribed: typed in from a paper form; hand-over: on this laptop"),
        FieldDef("transcribed", "Typed in from a paper form", "yesno",
                 hint="Tick when you typed this in from a form the person filled in on paper"),
        FieldDef("collected_by", "Collected by"),
        FieldDef("practitioner_present", "Practitioner present", "yesno"),
        FieldDef("consent", "Consent or assent", "choice",
                 choices=("consent", "assent", "declined")),
        FieldDef("anonymous", "Respondent stays anonymous", "yesno"),
        FieldDef("respondent_ref", "Anonymised identifier"),
        FieldDef("went_well", "What went well", "text"),
        FieldDef("could_be_better", "What could be better", "text"),
        FieldDef("own_words", "In their own words", "text"),
    ),
    EvidenceKind.RECORD_REVIEW: (
        FieldDef("case_reference", "Case reference (pseudonymised)", required=True),
        FieldDef("record_type", "Record type", "choice",
                 choices=("assessment", "plan", "chronology", "case note", "court report",
                          "supervision record")),
        FieldDef("grade", "Grade", "choice",
                 choices=("outstanding", "good", "requires improvement", "inadequate",
                          "met", "not met")),
        FieldDef("commentary", "Commentary", "text", required=True),
    ),
    EvidenceKind.SELF_ASSESSMENT: (
        FieldDef("body", "Self-assessment", "text", required=True),
        FieldDef("priorities", "Priorities for development", "text"),
    ),
}


def form_for(kind: str) -> tuple[FieldDef, ...]:
    """Common fields first, then the kind's own; ValueError for an unknown kind."""
    return EVIDENCE_FIELDS + FORMS[EvidenceKind(kind)]


def missing_for_final(kind: str, values: dict[str, str]) -> list[str]:
    """Labels of required fields still empty (marking final needs them; drafts never do)."""
    return [f.label for f in form_for(kind) if f.required and not values.get(f.name, "").strip()]


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` or empty → date or None; ValueError for anything else."""
    text = text.strip()
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class EvidenceForm:
    """One piece of evidence as the editor sees it: all values are strings."""

    evidence_id: str
    enrolment_id: str
    kind: str
    status: str
    stage_id: str
    stage_title: str
    values: dict[str, str] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)  # feedback: {question: 1..5}
    criteria: dict[str, str] = field(default_factory=dict)  # record review: {id: met/...}
    criteria_set: ReviewCriteria | None = None  # record review: what to ask (from resources/)
    #: who changed it last (an editor that sees it change says so)
    change: RecordChange = field(default_factory=RecordChange)
    conflicts: tuple[str, ...] = ()  # fields with an open sync conflict (criteria: criterion:id)

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        return form_for(self.kind)

    def editor_values(self) -> dict[str, str]:
        """Every value an editor holds, criteria answers under ``criterion:<id>``."""
        return {**self.values, **{CRITERION_PREFIX + k: v for k, v in self.criteria.items()}}


@dataclass(frozen=True)
class AutosaveResult:
    stage_id: str
    stage_title: str
    invalid: tuple[str, ...] = ()  # fields not saved: their text cannot be stored yet
    #: fields changed meanwhile elsewhere too: the editor's text is in the record and the
    #: other version in a conflict row (Sync ▸ Conflicts…)
    conflicts: tuple[str, ...] = ()
    #: the record had changed under the editor (it should look again); by whom
    moved: bool = False
    change: RecordChange = field(default_factory=RecordChange)

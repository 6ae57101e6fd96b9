"""How each kind of evidence is shown: its detail columns as labelled fields (pure).

Every column an assessor can fill in reaches the appendix: the table below sets
labels and order, and columns it does not know (added later) are appended with
a humanised label rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.report_data import DetailField, FieldTag, humanise, long_date

#: per kind, in reading order: "column: Label", with "*" after the colon for narrative text
#: (laid out as paragraphs). Columns in NAME_COLUMNS / CASE_COLUMNS are tagged for anonymising.
_SPEC: dict[EvidenceKind, tuple[str, ...]] = {
    EvidenceKind.OBSERVATION: (
        "start_time: Start time", "duration_minutes: Duration (minutes)", "setting: Setting",
        "activity: Type of activity", "people_present: People present (by role)",
        "consent_by: Consent given by", "consent_on: Consent obtained on",
        "observer_name: Observer", "observer_role: Observer's role",
        "signed_off_by_practitioner: Signed off by the practitioner",
        "signed_off_by_assessor: Signed off by the assessor", "purpose:* Purpose",
        "consent_how:* How consent was obtained",
        "plan_before:* The practitioner's plan beforehand", "notes:* Observation notes",
        "went_well:* What went well", "development:* Areas for development",
        "practitioner_reflection:* Practitioner's reflection and reply to feedback",
        "assessor_judgement:* Assessor's judgement"),
    EvidenceKind.RECORD_REVIEW: (
        "case_reference: Case reference", "record_type: Record type", "grade: Grade",
        "criteria: Criteria", "commentary:* Commentary"),
    EvidenceKind.FEEDBACK_PROFESSIONAL: (
        "respondent_type: Respondent", "age_band: Age band", "agency: Agency",
        "respondent_ref: Respondent identifier", "anonymous: Anonymous", "format: Format",
        "method: How it was given", "collected_by: Collected by",
        "practitioner_present: Practitioner present", "consent: Consent or assent",
        "ratings: Ratings (1 to 5)", "context:* Context", "went_well:* What went well",
        "could_be_better:* What could be better", "own_words:* In the respondent's own words"),
    EvidenceKind.REFLECTION: (
        "period: Period", "prompt:* Prompt", "body:* Reflection", "learning:* Learning"),
    EvidenceKind.SELF_ASSESSMENT: (
        "ratings: Confidence against each standard (1 to 5)", "body:* Self-assessment",
        "priorities:* Priorities"),
    EvidenceKind.SUPERVISION: (
        "supervisor_name: Supervisor", "held: Held", "duration_minutes: Duration (minutes)",
        "case_discussion:* Case discussion", "reflective_discussion:* Reflective discussion",
        "wellbeing_workload:* Wellbeing and workload", "actions:* Actions"),
}
_SPEC[EvidenceKind.FEEDBACK_LIVED] = _SPEC[EvidenceKind.FEEDBACK_PROFESSIONAL]
NAME_COLUMNS = frozenset({"observer_name", "collected_by", "supervisor_name"})
CASE_COLUMNS = frozenset({"case_reference"})


def _spec(kind: EvidenceKind) -> list[tuple[str, str, bool, FieldTag]]:
    out = []
    for entry in _SPEC.get(kind, ()):
        col, _, rest = entry.partition(":")
        tag = (FieldTag.NAME if col in NAME_COLUMNS
               else FieldTag.CASE if col in CASE_COLUMNS else FieldTag.TEXT)
        out.append((col, rest.lstrip("*").strip(), rest.startswith("*"), tag))
    return out


#: names of stored codes inside criteria and ratings (others are humanised)
KEY_LABELS = {
    "met": "Met", "partly": "Partly met", "not_met": "Not met", "na": "Not applicable",
    "chronology_current": "Chronology and family tree current", "timescales_met": "Timescales met",
    "child_seen": "Child seen", "child_seen_alone": "Child seen alone",
    "child_views_recorded": "Child's views recorded", "history_considered": "History considered",
    "analysis_to_plan": "Analysis leads to a clear plan", "other_agencies": "Other agencies involved",
    "manager_oversight": "Manager oversight recorded", "clear_writing": "Clear, respectful writing",
    "person_views_recorded": "Person's views and wishes recorded",
    "strengths_based": "Strengths and networks identified",
    "capacity_considered": "Capacity considered where relevant",
    "risks_analysed": "Risks analysed proportionately", "carers_considered": "Carers' needs considered",
    "outcomes_clear": "Outcomes clear and measurable",
    "listened": "Listened to me", "explained_role": "Explained their role",
    "respected_views": "Respected my views", "kept_informed": "Kept me informed",
    "reliable": "Was reliable", "focus_on_person": "Focus on the person",
    "professional_judgement": "Professional judgement",
}


def _is_empty(value: object) -> bool:
    if value is None or value == "" or value == [] or value == {}:
        return True
    return type(value) is int and value == 0  # no duration recorded


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{long_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(_as_text(v) for v in value)
    return str(value)


def _rows(value: Mapping[str, object], key_label: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    out = []
    for k, v in value.items():
        shown = KEY_LABELS.get(v, str(v)) if isinstance(v, str) else _as_text(v)
        out.append((key_label(str(k)), shown))
    return tuple(out)


def detail_fields(kind: EvidenceKind, values: Mapping[str, object],
                  key_label: Callable[[str], str] | None = None) -> tuple[DetailField, ...]:
    """Labelled fields of one evidence item's detail row, empty ones left out.

    Columns the table above does not know are appended with a humanised label,
    so nothing entered is ever dropped from the appendix. ``key_label`` names the
    keys of mapping values (e.g. "pcf:6" → "PCF 6 Critical reflection …").
    """

    def default_label(k: str) -> str:
        return KEY_LABELS.get(k) or humanise(k)

    name_key = key_label or default_label
    spec = _spec(kind)
    known = {col for col, *_ in spec}
    order: Iterable[tuple[str, str, bool, FieldTag]] = [
        *spec, *((c, humanise(c), isinstance(values[c], str) and len(str(values[c])) > 80,
                  FieldTag.TEXT) for c in values if c not in known)]
    out: list[DetailField] = []
    for col, label, long, tag in order:
        if col not in values or _is_empty(values[col]):
            continue
        value = values[col]
        if isinstance(value, Mapping):
            out.append(DetailField(label, rows=_rows(value, name_key), tag=tag))
        else:
            out.append(DetailField(label, _as_text(value), long=long, tag=tag))
    return tuple(out)

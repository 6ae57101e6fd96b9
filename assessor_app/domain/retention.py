"""The retention policy as data: what the purge of a closed portfolio clears and what it keeps.

A portfolio (an enrolment) completed, withdrawn or left more than the employer's retention
period ago keeps what shows *that* it happened and how it ended: dates, kinds, statuses,
ratings, grades, judgements, standard links, who took part (the professionals), the final
assessment, and anything signed. It loses what was *written* about the practitioner's
work with children and families: every free text below, evidence titles, files and
unsigned reports. ``store.retention`` applies this; docs/employers/retention.md explains it
to employers. A new free-text column must be added to ``CLEARED`` or ``KEPT``
(tests/store/test_retention_policy.py fails until it is).
"""

from __future__ import annotations

import hashlib
from typing import Any

from assessor_app.domain.enums import EvidenceKind

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

#: table -> {column: the value it is cleared to}. Evidence titles become the kind's label.
CLEARED: dict[str, dict[str, Any]] = {
    "enrolment": {"extension_reason": ""},
    "pause": {"detail": ""},
    "agreement": {"supervision_plan": "", "workload_notes": "", "initial_pdp": ""},
    "evidence": {"title": ""},
    "observation": {
        "activity": "", "purpose": "", "people_present": [], "consent_how": "",
        "consent_by": "", "plan_before": "", "notes": "", "went_well": "", "development": "",
        "practitioner_reflection": "", "assessor_judgement": ""},
    "record_review": {"case_reference": "", "commentary": ""},
    "feedback": {"agency": "", "context": "", "respondent_ref": "", "went_well": "",
                 "could_be_better": "", "own_words": ""},
    "reflection": {"prompt": "", "body": "", "learning": ""},
    "self_assessment": {"body": "", "priorities": ""},
    "supervision_entry": {"case_discussion": "", "reflective_discussion": "",
                          "wellbeing_workload": "", "actions": ""},
    "standard_link": {"comment": ""},
    "review": {"reasons": "", "workload_check": "", "supervision_check": "", "pdp": "",
               "comments": {}},
    # a file goes whole: the row is tombstoned, its bytes dropped, its name (often a
    # child's name or a place) cleared and its hash emptied, so no device fetches it again
    "attachment": {"filename": "", "size": 0, "sha256": EMPTY_SHA256},
    # an unsigned report is tombstoned the same way (signed ones are kept whole)
    "document": {"sha256": EMPTY_SHA256},
    # both versions of an unsettled sync conflict are narrative too
    "conflict": {"kept_value": None, "other_value": None, "base_value": None},
}

#: rows of these tables are removed (tombstoned, bytes dropped), not just emptied
TOMBSTONED = frozenset({"attachment", "document"})

#: free text kept on purpose, and why (professionals' names and roles, fixed vocabularies,
#: the outcome record); every other free-text column of a portfolio is in ``CLEARED``
KEPT: dict[str, dict[str, str]] = {
    "practitioner": {c: "who was assessed" for c in ("name", "registration_number", "team",
                                                     "employer", "email")},
    "enrolment": {"programme_id": "programme", "programme_version": "programme",
                  "framework_versions": "framework versions", "status": "vocabulary",
                  "outcome": "the outcome"},
    "pause": {"reason": "vocabulary", "agreed_by": "a professional's name"},
    "agreement": {"planned_dates": "dates"},
    "evidence": {"kind": "vocabulary", "status": "vocabulary", "stage_id": "programme",
                 "author_role": "vocabulary"},
    "observation": {"start_time": "time", "setting": "vocabulary",
                    "observer_name": "a professional's name", "observer_role": "a role"},
    "record_review": {"record_type": "vocabulary", "criteria": "met / not met",
                      "grade": "vocabulary"},
    "feedback": {"respondent_type": "vocabulary", "age_band": "vocabulary",
                 "format": "vocabulary", "method": "vocabulary",
                 "collected_by": "a professional's name", "consent": "vocabulary",
                 "ratings": "numbers"},
    "reflection": {"period": "vocabulary"},
    "self_assessment": {"ratings": "numbers"},
    "supervision_entry": {"supervisor_name": "a professional's name"},
    "standard_link": {"framework_id": "framework", "framework_version": "framework",
                      "statement_code": "framework"},
    "attachment": {"mime": "file type"},
    "review": {"review_point_id": "programme", "attendees": "the professionals present",
               "judgement": "vocabulary", "signoffs": "dates", "status": "vocabulary"},
    "final_assessment": {c: "the outcome record (as in the signed final report)" for c in (
        "judgements", "strengths", "development", "year2_plan", "recommendation", "rationale",
        "practitioner_comments", "manager_comments", "moderation_outcome", "status")},
    "document": {"kind": "vocabulary", "subject_id": "an id", "supersedes_id": "an id",
                 "evidence_set_sha256": "a hash"},
    "signature": {c: "who signed what, when" for c in (
        "signer_name", "role", "cert_fingerprint", "field_name")},
    "conflict": {"practitioner_id": "an id", "entity": "table name", "entity_id": "an id",
                 "field": "column name",
                 "other_user": "a professional's name", "other_device": "a device name",
                 "resolution": "vocabulary", "resolved_by": "a professional's name",
                 "resolved_at": "a time"},
}

#: what a conflict the purge settles is marked as: the record keeps its (cleared) value
CONFLICT_RESOLUTION = "kept"
CONFLICT_RESOLVED_BY = "retention purge"


def cleared_value(table: str, column: str, kind: str = "") -> Any:
    """The value ``column`` of ``table`` is cleared to (an evidence title: its kind's label)."""
    if table == "evidence" and column == "title":
        try:
            return EvidenceKind(kind).label
        except ValueError:
            return "Evidence"
    return CLEARED[table][column]


def clearing(table: str, values: dict[str, Any], kind: str = "") -> dict[str, Any]:
    """The columns of one row (``values``: column -> value) the purge changes, and to what."""
    out = {}
    for column in CLEARED.get(table, {}):
        if column in values:
            empty = cleared_value(table, column, kind)
            if values[column] != empty:
                out[column] = empty
    return out

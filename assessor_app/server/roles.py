"""What a practitioner user may write in their own scope (DOMAIN.md: the practitioner writes
reflections, a self-assessment, the supervision log, plans observed sessions, replies to
feedback, comments on reviews and the final report, and countersigns; the judgements are the
assessor's). Assessors, managers and coordinators write whatever is in their scope.

Rule per table, checked on the fields a push changes:
- evidence they wrote (``author_role`` "practitioner") and its details, links and files: all;
- observation: their plan, their reflection and their sign-off only;
- review: their own entry in ``comments`` and ``signoffs`` only;
- final_assessment: ``practitioner_comments`` only;
- signature: a new one in the practitioner role (countersigning); conflict rows: all;
- everything else (the practitioner record, enrolment, agreement, pauses, record reviews,
  feedback, documents, employer-wide rows): read only.
"""

from __future__ import annotations

from typing import Any

OWN_EVIDENCE_DETAIL = frozenset({"reflection", "self_assessment", "supervision_entry",
                                 "standard_link", "attachment"})
FIELDS = {
    "observation": frozenset({"plan_before", "practitioner_reflection",
                              "signed_off_by_practitioner"}),
    "final_assessment": frozenset({"practitioner_comments"}),
}
PARTY_FIELDS = {"review": frozenset({"comments", "signoffs"})}
PARTY = "practitioner"
_EMPTY = (None, "", 0, False, [], {})
_MISSING = object()


def _changed(current: dict[str, Any] | None, fields: dict[str, Any]) -> set[str]:
    if current is None:
        return {k for k, v in fields.items() if v not in _EMPTY}
    return {k for k, v in fields.items()
            if current.get(k, _MISSING) != v and not (k not in current and v in _EMPTY)}


def _other_parties_changed(old: Any, new: Any) -> bool:
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    return any(old.get(k) != new.get(k) for k in set(old) | set(new) if k != PARTY)


def practitioner_refusal(table: str, current: dict[str, Any] | None, fields: dict[str, Any],
                         deleted: bool, parent: dict[str, Any] | None,
                         current_deleted: bool = False) -> str:
    """Why a practitioner user may not make this change ("" when they may)."""
    if table == "conflict":
        return ""
    if table == "evidence":
        mine = fields.get("author_role", (current or {}).get("author_role")) == PARTY
        if mine and (current is None or current.get("author_role") == PARTY):
            return ""
        return ("Practitioners may add and change only evidence they wrote (reflections, "
                "self-assessments, supervision notes); this is the assessor's record.")
    if table in OWN_EVIDENCE_DETAIL:
        if parent is not None and parent.get("author_role") == PARTY:
            return ""
        return "Practitioners may change only the details of evidence they wrote."
    if table == "signature":
        if current is None and fields.get("role") == PARTY and not deleted:
            return ""
        return "Practitioners may only add their own countersignature."
    allowed = FIELDS.get(table)
    party = PARTY_FIELDS.get(table)
    if allowed is None and party is None:
        return f"Practitioners may read but not change {table.replace('_', ' ')} records."
    if current is None or deleted != current_deleted:
        return f"Only the assessor may add or delete {table.replace('_', ' ')} records."
    changed = _changed(current, fields)
    if party is not None:
        if changed - party or any(_other_parties_changed(current.get(k), fields.get(k))
                                  for k in changed):
            return ("Practitioners may change only their own comment and sign-off on a "
                    "review; the judgement and the other parties' entries are not theirs.")
        return ""
    if changed - allowed:
        names = ", ".join(sorted(n.replace("_", " ") for n in allowed))
        return (f"Practitioners may change only their own part of this record ({names}); "
                "the assessor's judgement is not theirs to edit.")
    return ""

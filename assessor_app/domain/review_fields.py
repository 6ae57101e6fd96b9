"""Review meetings and the final assessment as flat fields, for saving against a base.

The review and final assessment editors save the whole form; a sync may have changed the
record since it was shown (``domain.edit_merge``). Compared field by field — each party's
comments, sign-off and each standard's judgement on its own — two people writing different
parts never clash, and the same part written twice keeps both. Texts are compared as they
are stored (trimmed), so a trailing space is never a change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from assessor_app.domain.edit_merge import flatten, unflatten
from assessor_app.domain.review_dto import (
    PARTIES,
    AssessmentInput,
    Attendee,
    ReviewInput,
    StandardJudgementInput,
)

REVIEW_NESTED = ("comments", "signoffs")
ASSESSMENT_NESTED = ("judgements",)
ASSESSMENT_TEXTS = ("strengths", "development", "year2_plan", "rationale",
                    "practitioner_comments", "manager_comments")


def clean_review(data: ReviewInput) -> ReviewInput:
    """Texts trimmed, empty attendee rows and empty comments dropped (as stored)."""
    attendees = tuple(Attendee(a.name.strip(), a.role.strip()) for a in data.attendees
                      if a.name.strip() or a.role.strip())
    comments = {k: v.strip() for k, v in data.comments.items() if v.strip()}
    return replace(data, attendees=attendees, comments=comments, reasons=data.reasons.strip(),
                   workload_check=data.workload_check.strip(),
                   supervision_check=data.supervision_check.strip(), pdp=data.pdp.strip())


def review_fields(data: ReviewInput) -> dict[str, Any]:
    """The review as flat, JSON-ready fields: ``comments.<party>``, ``signoffs.<party>``."""
    d = clean_review(data)
    parties = dict.fromkeys((*PARTIES, *d.comments, *d.signoffs))
    return flatten({
        "review_point_id": d.review_point_id,
        "held_on": d.held_on.isoformat() if d.held_on else None,
        "attendees": [{"name": a.name, "role": a.role} for a in d.attendees],
        "judgement": d.judgement, "reasons": d.reasons, "workload_check": d.workload_check,
        "supervision_check": d.supervision_check, "pdp": d.pdp,
        "comments": {p: d.comments.get(p, "") for p in parties},
        "signoffs": {p: d.signoffs[p].isoformat() if p in d.signoffs else None
                     for p in parties},
    }, REVIEW_NESTED)


def review_from_fields(fields: dict[str, Any]) -> ReviewInput:
    f = unflatten(fields, REVIEW_NESTED)
    return ReviewInput(
        review_point_id=str(f.get("review_point_id") or ""),
        held_on=date.fromisoformat(f["held_on"]) if f.get("held_on") else None,
        attendees=tuple(Attendee(str(a.get("name", "")), str(a.get("role", "")))
                        for a in f.get("attendees") or () if isinstance(a, dict)),
        judgement=str(f.get("judgement") or ""), reasons=str(f.get("reasons") or ""),
        workload_check=str(f.get("workload_check") or ""),
        supervision_check=str(f.get("supervision_check") or ""), pdp=str(f.get("pdp") or ""),
        comments={p: str(t) for p, t in f["comments"].items() if t},
        signoffs={p: date.fromisoformat(d) for p, d in f["signoffs"].items() if d})


def clean_assessment(data: AssessmentInput) -> AssessmentInput:
    """Texts trimmed, each standard's evidence listed once (as stored)."""
    judgements = {k: StandardJudgementInput(j.judgement, tuple(dict.fromkeys(j.evidence_ids)),
                                            j.comment.strip())
                  for k, j in data.judgements.items()}
    return replace(data, judgements=judgements,
                   **{name: getattr(data, name).strip() for name in ASSESSMENT_TEXTS})


def assessment_fields(data: AssessmentInput) -> dict[str, Any]:
    """The assessment as flat, JSON-ready fields: ``judgements.<framework:code>``."""
    d = clean_assessment(data)
    return flatten({"recommendation": d.recommendation,
                    **{name: getattr(d, name) for name in ASSESSMENT_TEXTS},
                    "judgements": {k: j.stored() for k, j in d.judgements.items()}},
                   ASSESSMENT_NESTED)


def assessment_from_fields(fields: dict[str, Any]) -> AssessmentInput:
    f = unflatten(fields, ASSESSMENT_NESTED)
    judgements = {k: StandardJudgementInput(str(j.get("judgement", "")),
                                            tuple(str(i) for i in j.get("evidence_ids") or ()),
                                            str(j.get("comment", "")))
                  for k, j in f["judgements"].items() if isinstance(j, dict)}
    return AssessmentInput(judgements=judgements,
                           recommendation=str(f.get("recommendation") or ""),
                           **{name: str(f.get(name) or "") for name in ASSESSMENT_TEXTS})

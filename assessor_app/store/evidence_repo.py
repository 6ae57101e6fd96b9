"""Evidence rows and their per-kind detail rows, read and written as plain strings.

The editor's values (``domain.evidence_forms``) are strings; this module converts
them to and from the columns inside the caller's unit of work. Autosave writes
straight into the rows (status stays "draft"), so a draft survives a crash as typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.evidence_forms import (
    EVIDENCE_COLUMNS,
    FieldDef,
    form_for,
    parse_date,
)
from assessor_app.domain.record_review import CRITERION_PREFIX
from assessor_app.store.base import utcnow
from assessor_app.store.models import (
    Evidence,
    Feedback,
    Observation,
    RecordReview,
    Reflection,
    SelfAssessment,
    StandardLink,
    SupervisionEntry,
)

DETAIL_MODELS: dict[EvidenceKind, type] = {
    EvidenceKind.OBSERVATION: Observation,
    EvidenceKind.REFLECTION: Reflection,
    EvidenceKind.SUPERVISION: SupervisionEntry,
    EvidenceKind.FEEDBACK_PROFESSIONAL: Feedback,
    EvidenceKind.FEEDBACK_LIVED: Feedback,
    EvidenceKind.RECORD_REVIEW: RecordReview,
    EvidenceKind.SELF_ASSESSMENT: SelfAssessment,
}


def _to_text(f: FieldDef, value: Any) -> str:
    if value is None:
        return ""
    if f.widget == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if f.widget == "minutes":
        return str(value) if value else ""
    if f.widget == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if f.widget == "yesno":
        return "yes" if value else "no"
    return str(value)


def _from_text(f: FieldDef, text: str) -> Any:
    if f.widget == "date":
        return parse_date(text)
    if f.widget == "minutes":
        return int(text) if text.strip() else 0
    if f.widget == "lines":
        return text.split("\n")
    if f.widget == "yesno":
        return text == "yes"
    return text


def create(session: Session, enrolment_id: str, kind: EvidenceKind, occurred_on: date,
           stage_id: str, title: str, extra: dict[str, Any] | None = None) -> str:
    ev = Evidence(enrolment_id=enrolment_id, kind=kind.value, occurred_on=occurred_on,
                  title=title, status="draft", stage_id=stage_id, author_role="assessor")
    session.add(ev)
    session.flush()
    detail = DETAIL_MODELS[kind](evidence_id=ev.id, **(extra or {}))
    session.add(detail)
    session.flush()
    return ev.id


def _rows(session: Session, evidence_id: str) -> tuple[Evidence, Any] | None:
    ev = session.get(Evidence, evidence_id)
    if ev is None or ev.deleted_at is not None:
        return None
    model = DETAIL_MODELS[EvidenceKind(ev.kind)]
    detail = session.scalars(select(model).where(model.evidence_id == evidence_id)).first()
    if detail is None:  # older rows without a detail: add one on first edit
        detail = model(evidence_id=evidence_id)
        session.add(detail)
    return ev, detail


def read(session: Session, evidence_id: str) -> tuple[Evidence, dict[str, str]] | None:
    found = _rows(session, evidence_id)
    if found is None:
        return None
    ev, detail = found
    values = {}
    for f in form_for(ev.kind):
        row = ev if f.name in EVIDENCE_COLUMNS else detail
        values[f.name] = _to_text(f, getattr(row, f.name, None))
    return ev, values


def write(session: Session, evidence_id: str, values: dict[str, str]) -> Evidence | None:
    """Apply the given fields (only those); ValueError for a value its column cannot hold."""
    found = _rows(session, evidence_id)
    if found is None:
        return None
    ev, detail = found
    by_name = {f.name: f for f in form_for(ev.kind)}
    for name, text in values.items():
        if name.startswith(CRITERION_PREFIX) and isinstance(detail, RecordReview):
            key = name[len(CRITERION_PREFIX):]
            answers = {k: v for k, v in (detail.criteria or {}).items() if k != key}
            detail.criteria = {**answers, key: text} if text else answers  # a new dict: saved
            continue
        f = by_name.get(name)
        if f is None:
            raise ValueError(f"'{name}' is not a field of {ev.kind} evidence.")
        value = _from_text(f, text)
        if name == "occurred_on" and value is None:
            continue  # the evidence row always has a date; an emptied field keeps the last one
        row = ev if name in EVIDENCE_COLUMNS else detail
        if getattr(row, name) != value:
            setattr(row, name, value)
    return ev


def rows(session: Session, evidence_id: str) -> tuple[Evidence, Any] | None:
    """The live evidence row and its detail row (added when missing), or None."""
    return _rows(session, evidence_id)


def tombstone(session: Session, evidence_id: str) -> Evidence | None:
    """The evidence row when it exists but was deleted (by a sync), else None."""
    ev = session.get(Evidence, evidence_id)
    return ev if ev is not None and ev.deleted_at is not None else None


def detail_of(session: Session, ev: Evidence) -> Any:
    """The detail row of an evidence row, deleted or not (None when there is none)."""
    model = DETAIL_MODELS[EvidenceKind(ev.kind)]
    return session.scalars(select(model).where(model.evidence_id == ev.id)).first()


def comparable(kind: str, name: str, text: str) -> Any:
    """A field's text as its column holds it, JSON-ready (dates as ISO text): two texts that
    store the same (" 2026-11-01" and "2026-11-01") compare equal. A text the column cannot
    hold compares as itself."""
    if name.startswith(CRITERION_PREFIX):
        return text
    f = next((f for f in form_for(kind) if f.name == name), None)
    if f is None:
        return text
    try:
        value = _from_text(f, text)
    except ValueError:
        return text
    return value.isoformat() if isinstance(value, date) else value


def home(ev: Evidence, detail: Any, name: str) -> tuple[str, str, str]:
    """(table, row id, conflict field) where an editor's field is stored; a criterion's
    answer is one key of the record review's ``criteria`` column."""
    if name.startswith(CRITERION_PREFIX):
        return detail.__tablename__, detail.id, "criteria." + name[len(CRITERION_PREFIX):]
    row = ev if name in EVIDENCE_COLUMNS else detail
    return row.__tablename__, row.id, name


def editor_field(field: str) -> str:
    """The editor's name for a conflict's field (the inverse of ``home``)."""
    if field.startswith("criteria."):
        return CRITERION_PREFIX + field[len("criteria."):]
    return field


def criteria(session: Session, evidence_id: str) -> dict[str, str]:
    """A record review's answers ({criterion id: scale value}); {} for other kinds."""
    found = _rows(session, evidence_id)
    if found is None or not isinstance(found[1], RecordReview):
        return {}
    return {str(k): str(v) for k, v in (found[1].criteria or {}).items()}


def status(session: Session, evidence_id: str) -> str | None:
    ev = session.get(Evidence, evidence_id)
    return None if ev is None or ev.deleted_at is not None else ev.status


def set_status(session: Session, evidence_id: str, status: str, stage_id: str | None) -> None:
    ev = session.get(Evidence, evidence_id)
    if ev is not None:
        ev.status = status
        if stage_id is not None:
            ev.stage_id = stage_id


def live_links(session: Session, evidence_id: str) -> list[StandardLink]:
    """The evidence's standards links that are not tombstoned, in a stable order."""
    return list(session.scalars(
        select(StandardLink)
        .where(StandardLink.evidence_id == evidence_id, StandardLink.deleted_at.is_(None))
        .order_by(StandardLink.framework_id, StandardLink.statement_code)))


def link_rows(session: Session, evidence_id: str) -> list[StandardLink]:
    """Every link row of the evidence, tombstones included (who changed them last)."""
    return list(session.scalars(select(StandardLink).where(
        StandardLink.evidence_id == evidence_id)))


def link_row_id(session: Session, evidence_id: str, key: tuple[str, str]) -> str | None:
    """The row of one link: the live one, else the most recently removed."""
    rows = [r for r in link_rows(session, evidence_id)
            if (r.framework_id, r.statement_code) == key]
    live = [r for r in rows if r.deleted_at is None]
    if live:
        return live[0].id
    return max(rows, key=lambda r: r.deleted_at.isoformat()[:19]).id if rows else None


def replace_links(session: Session, evidence_id: str,
                  wanted: dict[tuple[str, str], tuple[str, str, int]]) -> None:
    """Make the live links exactly ``wanted`` ({(framework, code): (version, comment, strength)}).

    Added links get new rows, removed ones are tombstoned (``deleted_at``; never deleted,
    so a sync can pass the removal on), kept ones get their comment and strength updated.
    """
    now = utcnow()
    seen: set[tuple[str, str]] = set()
    for link in live_links(session, evidence_id):
        key = (link.framework_id, link.statement_code)
        if key not in wanted or key in seen:
            link.deleted_at = now
            continue
        seen.add(key)
        version, comment, strength = wanted[key]
        if (link.comment, link.framework_version, link.strength) != (comment, version, strength):
            link.comment, link.framework_version, link.strength = comment, version, strength
    for (fw, code), (version, comment, strength) in wanted.items():
        if (fw, code) not in seen:
            session.add(StandardLink(evidence_id=evidence_id, framework_id=fw,
                                     framework_version=version, statement_code=code,
                                     comment=comment, strength=strength))
    session.flush()

"""Everything one enrolment's reports need, in a dozen set-based queries, and the mappers
from those records to the report DTOs (domain.report_data).

Also the moderation pseudonym map (local only, never synced): stable pseudonyms
per (scope = enrolment id, kind, real value), numbered per kind within the scope.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session

from assessor_app.domain.catalogue import Framework, Programme
from assessor_app.domain.enums import EvidenceKind
from assessor_app.domain.report_data import (
    AgreementInfo,
    AttachmentInfo,
    Attendee,
    EvidenceItem,
    FinalInfo,
    LinkInfo,
    PauseInfo,
    PersonInfo,
    PractitionerInfo,
    ProgrammeDates,
    ReviewInfo,
    StandardJudgement,
    SupportSummary,
    humanise,
    support_summary,
)
from assessor_app.domain.report_fields import KEY_LABELS, detail_fields
from assessor_app.domain.timeline import Timeline
from assessor_app.store.models import (
    Agreement,
    Attachment,
    Enrolment,
    Evidence,
    Feedback,
    FinalAssessment,
    Observation,
    Pause,
    Person,
    Practitioner,
    Pseudonym,
    RecordReview,
    Reflection,
    Review,
    SelfAssessment,
    StandardLink,
    SupervisionEntry,
)

#: bookkeeping columns that are not part of what anyone entered
_HIDDEN = frozenset({"id", "evidence_id", "rev", "base_rev", "dirty", "deleted_at", "created_at",
                     "updated_at", "updated_by", "enrolment_id"})
_DETAILS = (Observation, RecordReview, Feedback, Reflection, SelfAssessment, SupervisionEntry)


def _live(model):  # type: ignore[no-untyped-def]
    return model.deleted_at.is_(None)


def _values(row: object) -> dict[str, Any]:
    """Entered columns of a mapped row, in column order."""
    return {a.key: getattr(row, a.key) for a in inspect(row).mapper.column_attrs
            if a.key not in _HIDDEN}


@dataclass(frozen=True)
class PersonRecord:
    id: str
    role: str
    name: str
    job_title: str
    registration_number: str


@dataclass(frozen=True)
class LinkRecord:
    framework_id: str
    framework_version: str
    statement_code: str
    comment: str
    strength: int


@dataclass(frozen=True)
class AttachmentRecord:
    filename: str
    mime: str
    size: int
    sha256: str


@dataclass(frozen=True)
class EvidenceFull:
    id: str
    kind: str
    occurred_on: date
    title: str
    status: str
    stage_id: str
    author_role: str
    transcribed: bool
    detail: dict[str, Any]  # the kind's detail columns (empty if none)
    links: tuple[LinkRecord, ...]
    attachments: tuple[AttachmentRecord, ...]


@dataclass(frozen=True)
class ReportRecords:
    enrolment: dict[str, Any]  # the Enrolment's entered columns
    practitioner: dict[str, Any]
    assessor: PersonRecord | None
    manager: PersonRecord | None
    coordinator: PersonRecord | None
    agreement: dict[str, Any] | None
    pauses: tuple[dict[str, Any], ...]
    reviews: tuple[dict[str, Any], ...]  # with "id"
    final: dict[str, Any] | None
    evidence: tuple[EvidenceFull, ...] = field(default_factory=tuple)  # oldest first


def _person(p: Person | None) -> PersonRecord | None:
    if p is None:
        return None
    return PersonRecord(p.id, p.role, p.name, p.job_title, p.registration_number)


def load(session: Session, enrolment_id: str) -> ReportRecords | None:
    """One enrolment with everything around it; None if it is not there (or deleted)."""
    row = session.execute(
        select(Enrolment, Practitioner).join(Practitioner, Practitioner.id == Enrolment.practitioner_id)
        .where(Enrolment.id == enrolment_id, _live(Enrolment), _live(Practitioner))).first()
    if row is None:
        return None
    enrol, prac = row
    ids = [i for i in (enrol.assessor_id, enrol.line_manager_id, enrol.coordinator_id) if i]
    people = {p.id: p for p in session.execute(select(Person).where(Person.id.in_(ids))).scalars()}
    agreement = session.execute(select(Agreement).where(
        Agreement.enrolment_id == enrolment_id, _live(Agreement))).scalars().first()
    pauses = session.execute(select(Pause).where(Pause.enrolment_id == enrolment_id, _live(Pause))
                             .order_by(Pause.start_date)).scalars().all()
    reviews = session.execute(select(Review).where(Review.enrolment_id == enrolment_id, _live(Review))
                              .order_by(Review.held_on, Review.review_point_id)).scalars().all()
    final = session.execute(select(FinalAssessment).where(
        FinalAssessment.enrolment_id == enrolment_id, _live(FinalAssessment))).scalars().first()
    return ReportRecords(
        enrolment=_values(enrol) | {"id": enrol.id},
        practitioner=_values(prac) | {"id": prac.id},
        assessor=_person(people.get(enrol.assessor_id or "")),
        manager=_person(people.get(enrol.line_manager_id or "")),
        coordinator=_person(people.get(enrol.coordinator_id or "")),
        agreement=_values(agreement) if agreement else None,
        pauses=tuple(_values(p) for p in pauses),
        reviews=tuple(_values(r) | {"id": r.id} for r in reviews),
        final=_values(final) if final else None,
        evidence=tuple(_evidence(session, enrolment_id)),
    )


def _evidence(session: Session, enrolment_id: str) -> list[EvidenceFull]:
    mine = select(Evidence.id).where(Evidence.enrolment_id == enrolment_id, _live(Evidence))
    details: dict[str, dict[str, Any]] = {}
    for model in _DETAILS:
        for d in session.execute(select(model).where(model.evidence_id.in_(mine), _live(model))).scalars():
            details[d.evidence_id] = _values(d)
    links: dict[str, list[LinkRecord]] = defaultdict(list)
    for ln in session.execute(select(StandardLink).where(StandardLink.evidence_id.in_(mine),
                                                         _live(StandardLink))).scalars():
        links[ln.evidence_id].append(LinkRecord(ln.framework_id, ln.framework_version,
                                                ln.statement_code, ln.comment, ln.strength))
    files: dict[str, list[AttachmentRecord]] = defaultdict(list)
    for eid, name, mime, size, sha in session.execute(
            select(Attachment.evidence_id, Attachment.filename, Attachment.mime, Attachment.size,
                   Attachment.sha256).where(Attachment.evidence_id.in_(mine), _live(Attachment))):
        files[eid].append(AttachmentRecord(name, mime, size, sha))
    rows = session.execute(select(Evidence).where(Evidence.enrolment_id == enrolment_id, _live(Evidence))
                           .order_by(Evidence.occurred_on, Evidence.id)).scalars()
    return [EvidenceFull(
        e.id, e.kind, e.occurred_on, e.title, e.status, e.stage_id, e.author_role, e.transcribed,
        details.get(e.id, {}),
        tuple(sorted(links[e.id], key=lambda k: (k.framework_id, k.statement_code, k.comment))),
        tuple(sorted(files[e.id], key=lambda a: (a.filename, a.sha256))),
    ) for e in rows]


@dataclass(frozen=True)
class PractitionerRef:
    practitioner_id: str
    name: str
    enrolment_id: str
    start_date: date


def practitioner_refs(session: Session) -> list[PractitionerRef]:
    """Every live practitioner with each live enrolment (for resolving a name or id)."""
    rows = session.execute(
        select(Practitioner.id, Practitioner.name, Enrolment.id, Enrolment.start_date)
        .join(Enrolment, Enrolment.practitioner_id == Practitioner.id)
        .where(_live(Practitioner), _live(Enrolment))
        .order_by(Practitioner.name, Enrolment.start_date)).all()
    return [PractitionerRef(*r) for r in rows]


# -- pseudonym map -----------------------------------------------------------------------

def pseudonyms(session: Session, scope: str) -> dict[tuple[str, str], str]:
    """{(kind, real): pseudonym} kept for one scope."""
    rows = session.execute(select(Pseudonym.kind, Pseudonym.real, Pseudonym.pseudonym)
                           .where(Pseudonym.scope == scope))
    return {(k, r): p for k, r, p in rows}


def ensure_pseudonyms(session: Session, scope: str, wanted: Sequence[tuple[str, str]],
                      label: Callable[[str, int], str]) -> dict[str, str]:
    """{real: pseudonym} for ``wanted`` (kind, real), creating the missing ones.

    New ones are numbered after the scope's existing ones of the same kind, so a
    pseudonym never changes once given. The caller commits.
    """
    have = pseudonyms(session, scope)
    counts: dict[str, int] = dict(session.execute(
        select(Pseudonym.kind, func.count()).where(Pseudonym.scope == scope)
        .group_by(Pseudonym.kind)).all())
    out: dict[str, str] = {}
    for kind, real in wanted:
        alias = have.get((kind, real))
        if alias is None:
            counts[kind] = counts.get(kind, 0) + 1
            alias = label(kind, counts[kind])
            session.add(Pseudonym(scope=scope, kind=kind, real=real, pseudonym=alias))
            have[(kind, real)] = alias
        out.setdefault(real, alias)
    session.flush()
    return out


def delete_pseudonyms(session: Session, scope: str) -> int:
    """Forget a scope's map (e.g. when its records are erased). The caller commits."""
    result = session.execute(delete(Pseudonym).where(Pseudonym.scope == scope))
    return int(result.rowcount or 0)


# -- mappers to the report DTOs (domain.report_data) ------------------------------------

def to_practitioner(p: dict[str, Any]) -> PractitionerInfo:
    return PractitionerInfo(p["id"], p["name"], p["registration_number"], p["team"], p["employer"],
                            p["fte"])


def to_people(rec: ReportRecords) -> tuple[PersonInfo, ...]:
    out = []
    for role, person in (("assessor", rec.assessor), ("manager", rec.manager),
                         ("coordinator", rec.coordinator)):
        if person is not None:
            out.append(PersonInfo(role, person.name, person.job_title, person.registration_number))
    return tuple(out)


def to_dates(rec: ReportRecords, timeline: Timeline) -> ProgrammeDates:
    en = rec.enrolment
    moderation = next((i.due for i in timeline.items if i.key == "moderation"), None)
    return ProgrammeDates(
        start=en["start_date"], final_review_due=timeline.end, moderation_due=moderation,
        completed_on=en["completed_on"], status=en["status"], outcome=en["outcome"],
        extension_months=en["extension_months"], extension_reason=en["extension_reason"],
        pauses=tuple(PauseInfo(p["start_date"], p["end_date"], p["reason"], p["detail"],
                               p["agreed_by"]) for p in rec.pauses))


def to_agreement(a: dict[str, Any] | None, programme: Programme) -> AgreementInfo | None:
    if a is None:
        return None
    titles = {rp.id: rp.title for rp in programme.review_points} | {"moderation": "Moderation panel"}
    planned = []
    for key, value in (a["planned_dates"] or {}).items():
        with contextlib.suppress(TypeError, ValueError):
            planned.append((titles.get(key, key), date.fromisoformat(str(value))))
    planned.sort(key=lambda kv: kv[1])
    return AgreementInfo(a["agreed_on"], tuple(planned), a["supervision_plan"], a["workload_percent"],
                         a["protected_time_percent"], a["workload_notes"], a["initial_pdp"])


def to_support(evidence: Sequence[EvidenceFull], start: date, end: date) -> SupportSummary:
    entries = [(e.occurred_on, bool(e.detail.get("held", True)),
                int(e.detail.get("duration_minutes") or 0))
               for e in evidence if e.kind == EvidenceKind.SUPERVISION.value]
    return support_summary(entries, start, max(start, end))


def to_reviews(rows: Sequence[dict[str, Any]], programme: Programme, timeline: Timeline,
               today: date) -> tuple[ReviewInfo, ...]:
    """Reviews in date order, each with the period its evidence summary covers."""
    titles = {rp.id: rp.title for rp in programme.review_points}
    due = {i.key: i.due for i in timeline.items}
    ordered = sorted(rows, key=lambda r: (r["held_on"] or due.get(r["review_point_id"]) or date.max,
                                          r["review_point_id"]))
    out: list[ReviewInfo] = []
    begin = timeline.start
    for r in ordered:
        end = r["held_on"] or min(today, due.get(r["review_point_id"], today))
        out.append(ReviewInfo(
            id=r["id"], review_point_id=r["review_point_id"],
            title=titles.get(r["review_point_id"], r["review_point_id"]),
            due=due.get(r["review_point_id"]), held_on=r["held_on"],
            attendees=tuple(Attendee(str(a.get("name", "")), str(a.get("role", "")))
                            for a in (r["attendees"] or []) if isinstance(a, dict)),
            judgement=r["judgement"], reasons=r["reasons"], workload_check=r["workload_check"],
            supervision_check=r["supervision_check"], pdp=r["pdp"],
            comments=tuple((str(k), str(v)) for k, v in (r["comments"] or {}).items() if v),
            signoffs=tuple((str(k), str(v)) for k, v in (r["signoffs"] or {}).items()),
            status=r["status"], period_start=begin, period_end=end))
        begin = max(begin, end + timedelta(days=1))
    return tuple(out)


def to_final(f: dict[str, Any] | None, frameworks: Sequence[Framework]) -> FinalInfo | None:
    if f is None:
        return None
    order = [(fw, st) for fw in frameworks for st in fw.statements]
    raw: dict[str, Any] = dict(f["judgements"] or {})
    judgements = []
    for fw, st in order:
        j = raw.pop(f"{fw.id}:{st.code}", None)
        if isinstance(j, dict):
            judgements.append(StandardJudgement(fw.id, st.code, st.title, str(j.get("judgement", "")),
                                                str(j.get("comment", "")),
                                                tuple(j.get("evidence_ids") or ())))
    for key, j in raw.items():  # a framework no longer on the enrolment: kept, not dropped
        if isinstance(j, dict):
            fw_id, _, code = key.partition(":")
            judgements.append(StandardJudgement(fw_id, code, code, str(j.get("judgement", "")),
                                                str(j.get("comment", "")),
                                                tuple(j.get("evidence_ids") or ())))
    return FinalInfo(tuple(judgements), f["strengths"], f["development"], f["year2_plan"],
                     f["recommendation"], f["rationale"], f["practitioner_comments"],
                     f["manager_comments"], f["moderation_outcome"], f["status"])


def to_evidence_items(rows: Sequence[EvidenceFull], programme: Programme,
                      frameworks: Sequence[Framework], timeline: Timeline) -> tuple[EvidenceItem, ...]:
    """Numbered E1, E2, ... oldest first; every entered detail column becomes a field."""
    fws = {fw.id: fw for fw in frameworks}
    stage_titles = {s.id: s.title for s in timeline.stages}
    periods = {r.id: r.title for r in programme.reflections}

    def key_label(key: str) -> str:
        fw_id, _, code = key.partition(":")
        fw = fws.get(fw_id)
        st = fw.statement(code) if fw else None
        return f"{fw.short_title} {code}: {st.title}" if fw and st else (
            KEY_LABELS.get(key) or humanise(key))

    out = []
    for n, e in enumerate(rows, 1):
        kind = EvidenceKind(e.kind)
        values = dict(e.detail)
        if kind is EvidenceKind.REFLECTION and values.get("period") in periods:
            values["period"] = periods[values["period"]]
        links = []
        for ln in e.links:
            fw = fws.get(ln.framework_id)
            st = fw.statement(ln.statement_code) if fw else None
            links.append(LinkInfo(ln.framework_id, fw.short_title if fw else ln.framework_id,
                                  ln.statement_code, st.title if st else "", ln.comment, ln.strength))
        out.append(EvidenceItem(
            id=e.id, number=n, kind=kind, title=e.title, occurred_on=e.occurred_on, status=e.status,
            stage_id=e.stage_id, stage_title=stage_titles.get(e.stage_id, ""),
            author_role=e.author_role, transcribed=e.transcribed,
            fields=detail_fields(kind, values, key_label), links=tuple(links),
            attachments=tuple(AttachmentInfo(a.filename, a.mime, a.size, a.sha256)
                              for a in e.attachments)))
    return tuple(out)

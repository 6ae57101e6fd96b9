"""Enrolment records for the list and the page, in plain SQL over a DB-API connection.

One implementation serves both paths: the unit of work passes its session's own
connection (same transaction), and start-up passes a bare SQLCipher connection so
the first list appears before SQLAlchemy is even imported.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from assessor_app.domain.dto import PauseRow


class DbApiConnection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


@dataclass(frozen=True)
class HeldReview:
    id: str
    review_point_id: str
    held_on: date | None
    judgement: str


@dataclass(frozen=True)
class EnrolmentRecord:
    enrolment_id: str
    practitioner_id: str
    name: str
    registration_number: str
    team: str
    programme_id: str
    programme_version: str
    framework_versions: dict[str, str]
    start_date: date
    fte: float
    status: str
    extension_months: float
    outcome: str
    assessor_name: str
    line_manager_name: str
    agreement_agreed: bool
    moderated: bool
    pauses: tuple[PauseRow, ...] = ()
    reviews: tuple[HeldReview, ...] = ()
    observation_dates: tuple[date, ...] = ()
    reflection_periods: frozenset[str] = field(default_factory=frozenset)
    completed_on: date | None = None


def _d(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _scoped(conn: DbApiConnection, sql: str, column: str, enrolment_id: str | None) -> list[Any]:
    if enrolment_id is None:
        return conn.execute(sql).fetchall()
    joiner = " AND " if " WHERE " in sql else " WHERE "
    return conn.execute(f"{sql}{joiner}{column} = ?", (enrolment_id,)).fetchall()


_ENROLMENTS = """
SELECT e.id, p.id, p.name, p.registration_number, p.team, e.programme_id, e.programme_version,
       e.framework_versions, e.start_date, e.fte, e.status, e.extension_months, e.outcome,
       a.name, m.name, e.completed_on
FROM enrolment e
JOIN practitioner p ON p.id = e.practitioner_id
LEFT JOIN person a ON a.id = e.assessor_id
LEFT JOIN person m ON m.id = e.line_manager_id
WHERE e.deleted_at IS NULL AND p.deleted_at IS NULL"""


def enrolment_records(conn: DbApiConnection, enrolment_id: str | None = None) -> list[EnrolmentRecord]:
    """Every live enrolment (or one), with what the timeline and progress rules need."""
    sql = _ENROLMENTS + (" AND e.id = ?" if enrolment_id else "") + " ORDER BY p.name, e.id"
    rows = conn.execute(sql, (enrolment_id,) if enrolment_id else ()).fetchall()
    if not rows:
        return []
    pauses: dict[str, list[PauseRow]] = defaultdict(list)
    for pid, eid, start, end, reason, agreed_by in _scoped(
            conn, "SELECT id, enrolment_id, start_date, end_date, reason, agreed_by FROM pause"
                  " WHERE deleted_at IS NULL", "enrolment_id", enrolment_id):
        pauses[eid].append(PauseRow(pid, _d(start), _d(end), reason, agreed_by))  # type: ignore[arg-type]
    reviews: dict[str, list[HeldReview]] = defaultdict(list)
    for rid, eid, point, held_on, judgement in _scoped(
            conn, "SELECT id, enrolment_id, review_point_id, held_on, judgement FROM review"
                  " WHERE deleted_at IS NULL", "enrolment_id", enrolment_id):
        reviews[eid].append(HeldReview(rid, point, _d(held_on), judgement))
    agreed = {r[0] for r in _scoped(
        conn, "SELECT enrolment_id FROM agreement WHERE agreed_on IS NOT NULL AND deleted_at IS NULL",
        "enrolment_id", enrolment_id)}
    moderated = {r[0] for r in _scoped(
        conn, "SELECT enrolment_id FROM final_assessment WHERE moderation_outcome != ''"
              " AND deleted_at IS NULL", "enrolment_id", enrolment_id)}
    observed: dict[str, list[date]] = defaultdict(list)
    for eid, day in _scoped(
            conn, "SELECT enrolment_id, occurred_on FROM evidence WHERE kind = 'observation'"
                  " AND status != 'draft' AND deleted_at IS NULL", "enrolment_id", enrolment_id):
        observed[eid].append(_d(day))  # type: ignore[arg-type]
    reflected: dict[str, set[str]] = defaultdict(set)
    for eid, period in _scoped(
            conn, "SELECT e.enrolment_id, r.period FROM evidence e JOIN reflection r"
                  " ON r.evidence_id = e.id WHERE e.status != 'draft' AND e.deleted_at IS NULL",
            "e.enrolment_id", enrolment_id):
        if period:
            reflected[eid].add(period)
    for plist in pauses.values():
        plist.sort(key=lambda p: p.start)
    out = []
    for (eid, pid, name, reg, team, prog, prog_v, fw_json, start, fte, status, ext, outcome,
         assessor, manager, completed_on) in rows:
        versions = fw_json if isinstance(fw_json, dict) else json.loads(fw_json or "{}")
        out.append(EnrolmentRecord(
            enrolment_id=eid, practitioner_id=pid, name=name, registration_number=reg or "",
            team=team or "", programme_id=prog, programme_version=prog_v,
            framework_versions=dict(versions), start_date=_d(start),  # type: ignore[arg-type]
            fte=float(fte), status=status, extension_months=float(ext or 0), outcome=outcome or "",
            assessor_name=assessor or "", line_manager_name=manager or "",
            agreement_agreed=eid in agreed, moderated=eid in moderated,
            pauses=tuple(pauses[eid]), reviews=tuple(reviews[eid]),
            observation_dates=tuple(sorted(observed[eid])),
            reflection_periods=frozenset(reflected[eid]), completed_on=_d(completed_on),
        ))
    return out


def imported_catalogue(conn: DbApiConnection) -> list[tuple[str, str, str]]:
    """(yaml_text, source_name, sha256) of live imported catalogue entries, in import order."""
    return [tuple(r) for r in conn.execute(  # type: ignore[misc]
        "SELECT yaml_text, source_name, sha256 FROM catalogue_entry WHERE deleted_at IS NULL"
        " ORDER BY created_at, id").fetchall()]

"""Clearing closed portfolios (the retention purge) in one session, then scrubbing the file.

``purge_notes`` applies ``domain.retention``'s policy to every row of the portfolios
(tombstoned ones too: a removed attachment or evidence item still held its text):
it empties the narrative columns, tombstones attachments and unsigned reports and drops
their bytes, settles the sync conflicts about the portfolios with both versions emptied,
deletes their moderation pseudonyms, and cleans the rows an interrupted sync left in
``sync_state``. Everything goes through the ORM, so the audit listener records which
fields changed (never their text) and marks each row dirty: the next sync sends the
cleared values to the server like any edit, and the other devices take them from there.
Signed evidence and signed reports stay whole (a signed record never changes).

``scrub_file`` then makes the cleared text unrecoverable from the file itself: FTS5
keeps deleted terms in its segments until they are merged (``optimize``), SQLite keeps
deleted bytes in free pages and free space inside pages (``VACUUM`` rewrites every
page), and the write-ahead log keeps old page images until it is reset
(``wal_checkpoint(TRUNCATE)``). SQLCipher encrypts all of those, but with the key
(today's laptop, or a key found later) they would read back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from assessor_app.domain import retention as policy
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.store.audit import append_events
from assessor_app.store.models import (
    Agreement,
    Attachment,
    Conflict,
    Document,
    Enrolment,
    Evidence,
    Feedback,
    FinalAssessment,
    Observation,
    Pause,
    Pseudonym,
    RecordReview,
    Reflection,
    Review,
    SelfAssessment,
    Signature,
    StandardLink,
    SupervisionEntry,
    SyncState,
)
from assessor_app.store.search import optimize as optimize_search

log = logging.getLogger(__name__)

CLOSED = (EnrolmentStatus.COMPLETED.value, EnrolmentStatus.WITHDRAWN.value,
          EnrolmentStatus.LEFT.value)
EVIDENCE_CHILDREN = (Observation, RecordReview, Feedback, Reflection, SelfAssessment,
                     SupervisionEntry, StandardLink)
#: what the counts say, in the order a report lists them: rows changed per kind, and
#: ``fields``, the text columns emptied (files, conflicts and pseudonyms count as rows)
COUNTS = ("enrolments", "evidence", "reviews", "support", "attachments", "documents",
          "conflicts", "pseudonyms", "sync_leftovers", "fields")
KEPT = ("final_assessments", "signed_evidence", "signed_documents")
_CHUNK = 500


def closed_before(session: Session, cutoff: date) -> tuple[list[str], int]:
    """(ids of enrolments closed before ``cutoff``, live closed ones with no closing date).

    Tombstoned enrolments count too: their rows still hold what was written."""
    rows = session.execute(select(Enrolment.id, Enrolment.completed_on, Enrolment.deleted_at)
                           .where(Enrolment.status.in_(CLOSED))).all()
    return ([r.id for r in rows if r.completed_on and r.completed_on < cutoff],
            sum(1 for r in rows if r.completed_on is None and r.deleted_at is None))


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _rows(session: Session, model: Any, column: str, ids: list[str]) -> list[Any]:
    out: list[Any] = []
    for chunk in _chunks(ids):
        out.extend(session.scalars(select(model).where(getattr(model, column).in_(chunk))))
    return out


def _clear(obj: Any, kind: str = "") -> int:
    """Empty the policy's columns of one mapped row; returns how many changed."""
    table = obj.__tablename__
    values = {c: getattr(obj, c) for c in policy.CLEARED.get(table, {})}
    changes = policy.clearing(table, values, kind)
    for column, value in changes.items():
        setattr(obj, column, value)
    return len(changes)


def _holds_bytes(session: Session, model: Any, row_id: str) -> bool:
    return bool(session.scalar(select(func.length(model.content)).where(model.id == row_id)))


def _remove_file(session: Session, obj: Any, now: datetime) -> int:
    """Tombstone a file row, drop its bytes and empty its name and hash; returns the fields
    changed (0: it was removed already)."""
    n = _clear(obj)
    if _holds_bytes(session, type(obj), obj.id):
        obj.content = b""
        n += 1
    if obj.deleted_at is None:
        obj.deleted_at = now
        n += 1
    return n


def purge_notes(session: Session, enrolment_ids: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Clear these portfolios; returns (counts of what changed, counts of what was kept).
    The caller commits, or rolls back for a dry run: both give the same counts."""
    counts = dict.fromkeys(COUNTS, 0)
    kept = dict.fromkeys(KEPT, 0)
    counts["enrolments"] = len(enrolment_ids)
    if not enrolment_ids:
        return counts, kept
    now = datetime.now(UTC)
    ids = list(enrolment_ids)
    portfolio: set[str] = set(ids)  # every row id of these portfolios (for conflicts)

    evidence = _rows(session, Evidence, "enrolment_id", ids)
    signed = {e.id for e in evidence if e.status == "signed"}  # kept whole, with its details
    kept["signed_evidence"] = len(signed)
    evidence_ids = [e.id for e in evidence]
    portfolio.update(evidence_ids)
    touched: set[str] = set()
    for e in evidence:
        if e.id not in signed and (n := _clear(e, e.kind)):
            touched.add(e.id)
            counts["fields"] += n
    for model in EVIDENCE_CHILDREN:
        for row in _rows(session, model, "evidence_id", evidence_ids):
            portfolio.add(row.id)
            if row.evidence_id not in signed and (n := _clear(row)):
                touched.add(row.evidence_id)
                counts["fields"] += n
    for a in _rows(session, Attachment, "evidence_id", evidence_ids):
        portfolio.add(a.id)
        if a.evidence_id not in signed and _remove_file(session, a, now):
            touched.add(a.evidence_id)
            counts["attachments"] += 1
    counts["evidence"] = len(touched)

    for model, key in ((Enrolment, "id"), (Pause, "enrolment_id"), (Agreement, "enrolment_id")):
        for row in _rows(session, model, key, ids):
            portfolio.add(row.id)
            if n := _clear(row):
                counts["support"] += 1
                counts["fields"] += n
    for review in _rows(session, Review, "enrolment_id", ids):
        portfolio.add(review.id)
        if n := _clear(review):
            counts["reviews"] += 1
            counts["fields"] += n
    finals = _rows(session, FinalAssessment, "enrolment_id", ids)
    portfolio.update(f.id for f in finals)
    kept["final_assessments"] = len(finals)

    documents = _rows(session, Document, "enrolment_id", ids)
    doc_ids = [d.id for d in documents]
    signed_docs = set()
    for chunk in _chunks(doc_ids):
        for sig_id, doc_id, gone in session.execute(select(
                Signature.id, Signature.document_id, Signature.deleted_at).where(
                Signature.document_id.in_(chunk))):
            portfolio.add(sig_id)
            if gone is None:
                signed_docs.add(doc_id)
    portfolio.update(doc_ids)
    for d in documents:
        if d.id in signed_docs:
            kept["signed_documents"] += 1
        elif _remove_file(session, d, now):
            counts["documents"] += 1

    counts["conflicts"] = _settle_conflicts(session, sorted(portfolio), now)
    counts["pseudonyms"] = _delete_pseudonyms(session, ids)
    counts["sync_leftovers"] = _clean_sync_state(session, portfolio, signed | signed_docs)
    session.flush()
    return counts, kept


def _settle_conflicts(session: Session, row_ids: list[str], now: datetime) -> int:
    """Empty both versions of every conflict about these rows; open ones are settled as
    "kept" (the record keeps its value, cleared or kept by the policy)."""
    n = 0
    for c in _rows(session, Conflict, "entity_id", row_ids):
        changed = _clear(c)
        if not c.resolution:
            c.resolution = policy.CONFLICT_RESOLUTION
            c.resolved_by = policy.CONFLICT_RESOLVED_BY
            c.resolved_at = now.isoformat()
            changed += 1
        n += bool(changed)
    return n


def _delete_pseudonyms(session: Session, enrolment_ids: list[str]) -> int:
    """The moderation pseudonym map (local only) holds the real names and case references."""
    n = 0
    for chunk in _chunks(enrolment_ids):
        n += session.execute(delete(Pseudonym).where(Pseudonym.scope.in_(chunk))).rowcount or 0
    return n


def _wire_clearing(row: dict[str, Any], portfolio: set[str], keep: set[str]) -> dict[str, Any] | None:
    """A sync wire row (``protocol.Row`` as a dict) with the policy applied, or None when it
    is not about these portfolios (or is kept whole)."""
    fields = row.get("fields") or {}
    table = row.get("table", "")
    about = row.get("id") in portfolio or any(
        isinstance(fields.get(k), str) and fields[k] in portfolio
        for k in ("enrolment_id", "evidence_id", "document_id", "entity_id"))
    kept_whole = row.get("id") in keep or fields.get("status") == "signed" or any(
        fields.get(k) in keep for k in ("evidence_id", "document_id"))
    if not about or kept_whole:
        return None
    changes = policy.clearing(table, fields, fields.get("kind", ""))
    out = dict(row, fields={**fields, **changes})
    if table in policy.TOMBSTONED:
        out["deleted"] = True
        if "content" in fields:  # the blob field carries the file's sha256 on the wire
            out["fields"]["content"] = policy.EMPTY_SHA256
    return out if out != row else None


def _clean_sync_state(session: Session, portfolio: set[str], keep: set[str]) -> int:
    """Rows of these portfolios held by an interrupted sync: the batch in flight (replayed
    with the cleared values) and pulled rows parked in the inbox (applied cleared)."""
    n = 0
    for key in ("push", "inbox"):
        state = session.get(SyncState, key)
        if state is None or not isinstance(state.value, dict):
            continue
        rows = []
        for row in state.value.get("rows", []):
            cleared = _wire_clearing(row, portfolio, keep) if isinstance(row, dict) else None
            n += cleared is not None
            rows.append(cleared if cleared is not None else row)
        if rows != state.value.get("rows", []):
            state.value = {**state.value, "rows": rows}
    return n


def record_purge(session: Session, actor: str, counts: dict[str, int], cutoff: date) -> None:
    """One summary event in the audit chain: counts and the cut-off date, nothing else."""
    fields = [f"{k}={v}" for k, v in sorted(counts.items())] + [f"cutoff={cutoff.isoformat()}"]
    append_events(session, actor, [("retention", "store", "purge", fields)])


def drop_search_remnants(session: Session) -> None:
    """Merge the search index's segments, so the terms of cleared text leave it (FTS5 only
    marks them deleted until then)."""
    optimize_search(session)


def scrub_file(engine: Engine) -> str:
    """Rewrite every page of the store (``VACUUM``) and reset its log, so cleared text cannot
    be read back from free pages, free space inside pages or old log frames. Returns "" or
    why it could not (the purge itself is committed either way)."""
    from assessor_app.store.uow import store_lock

    with store_lock(engine):
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("VACUUM")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except Exception as exc:  # disk full, another process reading: report, never fail
            log.warning("retention scrub failed: %s", type(exc).__name__)
            return type(exc).__name__
        finally:
            raw.close()
    if busy:
        log.warning("retention scrub: the log could not be reset (a reader is open)")
        return "busy"
    return ""

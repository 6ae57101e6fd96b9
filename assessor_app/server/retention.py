"""The server's retention purge: old versions of long-closed portfolios lose their notes.

The laptops' purge (``store.retention``) clears the notes of portfolios closed more than
the employer's retention period ago and pushes the cleared fields as ordinary edits, so
the server's *current* rows are clear. The server still holds every earlier version of
those rows (``sync_row_versions``), the files laptops uploaded (``blobs``) and its stored
replies to pushes (``batches``, replayed when a device retries). This job
(``assessor-app server retention purge``):

- finds the portfolios (enrolments) completed, withdrawn or left before the cut-off;
- takes each of their records, and the conflict rows about them, whose current version
  holds no notes (``domain.retention.CLEARED``: a laptop's purge cleared them) or is kept
  whole by the policy (signed evidence with its details, signed reports), and gives every
  older version of it the current version's notes, marked ``purged_at``. Every other
  field stays, so merges of dates, ratings and grades still work; ``retention_guard``
  refuses the pushes that could no longer be merged without bringing text back;
- leaves whole, and counts, records whose current version still holds notes: no laptop
  has purged them yet, and removing their history first would lose a merge's base;
- gives those records' copies in stored push replies the current version;
- deletes files no current row names: at once when only purged versions named them,
  otherwise after a day (a laptop uploads a file just before the row naming it);
- rewrites the database so removed text does not stay in free space (SQLite: VACUUM and
  a log reset; PostgreSQL: VACUUM FULL of the tables it touches).

The current version of a row is never changed here. A dry run counts the same things and
changes nothing; a real run is recorded in ``admin_events`` with its counts (never text).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, tuple_, update
from sqlalchemy.orm import Session

from assessor_app.domain import retention as policy
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.server.admin import aware, utcnow
from assessor_app.server.config import ServerError
from assessor_app.server.db import is_postgres, write_session
from assessor_app.server.models import (
    AdminEvent,
    Batch,
    Blob,
    BlobHolder,
    BlobPart,
    Meta,
    SyncRow,
    SyncRowVersion,
)
from assessor_app.server.pull import to_row
from assessor_app.server.retention_guard import differs, is_clear, narrative_columns
from assessor_app.server.scopes import descendants
from assessor_app.sync.tables import SIGNED_STATUSES

log = logging.getLogger("assessor_app.server")

CLOSED = frozenset({EnrolmentStatus.COMPLETED.value, EnrolmentStatus.WITHDRAWN.value,
                    EnrolmentStatus.LEFT.value})
#: the server's retention period in days (``server_meta``); absent or 0: keep for ever,
#: as on the laptops
SETTING = "retention_days"
COMMAND = "server retention purge"
#: an unnamed file younger than this may be about to be named by a push: kept
BLOB_GRACE = timedelta(days=1)
#: what the counts say: portfolios past the period, records whose old versions lost notes,
#: those versions, stored replies changed, files deleted (and their bytes), records whose
#: current version still holds notes (left whole), closed portfolios with no closing date
COUNTS = ("portfolios", "records", "versions", "replies", "files", "file_bytes", "waiting",
          "undated")
#: the tables whose files the rewrite makes forget removed text
REWRITTEN = ("sync_rows", "sync_row_versions", "batches", "blob_parts", "blobs", "blob_holders")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 400


@dataclass
class _Plan:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    #: records whose history takes their current notes, by (table, id)
    settled: dict[tuple[str, str], SyncRow] = field(default_factory=dict)
    versions: list[tuple[SyncRowVersion, dict[str, Any]]] = field(default_factory=list)
    replies: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    blobs: list[str] = field(default_factory=list)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return ""


@dataclass(frozen=True)
class ServerPurgeReport:
    cutoff: date
    days: int
    dry_run: bool
    counts: dict[str, int]
    rewrite_problem: str = ""  # why the database could not be rewritten ("" when it was)

    def describe(self) -> str:
        """Counts only, never any text or name: safe for the log and a terminal."""
        c = self.counts
        when = f"{self.cutoff:%d %B %Y}"
        head = f"(the server's retention period is {self.days} days)"
        if c["portfolios"]:
            verb = "would be" if self.dry_run else "were"
            text = (f"{_n(c['portfolios'], 'portfolio')} closed before {when} {head}: "
                    f"notes {verb} removed from {_n(c['versions'], 'earlier version')} of "
                    f"{_n(c['records'], 'record')} and from {_n(c['replies'], 'stored reply', 'stored replies')} to laptops.")
        else:
            text = f"No portfolio on the server was closed before {when} {head}."
        if c["files"] or c["portfolios"]:
            verb = "would be" if self.dry_run else "were"
            text += (f" {_n(c['files'], 'file')} ({_size(c['file_bytes'])}) that no record "
                     f"names {verb} deleted.")
        if c["waiting"]:
            text += (f" {_n(c['waiting'], 'record')} of these portfolios still "
                     f"{'holds' if c['waiting'] == 1 else 'hold'} notes in the current "
                     "version and were left whole: run the retention purge on a laptop "
                     "that holds them, let it sync, then run this again.")
        if c["undated"]:
            text += (f" {_n(c['undated'], 'closed portfolio')} with no closing date "
                     f"{'was' if c['undated'] == 1 else 'were'} left alone.")
        if c["portfolios"]:
            text += " Kept: the current version of every record, and signed records as signed."
        if self.rewrite_problem:
            text += (" The notes were removed, but the database could not be rewritten, so "
                     "removed text may remain in its free space until it is reused: run "
                     "the purge again when no other program holds the database.")
        return text


def period(engine: Engine) -> int:
    """The server's retention period in days (0: none set, keep for ever)."""
    with Session(engine) as s:
        m = s.get(Meta, SETTING)
        try:
            return max(0, int(m.value)) if m is not None else 0
        except ValueError:
            return 0


def set_period(engine: Engine, days: int) -> None:
    if days < 0:
        raise ServerError("The retention period cannot be negative.",
                          "Give a number of days, or 0 to keep notes for ever.")
    with write_session(engine) as s:
        s.merge(Meta(key=SETTING, value=str(days)))


def runs(engine: Engine, limit: int = 5) -> list[dict[str, Any]]:
    """The latest purges recorded (newest first): when, the command, who, the counts."""
    with Session(engine) as s:
        events = s.scalars(select(AdminEvent).where(AdminEvent.command == COMMAND)
                           .order_by(AdminEvent.at.desc()).limit(limit)).all()
        return [{"at": aware(e.at).isoformat(timespec="seconds"), "command": e.command,
                 "actor": e.actor, **e.details} for e in events]


def purge(engine: Engine, days: int | None = None, *, today: date | None = None,
          dry_run: bool = False, rewrite: bool = True,
          actor: str | None = None) -> ServerPurgeReport:
    """Remove the notes of old versions of portfolios closed more than ``days`` ago
    (None: the server's setting); see the module's docstring."""
    days = period(engine) if days is None else days
    if days < 1:
        raise ServerError(
            "No retention period is set on this server, so nothing is removed.",
            "Give one with --older-than-days N (the laptops' period in days: 6 years is 2192), "
            "or set the server's period once: assessor-app server retention period --days N")
    cutoff = (today or datetime.now(UTC).date()) - timedelta(days=days)
    now = utcnow()
    if dry_run:
        with Session(engine) as s:
            plan = _plan(s, cutoff, now)
        report = ServerPurgeReport(cutoff, days, True, plan.counts)
        log.info("server retention dry run: %s", _summary(plan.counts))
        return report
    with write_session(engine) as s:
        plan = _plan(s, cutoff, now)
        _apply(s, plan, now)
        s.add(AdminEvent(id=str(uuid.uuid4()), at=now, command=COMMAND,
                         actor=actor if actor is not None else _os_user(),
                         details={**plan.counts, "cutoff": cutoff.isoformat(),
                                  "older_than_days": days, "rewrite": rewrite}))
    changed = plan.versions or plan.replies or plan.blobs
    problem = rewrite_files(engine) if rewrite and changed else ""
    log.info("server retention purge: %s", _summary(plan.counts))
    return ServerPurgeReport(cutoff, days, False, plan.counts, problem)


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={counts[k]}" for k in COUNTS)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()[:200]
    except Exception:  # no login name (a container): the command is still recorded
        return ""


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _expired(s: Session, cutoff: date) -> tuple[list[SyncRow], int]:
    """(enrolments closed before ``cutoff``, tombstoned too; live closed ones undated)."""
    out, undated = [], 0
    for e in s.scalars(select(SyncRow).where(SyncRow.table_name == "enrolment")):
        if e.fields.get("status") not in CLOSED:
            continue
        closed = _day(e.fields.get("completed_on"))
        if closed is None:
            undated += not e.deleted
        elif closed < cutoff:
            out.append(e)
    return out, undated


def _portfolio_rows(s: Session, enrolments: list[SyncRow]) -> list[SyncRow]:
    """The enrolments, every row hanging from them and the conflict rows about those."""
    scopes = sorted({e.practitioner_id for e in enrolments if e.practitioner_id})
    held: list[SyncRow] = []
    for chunk in _chunks(scopes):
        held.extend(s.scalars(select(SyncRow).where(SyncRow.practitioner_id.in_(chunk))))
    rows = {(e.table_name, e.id): e for e in enrolments}
    for e in enrolments:
        rows.update(((r.table_name, r.id), r) for r in descendants(held, "enrolment", e.id))
    ids = {key[1] for key in rows}
    rows.update(((r.table_name, r.id), r) for r in held
                if r.table_name == "conflict" and r.fields.get("entity_id") in ids)
    return list(rows.values())


def _kept_whole(rows: list[SyncRow]) -> set[tuple[str, str]]:
    """Signed evidence with its details, and reports a signature names (as the laptops'
    purge keeps them)."""
    signed = {r.id for r in rows
              if r.table_name == "evidence" and r.fields.get("status") in SIGNED_STATUSES}
    signed_docs = {r.fields.get("document_id") for r in rows
                   if r.table_name == "signature" and not r.deleted}
    return {(r.table_name, r.id) for r in rows
            if (r.table_name == "evidence" and r.id in signed)
            or (r.table_name != "evidence" and r.fields.get("evidence_id") in signed)
            or (r.table_name == "document" and r.id in signed_docs)}


def _plan(s: Session, cutoff: date, now: datetime) -> _Plan:
    plan = _Plan()
    enrolments, plan.counts["undated"] = _expired(s, cutoff)
    plan.counts["portfolios"] = len(enrolments)
    rows = _portfolio_rows(s, enrolments) if enrolments else []
    kept = _kept_whole(rows)
    for r in rows:
        key = (r.table_name, r.id)
        if r.table_name not in policy.CLEARED:
            continue
        if key in kept or is_clear(r.table_name, r.fields):
            plan.settled[key] = r
        else:
            plan.counts["waiting"] += 1
    named = _old_versions(s, plan)
    plan.replies = _replies(s, plan.settled)
    plan.counts["replies"] = len(plan.replies)
    _orphans(s, plan, named, now)
    return plan


def _old_versions(s: Session, plan: _Plan) -> set[str]:
    """Plan each older version of a settled record to take the current notes; returns the
    files those versions named."""
    named: set[str] = set()
    touched: set[tuple[str, str]] = set()
    for chunk in _chunks(sorted(plan.settled)):
        for v in s.scalars(select(SyncRowVersion).where(
                tuple_(SyncRowVersion.table_name, SyncRowVersion.id).in_(chunk))):
            key = (v.table_name, v.id)
            current = plan.settled[key]
            if v.rev >= current.rev:
                continue
            kind = str(v.fields.get("kind") or "")
            new = dict(v.fields)
            for column in narrative_columns(v.table_name):
                if column in new:
                    new[column] = current.fields.get(column, _cleared(v.table_name, column, kind))
            if new == v.fields:
                continue
            named.update(x for x in (v.fields.get(c) for c in ("content", "sha256"))
                         if isinstance(x, str) and SHA256.match(x))
            plan.versions.append((v, new))
            touched.add(key)
    plan.counts["versions"] = len(plan.versions)
    plan.counts["records"] = len(touched)
    return named


def _cleared(table: str, column: str, kind: str) -> Any:
    if column in policy.CLEARED.get(table, {}):
        return policy.cleared_value(table, column, kind)
    return None  # the file column: no file


def _replies(s: Session, settled: dict[tuple[str, str], SyncRow]) -> list[tuple[str, dict[str, Any]]]:
    """Stored push replies carrying a settled record with other notes: the record's row in
    them becomes its current version (what a replay should hand the device now)."""
    if not settled:
        return []
    out = []
    for batch_id, response in s.execute(select(Batch.batch_id, Batch.response)
                                        .execution_options(yield_per=200)):
        results, changed = [], False
        for res in response.get("results", []) if isinstance(response, dict) else []:
            row = res.get("row") if isinstance(res, dict) else None
            current = settled.get((res.get("table"), res.get("id"))) if row else None
            if current is not None and differs(current.table_name, row.get("fields") or {},
                                               current.fields):
                res = {**res, "row": to_row(current).model_dump(mode="json")}
                changed = True
            results.append(res)
        if changed:
            out.append((batch_id, {**response, "results": results}))
    return out


def _orphans(s: Session, plan: _Plan, named: set[str], now: datetime) -> None:
    """Files no current row names: those only purged versions named, and any other
    older than ``BLOB_GRACE`` (an abandoned or replaced upload)."""
    referenced = set(s.scalars(select(SyncRow.blob_sha256).where(
        SyncRow.blob_sha256.is_not(None)).distinct()))
    for sha, received, created in s.execute(select(Blob.sha256, Blob.received, Blob.created_at)):
        if sha in referenced:
            continue
        if sha in named or aware(created) < now - BLOB_GRACE:
            plan.blobs.append(sha)
            plan.counts["file_bytes"] += int(received or 0)
    plan.counts["files"] = len(plan.blobs)


def _apply(s: Session, plan: _Plan, now: datetime) -> None:
    for v, new in plan.versions:
        v.fields = new
        v.purged_at = now
    for batch_id, response in plan.replies:
        s.execute(update(Batch).where(Batch.batch_id == batch_id).values(response=response))
    for chunk in _chunks(plan.blobs):
        for model in (BlobPart, BlobHolder, Blob):
            s.execute(delete(model).where(model.sha256.in_(chunk)))
    s.flush()


def rewrite_files(engine: Engine) -> str:
    """Rewrite the database so removed text leaves its free space; returns "" or why not
    (the purge itself is committed either way)."""
    from sqlalchemy.exc import DBAPIError

    try:
        if is_postgres(engine):
            # VACUUM FULL copies each table to new files (old row versions are dropped);
            # it locks the table meanwhile, so pushes and pulls wait for it
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in REWRITTEN:
                    conn.exec_driver_sql(f"VACUUM FULL {table}")
            return ""
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("VACUUM")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            raw.close()
    except DBAPIError as exc:  # disk full, a lock held too long: say so, never fail
        log.warning("server retention rewrite failed: %s", type(exc.orig).__name__)
        return type(exc.orig).__name__
    except Exception as exc:  # sqlite3 errors raised on the raw connection
        log.warning("server retention rewrite failed: %s", type(exc).__name__)
        return type(exc).__name__
    if busy:
        log.warning("server retention rewrite: the log could not be reset (a reader is open)")
        return "busy"
    return ""

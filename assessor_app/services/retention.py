"""Retention: after N years, a closed portfolio keeps its outcome and loses what was written.

A portfolio (enrolment) completed, withdrawn or left more than ``years`` before today is
purged; one closed with no closing date is left alone and counted. The policy is data
(``domain.retention``; docs/employers/retention.md says it for employers):

Kept: the practitioner, the enrolment's dates, status and outcome; pauses' dates and
reasons; the agreement's dates and percentages; every evidence item's kind, date, status
and stage, its ratings, grades, criteria and standard links; reviews' dates, judgements,
attendees and sign-offs; the final assessment whole (it is the outcome record, as in the
signed final report); every signed report and signed evidence item whole (a signed record
never changes); signatures; the audit log (which never holds text).

Cleared: every free text of evidence (observation notes, feedback in a family's own
words, reflections, supervision notes, case references, people present, …) and evidence
titles (they become the kind's name); standard link comments; reviews' reasons, checks,
PDP and comments; the agreement's plans and notes, pause details and extension reasons;
attachments (removed, bytes and file name included); unsigned reports (removed); both
versions of sync conflicts about the portfolio; its moderation pseudonyms; its rows in an
interrupted sync's leftovers. The search index is merged and the store file rewritten
(VACUUM, log reset), so the text cannot be read back from the file with the key either.

The cleared rows sync as ordinary edits: the server and every other device take the
cleared values at their next sync. Backups made before the purge still hold the text
until they are deleted; the report counts them. A dry run makes exactly the same changes
inside a transaction it rolls back, so its counts are the real run's. Used by the
settings dialog and ``assessor-app retention purge``; the audit log gets the counts only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from assessor_app.errors import UsageError
from assessor_app.store import retention as repo
from assessor_app.store.database import Database

log = logging.getLogger(__name__)


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class PurgeReport:
    cutoff: date
    dry_run: bool
    #: what was (or would be) changed, by kind (``store.retention.COUNTS``)
    counts: dict[str, int] = field(default_factory=dict)
    #: what the policy keeps whole, by kind (``store.retention.KEPT``)
    kept: dict[str, int] = field(default_factory=dict)
    undated: int = 0  # closed portfolios with no closing date: left alone
    backups: int = 0  # backups of this store that still hold the text
    scrub_problem: str = ""  # why the file could not be rewritten ("" when it was)

    @property
    def enrolments(self) -> int:
        return self.counts.get("enrolments", 0)

    @property
    def evidence(self) -> int:
        return self.counts.get("evidence", 0)

    @property
    def reviews(self) -> int:
        return self.counts.get("reviews", 0)

    @property
    def fields(self) -> int:
        return self.counts.get("fields", 0)

    def describe(self) -> str:
        """Counts only, never any text: safe for the log, the screen and a terminal."""
        when = f"{self.cutoff:%d %B %Y}"
        if not self.enrolments:
            text = f"No portfolio was closed before {when}; nothing to remove."
        else:
            text = self._cleared(when) + " " + self._kept()
        if self.backups:
            text += (f" {_n(self.backups, 'backup')} of this store made before now still "
                     f"{'holds' if self.backups == 1 else 'hold'} the old text (encrypted) "
                     "until deleted: see docs/employers/retention.md.")
        if self.undated:
            text += f" {self.undated} closed portfolio(s) have no closing date and were left alone."
        if self.scrub_problem:
            text += (" The notes were cleared, but the store file could not be rewritten, so "
                     "the old text may still be recoverable from its free space: free some "
                     "disk space, close other copies of the app and run the purge again.")
        return text

    def _cleared(self, when: str) -> str:
        c = self.counts
        verb = "would be cleared" if self.dry_run else "were cleared"
        written = [p for p in (
            c.get("evidence") and _n(c["evidence"], "evidence item"),
            c.get("reviews") and _n(c["reviews"], "review"),
            c.get("support") and _n(c["support"], "agreement, pause or extension record")) if p]
        parts = [f"text in {_join(written)} ({_n(c['fields'], 'field')})"] if written else []
        parts += [p for p in (
            c.get("attachments") and _n(c["attachments"], "attachment"),
            c.get("documents") and _n(c["documents"], "unsigned report"),
            c.get("conflicts") and _n(c["conflicts"], "sync conflict"),
            c.get("pseudonyms") and _n(c["pseudonyms"], "moderation pseudonym"),
            c.get("sync_leftovers") and _n(c["sync_leftovers"], "item of an interrupted sync",
                                           "items of an interrupted sync")) if p]
        head = f"{self.enrolments} portfolio(s) closed before {when}"
        if not parts:
            return f"{head}: nothing was left to clear."
        return f"{head} {verb}: {_join(parts)}."

    def _kept(self) -> str:
        k = self.kept
        kept = ["dates, ratings, judgements and the final assessment"]
        if k.get("signed_documents"):
            kept.append(_n(k["signed_documents"], "signed report"))
        if k.get("signed_evidence"):
            kept.append(_n(k["signed_evidence"], "signed evidence item"))
        return f"Kept: {_join(kept)}."


class RetentionService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def purge(self, years: int, *, today: date | None = None, dry_run: bool = False,
              actor: str = "assessor") -> PurgeReport:
        if years < 1:
            raise UsageError("No retention period is set, so nothing is removed.",
                             "Choose how many years to keep raw notes in Settings, or pass "
                             "--years N.")
        cutoff = years_before(today or date.today(), years)
        with self.database.uow(actor) as uow:
            ids, undated = repo.closed_before(uow.session, cutoff)
            counts, kept = repo.purge_notes(uow.session, ids)
            if not dry_run and ids:
                repo.drop_search_remnants(uow.session)
                repo.record_purge(uow.session, actor, counts, cutoff)
                uow.commit()
            # a dry run leaves the block without commit(): the unit of work rolls back
        problem = repo.scrub_file(self.database.engine) if ids and not dry_run else ""
        log.info("retention %s: %d enrolments, %d evidence, %d reviews, %d fields",
                 "dry run" if dry_run else "purge", counts["enrolments"], counts["evidence"],
                 counts["reviews"], counts["fields"])
        return PurgeReport(cutoff, dry_run, counts, kept, undated, self._backups(), problem)

    def _backups(self) -> int:
        """Backups of this store in its backups folder: each still holds what was cleared."""
        from assessor_app.services.backup import list_backups

        try:
            return sum(1 for b in list_backups(self.database.paths)
                       if b.store_id == self.database.store_id)
        except Exception:  # an unreadable folder: the purge itself is done
            log.warning("retention: the backups folder could not be listed")
            return 0

"""Retention: after N years, closed portfolios keep their structure and signed reports but
lose their raw notes (what was written in evidence, detail tables and reviews).

Used by the settings dialog and ``assessor-app retention purge``. A dry run counts
without changing anything. The purge is logged as counts only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PurgeReport:
    cutoff: date
    dry_run: bool
    enrolments: int
    evidence: int
    reviews: int
    fields: int
    undated: int  # closed portfolios with no closing date: left alone

    def describe(self) -> str:
        if not self.enrolments:
            text = f"No portfolio was closed before {self.cutoff:%d %B %Y}; nothing to remove."
        else:
            verb = "would be cleared" if self.dry_run else "were cleared"
            text = (f"{self.enrolments} portfolio(s) closed before {self.cutoff:%d %B %Y}: "
                    f"notes in {self.evidence} evidence item(s) and {self.reviews} review(s) "
                    f"{verb} ({self.fields} fields). Signed reports are kept.")
        if self.undated:
            text += f" {self.undated} closed portfolio(s) have no closing date and were left alone."
        return text


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
            counts = repo.purge_notes(uow.session, ids)
            if not dry_run and ids:
                repo.record_purge(uow.session, actor, counts, cutoff)
                uow.commit()
            # a dry run leaves the block without commit(): the unit of work rolls back
        log.info("retention %s: %d enrolments, %d evidence, %d reviews, %d fields",
                 "dry run" if dry_run else "purge", counts["enrolments"], counts["evidence"],
                 counts["reviews"], counts["fields"])
        return PurgeReport(cutoff, dry_run, counts["enrolments"], counts["evidence"],
                           counts["reviews"], counts["fields"], undated)

"""The search box (Ctrl+F): one query over all evidence text, results grouped by practitioner."""

from __future__ import annotations

from dataclasses import dataclass

from assessor_app.store import search as store_search
from assessor_app.store.database import Database
from assessor_app.store.search import MARK_END, MARK_START, SearchHit

__all__ = ["MARK_END", "MARK_START", "PractitionerHits", "SearchHit", "SearchService"]


@dataclass(frozen=True)
class PractitionerHits:
    """One practitioner's matching evidence, best first."""

    practitioner_id: str
    practitioner_name: str
    hits: tuple[SearchHit, ...]

    @property
    def best_rank(self) -> float:
        return self.hits[0].rank


def group_by_practitioner(hits: list[SearchHit]) -> list[PractitionerHits]:
    """Groups in the order of their best hit, so the most relevant practitioner comes first."""
    groups: dict[str, list[SearchHit]] = {}
    for h in sorted(hits, key=lambda h: (h.rank, h.evidence_id)):
        groups.setdefault(h.practitioner_id, []).append(h)
    return [PractitionerHits(pid, rows[0].practitioner_name, tuple(rows))
            for pid, rows in groups.items()]


class SearchService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def search(self, query: str, limit: int = 50, *,
               enrolment_id: str | None = None) -> list[PractitionerHits]:
        """The ``limit`` best hits overall, grouped; odd input gives no results, never an error."""
        with self._db.uow() as uow:
            hits = store_search.search(uow.session, query, limit=limit, enrolment_id=enrolment_id)
        return group_by_practitioner(hits)

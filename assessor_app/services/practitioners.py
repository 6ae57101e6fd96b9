"""The practitioner list and page: the read side the GUI's first screens use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.dto import EvidenceRow, PractitionerPage, PractitionerRow, ReviewRow
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.sufficiency import EvidenceFact, assess
from assessor_app.errors import NotFound
from assessor_app.services.practitioner_rows import build_row, frameworks_for
from assessor_app.store import queries
from assessor_app.store.database import Database


class PractitionerService:
    def __init__(self, database: Database, catalogue: Callable[[], Catalogue]) -> None:
        self._db = database
        self._catalogue = catalogue

    # -- GUI API (ui.api.WorkbenchApi) -------------------------------------------------
    def list_rows(self, today: date) -> list[PractitionerRow]:
        with self._db.uow() as uow:
            records = queries.enrolments(uow.session)
        cat = self._catalogue()
        return [build_row(r, cat, today)[0] for r in records]

    def page(self, enrolment_id: str, today: date) -> PractitionerPage:
        with self._db.uow() as uow:
            found = queries.enrolments(uow.session, enrolment_id)
            if not found:
                raise NotFound("That practitioner is not in this store.",
                               "It may have been removed; refresh the list (F5).")
            ev = queries.evidence(uow.session, enrolment_id)
        rec = found[0]
        cat = self._catalogue()
        row, programme, timeline = build_row(rec, cat, today)
        if programme is None or timeline is None:
            raise NotFound(
                f"The programme {rec.programme_id} version {rec.programme_version} of this "
                "enrolment is not installed.",
                "Import the employer's programme file: assessor-app frameworks import FILE",
            )
        frameworks = frameworks_for(rec.framework_versions, programme, cat)
        stage_titles = {s.id: s.title for s in timeline.stages}
        rows = tuple(
            EvidenceRow(e.id, EvidenceKind(e.kind), e.title, e.occurred_on, EvidenceStatus(e.status),
                        e.stage_id, stage_titles.get(e.stage_id, ""), e.links, e.transcribed)
            for e in ev
        )
        facts = [
            EvidenceFact(e.id, e.kind, e.status, e.occurred_on, e.stage_id,
                         tuple((ln.framework_id, ln.statement_code) for ln in e.links))
            for e in rows
        ]
        point_titles = {p.id: p.title for p in programme.review_points}
        reviews = tuple(sorted(
            (ReviewRow(r.id, r.review_point_id, point_titles.get(r.review_point_id, r.review_point_id),
                       r.held_on, r.judgement) for r in rec.reviews),
            key=lambda r: (r.held_on or date.max, r.review_point_id),
        ))
        return PractitionerPage(
            row=row, registration_number=rec.registration_number, team=rec.team,
            line_manager_name=rec.line_manager_name, programme=programme,
            frameworks=frameworks, timeline=timeline, pauses=rec.pauses, evidence=rows,
            reviews=reviews, sufficiency=assess(programme, frameworks, facts), today=today,
        )

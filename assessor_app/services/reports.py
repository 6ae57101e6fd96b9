"""PDF reports for one enrolment: gather the data, anonymise for moderation, render, write.

The evidence set sha256 printed on every page identifies exactly what a report
was built from (see ``evidence_set_sha256``); the moderation copy carries the
same hash as the named original, so a panel can tie the two together.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assessor_app.domain.anonymise import anonymise, names_to_pseudonymise, pseudonym_label
from assessor_app.domain.branding import ReportBranding
from assessor_app.domain.catalogue import Catalogue, Framework, Programme
from assessor_app.domain.enums import EvidenceStatus
from assessor_app.domain.report_data import ReportData, ReportKind, ReportMeta
from assessor_app.domain.sufficiency import EvidenceFact, assess
from assessor_app.domain.timeline import PauseSpan, build_timeline
from assessor_app.errors import NotFound, UsageError
from assessor_app.paths import resources_dir
from assessor_app.reports import RenderedReport
from assessor_app.services.practitioner_rows import frameworks_for
from assessor_app.store import report_queries
from assessor_app.store.database import Database
from assessor_app.store.report_queries import EvidenceFull


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def evidence_set_sha256(items: Iterable[EvidenceFull]) -> str:
    """sha256 (hex) of the canonical JSON of the evidence a report was built from.

    Canonical form: a JSON array with one object per item, sorted by
    (occurred_on, id); each object holds id, kind, occurred_on, title, status,
    stage_id, author_role, transcribed, ``detail`` (every entered column of the
    kind's detail row), ``links`` (framework_id, framework_version,
    statement_code, comment, strength; sorted) and ``attachments`` (filename,
    mime, size, sha256; sorted). Dates are ISO 8601; keys sorted; separators
    "," and ":"; UTF-8 without escaping. Sync bookkeeping (rev, updated_at,
    dirty, ...) is left out, so a sync without an edit keeps the hash, and any
    edit to the content changes it.
    """
    doc = []
    for e in sorted(items, key=lambda x: (x.occurred_on, x.id)):
        doc.append({
            "id": e.id, "kind": e.kind, "occurred_on": e.occurred_on, "title": e.title,
            "status": e.status, "stage_id": e.stage_id, "author_role": e.author_role,
            "transcribed": e.transcribed, "detail": e.detail,
            "links": sorted([ln.__dict__ for ln in e.links], key=lambda d: sorted(d.items())),
            "attachments": sorted([a.__dict__ for a in e.attachments], key=lambda d: sorted(d.items())),
        })
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomic(out: Path, pdf: bytes) -> None:
    """Write ``pdf`` to ``out`` through a temporary file in the same folder and ``os.replace``.

    On any error nothing is left at ``out`` (an existing file there is untouched)
    and the temporary file is removed. Raises UsageError with a plain message.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"The folder {folder} does not exist.", "Create it or choose another --out.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder.", "Give a file name ending in .pdf.")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise UsageError(f"Could not write {out}: {exc.strerror or exc}.",
                         "Check the folder exists and you may write to it; nothing was written.") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def add_signature_fields(pdf: bytes, boxes: dict[str, Any]) -> bytes:
    """Empty signature fields over the boxes, when the signing module is installed.

    ``reports.pdfsign.add_signature_fields`` comes with the signing work; until
    it is importable the PDF is returned as it is (the boxes are still printed).
    """
    try:
        from assessor_app.reports.pdfsign import add_signature_fields as add
    except ImportError:
        return pdf
    return add(pdf, boxes)


class ReportService:
    def __init__(self, database: Database, catalogue_fn: Callable[[], Catalogue], *,
                 fonts_dir: Path | None = None,
                 signature_fields: Callable[[bytes, dict[str, Any]], bytes] | None = add_signature_fields,
                 ) -> None:
        self._db = database
        self._catalogue = catalogue_fn
        self._fonts = fonts_dir or resources_dir() / "fonts"
        self._fields = signature_fields

    # -- finding things ---------------------------------------------------------------
    def resolve_practitioner(self, ref: str) -> str:
        """The enrolment id for REF: a practitioner id (as in the JSON export), an enrolment id,
        or a unique case-insensitive name or part of one (the latest enrolment if several).
        """
        with self._db.uow() as uow:
            refs = report_queries.practitioner_refs(uow.session)
        wanted = ref.strip()
        if not wanted:
            raise UsageError("No practitioner given.", "Pass --practitioner NAME or ID.")

        def latest(rows: list[report_queries.PractitionerRef]) -> str:
            return max(rows, key=lambda r: r.start_date).enrolment_id

        by_id = [r for r in refs if wanted in (r.practitioner_id, r.enrolment_id)]
        if by_id:
            return latest(by_id)
        key = wanted.casefold()
        names = sorted({r.name for r in refs})
        for match in ([n for n in names if n.casefold() == key],
                      [n for n in names if key in n.casefold()]):
            if len(match) == 1:
                return latest([r for r in refs if r.name == match[0]])
            if len(match) > 1:
                raise NotFound(f"'{ref}' matches more than one practitioner: {', '.join(match)}.",
                               "Give more of the name, or the practitioner's id.")
        listing = ", ".join(names) if names else "none"
        raise NotFound(f"No practitioner matches '{ref}'.", f"Practitioners in this store: {listing}.")

    def review_for_point(self, enrolment_id: str, review_point_id: str) -> str:
        """The id of the enrolment's review at a review point ("review-6", "final")."""
        with self._db.uow() as uow:
            rec = report_queries.load(uow.session, enrolment_id)
        reviews = rec.reviews if rec else ()
        found = [r["id"] for r in reviews if r["review_point_id"] == review_point_id]
        if not found:
            have = ", ".join(sorted({r["review_point_id"] for r in reviews})) or "none yet"
            raise NotFound(f"There is no review at '{review_point_id}' for this practitioner.",
                           f"Reviews held: {have}.")
        return found[-1]

    # -- building ---------------------------------------------------------------------
    def build(self, kind: str | ReportKind, enrolment_id: str, *, review_id: str | None = None,
              evidence_id: str | None = None, today: date, document_id: str | None = None,
              generated_at: datetime | None = None) -> ReportData:
        """Everything the report shows, anonymised for a moderation portfolio.

        Raises NotFound for an unknown enrolment, review or evidence id, or a
        programme that is not installed.
        """
        kind = ReportKind(kind)
        with self._db.uow() as uow:
            rec = report_queries.load(uow.session, enrolment_id)
        if rec is None:
            raise NotFound("That practitioner is not in this store.",
                           "Check the id, or use the practitioner's name.")
        programme, frameworks = self._programme(rec.enrolment)
        en = rec.enrolment
        timeline = build_timeline(
            programme, en["start_date"], fte=en["fte"],
            pauses=[PauseSpan(p["start_date"], p["end_date"]) for p in rec.pauses],
            extension_months=en["extension_months"], today=today)
        evidence = report_queries.to_evidence_items(rec.evidence, programme, frameworks, timeline)
        reviews = report_queries.to_reviews(rec.reviews, programme, timeline, today)
        included = list(rec.evidence)
        focus_review = focus_evidence = ""
        if kind is ReportKind.REVIEW:
            focus = self._pick_review(reviews, review_id)
            focus_review = focus.id
            start, end = focus.period_start or timeline.start, focus.period_end or today
            included = [e for e in rec.evidence if start <= e.occurred_on <= end]
        elif kind is ReportKind.EVIDENCE:
            if not evidence_id or evidence_id not in {e.id for e in rec.evidence}:
                raise NotFound(f"There is no evidence item '{evidence_id or ''}' for this practitioner.",
                               "Pass --evidence with an id from the JSON export.")
            focus_evidence = evidence_id
            included = [e for e in rec.evidence if e.id == evidence_id]
        facts = [EvidenceFact(e.id, e.kind, EvidenceStatus(e.status), e.occurred_on, e.stage_id,
                              tuple((ln.framework_id, ln.statement_code) for ln in e.links))
                 for e in evidence]
        meta = ReportMeta(kind=kind, document_id=document_id or str(uuid.uuid4()),
                          generated_at=generated_at or datetime.now(UTC),
                          evidence_set_sha256=evidence_set_sha256(included))
        support_end = min(today, en.get("completed_on") or timeline.end, timeline.end)
        data = ReportData(
            meta=meta, practitioner=report_queries.to_practitioner(rec.practitioner),
            programme=programme, frameworks=frameworks,
            dates=report_queries.to_dates(rec, timeline), timeline=timeline,
            people=report_queries.to_people(rec), agreement=report_queries.to_agreement(rec.agreement, programme),
            support=report_queries.to_support(rec.evidence, timeline.start, support_end),
            reviews=reviews, final=report_queries.to_final(rec.final, frameworks),
            evidence=evidence, sufficiency=assess(programme, frameworks, facts), today=today,
            focus_review_id=focus_review, focus_evidence_id=focus_evidence,
        )
        if kind is ReportKind.MODERATION:
            data = self._anonymised(data, en["id"])
        return data

    def render(self, kind: str | ReportKind, enrolment_id: str, *, review_id: str | None = None,
               evidence_id: str | None = None, today: date, document_id: str | None = None,
               branding: ReportBranding | None = None) -> RenderedReport:
        """The PDF of one report, with empty signature fields where the signing module allows."""
        data = self.build(kind, enrolment_id, review_id=review_id, evidence_id=evidence_id,
                          today=today, document_id=document_id)
        return self.render_data(data, branding)

    def render_data(self, data: ReportData,
                    branding: ReportBranding | None = None) -> RenderedReport:
        """Lay out ``data`` (no database access); ``branding`` is the employer's, checked."""
        from assessor_app.reports import render

        rendered = render(data, self._fonts, branding)
        if self._fields is None:
            return rendered
        return replace(rendered, pdf=self._fields(rendered.pdf, rendered.signature_boxes))

    # -- helpers ----------------------------------------------------------------------
    def _programme(self, en: dict[str, Any]) -> tuple[Programme, tuple[Framework, ...]]:
        cat = self._catalogue()
        programme = cat.programme(en["programme_id"], en["programme_version"])
        if programme is None:
            raise NotFound(
                f"The programme {en['programme_id']} version {en['programme_version']} of this "
                "enrolment is not installed.",
                "Import the employer's programme file: assessor-app frameworks import FILE")
        return programme, frameworks_for(
            dict(en.get("framework_versions") or {}), programme, cat)

    @staticmethod
    def _pick_review(reviews: tuple[Any, ...], review_id: str | None) -> Any:
        if review_id:
            found = next((r for r in reviews if r.id == review_id), None)
            if found is None:
                raise NotFound(f"There is no review '{review_id}' for this practitioner.",
                               "Use --stage REVIEW_POINT (e.g. review-6) or an id from the export.")
            return found
        held = [r for r in reviews if r.held_on]
        if not held:
            raise NotFound("This practitioner has no review meeting recorded yet.",
                           "Record the review first.")
        return held[-1]

    def _anonymised(self, data: ReportData, scope: str) -> ReportData:
        wanted = names_to_pseudonymise(data)
        with self._db.uow(actor="reports") as uow:
            mapping = report_queries.ensure_pseudonyms(uow.session, scope, wanted, pseudonym_label)
            uow.commit()
        return anonymise(data, mapping)


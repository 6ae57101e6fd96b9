"""PDF reports: DTOs in, bytes out (no database, no Qt).

Importing this package is cheap; reportlab is imported on first render.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor_app.domain.report_data import ReportData

#: {"assessor" | "practitioner" | "manager": (page index from 0, (x1, y1, x2, y2) in PDF points)}
SignatureBoxes = dict[str, tuple[int, tuple[float, float, float, float]]]


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    signature_boxes: SignatureBoxes
    pages: int


def furniture_for(data: ReportData):  # type: ignore[no-untyped-def]
    """Header and footer text of ``data``'s report."""
    from assessor_app.reports.page import Furniture

    meta = data.meta
    who = data.practitioner.name
    return Furniture(title=meta.title, who=who, document_id=meta.document_id,
                     evidence_sha256=meta.evidence_set_sha256,
                     pdf_title=f"{meta.title}: {who}", pdf_subject=data.programme.title)


def render(data: ReportData, fonts_dir: Path) -> RenderedReport:
    """Lay out ``data``'s report (its kind is ``data.meta.kind``) as an A4 PDF.

    Fonts are embedded from ``fonts_dir`` (resources/fonts).
    """
    from assessor_app.reports.fonts import register_fonts
    from assessor_app.reports.page import build_pdf
    from assessor_app.reports.portfolio import story_for

    register_fonts(fonts_dir)
    boxes: SignatureBoxes = {}
    result = build_pdf(story_for(data, boxes), furniture_for(data))
    return RenderedReport(result.pdf, dict(boxes), result.pages)

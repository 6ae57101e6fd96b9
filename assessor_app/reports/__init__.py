"""PDF reports: DTOs in, bytes out (no database, no Qt, no settings files).

Importing this package is cheap; reportlab is imported on first render.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor_app.domain.branding import ReportBranding
    from assessor_app.domain.report_data import ReportData

#: {"assessor" | "practitioner" | "manager": (page index from 0, (x1, y1, x2, y2) in PDF points)}
SignatureBoxes = dict[str, tuple[int, tuple[float, float, float, float]]]


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    signature_boxes: SignatureBoxes
    pages: int
    #: Plain sentences for the person who asked for the report (e.g. characters the
    #: fonts cannot draw were replaced); never names or narrative text.
    notices: tuple[str, ...] = ()


def branding_for(data: ReportData, branding: ReportBranding | None) -> ReportBranding | None:
    """The branding to draw: none on an anonymised copy, whose employer is removed."""
    if branding is None or branding.empty or data.meta.anonymised:
        return None
    return branding


def furniture_for(data: ReportData, branding: ReportBranding | None = None):  # type: ignore[no-untyped-def]
    """Header and footer text of ``data``'s report."""
    from assessor_app.reports.page import Furniture

    meta = data.meta
    who = data.practitioner.name
    chosen = branding_for(data, branding)
    return Furniture(title=meta.title, who=who, document_id=meta.document_id,
                     evidence_sha256=meta.evidence_set_sha256,
                     pdf_title=f"{meta.title}: {who}", pdf_subject=data.programme.title,
                     employer=chosen.employer_name if chosen else "")


def render(data: ReportData, fonts_dir: Path,
           branding: ReportBranding | None = None) -> RenderedReport:
    """Lay out ``data``'s report (its kind is ``data.meta.kind``) as an A4 PDF.

    Fonts are embedded from ``fonts_dir`` (resources/fonts). ``branding`` (the
    employer's name and logo) heads the first page and runs in the footer; it is
    left out of anonymised copies. ``notices`` says once if any characters had to
    be shown as placeholders.
    """
    from assessor_app.reports.fonts import register_fonts
    from assessor_app.reports.letterhead import letterhead
    from assessor_app.reports.page import build_pdf
    from assessor_app.reports.portfolio import story_for
    from assessor_app.reports.printable import collecting, notice_for

    register_fonts(fonts_dir)
    boxes: SignatureBoxes = {}
    chosen = branding_for(data, branding)
    with collecting() as replaced:  # flowables clean their text as they are made and drawn
        story = [*letterhead(chosen), *story_for(data, boxes)]
        result = build_pdf(story, furniture_for(data, chosen))
    notice = notice_for(replaced)
    return RenderedReport(result.pdf, dict(boxes), result.pages, (notice,) if notice else ())

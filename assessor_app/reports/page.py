"""A4 page furniture (header, footer, "Page x of y") and the one-pass document build.

Page numbers need the total, which is known only at the end: the canvas keeps
each finished page's state and draws the header and footer on all of them when
the document is saved. One layout pass, not two.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from assessor_app.reports.fonts import BOLD, FAMILY
from assessor_app.reports.printable import visual
from assessor_app.reports.styles import (
    ACCENT,
    MUTED,
    PAGE_MARGIN_BOTTOM,
    PAGE_MARGIN_TOP,
    PAGE_MARGIN_X,
    RULE,
    clean,
    plain,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
FRAME_WIDTH = PAGE_WIDTH - 2 * PAGE_MARGIN_X
HEADER_Y = PAGE_HEIGHT - 15 * mm  # baseline of the header text
FOOTER_Y = 15 * mm  # baseline of the footer's first line
FOOTER_TOP = FOOTER_Y + 9  # nothing of the footer is above this (the rule)


@dataclass(frozen=True)
class Furniture:
    """What every page shows besides the content."""

    title: str
    who: str  # practitioner's name or pseudonym
    document_id: str
    evidence_sha256: str
    pdf_title: str = ""
    pdf_subject: str = ""
    employer: str = ""  # the employer's name from the branding; empty: not shown


@dataclass
class BuildResult:
    pdf: bytes
    pages: int
    extra: dict[str, Any] = field(default_factory=dict)


def _fit(c: Canvas, text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_furniture(c: Canvas, f: Furniture, page: int, pages: int) -> None:
    left, right = PAGE_MARGIN_X, PAGE_WIDTH - PAGE_MARGIN_X
    c.saveState()
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 8.5)
    half = (right - left) / 2 - 6
    c.drawString(left, HEADER_Y, visual(_fit(c, clean(f.title), BOLD, 8.5, half)))
    c.setFillColor(MUTED)
    c.setFont(FAMILY, 8.5)
    c.drawRightString(right, HEADER_Y, visual(_fit(c, clean(f.who), FAMILY, 8.5, half)))
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(left, HEADER_Y - 4, right, HEADER_Y - 4)
    c.line(left, FOOTER_Y + 9, right, FOOTER_Y + 9)
    c.setFont(FAMILY, 7.5)
    doc_text = f"Document {f.document_id}"
    c.drawString(left, FOOTER_Y, doc_text)
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 8)
    page_text = f"Page {page} of {pages}"
    c.drawRightString(right, FOOTER_Y, page_text)
    if f.employer.strip():  # centred in the room the other two leave, shortened to fit
        room_left = left + c.stringWidth(doc_text, FAMILY, 7.5) + 12
        room_right = right - c.stringWidth(page_text, BOLD, 8) - 12
        c.setFillColor(MUTED)
        c.setFont(BOLD, 7.5)
        c.drawCentredString((room_left + room_right) / 2, FOOTER_Y,
                            visual(_fit(c, clean(f.employer.strip()), BOLD, 7.5,
                                        room_right - room_left)))
    c.setFillColor(MUTED)
    c.setFont(FAMILY, 6)
    c.drawString(left, FOOTER_Y - 9, f"Evidence set sha256: {f.evidence_sha256}")
    c.restoreState()


class NumberedCanvas(Canvas):
    """Defers each page's header and footer until the page count is known."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            draw_furniture(self, self._furniture, number, total)
            super().showPage()
        self.page_count = total
        super().save()


def _doc(buf: io.BytesIO, f: Furniture) -> BaseDocTemplate:
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=PAGE_MARGIN_X, rightMargin=PAGE_MARGIN_X,
        topMargin=PAGE_MARGIN_TOP, bottomMargin=PAGE_MARGIN_BOTTOM,
        title=plain(f.pdf_title or f.title), author="Assessor workbench",
        subject=plain(f.pdf_subject), creator="assessor-app (reportlab)",
        initialFontName=FAMILY, initialFontSize=9.5,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc


def build_pdf(story: list[Flowable], furniture: Furniture) -> BuildResult:
    """Lay out ``story`` once on A4 pages with the furniture; returns the bytes and page count."""
    buf = io.BytesIO()
    doc = _doc(buf, furniture)
    made: list[NumberedCanvas] = []

    def maker(*args: Any, **kwargs: Any) -> NumberedCanvas:
        c = NumberedCanvas(*args, furniture=furniture, **kwargs)
        made.append(c)
        return c

    doc.build(story, canvasmaker=maker)
    return BuildResult(buf.getvalue(), made[-1].page_count)



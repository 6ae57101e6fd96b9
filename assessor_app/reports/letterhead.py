"""The employer's letterhead at the top of a report's first page.

The logo is scaled to fit ``LOGO_BOX`` with its aspect kept (never enlarged past
its own pixels at 96 dpi, so a tiny icon is not blown up into a blur); the
employer's name sits beside it. With no branding there is no letterhead at all.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Table

from assessor_app.domain.branding import ReportBranding, ReportLogo
from assessor_app.reports.blocks import gap, table_style
from assessor_app.reports.page import FRAME_WIDTH
from assessor_app.reports.styles import RULE, esc, styles

LOGO_BOX = (50 * mm, 20 * mm)  # width, height in points
_PX_TO_PT = 72 / 96


def logo_size(logo: ReportLogo, box: tuple[float, float] = LOGO_BOX) -> tuple[float, float]:
    """Drawn width and height in points: inside ``box``, aspect kept, never enlarged."""
    natural_w, natural_h = logo.width * _PX_TO_PT, logo.height * _PX_TO_PT
    scale = min(box[0] / natural_w, box[1] / natural_h, 1.0)
    return natural_w * scale, natural_h * scale


def letterhead(branding: ReportBranding | None) -> list[Flowable]:
    """Flowables for the top of page 1 (logo and employer name), or nothing."""
    if branding is None or branding.empty:
        return []
    name_para = Paragraph(esc(branding.employer_name.strip()), styles().employer)
    if branding.logo is None:
        cells, widths = [[name_para]], [FRAME_WIDTH]
    else:
        w, h = logo_size(branding.logo)
        picture = Image(io.BytesIO(branding.logo.data), width=w, height=h)
        picture.hAlign = "LEFT"
        cells, widths = [[picture, name_para]], [w + 12, FRAME_WIDTH - w - 12]
    t = Table(cells, colWidths=widths, hAlign="LEFT")
    t.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8), ("LINEBELOW", (0, 0), (-1, -1), 0.8, RULE),
    ]))
    return [t, gap(14)]

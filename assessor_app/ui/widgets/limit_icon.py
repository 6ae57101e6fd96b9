"""The list's cue for an enrolment close to or beyond its programme's maximum length.

An hourglass beside the name: filled red when beyond the limit, hollow when close to
it. The shape says "time"; the words are in the cell's tooltip and accessible text.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from assessor_app.domain.enums import LengthStatus
from assessor_app.ui.colours import badge_red

AMBER = "#b35c00"  # 4.9:1 on white; the hollow shape, not the colour, tells it from red


def hourglass_path(size: float) -> QPainterPath:
    """Two triangles meeting in the middle, between a top and a bottom bar."""
    m = size * 0.18
    path = QPainterPath()
    path.moveTo(m, m)
    path.lineTo(size - m, m)
    path.lineTo(size / 2 + 0.6, size / 2)
    path.lineTo(size - m, size - m)
    path.lineTo(m, size - m)
    path.lineTo(size / 2 - 0.6, size / 2)
    path.closeSubpath()
    return path


@cache
def limit_icon(status: LengthStatus, size: int = 16) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):  # crisp on high-DPI screens too
        pix = QPixmap(size * scale, size * scale)
        pix.setDevicePixelRatio(scale)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        beyond = status is LengthStatus.BEYOND
        colour = badge_red() if beyond else QColor(AMBER)
        p.setPen(QPen(colour, 1.6))
        p.setBrush(colour if beyond else Qt.BrushStyle.NoBrush)
        p.drawPath(hourglass_path(size))
        pen = QPen(colour, 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        for y in (size * 0.12, size * 0.88):
            p.drawLine(QPointF(size * 0.12, y), QPointF(size * 0.88, y))
        p.end()
        icon.addPixmap(pix)
    return icon

"""The programme's latest permitted end on the timeline: a dashed line labelled "Limit".

Red and bold when the end falls beyond it; the words are in the line's tooltip and in
the timeline's accessible description, so colour is never the only signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen

from assessor_app.domain.enums import LengthStatus
from assessor_app.ui.colours import overdue_red

if TYPE_CHECKING:
    from assessor_app.domain.programme_length import LengthCheck

LIMIT_LABEL = "Limit"
NEAR = 24  # the farthest a label may sit from its line


def limit_label_left(x: float, width: float, lo: float, hi: float,
                     avoid: tuple[float, float] | None) -> float | None:
    """Left edge of the label: just left of its line, else just right of it, else just
    past the ``avoid`` span (the "Today" label) on either side.

    It stays within ``[lo, hi]``, clear of ``avoid`` and near enough to read as the line's
    (at most ``NEAR`` pixels away); None when nothing fits.
    """
    places = [x - 4 - width, x + 4]
    if avoid is not None:
        places += [avoid[1] + 6, avoid[0] - 6 - width]
    for left in places:
        right = left + width
        clear = avoid is None or right + 4 <= avoid[0] or left >= avoid[1] + 4
        near = max(left - x, x - right) <= NEAR
        if lo <= left and right <= hi and clear and near:
            return left
    return None


def paint_limit(p: QPainter, pal: QPalette, check: LengthCheck, font: QFont, *, x: float,
                top: float, bottom: float, lo: float, hi: float,
                avoid: tuple[float, float] | None) -> None:
    """The line from ``top`` to ``bottom`` at ``x``, its label on the top row if it fits."""
    beyond = check.status is LengthStatus.BEYOND
    colour = overdue_red(pal) if beyond else pal.color(QPalette.ColorRole.WindowText)
    p.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(x, top), QPointF(x, bottom))
    bold = QFont(font)
    bold.setBold(beyond)
    metrics = QFontMetrics(bold)
    left = limit_label_left(x, metrics.horizontalAdvance(LIMIT_LABEL), lo, hi, avoid)
    if left is not None:
        p.setFont(bold)
        p.setPen(colour)
        p.drawText(QPointF(left, metrics.ascent() + 2), LIMIT_LABEL)

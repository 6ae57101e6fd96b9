"""Shapes of timeline markers (what each kind of dated item looks like) and label places."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from assessor_app.domain.enums import DueKind


def marker_path(kind: DueKind, r: QRectF) -> QPainterPath:
    """Diamond for reviews, square for moderation, circle for agreement, triangle for reflections."""
    path = QPainterPath()
    c = r.center()
    if kind in (DueKind.REVIEW, DueKind.FINAL_REVIEW):
        path.moveTo(c.x(), r.top())
        path.lineTo(r.right(), c.y())
        path.lineTo(c.x(), r.bottom())
        path.lineTo(r.left(), c.y())
        path.closeSubpath()
    elif kind is DueKind.MODERATION:
        path.addRect(r.adjusted(1, 1, -1, -1))
    elif kind is DueKind.REFLECTION:
        path.moveTo(c.x(), r.top())
        path.lineTo(r.right(), r.bottom())
        path.lineTo(r.left(), r.bottom())
        path.closeSubpath()
    else:
        path.addEllipse(r.adjusted(1, 1, -1, -1))
    return path


LIMIT_LABEL = "Limit"


def limit_label_left(x: float, width: float, lo: float, hi: float,
                     avoid: tuple[float, float] | None) -> float | None:
    """Left edge of the limit's label: just left of its line, else just right of it.

    It stays within ``[lo, hi]`` and clear of the ``avoid`` span (the "Today" label);
    None when neither side fits.
    """
    for left in (x - 4 - width, x + 4):
        right = left + width
        clear = avoid is None or right + 4 <= avoid[0] or left >= avoid[1] + 4
        if lo <= left and right <= hi and clear:
            return left
    return None

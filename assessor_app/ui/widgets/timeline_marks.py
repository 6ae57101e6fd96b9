"""Shapes of timeline markers: what each kind of dated item looks like."""

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


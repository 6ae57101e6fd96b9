"""Simple drawn faces for the child feedback scale (no emoji font needed, same on every OS).

Drawn rather than taken from an emoji font: fonts differ between machines (or are missing
on a locked-down council laptop), and a child should see the same calm faces everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

#: how much each face smiles (-1 a frown, 1 a broad smile)
SMILE = {"very_sad": -1.0, "sad": -0.6, "neutral": 0.0, "happy": 0.6, "very_happy": 1.0}
FILL = {"very_sad": "#c9dcf0", "sad": "#d6e6f5", "neutral": "#f1ecd2", "happy": "#f8e7a6",
        "very_happy": "#f7dc7c"}


def face_pixmap(face: str, size: int, ratio: float = 1.0) -> QPixmap:
    side = max(16, int(size * ratio))
    pm = QPixmap(side, side)
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    line = max(2.0, s / 22)
    p.setPen(QPen(QColor("#3d3d3d"), line))
    p.setBrush(QColor(FILL.get(face, "#eeeeee")))
    p.drawEllipse(QRectF(line, line, s - 2 * line, s - 2 * line))
    p.setBrush(QColor("#3d3d3d"))
    eye = s / 14
    for x in (0.36, 0.64):
        p.drawEllipse(QPointF(s * x, s * 0.40), eye, eye)
    smile = SMILE.get(face, 0.0)
    mouth = QPainterPath()
    y = s * (0.68 - 0.04 * smile)
    mouth.moveTo(s * 0.32, y)
    mouth.quadTo(s * 0.5, y + s * 0.18 * smile, s * 0.68, y)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor("#3d3d3d"), line * 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(mouth)
    p.end()
    return pm


def face_icon(face: str, size: int, ratio: float = 1.0) -> QIcon:
    return QIcon(face_pixmap(face, size, ratio))

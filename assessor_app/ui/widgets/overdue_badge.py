"""Draws the overdue count as a red pill; rows without a count fall back to plain text.

A delegate rather than per-row widgets, so the list stays fast and the text stays in the
model for screen readers and the filter box.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from assessor_app.ui.colours import badge_red
from assessor_app.ui.models.practitioner_list_model import BADGE_ROLE


class OverdueBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        count = index.data(BADGE_ROLE)
        if not isinstance(count, int) or count <= 0:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the pill replaces the words; they stay in the model for accessibility
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        font = QFont(opt.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        text = str(count)
        height = min(metrics.height() + 4, opt.rect.height() - 4)
        width = max(float(height), metrics.horizontalAdvance(text) + 14.0)
        pill = QRectF(0, 0, width, height)
        pill.moveCenter(QRectF(opt.rect).center())

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(badge_red())
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

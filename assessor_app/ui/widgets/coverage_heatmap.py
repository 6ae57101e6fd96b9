"""Standards coverage as a heat map: one cell per statement, one grid per framework.

Colour is the number of *kinds* of evidence behind a statement (moderators look for
breadth); the number in the cell is how many items. A single-hue blue scale plus the
number keeps it readable without colour vision. Click a cell, or move with the arrow
keys and press Enter, to filter the evidence list by that statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from assessor_app.domain.catalogue import Framework
from assessor_app.domain.enums import KIND_LABELS
from assessor_app.domain.sufficiency import StatementCoverage
from assessor_app.ui.colours import heat_fill, heat_text

MIN_CELL_WIDTH = 46
MAX_COLUMNS = 10
CELL_HEIGHT = 34
GAP = 4
LEGEND = ("None", "1 kind", "2 kinds", "3+ kinds")


@dataclass(frozen=True)
class _Cell:
    rect: QRectF
    coverage: StatementCoverage


def cell_tooltip(c: StatementCoverage) -> str:
    kinds = ", ".join(sorted(KIND_LABELS[k] for k in c.kinds))
    items = f"{c.items} item" + ("" if c.items == 1 else "s")
    detail = f"{items} from {len(c.kinds)} kind{'' if len(c.kinds) == 1 else 's'}: {kinds}" \
        if c.items else "No evidence yet"
    return f"{c.code} {c.title}\n{detail}"


class CoverageHeatmap(QWidget):
    """Emits ``statement_activated((framework_id, code))``, or ``None`` to clear the filter."""

    statement_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Standards coverage heat map")
        self.setToolTip("")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._frameworks: tuple[Framework, ...] = ()
        self._coverage: tuple[StatementCoverage, ...] = ()
        self._cells: list[_Cell] = []
        self._titles: list[tuple[QRectF, str]] = []
        self._legend_top = 0.0
        self._selected: tuple[str, str] | None = None
        self._focus_index = 0
        self._laid_out_width = -1

    # -- data -----------------------------------------------------------------
    def set_coverage(self, frameworks: Sequence[Framework],
                     coverage: Sequence[StatementCoverage]) -> None:
        self._frameworks = tuple(frameworks)
        self._coverage = tuple(coverage)
        self._selected = None
        self._focus_index = 0
        self._laid_out_width = -1
        self.setFixedHeight(self._height_needed())
        self.setAccessibleDescription(self.summary_text())
        self.update()

    def set_selected(self, standard: tuple[str, str] | None) -> None:
        self._selected = standard
        self.update()

    def cell_keys(self) -> list[tuple[str, str]]:
        self._layout()
        return [(c.coverage.framework_id, c.coverage.code) for c in self._cells]

    def cell_center(self, key: tuple[str, str]) -> QPointF:
        """Where a statement's cell is (tests click it)."""
        self._layout()
        for c in self._cells:
            if (c.coverage.framework_id, c.coverage.code) == key:
                return c.rect.center()
        raise KeyError(key)

    def summary_text(self) -> str:
        parts = []
        for fw in self._frameworks:
            cov = [c for c in self._coverage if c.framework_id == fw.id]
            if not cov:
                continue
            covered = sum(1 for c in cov if c.items)
            gaps = ", ".join(c.code for c in cov if not c.items)
            line = f"{fw.short_title}: {covered} of {len(cov)} statements have evidence"
            parts.append(line + (f"; none yet for {gaps}" if gaps else ""))
        return ". ".join(parts) or "No standards to show."

    # -- geometry -------------------------------------------------------------
    def _groups(self) -> list[tuple[str, list[StatementCoverage]]]:
        groups = []
        for fw in self._frameworks:
            cov = [c for c in self._coverage if c.framework_id == fw.id]
            if cov:
                title = fw.short_title + (" (provisional)" if fw.provisional else "")
                groups.append((title, cov))
        return groups

    def _title_height(self) -> int:
        return self.fontMetrics().height() + 6

    def _columns(self, width: int | None = None) -> int:
        """As many cells per row as fit at ``MIN_CELL_WIDTH`` (at least 3)."""
        w = self.width() if width is None else width
        return max(3, min(MAX_COLUMNS, (w - 2 + GAP) // (MIN_CELL_WIDTH + GAP)))

    def _height_needed(self, width: int | None = None) -> int:
        columns = self._columns(width)
        height = 0
        for _, cov in self._groups():
            rows = -(-len(cov) // columns)
            height += self._title_height() + rows * (CELL_HEIGHT + GAP) + 6
        return height + self.fontMetrics().height() * 2 + 12

    def _layout(self) -> None:
        if self._laid_out_width == self.width():
            return
        self._laid_out_width = self.width()
        self._cells, self._titles = [], []
        columns = self._columns()
        cell_w = (self.width() - 2 - GAP * (columns - 1)) / columns
        y = 0.0
        for title, cov in self._groups():
            self._titles.append((QRectF(1, y, self.width() - 2, self._title_height()), title))
            y += self._title_height()
            for i, c in enumerate(cov):
                row, col = divmod(i, columns)
                rect = QRectF(1 + col * (cell_w + GAP), y + row * (CELL_HEIGHT + GAP),
                              cell_w, CELL_HEIGHT)
                self._cells.append(_Cell(rect, c))
            y += -(-len(cov) // columns) * (CELL_HEIGHT + GAP) + 6
        self._legend_top = y + 2

    def resizeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self._laid_out_width = -1
        super().resizeEvent(event)  # type: ignore[arg-type]
        needed = self._height_needed()
        if needed != self.height():
            self.setFixedHeight(needed)  # fewer columns when narrow: taller

    def sizeHint(self) -> QSize:
        return QSize(6 * (MIN_CELL_WIDTH + GAP), self._height_needed())

    def minimumSizeHint(self) -> QSize:
        return QSize(3 * (MIN_CELL_WIDTH + GAP), self._height_needed())

    def _cell_at(self, pos: QPointF) -> int | None:
        self._layout()
        return next((i for i, c in enumerate(self._cells) if c.rect.contains(pos)), None)

    # -- painting -------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._layout()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.8, 6.5))
        big = QFont(bold)
        big.setPointSizeF(self.font().pointSizeF() * 1.15)
        p.setFont(bold)
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        for rect, title in self._titles:
            p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight,
                                                     int(rect.width())))
        border = pal.color(QPalette.ColorRole.Mid)
        for i, cell in enumerate(self._cells):
            c, rect = cell.coverage, cell.rect
            p.setPen(QPen(border, 1))
            p.setBrush(heat_fill(c.level, pal))
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(heat_text(c.level, pal))
            p.setFont(small)
            p.drawText(rect.adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       QFontMetrics(small).elidedText(c.code, Qt.TextElideMode.ElideRight,
                                                      int(rect.width() - 8)))
            p.setFont(big)
            p.drawText(rect.adjusted(4, 8, -4, -1), Qt.AlignmentFlag.AlignCenter, str(c.items))
            if self._selected == (c.framework_id, c.code):
                # Two rings: the outer contrasts with the window, the inner with the cell.
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 2))
                p.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 4, 4)
                p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
                p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
            if self.hasFocus() and i == self._focus_index:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 1, Qt.PenStyle.DashLine))
                p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
        self._paint_legend(p, small)
        p.end()

    def _paint_legend(self, p: QPainter, font: QFont) -> None:
        pal = self.palette()
        metrics = QFontMetrics(font)
        p.setFont(font)
        x, y = 1.0, self._legend_top
        size = metrics.height()
        for level, text in enumerate(LEGEND):
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            p.setBrush(heat_fill(level, pal))
            p.drawRoundedRect(QRectF(x, y, size, size), 2, 2)
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            p.drawText(QPointF(x + size + 4, y + metrics.ascent()), text)
            x += size + 4 + metrics.horizontalAdvance(text) + 12
        p.drawText(QRectF(1, y + size + 2, self.width() - 2, size + 2),
                   Qt.AlignmentFlag.AlignLeft, "Colour: kinds of evidence · number: items · click to filter")

    # -- interaction ----------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._cell_at(QPointF(event.pos()))
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), cell_tooltip(self._cells[index].coverage), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._cell_at(event.position())
        if index is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._focus_index = index
        self._activate(index)

    def _activate(self, index: int) -> None:
        c = self._cells[index].coverage
        key = (c.framework_id, c.code)
        self._selected = None if self._selected == key else key
        self.update()
        self.statement_activated.emit(self._selected)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._layout()
        if not self._cells:
            super().keyPressEvent(event)
            return
        columns = self._columns()
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1,
                 Qt.Key.Key_Up: -columns, Qt.Key.Key_Down: columns}
        key = Qt.Key(event.key())
        if key in steps:
            self._focus_index = max(0, min(len(self._cells) - 1, self._focus_index + steps[key]))
            cell = self._cells[self._focus_index]
            QToolTip.showText(self.mapToGlobal(cell.rect.bottomLeft().toPoint()),
                              cell_tooltip(cell.coverage), self)
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate(self._focus_index)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self.update()
        super().focusInEvent(event)  # type: ignore[arg-type]

    def focusOutEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self.update()
        super().focusOutEvent(event)  # type: ignore[arg-type]

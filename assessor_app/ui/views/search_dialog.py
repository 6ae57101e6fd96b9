"""Search all evidence (Ctrl+F): results grouped by practitioner, matches highlighted.

The query runs on the DB thread a moment after the last keystroke; an answer to an
older query is dropped, so results never flicker back to a previous search. Enter
(or a double-click) on a result opens it.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.enums import KIND_SHORT
from assessor_app.ui.tasks import DbRunner, on_worker

HTML_ROLE = Qt.ItemDataRole.UserRole + 1
TARGET_ROLE = Qt.ItemDataRole.UserRole + 2  # (enrolment id, evidence id) of a hit
DEBOUNCE_MS = 200
LIMIT = 50


def snippet_html(parts: list[tuple[str, bool]]) -> str:
    """The snippet as HTML with the matches in bold; the text itself is always escaped."""
    return "".join(f"<b>{escape(t)}</b>" if hit else escape(t) for t, hit in parts)


class _HtmlDelegate(QStyledItemDelegate):
    """Draws a hit as two lines: date, kind and title, then the snippet with matches in bold."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                  ) -> QTextDocument | None:
        html = index.data(HTML_ROLE)
        if not html:
            return None
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(html)
        width = option.rect.width()
        view = option.widget
        if width <= 0 and isinstance(view, QTreeWidget):  # size hints come without a rect
            width = view.viewport().width() - view.indentation() - 4
        doc.setTextWidth(max(width, 240))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        doc = self._document(option, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        doc = self._document(option, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)


class SearchDialog(QDialog):
    """``api`` offers ``search.search(query, limit)`` (the services' SearchService)."""

    evidence_chosen = Signal(str, str)  # enrolment id, evidence id

    def __init__(self, runner: DbRunner, api: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self._asked = 0  # sequence number of the newest query sent
        self.setWindowTitle("Search all evidence")
        self.setAccessibleName("Search all evidence")
        self.resize(760, 560)

        self.query_edit = QLineEdit(self)
        self.query_edit.setPlaceholderText("Words to find in any evidence, e.g. safety plan")
        self.query_edit.setAccessibleName("Search for")
        self.query_edit.setClearButtonEnabled(True)
        self.status = QLabel("Type to search every piece of evidence.", self)
        self.status.setAccessibleName("Search status")
        self.results = QTreeWidget(self)
        self.results.setAccessibleName("Search results")
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setItemDelegate(_HtmlDelegate(self.results))
        self.results.setUniformRowHeights(False)
        self.results.itemActivated.connect(self._open)

        layout = QVBoxLayout(self)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        self.query_edit.textChanged.connect(lambda _t: self._timer.start())
        self.query_edit.installEventFilter(self)

    # -- searching --------------------------------------------------------------
    def _run(self) -> None:
        query = self.query_edit.text().strip()
        self._asked += 1
        asked = self._asked
        if not query:
            self.results.clear()
            self.status.setText("Type to search every piece of evidence.")
            return
        if self.runner.stopped:
            return  # the window is closing; a debounced query has nowhere to go
        self.status.setText("Searching…")
        self.runner.run_op(on_worker(self.api, "search", "search"), query, LIMIT) \
            .on_success(lambda groups: self._show(asked, query, groups)) \
            .on_failure(lambda exc: self._failed(asked, exc))

    def hideEvent(self, event: Any) -> None:
        self._timer.stop()  # a closed dialog must not search later
        super().hideEvent(event)

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked == self._asked:
            message = getattr(exc, "message", "") or "The search could not run."
            self.status.setText(message)

    def _show(self, asked: int, query: str, groups: list[Any]) -> None:
        if asked != self._asked:
            return  # a newer query is on its way
        self.results.clear()
        total = sum(len(g.hits) for g in groups)
        if not total:
            self.status.setText(f"Nothing found for “{query}”.")
            return
        people = len(groups)
        self.status.setText(f"{total} result{'s' if total != 1 else ''} for “{query}” "
                            f"from {people} practitioner{'s' if people != 1 else ''}"
                            + (" (the best 50)" if total >= LIMIT else ""))
        for group in groups:
            top = QTreeWidgetItem(self.results, [f"{group.practitioner_name} ({len(group.hits)})"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for hit in group.hits:
                head = f"{hit.occurred_on:%-d %b %Y} · {KIND_SHORT[hit.kind]} · {hit.title}"
                child = QTreeWidgetItem(top, [f"{head}\n{hit.snippet.replace(chr(2), '').replace(chr(3), '')}"])
                child.setData(0, HTML_ROLE, f"{escape(head)}<br><span>{snippet_html(hit.snippet_parts())}</span>")
                child.setData(0, TARGET_ROLE, (hit.enrolment_id, hit.evidence_id))
            top.setExpanded(True)
        first = self.results.topLevelItem(0)
        if first is not None and first.childCount():
            self.results.setCurrentItem(first.child(0))

    # -- opening ------------------------------------------------------------------
    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, TARGET_ROLE)
        if target:
            self.evidence_chosen.emit(*target)
            self.accept()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Down from the box goes to the results; Enter in the box opens the current result."""
        if watched is self.query_edit and isinstance(event, QKeyEvent) \
                and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.results.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.results.currentItem()
                if current is not None:
                    self._open(current)
                return True
        return super().eventFilter(watched, event)

"""The practitioner list: filter box over a sortable table; Enter or double-click opens a page.

In *compact* mode (a page is open beside it) only the name and overdue columns show, so
the page gets the width; going back to the list restores every column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ui.models.practitioner_list_model import (
    ROW_ROLE,
    Column,
    PractitionerFilterProxy,
    PractitionerListModel,
)
from assessor_app.ui.widgets.agenda import AgendaPanel

if TYPE_CHECKING:  # the DTO modules load with the store, after the first paint
    from assessor_app.domain.dto import PractitionerRow

OPENING_TEXT = "Opening your store…"
EMPTY_TEXT = "No practitioners yet.\nAdd one, or load the demo data, to get started."
COMPACT_COLUMNS = (Column.NAME, Column.OVERDUE)
COLUMN_WIDTHS = {Column.NAME: 200, Column.PROGRAMME: 190, Column.STAGE: 240,
                 Column.NEXT_DUE: 330, Column.OVERDUE: 90}
COMPACT_BADGE_WIDTH = 80


class PractitionerListView(QWidget):
    """Emits ``open_requested(enrolment_id)`` when the user opens a row."""

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PractitionerListModel(self)
        self.proxy = PractitionerFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._compact = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter practitioners (Ctrl+L)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter practitioners")
        self.filter_edit.setToolTip("Type part of a name, team, stage or assessor (Ctrl+L)")
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.filter_edit.installEventFilter(self)

        self.table = QTableView(self)
        self.table.setObjectName("practitionerTable")
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Practitioners")
        self.table.setAccessibleDescription(
            "Your practitioners. Press Enter to open the selected practitioner's page.")
        self.table.setToolTip("Press Enter or double-click to open a practitioner")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (keyboard users)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._on_activated)

        self.placeholder = QLabel(OPENING_TEXT, self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAccessibleName("Practitioner list status")

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.stack, 3)
        self.agenda = AgendaPanel(self)
        self.agenda.open_requested.connect(self.open_requested.emit)
        self.agenda.hide()
        layout.addWidget(self.agenda, 2)
        layout.addStretch(0)
        QWidget.setTabOrder(self.table, self.filter_edit)
        self._loaded = False

    # -- data -----------------------------------------------------------------
    def set_rows(self, rows: Sequence[PractitionerRow], today: date | None = None) -> None:
        if self.table.itemDelegateForColumn(Column.OVERDUE) is None:
            # Set with the first rows, not at construction: importing the delegate's Qt
            # classes costs about 15 ms that the first paint need not wait for.
            from assessor_app.ui.widgets.overdue_badge import OverdueBadgeDelegate

            self.table.setItemDelegateForColumn(Column.OVERDUE, OverdueBadgeDelegate(self.table))
        current = self.current_enrolment_id()
        self.model.set_rows(rows)
        self._update_placeholder()
        self.agenda.set_rows(rows, today or date.today())
        self.agenda.setVisible(bool(rows) and not self._compact)
        self._fit_table_height()
        if current:
            self.select_enrolment(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        if not self._loaded and rows:
            self._loaded = True
            if not self.filter_edit.text():  # start on the list unless the user began typing
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_status_text(self, text: str) -> None:
        """Show a message instead of the table (while opening, or after an error)."""
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def current_enrolment_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():  # an invalid index's data() would come back as a bad None
            return None
        row = index.data(ROW_ROLE)
        return getattr(row, "enrolment_id", None)

    def select_enrolment(self, enrolment_id: str) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, Column.NAME)
            row = index.data(ROW_ROLE)
            if row is not None and row.enrolment_id == enrolment_id:
                self.table.setCurrentIndex(index)
                self.table.selectRow(r)
                return True
        return False

    def visible_names(self) -> list[str]:
        return [self.proxy.index(r, Column.NAME).data() for r in range(self.proxy.rowCount())]

    # -- layout modes ---------------------------------------------------------
    def _fit_table_height(self) -> None:
        """A short list ends where its rows end, so "Coming up" sits right under it."""
        if self._compact or not self.model.rowCount():
            self.stack.setMaximumHeight(16_777_215)
            return
        rows = max(self.proxy.rowCount(), 3)
        height = (self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
                  + rows * self.table.verticalHeader().defaultSectionSize()
                  + self.table.horizontalScrollBar().sizeHint().height())
        self.stack.setMaximumHeight(height)

    def set_compact(self, compact: bool) -> None:
        self._compact = compact
        self.agenda.setVisible(not compact and self.model.rowCount() > 0)
        self._fit_table_height()
        for col in Column:
            self.table.setColumnHidden(col, compact and col not in COMPACT_COLUMNS)
        header = self.table.horizontalHeader()
        # In compact mode the name takes the spare width, not the badge (the last visible column).
        header.setStretchLastSection(not compact)
        header.setSectionResizeMode(
            Column.NAME, QHeaderView.ResizeMode.Stretch if compact else QHeaderView.ResizeMode.Interactive)
        header.resizeSection(Column.OVERDUE,
                             COMPACT_BADGE_WIDTH if compact else COLUMN_WIDTHS[Column.OVERDUE])
        if not compact:
            header.resizeSection(Column.NAME, COLUMN_WIDTHS[Column.NAME])

    @property
    def compact(self) -> bool:
        return self._compact

    def focus_list(self) -> None:
        if self.stack.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.table.currentIndex().isValid() and self.proxy.rowCount():
                self.table.selectRow(0)
        else:
            self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- slots ----------------------------------------------------------------
    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_placeholder()
        self._fit_table_height()

    def _update_placeholder(self) -> None:
        if self.model.rowCount() == 0:
            self.set_status_text(EMPTY_TEXT)
        elif self.proxy.rowCount() == 0:
            self.set_status_text(f"No practitioners match “{self.filter_edit.text().strip()}”.")
        else:
            self.stack.setCurrentWidget(self.table)

    def _on_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        enrolment_id = getattr(index.data(ROW_ROLE), "enrolment_id", None)
        if enrolment_id:
            self.open_requested.emit(enrolment_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down or Enter in the filter box moves to the first match, like a search field."""
        if watched is self.filter_edit and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.proxy.rowCount():
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if key != Qt.Key.Key_Down:
                    self._on_activated(self.table.currentIndex())
                return True
        return super().eventFilter(watched, event)

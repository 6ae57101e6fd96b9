"""Evidence list with filters by kind, stage and standard (the heat map drives the last one).

Combo data are always strings ("" for "All …"), never None, so a filter is one string
comparison.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.catalogue import Framework, Stage
from assessor_app.domain.dto import EvidenceRow
from assessor_app.domain.enums import KIND_LABELS, EvidenceKind
from assessor_app.ui.models.evidence_model import (
    ROW_ROLE,
    EvidenceColumn,
    EvidenceTableModel,
    StandardKey,
)

COLUMN_WIDTHS = {EvidenceColumn.DATE: 88, EvidenceColumn.KIND: 142, EvidenceColumn.STAGE: 96,
                 EvidenceColumn.STATUS: 56, EvidenceColumn.STANDARDS: 80}


_SEP = "\t"  # combo data are plain strings: Qt would turn tuples and enums into other types


def _standard_data(standard: StandardKey) -> str:
    return f"{standard[0]}{_SEP}{standard[1]}"


def _combo(parent: QWidget, name: str, tip: str, all_text: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    combo.addItem(all_text, "")  # never None: see the module docstring
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


class EvidencePanel(QWidget):
    """Emits ``standard_filter_changed`` so the heat map can show which cell is selected."""

    standard_filter_changed = Signal(object)  # StandardKey | None
    evidence_activated = Signal(str)  # evidence id (editors come later)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EvidenceTableModel(self)

        self.kind_combo = _combo(self, "Filter evidence by kind",
                                 "Show only one kind of evidence", "All kinds")
        for kind in EvidenceKind:
            self.kind_combo.addItem(KIND_LABELS[kind], kind.value)
        self.stage_combo = _combo(self, "Filter evidence by stage",
                                  "Show only evidence from one stage", "All stages")
        self.standard_combo = _combo(self, "Filter evidence by standard",
                                     "Show only evidence linked to one standard "
                                     "(or click a cell in the coverage map)", "All standards")
        self.standard_combo.view().setMinimumWidth(420)
        self._tips = {c: c.toolTip() for c in (self.kind_combo, self.stage_combo, self.standard_combo)}
        self.clear_button = QPushButton("&Clear filters", self)
        self.clear_button.setAccessibleName("Clear evidence filters")
        self.clear_button.setToolTip("Show all evidence again")
        self.clear_button.clicked.connect(self.clear_filters)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Evidence shown")

        self.table = QTableView(self)
        self.table.setObjectName("evidenceTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Evidence")
        self.table.setToolTip("Evidence in this portfolio; click a column heading to sort")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        vheader = self.table.verticalHeader()
        vheader.hide()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setSectionResizeMode(EvidenceColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(EvidenceColumn.DATE, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(self._on_activated)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for combo in (self.kind_combo, self.stage_combo, self.standard_combo):
            filters.addWidget(combo, 1)
            combo.currentIndexChanged.connect(self._apply_filters)
        filters.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        title = QLabel("<b>Evidence</b>", self)
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.count_label)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        for first, second in ((self.kind_combo, self.stage_combo),
                              (self.stage_combo, self.standard_combo),
                              (self.standard_combo, self.clear_button),
                              (self.clear_button, self.table)):
            QWidget.setTabOrder(first, second)

    # -- data -----------------------------------------------------------------
    def set_evidence(self, rows: Sequence[EvidenceRow], stages: Sequence[Stage],
                     frameworks: Sequence[Framework]) -> None:
        for combo in (self.kind_combo, self.stage_combo, self.standard_combo):
            combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(0)
        self._refill(self.stage_combo, [(s.title, s.id) for s in stages])
        entries: list[tuple[str, object] | None] = []
        for fw in frameworks:
            if entries:
                entries.append(None)  # separator between frameworks
            entries += [(f"{fw.short_title} · {st.code} {st.title}", _standard_data((fw.id, st.code)))
                        for st in fw.statements]
        self._refill(self.standard_combo, entries)
        for combo in (self.kind_combo, self.stage_combo, self.standard_combo):
            combo.blockSignals(False)
        self.model.set_rows(rows, [s.id for s in stages])
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._update_count()
        self.standard_filter_changed.emit(None)

    @staticmethod
    def _refill(combo: QComboBox, entries: Sequence[tuple[str, object] | None]) -> None:
        while combo.count() > 1:
            combo.removeItem(1)
        for entry in entries:
            if entry is None:
                combo.insertSeparator(combo.count())
            else:
                combo.addItem(entry[0], entry[1])
        combo.setCurrentIndex(0)

    # -- filters --------------------------------------------------------------
    def set_standard_filter(self, standard: StandardKey | None) -> None:
        """Select a standard (from the heat map); ``None`` clears it."""
        index = 0 if standard is None else self.standard_combo.findData(_standard_data(standard))
        self.standard_combo.setCurrentIndex(max(index, 0))

    def set_kind_filter(self, kind: EvidenceKind | None) -> None:
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind.value), 0) if kind else 0)

    def set_stage_filter(self, stage_id: str | None) -> None:
        self.stage_combo.setCurrentIndex(
            max(self.stage_combo.findData(stage_id), 0) if stage_id else 0)

    def clear_filters(self) -> None:
        for combo in (self.kind_combo, self.stage_combo, self.standard_combo):
            combo.setCurrentIndex(0)

    def current_standard(self) -> StandardKey | None:
        data = self.standard_combo.currentData()
        if not data:
            return None
        framework_id, _, code = str(data).partition(_SEP)
        return (framework_id, code)

    def current_kind(self) -> EvidenceKind | None:
        data = self.kind_combo.currentData()
        return EvidenceKind(data) if data else None

    def _apply_filters(self) -> None:
        previous = self.model.standard_filter
        self.model.set_filters(kind=self.current_kind(),
                               stage=self.stage_combo.currentData() or None,
                               standard=self.current_standard())
        self._update_count()
        for combo, tip in self._tips.items():
            # The full choice, for when the combo is too narrow to show it.
            combo.setToolTip(f"{tip}\nNow: {combo.currentText()}" if combo.currentIndex() else tip)
        if self.current_standard() != previous:
            self.standard_filter_changed.emit(self.current_standard())

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        text = f"{total} items" if shown == total else f"Showing {shown} of {total}"
        self.count_label.setText(text)
        self.clear_button.setEnabled(shown != total or any(
            c.currentIndex() > 0 for c in (self.kind_combo, self.stage_combo, self.standard_combo)))

    def _on_activated(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, EvidenceRow):
            self.evidence_activated.emit(row.id)

    def visible_ids(self) -> list[str]:
        """Evidence ids in the order the list shows them (filters and sorting applied)."""
        out = []
        for r in range(self.model.rowCount()):
            row = self.model.index(r, 0).data(ROW_ROLE)
            if isinstance(row, EvidenceRow):
                out.append(row.id)
        return out

    def select_evidence(self, evidence_id: str) -> None:
        """Select the row of ``evidence_id`` (next/previous record keeps the list in step)."""
        for r in range(self.model.rowCount()):
            row = self.model.index(r, 0).data(ROW_ROLE)
            if isinstance(row, EvidenceRow) and row.id == evidence_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return

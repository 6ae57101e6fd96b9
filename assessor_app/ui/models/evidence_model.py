"""Evidence table: filtering and sorting done in Python lists, not a proxy.

A portfolio can hold hundreds of items; a ``QSortFilterProxyModel`` would call back into
Python for every comparison, while sorting a list with a key function is a few
milliseconds for 500 rows. The view only asks ``data()`` for the rows on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from assessor_app.domain.dto import EvidenceRow
from assessor_app.domain.enums import KIND_LABELS, KIND_SHORT, EvidenceKind, EvidenceStatus
from assessor_app.ui.dates import day_month_year, long_date
from assessor_app.ui.wording import short_stage_title

ROW_ROLE = Qt.ItemDataRole.UserRole + 2
ModelIndex = QModelIndex | QPersistentModelIndex
StandardKey = tuple[str, str]  # (framework_id, statement_code)

STATUS_LABELS = {EvidenceStatus.DRAFT: "Draft", EvidenceStatus.FINAL: "Final",
                 EvidenceStatus.SIGNED: "Signed"}
STATUS_ORDER = {EvidenceStatus.DRAFT: 0, EvidenceStatus.FINAL: 1, EvidenceStatus.SIGNED: 2}


class EvidenceColumn(IntEnum):
    DATE = 0
    KIND = 1
    TITLE = 2
    STAGE = 3
    STATUS = 4
    STANDARDS = 5


HEADERS = ("Date", "Kind", "Title", "Stage", "Status", "Standards")


class EvidenceTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: tuple[EvidenceRow, ...] = ()
        self._visible: list[EvidenceRow] = []
        self._stage_order: dict[str, int] = {}
        self._kind: EvidenceKind | None = None
        self._stage: str | None = None
        self._standard: StandardKey | None = None
        self._sort_column = EvidenceColumn.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- state ----------------------------------------------------------------
    def set_rows(self, rows: Sequence[EvidenceRow], stage_order: Sequence[str] = ()) -> None:
        """Replace the rows; ``stage_order`` (stage ids) makes the Stage column sort by programme order."""
        self.beginResetModel()
        self._all = tuple(rows)
        self._stage_order = {sid: i for i, sid in enumerate(stage_order)}
        self._kind = self._stage = self._standard = None
        self._recompute()
        self.endResetModel()

    def set_filters(self, *, kind: EvidenceKind | None, stage: str | None,
                    standard: StandardKey | None) -> None:
        if (kind, stage, standard) == (self._kind, self._stage, self._standard):
            return
        self.beginResetModel()
        self._kind, self._stage, self._standard = kind, stage, standard
        self._recompute()
        self.endResetModel()

    @property
    def standard_filter(self) -> StandardKey | None:
        return self._standard

    @property
    def total(self) -> int:
        return len(self._all)

    def row_at(self, row: int) -> EvidenceRow:
        return self._visible[row]

    def _recompute(self) -> None:
        kind, stage, standard = self._kind, self._stage, self._standard
        rows = [
            r for r in self._all
            if (kind is None or r.kind is kind)
            and (stage is None or r.stage_id == stage)
            and (standard is None
                 or any((ln.framework_id, ln.statement_code) == standard for ln in r.links))
        ]
        rows.sort(key=self._sort_key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._visible = rows

    def _sort_key(self, r: EvidenceRow) -> tuple[Any, ...]:
        col = self._sort_column
        tail = (r.occurred_on, r.title.casefold(), r.id)
        if col is EvidenceColumn.KIND:
            return (KIND_SHORT[r.kind], *tail)
        if col is EvidenceColumn.TITLE:
            return (r.title.casefold(), r.occurred_on, r.id)
        if col is EvidenceColumn.STAGE:
            return (self._stage_order.get(r.stage_id, len(self._stage_order)), r.stage_title, *tail)
        if col is EvidenceColumn.STATUS:
            return (STATUS_ORDER[r.status], *tail)
        if col is EvidenceColumn.STANDARDS:
            return (len(r.links), *tail)
        return tail

    # -- Qt model API ---------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # A reset, not a layout change: rows are plain values and the selection is cleared anyway.
        self.beginResetModel()
        self._sort_column = EvidenceColumn(column)
        self._sort_order = order
        self._recompute()
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == EvidenceColumn.STANDARDS:
                return "How many standards this item is linked to"
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._visible[index.row()]
        col = EvidenceColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col is EvidenceColumn.STANDARDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and r.status is EvidenceStatus.DRAFT:
            return self._italic
        if role == ROW_ROLE:
            return r
        return None

    @staticmethod
    def _display(r: EvidenceRow, col: EvidenceColumn) -> str:
        if col is EvidenceColumn.DATE:
            return day_month_year(r.occurred_on)
        if col is EvidenceColumn.KIND:
            return KIND_SHORT[r.kind]
        if col is EvidenceColumn.TITLE:
            return r.title
        if col is EvidenceColumn.STAGE:
            return short_stage_title(r.stage_title)  # narrow column; the tooltip has it all
        if col is EvidenceColumn.STATUS:
            return STATUS_LABELS[r.status]
        return str(len(r.links))

    @staticmethod
    def _tooltip(r: EvidenceRow, col: EvidenceColumn) -> str:
        if col is EvidenceColumn.STANDARDS:
            return ", ".join(ln.statement_code for ln in r.links) or "Not linked to any standard yet"
        if col is EvidenceColumn.KIND:
            return KIND_LABELS[r.kind]
        if col is EvidenceColumn.DATE:
            return long_date(r.occurred_on)
        if col is EvidenceColumn.STAGE:
            return r.stage_title
        note = " (transcribed from paper)" if r.transcribed else ""
        return f"{r.title}{note}"

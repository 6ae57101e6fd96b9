"""The main list: one row per enrolment, with sort keys and the overdue badge count as roles.

A name whose enrolment is close to or beyond the programme's maximum length carries an
hourglass (``DecorationRole``) and says so in its tooltip and accessible text.

Roles read from Python (``index.data(role)``) always return a value, never an invalid
QVariant, so callers need no None checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.ui import length_words
from assessor_app.ui.dates import long_date, short_date

if TYPE_CHECKING:  # the DTO modules load with the store, after the first paint
    from assessor_app.domain.dto import PractitionerRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
BADGE_ROLE = Qt.ItemDataRole.UserRole + 3  # overdue count; -1 when the status shows as text

ModelIndex = QModelIndex | QPersistentModelIndex

# Statuses in which due dates still fall due; the others show their status instead.
RUNNING = frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.EXTENDED})
# Statuses in which the maximum length still matters (a pause uses it up too).
ON_PROGRAMME = RUNNING | {EnrolmentStatus.PAUSED}

STATUS_LABELS: dict[EnrolmentStatus, str] = {
    EnrolmentStatus.ACTIVE: "Active",
    EnrolmentStatus.PAUSED: "Paused",
    EnrolmentStatus.EXTENDED: "Extended",
    EnrolmentStatus.COMPLETED: "Completed",
    EnrolmentStatus.WITHDRAWN: "Withdrawn",
    EnrolmentStatus.LEFT: "Left",
}


class Column(IntEnum):
    NAME = 0
    PROGRAMME = 1
    STAGE = 2
    NEXT_DUE = 3
    OVERDUE = 4
    ASSESSOR = 5


HEADERS = {
    Column.NAME: "Name",
    Column.PROGRAMME: "Programme",
    Column.STAGE: "Stage",
    Column.NEXT_DUE: "Next due",
    Column.OVERDUE: "Overdue",
    Column.ASSESSOR: "Assessor",
}


def next_due_text(row: PractitionerRow) -> str:
    if row.status not in RUNNING:
        return ""
    if row.next_due is None:
        return "Nothing due"
    return f"{short_date(row.next_due.due)} · {row.next_due.title}"


def overdue_text(row: PractitionerRow) -> str:
    """What the badge says in words (for screen readers, filtering and the tooltip)."""
    if row.status not in RUNNING:
        return STATUS_LABELS[row.status]
    n = len(row.overdue)
    return f"{n} overdue" if n else ""


def length_cue(row: PractitionerRow) -> str:
    """"Beyond the 24-month limit by 1 month" while on the programme and close to or past it."""
    if row.status in ON_PROGRAMME and length_words.needs_attention(row.length):
        assert row.length is not None
        return row.length.phrase()
    return ""


def stage_text(row: PractitionerRow) -> str:
    if row.status is EnrolmentStatus.PAUSED:
        return f"{row.stage_title} (paused)" if row.stage_title else "Paused"
    return row.stage_title or STATUS_LABELS[row.status]


class PractitionerListModel(QAbstractTableModel):
    """Read-only table over ``PractitionerRow`` DTOs; replaced wholesale on refresh."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[PractitionerRow, ...] = ()

    def set_rows(self, rows: Sequence[PractitionerRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[PractitionerRow, ...]:
        return self._rows

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            cue = length_cue(row) if col is Column.NAME else ""
            return f"{row.name}. {cue}" if cue else self._display(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col is Column.NAME:
            return self._cue_icon(row)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == BADGE_ROLE and col is Column.OVERDUE:
            return len(row.overdue) if row.status in RUNNING else -1
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and col is Column.OVERDUE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _display(row: PractitionerRow, col: Column) -> str:
        if col is Column.NAME:
            return row.name
        if col is Column.PROGRAMME:
            return row.programme_title
        if col is Column.STAGE:
            return stage_text(row)
        if col is Column.NEXT_DUE:
            return next_due_text(row)
        if col is Column.OVERDUE:
            return overdue_text(row)
        return row.assessor_name

    @staticmethod
    def _sort_key(row: PractitionerRow, col: Column) -> Any:
        if col is Column.NEXT_DUE:
            # Finished or paused enrolments sort after everyone with a date.
            due = row.next_due.due.isoformat() if row.next_due and row.status in RUNNING else "9999"
            return f"{due} {row.name.casefold()}"
        if col is Column.OVERDUE:
            return len(row.overdue) if row.status in RUNNING else -1
        return PractitionerListModel._display(row, col).casefold()

    @staticmethod
    def _cue_icon(row: PractitionerRow) -> Any:
        if not length_cue(row):
            return None
        from assessor_app.ui.widgets.limit_icon import limit_icon  # only when there is a cue

        assert row.length is not None
        return limit_icon(row.length.status)

    @staticmethod
    def _tooltip(row: PractitionerRow, col: Column) -> str:
        if col is Column.OVERDUE and row.overdue and row.status in RUNNING:
            lines = [f"{d.title}: due {long_date(d.due)}" for d in row.overdue]
            return "Overdue:\n" + "\n".join(lines)
        if col is Column.NEXT_DUE and row.next_due and row.status in RUNNING:
            return f"{row.next_due.title}: due {long_date(row.next_due.due)}"
        if col is Column.NAME:
            fte = "full time" if row.fte >= 1 else f"FTE {row.fte:g}"
            text = f"{row.name}: started {long_date(row.start_date)}, {fte}"
            if length_cue(row):
                assert row.length is not None
                text += "\n" + length_words.tooltip(row.length)
            return text
        return PractitionerListModel._display(row, col)


class PractitionerFilterProxy(QSortFilterProxyModel):
    """Case-insensitive text filter across every column; sorts by ``SORT_ROLE``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setDynamicSortFilter(True)

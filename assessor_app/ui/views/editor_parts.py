"""Form parts shared by the review and final assessment editors.

Every input gets an accessible name; long text boxes pass Tab on (``tabChangesFocus``)
so the whole form can be walked with the keyboard; dates are shown in British English.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.review_dto import Attendee
from assessor_app.domain.reviews import PeriodSummary, standards_text
from assessor_app.ui.dates import day_month_year
from assessor_app.ui.tasks import Op

BRITISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


class PendingOps:
    """The DB ops an editor waits for, cancelled when the editor is destroyed, so that no
    result is delivered to a deleted widget (an editor may sit in a tab that is closed)."""

    KEEP = 32  # finished ops are harmless to cancel; keep only the recent ones

    def __init__(self, owner: QWidget) -> None:
        self._ops: list[Op] = []
        ops = self._ops  # the slot must not hold the owner itself
        owner.destroyed.connect(lambda *_: [op.cancel() for op in ops])

    def track(self, op: Op) -> Op:
        self._ops.append(op)
        del self._ops[:-self.KEEP]
        return op


def save_shortcut(owner: QWidget, slot: Callable[[], object]) -> QShortcut:
    """Ctrl+S while the focus is inside ``owner`` (two editors in one window stay apart)."""
    shortcut = QShortcut(QKeySequence.StandardKey.Save, owner, slot)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return shortcut


def error_text(exc: BaseException) -> str:
    """The AppError's message and hint; never a traceback."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return f"{message} {hint}".strip() if isinstance(hint, str) else message
    return "Something went wrong while saving. Nothing was lost; try again."


def text_box(name: str, parent: QWidget, *, lines: int = 3, placeholder: str = "",
             grow: bool = False) -> QPlainTextEdit:
    """A plain text box ``lines`` high; ``grow`` lets it take the free height of its page."""
    box = QPlainTextEdit(parent)
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setMinimumHeight(height)
    if not grow:
        box.setMaximumHeight(height + box.fontMetrics().lineSpacing() * 3)
    return box


#: (background, text) per tone; the words always say the state, colour only helps
_TONES = {"draft": ("#fff3cd", "#5c4400"), "final": ("#d4edda", "#1e4620"),
          "locked": ("#dbe7f3", "#0b1f33"), "none": ("#e8e8e8", "#303030")}


def set_status(label: QLabel, text: str, tone: str) -> None:
    background, colour = _TONES.get(tone, _TONES["none"])
    label.setText(text)
    label.setStyleSheet(f"QLabel {{ background: {background}; color: {colour}; padding: 2px 10px;"
                        " border-radius: 4px; font-weight: bold; }")
    label.setAccessibleDescription(text)


def section_label(text: str, parent: QWidget, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(f"<b>{text}</b>", parent)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class OptionalDate(QWidget):
    """A tick box and a date: unticked means "not yet" (no meeting date, not signed)."""

    changed = Signal()

    def __init__(self, text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(text, self)
        self.check.setAccessibleName(name)
        self.edit = QDateEdit(self)
        self.edit.setLocale(BRITISH)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setCalendarPopup(True)
        self.edit.setAccessibleName(f"{name}: date")
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on and self.check.isEnabled())
        self.changed.emit()

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, day: date | None, default: date) -> None:
        """Show ``day`` (ticked), or ``default`` greyed out and unticked."""
        blocked = self.blockSignals(True)
        self.edit.setDate(to_qdate(day or default))
        self.check.setChecked(day is not None)
        self.edit.setEnabled(day is not None and self.check.isEnabled())
        self.blockSignals(blocked)

    def set_read_only(self, read_only: bool) -> None:
        self.check.setEnabled(not read_only)
        self.edit.setEnabled(not read_only and self.check.isChecked())


class AttendeesTable(QWidget):
    """Name and role rows, with buttons to add the usual attendees or remove a row."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Name", "Role"])
        self.table.setAccessibleName("Attendees: name and role of each person at the meeting")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 30)
        self.table.setMaximumHeight(self.table.verticalHeader().defaultSectionSize() * 6 + 30)
        self.add_button = QPushButton("&Add attendee", self)
        self.add_button.setAccessibleName("Add attendee")
        self.remove_button = QPushButton("Remove attendee", self)
        self.remove_button.setAccessibleName("Remove the selected attendee")
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_empty_row)
        self.remove_button.clicked.connect(self.remove_current)
        self.table.itemChanged.connect(lambda _i: self.changed.emit())

    def attendees(self) -> tuple[Attendee, ...]:
        out = []
        for row in range(self.table.rowCount()):
            name, role = (self.table.item(row, c) for c in (0, 1))
            out.append(Attendee(name.text() if name else "", role.text() if role else ""))
        return tuple(out)

    def set_attendees(self, attendees: tuple[Attendee, ...]) -> None:
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(0)
        for a in attendees:
            self._append(a.name, a.role)
        self.table.blockSignals(blocked)

    def _append(self, name: str, role: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(role))
        return row

    def add_empty_row(self) -> None:
        row = self._append("", "")
        self.table.setCurrentCell(row, 0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.editItem(self.table.item(row, 0))
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        t = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(t.NoEditTriggers if read_only
                                   else t.DoubleClicked | t.EditKeyPressed | t.AnyKeyPressed)
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)


def summary_html(s: PeriodSummary, *, held: bool = True) -> str:
    """The period summary as simple HTML (read-only; a screen reader reads it in order)."""
    so_far = "" if held else " (so far: the meeting has no date yet)"
    out = [f"<p><b>Period:</b> {day_month_year(s.start)} to {day_month_year(s.end)}{so_far}</p>",
           f"<p><b>Evidence in the period</b> ({s.total} final"
           + (f", {s.drafts} in draft" if s.drafts else "") + ")</p><table cellpadding='2'>"]
    for c in s.counts:
        drafts = f" <i>+{c.drafts} draft</i>" if c.drafts else ""
        out.append(f"<tr><td>{escape(c.label)}</td><td align='right'>{c.final}{drafts}</td></tr>")
    out.append("</table>")
    covered = escape(standards_text(s.covered))
    out.append(f"<p><b>Standards evidenced in the period:</b> {len(s.covered)}"
               + (f" — {covered}" if covered else "") + "</p>")
    missing = s.missing_lines()
    out.append("<p><b>Still missing</b> (minimums pro rata, standards never evidenced)</p>")
    out.append("<ul>" + "".join(f"<li>{escape(m)}</li>" for m in missing) + "</ul>" if missing
               else "<p>Nothing: every minimum due by now is met and every standard has evidence.</p>")
    out.append(f"<p><b>Supervision:</b> {escape(s.supervision.text())}</p>")
    out.append(f"<p><b>Workload and protected time:</b> {escape(s.workload_text())}</p>")
    return "".join(out)


class SaveBar(QHBoxLayout):
    """The bottom row every editor shares: a message, why "Mark final" is unavailable,
    and the "Save draft" and "Mark final" buttons."""

    def __init__(self, owner: QWidget, *, save_text: str = "Save &draft",
                 hint_stretch: int = 1) -> None:
        super().__init__()
        self.message = QLabel("", owner)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.final_hint = QLabel("", owner)
        self.final_hint.setWordWrap(True)
        self.final_hint.setAccessibleName("Why Mark final is unavailable")
        self.save_button = QPushButton(save_text, owner)
        self.save_button.setAccessibleName("Save draft")
        self.final_button = QPushButton("&Mark final", owner)
        self.final_button.setAccessibleName("Mark final")
        self.addWidget(self.message, 1)
        self.addWidget(self.final_hint, hint_stretch)
        self.addWidget(self.save_button)
        self.addWidget(self.final_button)


def radio_row(owner: QWidget, parent: QWidget, name: str, choices: dict[str, str],
              ) -> tuple[QButtonGroup, dict[str, QRadioButton], QHBoxLayout]:
    """One exclusive choice as a row of radio buttons, each named "<name>: <label>"."""
    group = QButtonGroup(owner)
    buttons: dict[str, QRadioButton] = {}
    row = QHBoxLayout()
    for value, label in choices.items():
        button = QRadioButton(label, parent)
        button.setAccessibleName(f"{name}: {label}")
        group.addButton(button)
        buttons[value] = button
        row.addWidget(button)
    row.addStretch(1)
    return group, buttons, row

"""Two settings panels with actions of their own: the idle-lock PIN and the retention purge.

The PIN goes straight to the keyring as a salted hash (``keystore.set_pin``); it is
never in the settings file. Both panels do their slow work on the DB thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.errors import AppError, UsageError
from assessor_app.keystore import PIN_MIN_LENGTH, check_pin, has_pin, set_pin
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.tasks import DbRunner, on_worker


def _message(exc: BaseException) -> str:
    return getattr(exc, "message", None) or "That did not work. Try again."


class PinBox(QWidget):
    pin_changed = Signal()

    def __init__(self, prefs: Preferences, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs, self.runner = prefs, runner
        self.pin_set = False
        self.state = QLabel("", self)
        self.state.setAccessibleName("PIN status")
        self.toggle = QPushButton("Set &PIN…", self)
        self.toggle.clicked.connect(self._show_form)
        self.form = QWidget(self)
        grid = QFormLayout(self.form)
        grid.setContentsMargins(0, 4, 0, 0)
        self.current = self._pin_edit("Current PIN")
        self.new = self._pin_edit("New PIN")
        self.repeat = self._pin_edit("New PIN again")
        self.current_label = QLabel("Current PIN:", self.form)
        self.current_label.setBuddy(self.current)
        grid.addRow(self.current_label, self.current)
        grid.addRow("New PIN:", self.new)
        grid.addRow("Again:", self.repeat)
        self.save_button = QPushButton("Save PI&N", self.form)
        self.save_button.setAccessibleName("Save the new PIN")
        self.save_button.clicked.connect(self.save_pin)
        grid.addRow("", self.save_button)
        self.form.hide()
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("PIN message")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.state, 1)
        top.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        self.refresh()

    def _pin_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit(self.form)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        edit.setMaxLength(64)
        return edit

    def refresh(self) -> None:
        try:
            self.pin_set = has_pin(self.prefs.secrets())
        except AppError as exc:
            self.pin_set = False
            self.toggle.setEnabled(False)
            self.state.setText(f"A PIN cannot be kept here: {exc.message}")
            return
        self.state.setText("A PIN is set." if self.pin_set else "No PIN set.")
        self.toggle.setText("Change &PIN…" if self.pin_set else "Set &PIN…")
        self.toggle.setAccessibleName(self.toggle.text().replace("&", "").rstrip("…"))
        self.current.setVisible(self.pin_set)
        self.current_label.setVisible(self.pin_set)

    def _show_form(self) -> None:
        self.form.show()
        (self.current if self.pin_set else self.new).setFocus()

    def save_pin(self) -> None:
        new, again, current = self.new.text(), self.repeat.text(), self.current.text()
        if len(new) < PIN_MIN_LENGTH:
            self.message.setText(f"A PIN needs at least {PIN_MIN_LENGTH} characters.")
            return
        if new != again:
            self.message.setText("The two new PINs are not the same.")
            return
        prefs, must_check = self.prefs, self.pin_set

        def store() -> None:  # on the DB thread: scrypt and the keyring may be slow
            secrets = prefs.secrets()
            if must_check and not check_pin(secrets, current):
                raise UsageError("The current PIN is not right.", "Nothing was changed.")
            set_pin(secrets, new)

        self.save_button.setEnabled(False)
        self.message.setText("Saving…")
        self.runner.run_op(store).on_success(self._saved).on_failure(self._failed)

    def _saved(self, _result: object) -> None:
        for edit in (self.current, self.new, self.repeat):
            edit.clear()
        self.save_button.setEnabled(True)
        self.form.hide()
        self.refresh()
        self.message.setText("PIN saved.")
        self.pin_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.setText(_message(exc))


class RetentionBox(QWidget):
    """Preview (dry run) and run the purge of old raw notes, with a confirmation."""

    finished = Signal(object)  # the service's report

    def __init__(self, runner: DbRunner, api: Any | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.api = runner, api
        self.years = 0
        self.today: Callable[[], date] = date.today
        self.preview_button = QPushButton("&Show what would be removed", self)
        self.preview_button.clicked.connect(lambda: self.run(dry_run=True))
        self.purge_button = QPushButton("Remove old notes &now…", self)
        self.purge_button.clicked.connect(self.confirm_purge)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Retention result")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview_button)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.set_years(0)

    def set_years(self, years: int) -> None:
        self.years = years
        usable = self.api is not None and years > 0
        self.preview_button.setEnabled(usable)
        self.purge_button.setEnabled(usable)
        if self.api is None:
            self.result.setText("Open your store first.")

    def confirm_purge(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Remove old notes",
                          f"Remove the written notes, attachments and unsigned reports of "
                          f"portfolios closed more than {self.years} years ago? Dates, "
                          "judgements, the final assessment and signed reports are kept. The "
                          "change reaches your other laptops and the server at the next sync. "
                          "This cannot be undone (except from a backup).",
                          QMessageBox.StandardButton.Cancel, self)
        remove = box.addButton("Remove notes", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Confirm removing old notes")
        self.confirm_box = box
        box.finished.connect(lambda *_: self.run(dry_run=False)
                             if box.clickedButton() is remove else None)
        box.open()

    def run(self, *, dry_run: bool) -> None:
        if self.api is None or self.years <= 0:
            return
        self.result.setText("Counting…" if dry_run else "Removing…")
        self.runner.run_op(on_worker(self.api, "retention", "purge"), self.years,
                           today=self.today(), dry_run=dry_run) \
            .on_success(self._done).on_failure(lambda exc: self.result.setText(_message(exc)))

    def _done(self, report: Any) -> None:
        self.result.setText(report.describe())
        self.finished.emit(report)

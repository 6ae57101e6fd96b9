"""Before handing the laptop over: which form, who it is for, and the assessor's PIN.

``HandoverLauncher`` runs the whole round: this dialog, the record on the DB thread,
then the full-screen ``HandoverWindow``; when the assessor unlocks it, ``done`` carries
the feedback record's id so the main window can open it in the normal editor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.feedback_sets import RESPONDENT_TYPES, HandoverStart
from assessor_app.ui.tasks import DbRunner, on_worker

MIN_PIN = 4
AGE_BANDS = ("", "under 7", "7-9", "10-12", "13-15", "16-17")
CHILD = "child or young person"


class HandoverSetupDialog(QDialog):
    """Choose the set and the respondent; type a short PIN twice."""

    def __init__(self, sets: tuple[Any, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hand the laptop to the family")
        self.setAccessibleName("Hand-over set-up")
        self._sets = sets
        intro = QLabel("The family will see one question at a time in large print, starting "
                       "with consent (or a child's assent). Nothing else of the app is shown "
                       "while they answer. To come back, you type this PIN.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("About hand-over mode")
        self.respondent = QComboBox(self)
        self.respondent.addItems(list(RESPONDENT_TYPES))
        self.respondent.setAccessibleName("Who the feedback is from")
        self.age_band = QComboBox(self)
        self.age_band.setEditable(True)
        self.age_band.addItems(list(AGE_BANDS))
        self.age_band.setAccessibleName("Age band (children)")
        line = self.age_band.lineEdit()
        if line is not None:
            line.setAccessibleName("Age band (children)")
            line.setMaxLength(16)
        self.form = QComboBox(self)
        for s in sets:
            self.form.addItem(s.title, s.id)
        self.form.setAccessibleName("Which form")
        self.present = QCheckBox("The social worker is in the room", self)
        self.present.setAccessibleName("The social worker is in the room")
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("Hand-over PIN")
        self.pin.setPlaceholderText(f"at least {MIN_PIN} characters")
        self.pin_again = QLineEdit(self)
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again.setAccessibleName("Hand-over PIN again")
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Set-up message")
        form = QFormLayout()
        form.addRow("&Feedback from", self.respondent)
        form.addRow("&Age band (children)", self.age_band)
        form.addRow("F&orm", self.form)
        form.addRow("", self.present)
        form.addRow("&PIN", self.pin)
        form.addRow("PIN a&gain", self.pin_again)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is not None and isinstance(label.widget(), QLabel) and field is not None:
                label.widget().setBuddy(field.widget())  # type: ignore[attr-defined]
        buttons = QDialogButtonBox(self)
        self.start_button = buttons.addButton("&Start hand-over",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName("Start hand-over")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.respondent.currentTextChanged.connect(self._respondent_changed)
        self._respondent_changed(self.respondent.currentText())
        self.resize(520, self.sizeHint().height())

    def _respondent_changed(self, text: str) -> None:
        child = text == CHILD
        self.age_band.setEnabled(child)
        if not child:
            self.age_band.setCurrentText("")
        wanted = "child" if child else "adult"
        if self.form.currentData() in ("adult", "child"):  # easy-read stays a deliberate choice
            index = self.form.findData(wanted)
            if index >= 0:
                self.form.setCurrentIndex(index)

    def _check(self) -> None:
        pin = self.pin.text()
        if len(pin) < MIN_PIN:
            self.message.setText(f"Choose a PIN of at least {MIN_PIN} characters.")
            self.pin.setFocus()
        elif pin != self.pin_again.text():
            self.message.setText("The two PINs are not the same. Type them again.")
            self.pin_again.clear()
            self.pin_again.setFocus()
        else:
            self.accept()

    def set_choice(self, choice: HandoverStart) -> None:
        """Fill in what the record already says (who it is from, which form)."""
        if choice.respondent_type in RESPONDENT_TYPES:
            self.respondent.setCurrentText(choice.respondent_type)
        if choice.age_band:
            self.age_band.setCurrentText(choice.age_band)
        index = self.form.findData(choice.set_id)
        if index >= 0:
            self.form.setCurrentIndex(index)
        self.present.setChecked(choice.practitioner_present)

    def choice(self) -> HandoverStart:
        return HandoverStart(str(self.form.currentData()), self.respondent.currentText(),
                             self.age_band.currentText().strip(), self.present.isChecked())


class HandoverLauncher(QObject):
    """Set-up dialog → record → full-screen window → ``done(evidence_id)`` after the PIN."""

    done = Signal(str)
    failed = Signal(str)
    window_shown = Signal()

    def __init__(self, runner: DbRunner, api: Any, parent: QWidget, enrolment_id: str,
                 evidence_id: str = "", today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._runner, self._api, self._parent = runner, api, parent
        self._enrolment, self._evidence = enrolment_id, evidence_id
        self.dialog: HandoverSetupDialog | None = None
        self.window: Any = None

    def start(self) -> None:
        self._runner.run_op(on_worker(self._api, "handover", "prepare"), self._evidence) \
            .on_success(self._ask).on_failure(self._fail)

    def _ask(self, prep: Any) -> None:
        self.dialog = HandoverSetupDialog(prep.sets, self._parent)
        if prep.defaults is not None:
            self.dialog.set_choice(prep.defaults)
        self.dialog.accepted.connect(self._begin)
        self.dialog.open()

    def _begin(self) -> None:
        assert self.dialog is not None
        choice, pin = self.dialog.choice(), self.dialog.pin.text()
        self.dialog.pin.clear()
        self.dialog.pin_again.clear()
        self._runner.run_op(on_worker(self._api, "handover", "start"), self._enrolment, choice,
                            self._evidence, self._today) \
            .on_success(lambda session: self._show(session, pin)).on_failure(self._fail)

    def _show(self, session: Any, pin: str) -> None:
        from assessor_app.ui.views.handover_view import HandoverWindow

        self.window = HandoverWindow(self._runner, self._api, session, pin)
        self.window.unlocked.connect(self.done)
        self.window.showFullScreen()
        self.window.activateWindow()
        self.window_shown.emit()

    def _fail(self, exc: BaseException) -> None:
        from assessor_app.ui.main_window import plain_error_text

        self.failed.emit(plain_error_text(exc))

"""First-run set-up: who you are, the encrypted store, recovery passphrase, signing key, server.

Shown before the main window when the data folder has no store (``gui_launch``),
and re-runnable from the settings with ``run_wizard(parent, api, runner)``. The
store work lives in ``assessor_app.first_run.FirstRunSetup`` and runs on the DB
thread; the pages that do it are in ``first_run_pages``. Only the Server page can
be skipped: the store, its recovery passphrase and the signing key cannot.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from assessor_app.first_run import FirstRunSetup
from assessor_app.services.assessor_profile import (
    ROLE_TITLES,
    SIGNING_ROLES,
    Profile,
    normalise_registration,
    registration_problem,
)
from assessor_app.ui.accessibility import name_internal_parts
from assessor_app.ui.main_window import plain_error_text
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.first_run_pages import BusyPage, SigningPage, StorePage
from assessor_app.ui.views.first_run_recovery import RecoveryPage

TITLE = "Set up the assessor workbench"


def _text(text: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    return label


class WelcomePage(QWizardPage):
    def __init__(self, rerun: bool) -> None:
        super().__init__()
        self.setTitle("Welcome" if not rerun else "Check your set-up")
        layout = QVBoxLayout(self)
        intro = _text("", self, "What this app is")
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        intro.setText(
            "<p>The assessor workbench keeps the portfolios of the early-career social workers "
            "you assess (ASYE): observations, feedback, reviews and the final assessment, and "
            "makes signed PDF reports from them.</p>"
            "<p>Everything is stored <b>encrypted on this laptop</b>, so you can work offline. "
            "If your employer runs a server, the app copies your work to it when you are "
            "online.</p>"
            + ("<p>This set-up takes a few minutes. Have your Social Work England registration "
               "number to hand, and paper and a pen to write down a recovery passphrase.</p>"
               if not rerun else
               "<p>Check or change your details, your recovery passphrase and your signing "
               "key. Your store and its records stay as they are.</p>"))
        layout.addStretch(1)


class IdentityPage(QWizardPage):
    """Name, role, registration number and employer; required fields are marked *."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Who you are")
        self.setSubTitle("Your name and number go on your reports and your signature. "
                         "Fields marked * are required.")
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Your name (required)")
        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName("Your role (required)")
        for role, title in ROLE_TITLES.items():
            self.role_combo.addItem(title, role)
        self.registration_edit = QLineEdit(self)
        self.registration_edit.setAccessibleName("Social Work England registration number")
        self.registration_edit.setPlaceholderText("e.g. SW123456")
        self.employer_edit = QLineEdit(self)
        self.employer_edit.setAccessibleName("Employer (required)")
        self.employer_edit.setPlaceholderText("e.g. Northshire County Council")
        self.problem = _text("", self, "Problem with the registration number")
        self.problem.setStyleSheet("QLabel { color: palette(text); font-style: italic; }")
        form = QFormLayout(self)
        self.registration_label = QLabel("", self)
        for text, widget in (("Your n&ame *", self.name_edit), ("Your r&ole *", self.role_combo)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.registration_label.setBuddy(self.registration_edit)
        form.addRow(self.registration_label, self.registration_edit)
        form.addRow("", self.problem)
        employer_label = QLabel("&Employer *", self)
        employer_label.setBuddy(self.employer_edit)
        form.addRow(employer_label, self.employer_edit)
        for edit in (self.name_edit, self.registration_edit, self.employer_edit):
            edit.textChanged.connect(self._changed)
        self.role_combo.currentIndexChanged.connect(self._changed)
        self._changed()

    def role(self) -> str:
        return str(self.role_combo.currentData())

    def profile(self, person_id: str = "") -> Profile:
        return Profile(" ".join(self.name_edit.text().split()), self.role(),
                       normalise_registration(self.registration_edit.text()),
                       " ".join(self.employer_edit.text().split()), person_id)

    def fill(self, profile: Profile) -> None:
        self.name_edit.setText(profile.name)
        index = self.role_combo.findData(profile.role)
        if index >= 0:
            self.role_combo.setCurrentIndex(index)
        self.registration_edit.setText(profile.registration_number)
        self.employer_edit.setText(profile.employer)

    def _changed(self) -> None:
        required = self.role() in SIGNING_ROLES
        self.registration_label.setText("Social Work England &registration number"
                                        + (" *" if required else ""))
        self.registration_edit.setAccessibleName(
            "Social Work England registration number" + (" (required)" if required else ""))
        typed = self.registration_edit.text().strip()
        self.problem.setText(registration_problem(typed, self.role()) if typed else "")
        self.problem.setVisible(bool(self.problem.text()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        p = self.profile()
        return bool(p.name and p.employer) and not registration_problem(
            p.registration_number, p.role)


class ServerPage(QWizardPage):
    """Optional: connect to the employer's server with a one-time code (skippable)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your employer's server (optional)")
        self.setSubTitle("If your employer gave you a server address and a one-time code, "
                         "connect now. Otherwise press Skip: you can do it later.")
        self.can_enrol = False
        self.enrolled = False
        self.busy = False
        self.address_edit = QLineEdit(self)
        self.address_edit.setAccessibleName("Server address")
        self.address_edit.setPlaceholderText("https://asye.example-council.gov.uk")
        self.code_edit = QLineEdit(self)
        self.code_edit.setAccessibleName("One-time code")
        self.connect_button = QPushButton("C&onnect", self)
        self.connect_button.setAccessibleName("Connect to the server")
        self.connect_button.clicked.connect(self.enrol)
        self.note = _text("", self, "Server status")
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        for text, widget in (("Server &address", self.address_edit),
                             ("One-time &code", self.code_edit)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        row = QHBoxLayout()
        row.addWidget(self.connect_button)
        row.addStretch(1)
        form.addRow("", row)
        outer.addWidget(self.note)
        outer.addStretch(1)
        for edit in (self.address_edit, self.code_edit):
            edit.textChanged.connect(self._changed)

    @property
    def wiz(self) -> SetupWizard:
        w = self.wizard()
        assert isinstance(w, SetupWizard)
        return w

    def initializePage(self) -> None:
        self.wiz.runner.run_op(self.wiz.setup.can_enrol).on_success(self._availability) \
            .on_failure(lambda exc: self._availability(False))
        if not self.address_edit.text():  # the address in Settings, when run again
            self.wiz.runner.run_op(self.wiz.setup.server_address).on_success(self._prefill) \
                .on_failure(lambda _exc: None)  # a blank field is fine
        self._changed()

    def _prefill(self, address: object) -> None:
        if isinstance(address, str) and address and not self.address_edit.text():
            self.address_edit.setText(address)

    def _availability(self, available: bool) -> None:
        self.can_enrol = bool(available)
        for edit in (self.address_edit, self.code_edit):
            edit.setEnabled(self.can_enrol)
        if not self.can_enrol and self.wizard() is not None:
            self.wiz.button(QWizard.WizardButton.NextButton).setFocus()  # Enter skips, never cancels
        if not self.can_enrol:
            self.note.setText("This version of the app cannot enrol with a server from here "
                              "yet. Press Skip; you can connect later from the Sync menu.")
        self._changed()

    def _changed(self) -> None:
        filled = bool(self.address_edit.text().strip() and self.code_edit.text().strip())
        self.connect_button.setEnabled(filled and self.can_enrol and not self.busy
                                       and not self.enrolled)
        wizard = self.wizard()
        if wizard is not None:
            skip = not self.enrolled
            wizard.setButtonText(QWizard.WizardButton.NextButton, "&Skip >" if skip else "&Next >")

    def enrol(self) -> None:
        self.busy = True
        self.note.setText("Connecting…")
        self._changed()
        self.wiz.runner.run_op(self.wiz.setup.enrol, self.address_edit.text(),
                               self.code_edit.text()).on_success(self._enrolled) \
            .on_failure(self._failed)

    def _enrolled(self, _result: object) -> None:
        self.busy = False
        self.enrolled = True
        self.note.setText("✓ This laptop is now enrolled with the server.")
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.note.setText(plain_error_text(exc))
        self._changed()

    def cleanupPage(self) -> None:
        self.wiz.setButtonText(QWizard.WizardButton.NextButton, "&Next >")

    def validatePage(self) -> bool:
        self.wiz.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        return not self.busy


class DonePage(BusyPage):
    def __init__(self) -> None:
        super().__init__("All set", "Your workbench is ready.")
        self.summary = _text("", self, "Summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.summary)
        self.add_feedback()

    def start(self) -> None:
        self.step(self.setup.finish, then=lambda _r: self._finished(), status="Finishing…")

    def _finished(self) -> None:
        self.status.setText("")
        w = self.wizard()
        assert isinstance(w, SetupWizard)
        self.summary.setText(w.summary_html())
        self.finished_ok()
        w.button(QWizard.WizardButton.FinishButton).setFocus()  # Enter finishes


class SetupWizard(QWizard):
    def __init__(self, setup: FirstRunSetup, runner: DbRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self.runner = runner
        self.ask_before_cancel = True  # False only where no one can answer (closing in tests)
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(720, 560)
        self.welcome = WelcomePage(setup.rerun)
        self.identity = IdentityPage()
        self.store = StorePage()
        self.recovery = RecoveryPage()
        self.signing = SigningPage()
        self.server = ServerPage()
        self.done_page = DonePage()
        for page in (self.welcome, self.identity, self.store, self.recovery, self.signing,
                     self.server, self.done_page):
            self.addPage(page)
        for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                       QWizard.WizardButton.CommitButton, QWizard.WizardButton.FinishButton,
                       QWizard.WizardButton.CancelButton):
            b = self.button(button)
            b.setAccessibleName(b.text().replace("&", "").strip(" <>") or button.name)
        name_internal_parts(self)
        from assessor_app.ui.help import install_f1

        self.f1_filter = install_f1(self)  # the first run has no main window to offer help
        if setup.rerun:
            runner.run_op(setup.current_profile).on_success(self._prefill)

    def _prefill(self, profile: Profile | None) -> None:
        if profile is not None and not self.identity.name_edit.text():
            self.identity.fill(profile)

    def profile(self) -> Profile:
        return self.identity.profile()

    @property
    def store_created(self) -> bool:
        return self.store.done

    def summary_html(self) -> str:
        from html import escape

        p = self.signing.profile or self.profile()
        rows = [f"<li><b>You:</b> {escape(p.name)}, {escape(ROLE_TITLES.get(p.role, p.role))}"
                + (f", {escape(p.registration_number)}" if p.registration_number else "")
                + f" — {escape(p.employer)}</li>",
                f"<li><b>Store:</b> encrypted; {self.store.backend_label.text()}</li>",
                "<li><b>Recovery passphrase:</b> "
                + ("kept as before" if self.recovery.keeping else "made and checked") + "</li>"]
        ident = self.signing.identity
        rows.append("<li><b>Signing key:</b> "
                    + ("made (self-signed until your employer's server certifies it)"
                       if ident is not None else "not needed for your role") + "</li>")
        rows.append("<li><b>Server:</b> " + ("enrolled" if self.server.enrolled
                                              else "not connected — later from the Sync menu")
                    + "</li>")
        return ("<ul>" + "".join(rows) + "</ul><p>Press <b>Finish</b> to open the workbench. "
                "Help for any screen is on F1.</p>")

    def reject(self) -> None:
        """Cancel: nothing half-made. After the store exists, say how set-up resumes."""
        if self.ask_before_cancel and self.store_created and not self.done_page.done:
            answer = QMessageBox.question(
                self, TITLE,
                "Stop the set-up now?\n\nYour encrypted store has been created. The set-up "
                "will carry on from where you stopped the next time you start the app; "
                "nothing is lost.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.recovery.forget()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if any(isinstance(p, BusyPage) and p.busy for p in (self.store, self.recovery,
                                                            self.signing, self.done_page)):
            event.ignore()  # a step is running on the DB thread; wait for it
            return
        super().closeEvent(event)


def run_wizard(parent: QWidget | None, api: Any, runner: DbRunner) -> bool:
    """Re-run the set-up over the open store (from the settings); True when finished."""
    wizard = SetupWizard(FirstRunSetup(api=api), runner, parent)
    return wizard.exec() == QWizard.DialogCode.Accepted


def run_first_run(paths: Any) -> bool:
    """Before the main window: set up a new data folder; True when the user finished."""
    import sys

    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication(sys.argv)  # run_gui uses this same instance afterwards
    runner = DbRunner(thread_name="assessor-setup")
    setup = FirstRunSetup(paths)
    try:
        wizard = SetupWizard(setup, runner)
        accepted = wizard.exec() == QWizard.DialogCode.Accepted
    finally:
        runner.shutdown(final=setup.close)
    return accepted

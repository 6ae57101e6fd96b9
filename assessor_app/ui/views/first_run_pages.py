"""The first-run wizard's pages that do store work: the store and the signing key.

Each step runs on the DB thread through the wizard's runner (``FirstRunSetup``
methods); the page shows a busy bar meanwhile and keeps Next disabled until the
step has succeeded. A failure shows the error's own message and what to do, with
"Try again"; nothing is ever shown as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from assessor_app.ui.main_window import plain_error_text

if TYPE_CHECKING:
    from assessor_app.first_run import FirstRunSetup
    from assessor_app.ui.tasks import DbRunner

ERROR_STYLE = ("QLabel { border: 1px solid #c62828; border-radius: 4px; padding: 8px; }")


def info_label(text: str, parent: QWizardPage, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class BusyPage(QWizardPage):
    """A page whose content comes from one or more DB-thread steps."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.done = False
        self.busy = False
        self.layout_ = QVBoxLayout(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the steps have no measurable size
        self.progress.setAccessibleName(f"{title}: working")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = info_label("", self, f"{title}: progress")
        self.error = info_label("", self, f"{title}: problem")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.retry = QPushButton("&Try again", self)
        self.retry.setAccessibleName("Try again")
        self.retry.hide()
        self.retry.clicked.connect(self.start)

    @property
    def setup(self) -> FirstRunSetup:
        return self.wizard().setup  # type: ignore[attr-defined,no-any-return]

    @property
    def runner(self) -> DbRunner:
        return self.wizard().runner  # type: ignore[attr-defined,no-any-return]

    def add_feedback(self) -> None:
        """Progress, error and retry go at the end of the page's own widgets."""
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.retry)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)

    def initializePage(self) -> None:
        if not self.done and not self.busy:
            self.start()

    def start(self) -> None:
        raise NotImplementedError

    def step(self, fn: Callable[..., Any], *args: Any,
             then: Callable[[Any], None], status: str) -> None:
        self.busy = True
        self.error.hide()
        self.retry.hide()
        self.progress.show()
        self.status.setText(status)
        self.runner.run_op(fn, *args).on_success(then).on_failure(self.failed)
        self.completeChanged.emit()

    def finished_ok(self) -> None:
        self.busy = False
        self.done = True
        self.progress.hide()
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and self.isCommitPage():
            wizard.button(commit_button()).setFocus()  # Enter goes on to the next step

    def failed(self, exc: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.status.setText("")
        self.error.setText(plain_error_text(exc))
        self.error.show()
        self.retry.show()
        self.retry.setFocus()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done and not self.busy


class StorePage(BusyPage):
    """Checks the keyring, then creates the encrypted store and its key."""

    def __init__(self) -> None:
        super().__init__("Your encrypted store",
                         "Everything you record is kept in one encrypted file on this laptop.")
        self.explain = info_label(
            "The app makes a random 256-bit key, puts it in this computer's keyring (where "
            "your passwords live) and encrypts the store with it. Without the key the file "
            "cannot be read, so a lost or stolen laptop does not give away anyone's records.",
            self, "About the encrypted store")
        self.backend_label = info_label("", self, "Keyring used")
        self.result = info_label("", self, "Store created")
        for w in (self.explain, self.backend_label, self.result):
            self.layout_.addWidget(w)
        self.add_feedback()
        self.setCommitPage(True)
        self.setButtonText(commit_button(), "&Next >")

    def start(self) -> None:
        self.step(self.setup.keyring_backend, then=self._have_backend,
                  status="Looking for this computer's keyring…")

    def _have_backend(self, backend: str) -> None:
        self.backend_label.setText(f"<b>Keyring:</b> {backend}")
        self.backend_label.setTextFormat(Qt.TextFormat.RichText)
        self.step(self.setup.create_store, then=self._created,
                  status="Creating the key and the encrypted store…")

    def _created(self, made: tuple[str, bool]) -> None:
        db_path, existed = made
        self.status.setText("")
        verb = "is open" if existed else "is ready"
        self.result.setText(f"✓ Your encrypted store {verb}: {db_path}\n"
                            "✓ Its key is in the keyring above, never in a file.")
        self.finished_ok()


def commit_button() -> QWizard.WizardButton:
    """The button that leaves a page that cannot be undone (labelled "Next >" here)."""
    return QWizard.WizardButton.CommitButton


class SigningPage(BusyPage):
    """Saves who the user is (Person row, settings) and makes their signing key."""

    def __init__(self) -> None:
        super().__init__("Your signing key",
                         "So that anyone can check a report really came from you.")
        self.explain = info_label(
            "When you finish a report, the app signs the PDF with a key that only this "
            "store holds. Anyone who receives the report — the practitioner, a moderator, "
            "Social Work England — can then check who signed it and that nothing was changed "
            "afterwards. The key is protected by a secret in your keyring. Until your "
            "employer's server issues you a certificate, the signature is self-signed.",
            self, "About the signing key")
        self.result = info_label("", self, "Signing key")
        self.layout_.addWidget(self.explain)
        self.layout_.addWidget(self.result)
        self.add_feedback()
        self.setCommitPage(True)
        self.setButtonText(commit_button(), "&Next >")
        self.profile: Any = None
        self.identity: Any = None

    def start(self) -> None:
        profile = self.wizard().profile()  # type: ignore[attr-defined]
        self.step(self.setup.save_profile, profile, then=self._saved,
                  status="Saving your details…")

    def _saved(self, profile: Any) -> None:
        self.profile = profile
        self.step(self.setup.signing_identity, profile, then=self._signed,
                  status="Making your signing key…")

    def _signed(self, identity: Any) -> None:
        self.identity = identity
        self.status.setText("")
        if identity is None:
            self.result.setText("Coordinators do not sign reports, so no signing key was made. "
                                "If your role changes, run the set-up again from the settings.")
        else:
            fp = identity.fingerprint[:16].upper()
            pairs = " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))
            self.result.setText(f"✓ Signing key made for {identity.name}.\n"
                                f"Fingerprint (first 16 characters): {pairs}\n"
                                f"Certificate: {identity.issuer}.")
        self.finished_ok()

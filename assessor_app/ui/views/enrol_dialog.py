"""Connect to a server (Sync ▸ Connect to a server…): the address and one-time code the
coordinator gave, optionally the employer's own certificate file.

The address starts as the one in Settings (or, without one, the server this device is
connected to); when the two differ the dialog says which is which before anything is sent.
The exchange waits on the network, so it runs on the sync controller's thread; the dialog
stays responsive, shows what is happening, and on failure says what went wrong in the
service's own plain words (``SyncError`` message and hint) with the typed values kept.
"""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from assessor_app.ui.sync_controller import SyncController

GENERIC_FAILURE = ("The connection did not work.",
                   "Check the address and code, then try again. If it keeps failing, ask your "
                   "coordinator for a new code.")
ENROL_HINTS = {  # the service's hints name command-line options; here, the dialog's fields
    "TlsNotTrusted": "If your employer uses its own certificates, choose the certificate file "
                     "from your IT team under Employer certificate, then Connect again.",
    "TokenRefused": "Ask your coordinator for a new code, then Connect again.",
    "RequestRefused": "Check the code (each one works once, for a few days only) or ask your "
                      "coordinator for a new one, then Connect again.",
}


def failure_text(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do) from an AppError; never a traceback or a class name."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        hint = next((ENROL_HINTS[k] for k in kinds if k in ENROL_HINTS),
                    getattr(exc, "hint", ""))
        return message, hint if isinstance(hint, str) else ""
    if isinstance(exc, RuntimeError) and str(exc):
        return str(exc), ""
    return GENERIC_FAILURE


def normalised_address(text: str) -> str:
    """What the user typed, with https:// added when no scheme was given."""
    text = text.strip().rstrip("/")
    if text and "://" not in text:
        text = f"https://{text}"
    return text


class EnrolDialog(QDialog):
    connected = Signal(object)  # SyncStatus

    def __init__(self, controller: SyncController, parent: QWidget | None = None, *,
                 device_name: str | None = None, status: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.busy = False
        self.setWindowTitle("Connect to a server")
        self.setAccessibleName("Connect to a server")
        self.setMinimumWidth(560)

        intro = QLabel("Your coordinator gives you the server's address and a one-time code. "
                       "Once connected, your work is shared with your employer and your "
                       "other devices whenever you are online.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName("About connecting")
        self.address_edit = QLineEdit(self)
        self.address_edit.setAccessibleName("Server address")
        self.address_edit.setPlaceholderText("e.g. https://sync.example-council.gov.uk")
        wanted = getattr(status, "settings_url", "") or ""
        enrolled = getattr(status, "server_url", "") if getattr(status, "configured", False) else ""
        self.address_edit.setText(wanted or enrolled)
        self.current = QLabel(self._current_words(status), self)
        self.current.setWordWrap(True)
        self.current.setAccessibleName("Current connection")
        self.current.setVisible(bool(self.current.text()))
        self.code_edit = QLineEdit(self)
        self.code_edit.setAccessibleName("One-time code")
        self.code_edit.setPlaceholderText("The code from your coordinator")
        self.device_edit = QLineEdit(device_name or platform.node() or "My computer", self)
        self.device_edit.setAccessibleName("Name for this computer")
        self.device_edit.setToolTip("So you can tell your devices apart, e.g. “Work laptop”")
        self.ca_edit = QLineEdit(self)
        self.ca_edit.setAccessibleName("Employer certificate file (optional)")
        self.ca_edit.setPlaceholderText("Only if your IT team gave you one")
        self.ca_browse = QPushButton("&Browse…", self)
        self.ca_browse.setAccessibleName("Choose the employer certificate file")
        self.ca_browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_browse)

        form = QFormLayout()
        form.addRow("Server &address:", self.address_edit)
        form.addRow("One-time &code:", self.code_edit)
        form.addRow("&Name for this computer:", self.device_edit)
        form.addRow("Employer cer&tificate:", ca_row)
        for field in (self.address_edit, self.code_edit, self.device_edit, self.ca_edit):
            label = form.labelForField(field if field is not self.ca_edit else ca_row)
            if isinstance(label, QLabel):
                label.setBuddy(field)

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Connecting")
        self.busy_bar.hide()
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Connection result")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.buttons = QDialogButtonBox(self)
        self.connect_button = self.buttons.addButton("C&onnect",
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setAccessibleName("Connect")
        self.connect_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        controller.enrolled.connect(self._succeeded)
        controller.enrol_failed.connect(self._failed)
        (self.code_edit if self.address_edit.text() else self.address_edit).setFocus()

    @staticmethod
    def _current_words(status: Any) -> str:
        """What this device is connected to now, when that matters for connecting again."""
        if not getattr(status, "configured", False):
            return ""
        url, who = status.server_url, getattr(status, "user_name", "")
        as_who = f" as {who}" if who else ""
        if getattr(status, "server_changed", False):
            return (f"This laptop is connected to {url}{as_who}. Settings name "
                    f"{status.settings_url} as your server, and this laptop has not been "
                    "enrolled with it: connect with a new code from your coordinator to use it. "
                    "Until then it does not sync.")
        return (f"This laptop is connected to {url}{as_who}. Connecting again replaces that "
                f"connection. With a code for {who or 'the same person'} the work on this "
                "laptop stays; with another person's code, the portfolios it holds are removed "
                "from it (changes not yet sent must be sent first).")

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Employer certificate file", "", "Certificates (*.pem *.crt *.cer);;All files (*)")
        if path:
            self.ca_edit.setText(path)

    def _say(self, text: str, *, problem: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(
            "QLabel { background: #fdecea; color: #7a1c14; border: 1px solid #e0a39c;"
            " border-radius: 3px; padding: 6px; }" if problem else
            "QLabel { background: #e7f4ea; color: #1d4d2b; border: 1px solid #9ccaa8;"
            " border-radius: 3px; padding: 6px; }")
        self.message.show()
        self.adjustSize()  # room for the words, never squeezing the fields

    def submit(self) -> None:
        if self.busy:
            return
        if self.connect_button.text() == "Close":
            self.accept()
            return
        address = normalised_address(self.address_edit.text())
        code = self.code_edit.text().strip()
        device = self.device_edit.text().strip() or "My computer"
        if not address:
            self._say("Type the server address your coordinator gave you.", problem=True)
            self.address_edit.setFocus()
            return
        if not code:
            self._say("Type the one-time code your coordinator gave you.", problem=True)
            self.code_edit.setFocus()
            return
        self.address_edit.setText(address)
        self._set_busy(True)
        self.message.hide()
        self.controller.enrol(address, code, device, self.ca_edit.text().strip() or None)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        for widget in (self.address_edit, self.code_edit, self.device_edit, self.ca_edit,
                       self.ca_browse, self.connect_button):
            widget.setEnabled(not busy)
        self.connect_button.setText("Connecting…" if busy else "C&onnect")

    def _failed(self, exc: Any) -> None:
        if not self.busy:
            return
        self._set_busy(False)
        message, hint = failure_text(exc)
        self._say(f"{message}\n{hint}".strip(), problem=True)
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        field = self.ca_edit if "TlsNotTrusted" in kinds else self.code_edit
        field.setFocus()  # where the fix is typed
        field.selectAll()

    def _succeeded(self, status: Any) -> None:
        if not self.busy:
            return
        self._set_busy(False)
        role = f" ({status.role})" if getattr(status, "role", "") else ""
        said = [f"Connected to {status.server_url} as {status.user_name}{role}."]
        if getattr(status, "enrolment", "") == "switched":
            said.extend(getattr(status, "notices", ()) or ())
        elif getattr(status, "enrolment", "") == "same":
            said.append("The same person as before: everything on this laptop is kept.")
        said.append("The first sync starts now.")
        self._say(" ".join(said), problem=False)
        for widget in (self.address_edit, self.code_edit, self.device_edit, self.ca_edit,
                       self.ca_browse):
            widget.setEnabled(False)
        self.cancel_button.hide()
        self.connect_button.setText("Close")
        self.connect_button.setAccessibleName("Close")
        self.connect_button.setFocus()
        self.connected.emit(status)

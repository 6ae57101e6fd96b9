"""What a user sees instead of a traceback: plain words, where the log is, "Copy details".

The details copied are for IT support: exception type, code locations, versions and OS.
Never the exception's message (it may quote what someone wrote) and never narrative.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assessor_app import __version__
from assessor_app.logsetup import log_file, technical_trace

log = logging.getLogger(__name__)

BUG_MESSAGE = "Something went wrong. Nothing was lost."
BUG_HINT = ("You can carry on working. If it happens again, press Copy details and send "
            "what it copies to your IT support, with a note of what you were doing.")


def plain_message(exc: BaseException) -> tuple[str, str]:
    """(message, hint): an AppError's own words; anything else is a bug, said plainly."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        hint = getattr(exc, "hint", "")
        return message, hint if isinstance(hint, str) else ""
    return BUG_MESSAGE, BUG_HINT


def technical_details(exc: BaseException) -> str:
    """The clipboard text: no message text, only types, locations and versions."""
    import platform

    return "\n".join([
        f"Assessor workbench {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PYSIDE_VERSION}",
        f"OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"Log file: {log_file()}",
        "",
        technical_trace(exc),
    ])


class ErrorDialog(QDialog):
    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assessor workbench")
        self.setAccessibleName("Error")
        self.setModal(True)
        self.details = technical_details(exc)
        message, hint = plain_message(exc)

        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message, self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        font = self.message_label.font()
        font.setBold(True)
        self.message_label.setFont(font)
        self.message_label.setAccessibleName("What happened")
        self.hint_label = QLabel(hint, self)
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("What to do")
        self.hint_label.setVisible(bool(hint))
        self.log_label = QLabel(f"The app's log file is {log_file()}", self)
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setAccessibleName("Log file location")

        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setAccessibleName("Copy technical details for IT support")
        self.copy_button.setToolTip("Copies the error type, code locations and versions "
                                    "(nothing you wrote) to the clipboard")
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")

        text = QVBoxLayout()
        text.addWidget(self.message_label)
        text.addWidget(self.hint_label)
        text.addSpacing(6)
        text.addWidget(self.log_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        close.setDefault(True)
        close.setFocus()

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")


_open_dialogs: list[ErrorDialog] = []


def show_error(exc: BaseException, parent: QWidget | None = None) -> ErrorDialog | None:
    """Open the dialog (not blocking). While one is open, further errors are only logged,
    so a failure repeating on a timer cannot bury the window in dialogs."""
    if any(d.isVisible() for d in _open_dialogs):
        return None
    dialog = ErrorDialog(exc, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_dialogs.append(dialog)
    dialog.destroyed.connect(lambda *_: _open_dialogs.remove(dialog)
                             if dialog in _open_dialogs else None)
    dialog.open()
    return dialog


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def install_excepthook(parent: Callable[[], QWidget | None] = lambda: None) -> ExceptHook:
    """Unhandled exceptions in Qt slots and callbacks: log them, show the dialog.

    Returns the previous hook (tests restore it).
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.error("Unhandled %s", kind.__name__, exc_info=(kind, exc, tb))
        if QApplication.instance() is None:
            previous(kind, exc, tb)
            return
        show_error(exc, parent())

    sys.excepthook = hook
    return previous

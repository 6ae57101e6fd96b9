"""The error dialog: plain words instead of a traceback, and technical details to copy."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor_app import __version__
from assessor_app.errors import StoreLocked
from assessor_app.logsetup import setup_logging
from assessor_app.ui.error_dialog import (
    BUG_MESSAGE,
    ErrorDialog,
    install_excepthook,
    show_error,
    technical_details,
)
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner

SECRET_TEXT = "Aisha Kowalczyk said the children were frightened"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def _shot(widget: ErrorDialog, name: str) -> None:
    image = widget.grab()
    assert not image.isNull() and image.width() >= 460
    SHOTS.mkdir(exist_ok=True)
    image.save(str(SHOTS / f"{name}.png"))


def _visible_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ErrorDialog) and w.isVisible()]


def test_a_bug_gets_the_plain_message_and_copyable_details(qtbot: QtBot) -> None:
    exc = _raise(KeyError(SECRET_TEXT))
    dialog = ErrorDialog(exc)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message_label.text() == BUG_MESSAGE
    assert "Traceback" not in dialog.message_label.text() + dialog.hint_label.text()
    assert "assessor-app.log" in dialog.log_label.text()
    _shot(dialog, "error-dialog-bug")
    qtbot.mouseClick(dialog.copy_button, qtbot_button())
    copied = QApplication.clipboard().text()
    assert copied == dialog.details
    assert f"Assessor workbench {__version__}" in copied
    assert "builtins.KeyError" in copied and "test_error_dialog.py" in copied
    assert "OS: " in copied and "Python " in copied
    assert "Kowalczyk" not in copied and "frightened" not in copied
    assert dialog.copy_button.text() == "Copied"


def qtbot_button():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_an_app_error_shows_its_own_message_and_hint(qtbot: QtBot) -> None:
    exc = StoreLocked("Your store could not be unlocked.", "Check the keyring is unlocked.")
    dialog = ErrorDialog(_raise(exc))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message_label.text() == "Your store could not be unlocked."
    assert dialog.hint_label.text() == "Check the keyring is unlocked."
    assert "could not be unlocked" not in technical_details(exc)
    _shot(dialog, "error-dialog-app-error")


def test_an_unhandled_op_failure_opens_the_dialog(qtbot: QtBot, runner: DbRunner,
                                                  window: MainWindow) -> None:
    def broken() -> None:
        raise RuntimeError(SECRET_TEXT)

    runner.run_op(broken)  # no on_failure: nobody else handles it
    qtbot.waitUntil(lambda: bool(_visible_dialogs()), timeout=5000)
    dialog = _visible_dialogs()[0]
    assert dialog.parent() is window and dialog.isModal()
    assert dialog.message_label.text() == BUG_MESSAGE
    assert "Kowalczyk" not in dialog.details
    # A second failure while it is open does not stack another dialog.
    runner.run_op(broken)
    qtbot.wait(200)
    assert len(_visible_dialogs()) == 1
    dialog.close()


def test_the_excepthook_logs_the_type_and_shows_the_dialog(qtbot: QtBot, user_dirs: Path) -> None:
    log_path = setup_logging()
    previous = install_excepthook()
    try:
        exc = _raise(ValueError(SECRET_TEXT))
        sys.excepthook(type(exc), exc, exc.__traceback__)
        qtbot.waitUntil(lambda: bool(_visible_dialogs()), timeout=5000)
        for d in _visible_dialogs():
            d.close()
    finally:
        sys.excepthook = previous
    for h in logging.getLogger().handlers:
        h.flush()
    assert log_path is not None
    text = log_path.read_text(encoding="utf-8")
    assert "Unhandled ValueError" in text and "builtins.ValueError" in text
    assert "Kowalczyk" not in text


def test_show_error_without_a_window(qtbot: QtBot) -> None:
    dialog = show_error(_raise(OSError(28, "No space left on device")))
    assert dialog is not None
    assert dialog.isVisible() and dialog.message_label.text() == BUG_MESSAGE
    assert dialog.parent() is None
    dialog.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)  # deleted on close
    assert not _visible_dialogs()

"""Start-up with a settings file edited into nonsense: the app opens on defaults, the file is
kept aside, a plain notice shows once. And ``--version`` answers fast, without Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assessor_app import __version__
from assessor_app.paths import settings_file
from assessor_app.settings import Settings, load_settings
from assessor_app.ui.qt_app import run_gui
from tests.ui.factories import TODAY, InMemoryWorkbench

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("PySide6", "sqlalchemy", "alembic", "reportlab", "pyhanko", "httpx", "keyring")


def _start_and_read_notice() -> list[str]:
    """Run the GUI until the list shows; returns the texts of any notice boxes."""
    notices: list[str] = []

    def watch() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible() and \
                    w.accessibleName() == "Settings notice" and w.text() not in notices:
                notices.append(w.text())
                w.button(QMessageBox.StandardButton.Ok).click()
        windows = [w for w in QApplication.topLevelWidgets()
                   if hasattr(w, "list_view") and w.isVisible()]
        if windows and windows[-1].list_view.model.rowCount():
            QTimer.singleShot(100, lambda: QApplication.instance().exit(0))
            return
        QTimer.singleShot(20, watch)

    QTimer.singleShot(0, watch)
    assert run_gui(InMemoryWorkbench, today=TODAY, settings=load_settings()) == 0
    return notices


def test_a_nonsense_settings_file_still_starts_the_app(qapp: QApplication) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    junk = b"\x89PNG\r\n\x1a\n{{{ this is not settings \xff\xfe"
    path.write_bytes(junk)
    notices = _start_and_read_notice()
    assert len(notices) == 1 and "could not be read" in notices[0]
    kept = [p for p in path.parent.iterdir() if p.name.startswith("settings.json.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == junk and kept[0].name in notices[0]
    assert load_settings().settings == Settings()
    assert _start_and_read_notice() == []  # once only


def test_version_is_quick_and_imports_nothing_heavy() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for cmd in ([sys.executable, "-X", "importtime", "-m", "assessor_app", "--version"],):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)
        assert proc.returncode == 0
        assert proc.stdout.strip() == f"assessor-app {__version__}"
        imported = {line.split("|")[-1].strip().split(".")[0]
                    for line in proc.stderr.splitlines() if line.startswith("import time:")}
        assert not imported & set(HEAVY), imported & set(HEAVY)


def test_run_gui_shows_unexpected_errors_in_the_dialog_and_restores_the_hook(
        qapp: QApplication) -> None:
    from assessor_app.ui.error_dialog import BUG_MESSAGE, ErrorDialog

    original = sys.excepthook
    seen: list[str] = []

    def raise_later() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if hasattr(w, "list_view") and w.isVisible()]
        if not (windows and windows[-1].list_view.model.rowCount()) or \
                sys.excepthook is original:
            QTimer.singleShot(20, raise_later)
            return
        try:
            raise RuntimeError("Aisha Kowalczyk")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)  # what Qt does for a slot
        QTimer.singleShot(50, collect)

    def collect() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, ErrorDialog) and w.isVisible():
                seen.append(w.message_label.text())
                w.close()
        QApplication.instance().exit(0)

    QTimer.singleShot(0, raise_later)
    assert run_gui(InMemoryWorkbench, today=TODAY) == 0
    assert seen == [BUG_MESSAGE]
    assert sys.excepthook is original

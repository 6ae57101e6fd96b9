"""Start-up: error dialogs in plain words, the first-paint-then-open order, the probe lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assessor_app.errors import MigrationFailed, StoreLocked
from assessor_app.ui import qt_app
from assessor_app.ui.qt_app import (
    GENERIC_START_ERROR,
    build_start_error_box,
    exit_code_for,
    run_gui,
    start_error_text,
)
from tests.ui.factories import TODAY, InMemoryWorkbench
from tests.ui.probe_api import LOCKED_HINT, LOCKED_MESSAGE

ROOT = Path(__file__).resolve().parents[2]


def test_app_error_text_is_its_message_and_hint() -> None:
    exc = StoreLocked(LOCKED_MESSAGE, LOCKED_HINT)
    assert start_error_text(exc) == (LOCKED_MESSAGE, LOCKED_HINT)
    assert exit_code_for(exc) == 4
    assert exit_code_for(MigrationFailed("x")) == 6


def test_other_errors_get_a_generic_plain_message() -> None:
    try:
        raise KeyError("sqlcipher internals")
    except KeyError as exc:
        text = "\n".join(start_error_text(exc))
        code = exit_code_for(exc)
    assert (text.split("\n")[0], code) == (GENERIC_START_ERROR[0], 1)
    assert "Traceback" not in text and "KeyError" not in text and "sqlcipher" not in text


def test_error_box_is_plain_text_with_the_hint(qapp: QApplication) -> None:
    box = build_start_error_box(StoreLocked(LOCKED_MESSAGE, LOCKED_HINT))
    assert box.text() == LOCKED_MESSAGE
    assert box.informativeText() == LOCKED_HINT
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.detailedText() == ""


def test_run_gui_shows_the_error_and_exits_with_its_code(qapp: QApplication) -> None:
    """In process: open_api raises; the dialog says so; closing it ends run_gui with the code."""
    seen: dict[str, str] = {}

    def close_dialog() -> None:
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, close_dialog)
            return
        seen["text"], seen["hint"] = box.text(), box.informativeText()
        box.button(QMessageBox.StandardButton.Close).click()

    def open_api() -> InMemoryWorkbench:
        raise StoreLocked(LOCKED_MESSAGE, LOCKED_HINT)

    QTimer.singleShot(0, close_dialog)
    code = run_gui(open_api, today=TODAY)
    assert code == 4
    assert seen == {"text": LOCKED_MESSAGE, "hint": LOCKED_HINT}


def test_run_gui_opens_the_store_only_after_the_first_paint(qapp: QApplication) -> None:
    events: list[str] = []

    def open_api() -> InMemoryWorkbench:
        painted = any(getattr(w, "_painted", False) for w in QApplication.topLevelWidgets())
        events.append(f"open_api painted={painted}")
        return InMemoryWorkbench()

    def quit_when_listed() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if hasattr(w, "list_view") and w.isVisible()]
        if windows and windows[-1].list_view.model.rowCount():
            events.append("listed")
            QApplication.instance().exit(0)
        else:
            QTimer.singleShot(20, quit_when_listed)

    QTimer.singleShot(0, quit_when_listed)
    assert run_gui(open_api, today=TODAY, demo=True) == 0
    assert events == ["open_api painted=True", "listed"]


def _run_probe(factory: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESSOR_APP_")}
    env.update(QT_QPA_PLATFORM="offscreen", ASSESSOR_APP_STARTUP_PROBE="1",
               ASSESSOR_APP_STARTUP_PROBE_QUIT="1")
    code = (f"from tests.ui.probe_api import {factory}\n"
            "from assessor_app.ui.qt_app import run_gui\n"
            f"raise SystemExit(run_gui({factory}))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.slow
def test_startup_probe_prints_first_paint_then_list_ready() -> None:
    proc = _run_probe("open_api")
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["first_paint", "list_ready"]
    first, ready = (float(line.split()[1]) for line in lines)
    assert 0 < first <= ready < 30


@pytest.mark.slow
def test_startup_failure_exits_with_the_error_code_and_no_traceback() -> None:
    proc = _run_probe("open_locked")
    assert proc.returncode == 4
    assert LOCKED_MESSAGE in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("first_paint ")
    assert "list_ready" not in proc.stdout


def test_process_age_is_plausible() -> None:
    age = qt_app.seconds_since_start()
    assert 0 < age < 24 * 3600


def test_run_gui_builds_the_window_and_preferences_after_the_shell(qapp: QApplication) -> None:
    """The shell paints first; by the time the list is shown the window is complete and the
    preferences (idle lock, system theme check) are attached."""
    seen: dict[str, object] = {}

    def quit_when_listed() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if hasattr(w, "list_view") and w.isVisible()]
        if windows and windows[-1].list_view.model.rowCount():
            w = windows[-1]
            seen.update(completed=w.completed, prefs=w.preferences is not None,
                        lock=w.preferences is not None and w.preferences.idle_lock is not None,
                        menus=[a.text() for a in w.menuBar().actions()])
            QApplication.instance().exit(0)
        else:
            QTimer.singleShot(20, quit_when_listed)

    QTimer.singleShot(0, quit_when_listed)
    assert run_gui(InMemoryWorkbench, today=TODAY, demo=True) == 0
    assert seen == {"completed": True, "prefs": True, "lock": True,
                    "menus": ["&File", "&Go", "&Evidence", "S&ync", "&Help"]}

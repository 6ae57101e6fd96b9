"""Idle lock: covers every window after a short idle time, PIN to unlock, autosave goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.keystore import MemorySecretStore, set_pin
from assessor_app.settings import Settings
from assessor_app.ui.idle_lock import LOCKED_TITLE, IdleLock, LockCover
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.preferences import Preferences
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.widgets.autosave import Autosaver
from tests.ui.conftest import open_page
from tests.ui.factories import PEOPLE

PIN = "4821"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


class Editor(QDialog):
    """A window with typed text and a real autosaver (its save goes to a list on the DB thread)."""

    def __init__(self, runner: DbRunner, parent: QWidget, saved: list[dict[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Observation — {PEOPLE[0].name}")
        self.text = QPlainTextEdit(self)
        self.label = QLabel(f"About {PEOPLE[0].name}", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.text)
        self.autosaver = Autosaver(runner, saved.append, self, delay_ms=60_000)
        self.text.textChanged.connect(
            lambda: self.autosaver.changed("notes", self.text.toPlainText()))


def visible_text(w: QWidget) -> str:
    parts = [w.windowTitle()]
    for child in w.findChildren(QWidget):
        if child.isVisible():
            for attr in ("text", "toPlainText", "windowTitle"):
                value = getattr(child, attr, None)
                if callable(value):
                    parts.append(str(value()))
    return "\n".join(parts)


@pytest.fixture
def editor(qtbot: QtBot, runner: DbRunner, window: MainWindow) -> tuple[Editor, list]:
    open_page(qtbot, window)
    saved: list[dict[str, str]] = []
    dialog = Editor(runner, window, saved)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, saved


def make_lock(window: MainWindow, **kwargs: object) -> IdleLock:
    return IdleLock(window, lambda pin: pin == PIN, **kwargs)  # type: ignore[arg-type]


def test_locks_when_idle_hiding_every_window_and_saving_typing(
        qtbot: QtBot, window: MainWindow, editor: tuple[Editor, list]) -> None:
    dialog, saved = editor
    name = PEOPLE[0].name
    assert name in visible_text(window) and name in visible_text(dialog)
    dialog.text.setPlainText("Typed just before the lock")  # waits 60 s for its debounce
    lock = make_lock(window, idle_ms=150)
    try:
        with qtbot.waitSignal(lock.locked, timeout=10_000):
            pass
        assert lock.is_locked
        # Nothing readable behind the cover: not in the main window, not in the editor.
        for w in (window, dialog):
            assert name not in visible_text(w)
            assert w.windowTitle() == LOCKED_TITLE
        assert not window.page_view.isVisible() and not dialog.text.isVisible()
        cover = window.findChild(LockCover)
        assert cover is not None and cover.isVisible() and cover.pin_edit is not None
        assert cover.pin_edit.hasFocus() or not window.isActiveWindow()
        SHOTS.mkdir(exist_ok=True)
        window.grab().save(str(SHOTS / "idle-lock-main.png"))
        dialog.grab().save(str(SHOTS / "idle-lock-dialog.png"))
        # The typing waiting for its debounce was flushed to the store as the lock began.
        qtbot.waitUntil(lambda: saved == [{"notes": "Typed just before the lock"}], timeout=5000)
        # Autosave keeps working while locked (a change arriving now is still written).
        dialog.autosaver.changed("notes", "later")
        dialog.autosaver.flush()
        qtbot.waitUntil(lambda: len(saved) == 2, timeout=5000)
        # Keys sent to the covered editor are eaten.
        qtbot.keyClicks(dialog.text, "xyz")
        assert dialog.text.toPlainText() == "Typed just before the lock"
    finally:
        lock.shutdown()


def test_wrong_pin_keeps_it_locked_right_pin_restores_everything(
        qtbot: QtBot, window: MainWindow, editor: tuple[Editor, list]) -> None:
    dialog, _ = editor
    title = window.windowTitle()
    lock = make_lock(window)
    try:
        lock.lock()
        cover = window.findChild(LockCover)
        assert cover is not None and cover.pin_edit is not None
        qtbot.keyClicks(cover.pin_edit, "0000")
        qtbot.keyClick(cover.pin_edit, Qt.Key.Key_Return)
        assert lock.is_locked and "not right" in cover.message.text()
        assert cover.pin_edit.text() == ""
        with qtbot.waitSignal(lock.unlocked, timeout=5000):
            qtbot.keyClicks(cover.pin_edit, PIN)
            qtbot.keyClick(cover.pin_edit, Qt.Key.Key_Return)
        assert not lock.is_locked
        assert window.windowTitle() == title and dialog.windowTitle().startswith("Observation")
        assert window.page_view.isVisible() and dialog.text.isVisible()
        assert PEOPLE[0].name in visible_text(window)
        qtbot.waitUntil(lambda: window.findChild(LockCover) is None, timeout=5000)
    finally:
        lock.shutdown()


def test_too_many_wrong_pins_make_you_wait(qtbot: QtBot, window: MainWindow) -> None:
    now = [0.0]
    lock = make_lock(window, clock=lambda: now[0])
    try:
        lock.lock()
        cover = window.findChild(LockCover)
        assert cover is not None and cover.pin_edit is not None
        for _ in range(5):
            cover.unlock_requested.emit("1111")
        assert "Wait 30 seconds" in cover.message.text()
        cover.unlock_requested.emit(PIN)  # even the right PIN waits
        assert lock.is_locked and "Try again in" in cover.message.text()
        now[0] = 31.0
        cover.unlock_requested.emit(PIN)
        assert not lock.is_locked
    finally:
        lock.shutdown()


def test_input_postpones_the_lock(qtbot: QtBot, window: MainWindow) -> None:
    now = [0.0]
    lock = make_lock(window, idle_ms=1000, clock=lambda: now[0])
    try:
        now[0] = 0.9
        qtbot.keyClick(window.list_view.filter_edit, Qt.Key.Key_A)
        now[0] = 1.5
        lock._tick()
        assert not lock.is_locked  # 0.6 s since the key press
        now[0] = 2.0
        lock._tick()
        assert lock.is_locked
    finally:
        lock.shutdown()


def test_a_window_opened_while_locked_is_covered(qtbot: QtBot, window: MainWindow) -> None:
    lock = make_lock(window)
    try:
        lock.lock()
        late = QDialog(window)
        label = QLabel(f"Report for {PEOPLE[1].name} is ready", late)
        late.show()
        qtbot.waitUntil(lambda: not label.isVisible(), timeout=5000)
        assert late.windowTitle() == LOCKED_TITLE
        lock.unlock()
        assert label.isVisible()
        late.close()
    finally:
        lock.shutdown()


def test_off_means_never_locking(qtbot: QtBot, window: MainWindow) -> None:
    now = [0.0]
    lock = make_lock(window, minutes=0, clock=lambda: now[0])
    try:
        now[0] = 10_000.0
        lock._tick()
        assert not lock.enabled and not lock.is_locked
    finally:
        lock.shutdown()


def test_preferences_turn_the_lock_on_only_with_a_pin(qtbot: QtBot, runner: DbRunner,
                                                      window: MainWindow, tmp_path: Path) -> None:
    secrets = MemorySecretStore()
    prefs = Preferences(Settings(idle_lock_minutes=5), tmp_path / "s.json",
                        secrets=lambda: secrets, parent=window)
    prefs.attach(window, runner)
    try:
        assert prefs.idle_lock is not None and not prefs.idle_lock.enabled  # no PIN yet
        set_pin(secrets, PIN)
        prefs.save(prefs.settings.replace(idle_lock_minutes=3))
        assert prefs.idle_lock.enabled and prefs.idle_lock.idle_ms == 180_000
        assert PIN not in (tmp_path / "s.json").read_text()
        # The PIN check runs on the DB thread and unlocks.
        prefs.idle_lock.lock()
        cover = window.findChild(LockCover)
        assert cover is not None
        with qtbot.waitSignal(prefs.idle_lock.unlocked, timeout=5000):
            cover.unlock_requested.emit(PIN)
        prefs.save(prefs.settings.replace(idle_lock_minutes=0))
        assert not prefs.idle_lock.enabled
    finally:
        prefs.idle_lock.shutdown()  # type: ignore[union-attr]
        QApplication.processEvents()


def test_a_modal_editor_gets_the_prompt_the_user_can_reach(
        qtbot: QtBot, runner: DbRunner, window: MainWindow) -> None:
    """A dialog opened with open() blocks input to the main window behind it, so the PIN is
    asked for on the dialog's own cover."""
    saved: list[dict[str, str]] = []
    dialog = Editor(runner, window, saved)
    dialog.open()  # window-modal, like the evidence editor
    qtbot.waitExposed(dialog)
    lock = make_lock(window)
    try:
        lock.lock()
        assert QApplication.activeModalWidget() is dialog
        cover = lock._prompt_cover()
        assert cover.parentWidget() is dialog and cover.pin_edit is not None
        dialog.grab().save(str(SHOTS / "idle-lock-modal-dialog.png"))
        with qtbot.waitSignal(lock.unlocked, timeout=5000):
            qtbot.keyClicks(cover.pin_edit, PIN)
            qtbot.keyClick(cover.pin_edit, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.text.isVisible()
    finally:
        lock.shutdown()
        dialog.close()


def test_real_editor_typing_is_in_the_store_after_the_lock(qtbot: QtBot, ctx: object) -> None:
    """The real evidence editor over a real encrypted store: text typed a moment before the
    lock (still inside the autosave delay) is written while the screen is locked."""
    from assessor_app.domain.enums import EnrolmentStatus, EvidenceKind
    from tests.review_demo import TODAY

    runner = DbRunner()
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    lock = make_lock(w)
    try:
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.list_ready, timeout=20_000):
            w.set_api(ctx)  # type: ignore[arg-type]
        active = next(r for r in ctx.list_rows(TODAY)  # type: ignore[attr-defined]
                      if r.status is EnrolmentStatus.ACTIVE)
        with qtbot.waitSignal(w.page_ready, timeout=20_000):
            w.open_practitioner(active.enrolment_id)
        w.new_evidence(EvidenceKind.REFLECTION.value)
        qtbot.waitUntil(lambda: w.evidence_dialog is not None, timeout=20_000)
        editor = w.evidence_dialog.editor  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: bool(editor.inputs), timeout=20_000)
        name, field = next((n, f) for n, f in editor.inputs.items() if hasattr(f, "toPlainText"))
        editor.autosaver._delay = 60_000  # typing that would wait a minute for its save
        field.setPlainText("What I learnt from the core group meeting.")
        assert not editor.autosaver.clean
        with qtbot.waitSignal(editor.autosaver.saved, timeout=20_000):
            lock.lock()
        assert lock.is_locked and not field.isVisible()
        form = ctx.evidence.load(editor.evidence_id)  # type: ignore[attr-defined]
        assert form.values[name] == "What I learnt from the core group meeting."
        lock.unlock()
        assert field.isVisible() and field.toPlainText().startswith("What I learnt")
        w.evidence_dialog.close()  # type: ignore[union-attr]
    finally:
        lock.shutdown()
        runner.shutdown()
        w.close()

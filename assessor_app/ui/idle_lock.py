"""Idle lock: after N minutes with no keyboard or mouse input, cover every window.

Each visible window's own widgets are hidden (so nothing is readable, on screen, in a
screenshot or to a screen reader) and a cover is put on top; the main window's cover
asks for the assessor's PIN. Nothing is closed: editors keep their text and their
autosave timers run on, and pending typing is flushed to the store as the lock starts.

The PIN, not the OS account password: checking an OS password needs PAM on Linux,
LogonUser on Windows and Authorization Services on macOS, each with its own rules
(and often administrator rights); the app keeps only a salted scrypt hash of its own
PIN in the keyring (``keystore.set_pin``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ui.widgets.autosave import Autosaver

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride,
    QEvent.Type.KeyRelease, QEvent.Type.MouseButtonRelease,
})
LOCKED_TITLE = "Assessor workbench — locked"
MAX_FREE_TRIES = 5
WAIT_AFTER_TRIES_S = 30


class LockCover(QWidget):
    """Fills a window while it is locked. Every cover asks for the PIN: a modal dialog
    (an editor opened with ``open()``, a wizard) blocks input to the windows behind it,
    so the prompt must be reachable on whichever window is on top."""

    unlock_requested = Signal(str)

    def __init__(self, window: QWidget, *, with_prompt: bool) -> None:
        super().__init__(window)
        self.setObjectName("lock-cover")
        self.setAutoFillBackground(True)
        self.setAccessibleName("Workbench locked")
        title = QLabel("The workbench is locked", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addSpacing(6)
        self.pin_edit: QLineEdit | None = None
        self.unlock_button: QPushButton | None = None
        self.message = QLabel("", self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Unlock message")
        if with_prompt:
            intro = QLabel("It locked itself because it was not used for a while. "
                           "Your work was saved. Enter your PIN to carry on.", self)
            intro.setWordWrap(True)
            intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(intro)
            self.pin_edit = QLineEdit(self)
            self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.pin_edit.setAccessibleName("Your PIN")
            self.pin_edit.setPlaceholderText("PIN")
            self.pin_edit.setMaximumWidth(220)
            self.unlock_button = QPushButton("&Unlock", self)
            self.unlock_button.setAccessibleName("Unlock")
            self.unlock_button.setDefault(True)
            layout.addSpacing(10)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.pin_edit)
            row.addWidget(self.unlock_button)
            row.addStretch(1)
            layout.addLayout(row)
            self.pin_edit.returnPressed.connect(self._submit)
            self.unlock_button.clicked.connect(self._submit)
        layout.addWidget(self.message)
        layout.addStretch(2)
        self.setGeometry(window.rect())
        window.installEventFilter(self)

    def _submit(self) -> None:
        if self.pin_edit is not None and self.pin_edit.isEnabled():
            self.unlock_requested.emit(self.pin_edit.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.parentWidget():
            self.setGeometry(self.parentWidget().rect())
        return False


class _Covered:
    """One window under the lock: what was hidden, the old title, the cover."""

    __slots__ = ("cover", "hidden", "title", "window")

    def __init__(self, window: QWidget, cover: LockCover) -> None:
        self.window, self.cover = window, cover
        self.title = window.windowTitle()
        self.hidden = [w for w in window.findChildren(QWidget, options=Qt.FindChildOption.
                                                      FindDirectChildrenOnly)
                       if w is not cover and not w.isHidden() and not w.isWindow()]


class IdleLock(QObject):
    """Watches input app-wide; locks after ``idle_ms`` (or ``minutes``) without any."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, check_pin: Callable[[str], bool], *,
                 minutes: int = 0, idle_ms: int | None = None,
                 run_check: Callable[[Callable[[], bool], Callable[[bool], None]], None] | None
                 = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self._check_pin = check_pin
        self._run_check = run_check or (lambda fn, done: done(fn()))
        self._clock = clock
        self._last_input = clock()
        self._covered: list[_Covered] = []
        self._asking: LockCover | None = None
        self._failures = 0
        self._wait_until = 0.0
        self.enabled = False
        self.idle_ms = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.configure(minutes=minutes, idle_ms=idle_ms)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return bool(self._covered)

    def configure(self, *, minutes: int = 0, idle_ms: int | None = None) -> None:
        """0 minutes (and no ``idle_ms``) switches the lock off; takes effect at once."""
        self.idle_ms = idle_ms if idle_ms is not None else minutes * 60_000
        self.enabled = self.idle_ms > 0
        self._last_input = self._clock()
        if self.enabled:
            self._timer.start(max(min(self.idle_ms // 4, 15_000), 50))
        else:
            self._timer.stop()

    def _tick(self) -> None:
        if self.enabled and not self.is_locked and \
                (self._clock() - self._last_input) * 1000 >= self.idle_ms:
            self.lock()

    # -- locking --------------------------------------------------------------
    def lock(self) -> None:
        if self.is_locked or not shiboken6.isValid(self.window):
            return
        for saver in self.window.findChildren(Autosaver):
            saver.flush()  # typing waiting for its debounce goes to the store now
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        windows = [self.window] + [w for w in QApplication.topLevelWidgets()
                                   if w is not self.window and w.isVisible()]
        for w in windows:
            self._cover(w)
        self.locked.emit()
        self._focus_prompt()

    def _cover(self, w: QWidget) -> None:
        if any(c.window is w for c in self._covered) or isinstance(w, LockCover):
            return
        cover = LockCover(w, with_prompt=True)
        entry = _Covered(w, cover)
        for child in entry.hidden:
            child.hide()
        w.setWindowTitle(LOCKED_TITLE)
        cover.show()
        cover.raise_()
        cover.unlock_requested.connect(lambda pin, c=cover: self._try_unlock(pin, c))
        self._covered.append(entry)

    def _prompt_cover(self) -> LockCover:
        """The cover the user can type into: the top modal window's, else the main window's."""
        top = QApplication.activeModalWidget()
        for entry in self._covered:
            if entry.window is top:
                return entry.cover
        return next(c.cover for c in self._covered if c.window is self.window)

    def _focus_prompt(self) -> None:
        cover = self._prompt_cover()
        if cover.pin_edit is not None:
            cover.window().activateWindow()
            cover.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _try_unlock(self, pin: str, cover: LockCover) -> None:
        self._asking = cover
        if self._clock() < self._wait_until:
            wait = int(self._wait_until - self._clock()) + 1
            cover.message.setText(f"Too many wrong PINs. Try again in {wait} seconds.")
            return
        assert cover.pin_edit is not None
        cover.pin_edit.setEnabled(False)
        cover.message.setText("Checking…")
        self._run_check(lambda: self._check_pin(pin), self._on_checked)

    def _on_checked(self, ok: bool) -> None:
        cover = self._asking
        if not self.is_locked or cover is None or not shiboken6.isValid(cover):
            return
        assert cover.pin_edit is not None
        cover.pin_edit.setEnabled(True)
        cover.pin_edit.clear()
        if ok:
            self._failures = 0
            self.unlock()
            return
        self._failures += 1
        if self._failures >= MAX_FREE_TRIES:
            self._wait_until = self._clock() + WAIT_AFTER_TRIES_S
            cover.message.setText(f"That PIN is not right. Wait {WAIT_AFTER_TRIES_S} seconds "
                                  "before trying again.")
        else:
            cover.message.setText("That PIN is not right. Try again.")
        cover.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def unlock(self) -> None:
        for entry in self._covered:
            if not shiboken6.isValid(entry.window):
                continue
            entry.cover.hide()
            entry.cover.deleteLater()
            for child in entry.hidden:
                if shiboken6.isValid(child):
                    child.show()
            entry.window.setWindowTitle(entry.title)
        self._covered.clear()
        self._last_input = self._clock()
        self.unlocked.emit()

    # -- input ----------------------------------------------------------------
    def _inside_a_cover(self, obj: QObject) -> bool:
        return isinstance(obj, QWidget) and any(
            obj is c.cover or c.cover.isAncestorOf(obj) for c in self._covered)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self._covered:
            if kind in INPUT_EVENTS:
                self._last_input = self._clock()
            return False
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow() \
                and not isinstance(watched, LockCover):
            QTimer.singleShot(0, lambda w=watched: self._cover_late(w))
            return False
        if kind in INPUT_EVENTS:
            return not self._inside_a_cover(watched)  # nothing reaches the covered windows
        return False

    def _cover_late(self, w: QWidget) -> None:
        """A window that opened while locked (an error, a finished report) is covered too."""
        if not (self.is_locked and shiboken6.isValid(w) and w.isVisible()):
            return
        if w.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            w.hide()
            return
        self._cover(w)

    def shutdown(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()

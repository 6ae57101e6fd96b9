"""What keeps a family inside hand-over mode: the assessor's PIN and the app kept out of sight.

The PIN lives only in memory, as a salted slow hash; a few wrong tries pause the PIN box.
``AppGuard`` hides the app's other windows while the family answers and turns the ways
out (Escape, Alt+F4, Ctrl+Q/W, Alt/Ctrl+Tab) into a request for the PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

MAX_TRIES = 5  # wrong PINs before a pause
_WAYS_OUT = {Qt.Key.Key_F4, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Q, Qt.Key.Key_W}
_MODS = (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.MetaModifier)


class PinCheck:
    """The hand-over PIN: checked in constant time, never kept as typed."""

    def __init__(self, pin: str) -> None:
        self._salt = os.urandom(16)
        self._digest = self._hash(pin)
        self.tries = 0

    def _hash(self, pin: str) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), self._salt, 50_000)

    def matches(self, pin: str) -> bool:
        ok = hmac.compare_digest(self._hash(pin), self._digest)
        self.tries = 0 if ok else self.tries + 1
        return ok

    @property
    def too_many(self) -> bool:
        return self.tries >= MAX_TRIES


def is_way_out(event: QKeyEvent) -> bool:
    key = event.key()
    return key == Qt.Key.Key_Escape or (key in _WAYS_OUT and bool(event.modifiers() & _MODS))


class AppGuard(QObject):
    """While active: the other windows hidden, the ways out turned into ``leave_requested``."""

    leave_requested = Signal()
    key_pressed = Signal(object)  # other key presses, for the window's number keys

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self._hidden: list[QWidget] = []
        self.active = False
        self._hide_others = True
        self.swallowed = False  # set by a key_pressed handler that used the key

    def start(self, hide_others: bool = True) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.active = True
        self._hide_others = hide_others
        if hide_others:
            self._hidden = [w for w in QApplication.topLevelWidgets()
                            if w is not self._owner and w.isVisible() and w.isWindow()]
            for w in self._hidden:
                w.hide()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.active = False
        for w in dict.fromkeys(self._hidden):  # once each, in the order they were hidden
            if shiboken6.isValid(w):
                w.show()
        self._hidden = []

    def _belongs(self, widget: QWidget) -> bool:
        w: QWidget | None = widget
        while w is not None:
            if w is self._owner:
                return True
            w = w.parentWidget()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.active:
            return False
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow() \
                and self._hide_others and not self._belongs(watched):
            # Something of the app opened a window (a message, a dialog): it waits, hidden,
            # until the assessor is back.
            self._hidden.append(watched)
            QTimer.singleShot(0, lambda w=watched: shiboken6.isValid(w) and w.hide())
            return False
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        if is_way_out(event):
            if kind == QEvent.Type.KeyPress:
                self.leave_requested.emit()
            event.accept()
            return True  # the shortcut never reaches the app
        if kind == QEvent.Type.KeyPress:
            self.swallowed = False
            self.key_pressed.emit(event)
            return self.swallowed
        return False

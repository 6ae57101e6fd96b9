"""A slim, non-modal message strip at the top of an editor, with up to two actions.

Used when a sync changes the record under an open editor: "Updated from your other device
at 14:32", "… both versions are kept — Review…", "This record was deleted … Restore / Save
as a new record". It never takes the focus from the text being typed; the words always say
the state (the tint only helps), and a screen reader hears it as an alert.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

#: (background, border, text) per tone: both pass 4.5:1 for the text on either palette
TONES = {"info": ("#e3f0fb", "#7aaad6", "#0b1f33"),
         "conflict": ("#fff3cd", "#d9a400", "#3d2e00"),
         "deleted": ("#fde2e1", "#d46a6a", "#4a0f0f"),
         "removed": ("#fde2e1", "#d46a6a", "#4a0f0f")}  # left this laptop (a scope exit)


class NoticeBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notice about this record")
        self.tone = ""
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Notice")
        self.buttons = [QPushButton(self), QPushButton(self)]
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss this notice")
        self.close_button.setToolTip("Dismiss this notice")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        for n, b in enumerate(self.buttons, 1):
            b.setAccessibleName(f"Notice action {n}")  # named for what it does when shown
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click never pulls focus from typing
            b.hide()
            layout.addWidget(b)
        layout.addWidget(self.close_button)
        self._slots: list[Callable[[], object] | None] = [None, None]
        for i, b in enumerate(self.buttons):
            b.clicked.connect(lambda _=False, i=i: self._clicked(i))
        self.hide()

    def show_notice(self, tone: str, text: str,
                    actions: tuple[tuple[str, str, Callable[[], object]], ...] = (),
                    *, closable: bool = True) -> None:
        """Show ``text``; ``actions`` are (button text, accessible name, slot)."""
        background, border, colour = TONES.get(tone, TONES["info"])
        self.tone = tone
        self.setStyleSheet(
            f"QFrame#noticeBar {{ background: {background}; border: 1px solid {border};"
            " border-radius: 4px; }"
            f" QFrame#noticeBar QLabel {{ color: {colour}; background: transparent; }}"
            f" QFrame#noticeBar QToolButton {{ color: {colour}; }}")
        self.label.setText(text)
        self.setAccessibleDescription(text)
        for i, b in enumerate(self.buttons):
            if i < len(actions):
                caption, name, slot = actions[i]
                b.setText(caption)
                b.setAccessibleName(name)
                self._slots[i] = slot
                b.show()
            else:
                self._slots[i] = None
                b.hide()
        self.close_button.setVisible(closable)
        self.show()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _clicked(self, i: int) -> None:
        slot = self._slots[i]
        if slot is not None:
            slot()

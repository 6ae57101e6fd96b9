"""The notice that records left this laptop: a practitioner was moved to another assessor (or
unassigned, or the user's role changed), so their portfolio was removed here.

Shown by ``SyncUi`` when the sync status carries notices the user has not read, whatever
synced (the app by itself, or ``assessor-app sync``). Not modal: the user may keep working;
choosing "I understand" marks the notices read, closing it any other way shows it again at
the next sync. The words come from the service (``services/scope_notices.py``).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

TITLE = "Removed from this laptop"
LEAD = "Some records are no longer yours to keep, so they have been removed from this laptop:"


class RemovalNotice(QDialog):
    acknowledged = Signal()

    def __init__(self, notices: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.setAccessibleName(TITLE)
        self.notices = notices
        layout = QVBoxLayout(self)
        lead = QLabel(LEAD, self)
        lead.setWordWrap(True)
        layout.addWidget(lead)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("What was removed")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("I &understand", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.set_notices(notices)
        self.setMinimumWidth(460)

    def set_notices(self, notices: tuple[str, ...]) -> None:
        self.notices = notices
        self.text.setText("".join(f"<p>{escape(n, quote=False)}</p>" for n in notices))
        self.text.setAccessibleDescription(" ".join(notices))

    def accept(self) -> None:
        self.acknowledged.emit()
        super().accept()

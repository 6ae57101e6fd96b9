"""Programme length against its maximum: one status line and the dates behind it.

Sits above the evidence minimums on the practitioner page. The status is said in words
with a symbol ("✗ Beyond the 24-month limit by 1 month and 5 days"); red and bold only
add to it when the end falls beyond the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from assessor_app.domain.enums import LengthStatus
from assessor_app.ui import length_words
from assessor_app.ui.colours import muted_text, overdue_red

if TYPE_CHECKING:
    from assessor_app.domain.programme_length import LengthCheck


class ProgrammeLengthPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Programme length")
        self.title = QLabel("<b>Programme length</b>", self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Programme length status")
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("Programme length dates")
        self._plain = QPalette(self.status.palette())
        self._red = QPalette(self._plain)
        self._red.setColor(self.status.foregroundRole(), overdue_red(self._plain))
        muted = QPalette(self.detail.palette())
        muted.setColor(self.detail.foregroundRole(), muted_text(muted))
        self.detail.setPalette(muted)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.detail)

    def set_length(self, check: LengthCheck | None, *, months: int, max_months: int | None) -> None:
        """``check`` is None when the programme sets no maximum or the enrolment has closed."""
        font = QFont(self.status.font())
        if check is None:
            self.status.setText(length_words.no_check_text(months, max_months))
            self.status.setPalette(self._plain)
            font.setBold(False)
            self.status.setFont(font)
            self.detail.setText("")
            self.detail.setVisible(False)
            self.status.setToolTip("")
            self.setAccessibleDescription(self.status.text())
            return
        beyond = check.status is LengthStatus.BEYOND
        self.status.setText(length_words.status_line(check))
        self.status.setPalette(self._red if beyond else self._plain)
        font.setBold(check.status is not LengthStatus.WITHIN)
        self.status.setFont(font)
        # A line for each date; the tooltip and the accessible description say what counts.
        self.detail.setText(length_words.detail_text(check, why=False, sep="\n"))
        self.detail.setVisible(True)
        tip = length_words.tooltip(check)
        self.status.setToolTip(tip)
        self.detail.setToolTip(tip)
        self.setAccessibleDescription(
            f"{check.phrase()}. {length_words.detail_text(check, spoken=True)}")

    def text(self) -> str:
        """What the panel says, for tests and the page's summary."""
        return " ".join(t for t in (self.status.text(), self.detail.text()) if t)

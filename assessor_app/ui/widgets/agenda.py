""""Coming up": overdue and soon-due items across every practitioner, in date order, with
anyone close to or beyond the programme's maximum length between the two.

Fills the space under a short list (assessors usually have 1–8 practitioners) with what
they most often open the app to find out. Each line links to the practitioner's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from assessor_app.ui.colours import muted_text, overdue_red
from assessor_app.ui.dates import long_date, short_date
from assessor_app.ui.models.practitioner_list_model import RUNNING, length_cue

if TYPE_CHECKING:
    from assessor_app.domain.dto import PractitionerRow
    from assessor_app.domain.timeline import DueItem

HORIZON_DAYS = 42
MAX_LINES = 12


def agenda_entries(rows: Sequence[PractitionerRow], today: date
                   ) -> list[tuple[bool, DueItem, PractitionerRow]]:
    """(overdue?, item, row): every overdue item, then next-due items within six weeks."""
    overdue = [(True, d, r) for r in rows if r.status in RUNNING for d in r.overdue]
    soon = [(False, r.next_due, r) for r in rows
            if r.status in RUNNING and r.next_due is not None
            and r.next_due.due <= today + timedelta(days=HORIZON_DAYS)]
    overdue.sort(key=lambda e: (e[1].due, e[2].name))
    soon.sort(key=lambda e: (e[1].due, e[2].name))  # type: ignore[union-attr]
    return [*overdue, *soon][:MAX_LINES]  # type: ignore[list-item]


class AgendaPanel(QWidget):
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Coming up</b>", self)
        self.body = QLabel(self)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.body.setAccessibleName("Coming up: overdue and soon-due items")
        self.body.setToolTip("Click a name to open that practitioner")
        self.body.linkActivated.connect(self.open_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        self.lines: list[str] = []

    def set_rows(self, rows: Sequence[PractitionerRow], today: date) -> None:
        red = overdue_red(self.palette()).name()
        muted = muted_text(self.palette()).name()
        html, self.lines = [], []
        entries = agenda_entries(rows, today)
        limits = self._limit_lines(rows, red)
        for overdue, item, row in entries:
            when = f"was due {long_date(item.due)}" if overdue else f"due {short_date(item.due)}"
            flag = (f"<span style='color:{red}; font-weight:bold'>Overdue</span> · "
                    if overdue else "")
            html.append(f"{flag}<a href='{escape(row.enrolment_id)}'>{escape(row.name)}</a>: "
                        f"{escape(item.title)} <span style='color:{muted}'>{escape(when)}</span>")
            self.lines.append(f"{'Overdue: ' if overdue else ''}{row.name}: {item.title}, {when}")
        after_overdue = sum(1 for e in entries if e[0])
        html[after_overdue:after_overdue] = [h for h, _ in limits]
        self.lines[after_overdue:after_overdue] = [t for _, t in limits]
        if not html:
            html = [f"<span style='color:{muted}'>Nothing overdue and nothing due in the next "
                    f"{HORIZON_DAYS // 7} weeks.</span>"]
        self.body.setText("".join(f"<p style='margin-top:0; margin-bottom:4px'>{line}</p>"
                                  for line in html))
        self.body.setAccessibleDescription("; ".join(self.lines) or "Nothing coming up")

    @staticmethod
    def _limit_lines(rows: Sequence[PractitionerRow], red: str) -> list[tuple[str, str]]:
        """(html, words) for each practitioner close to or beyond the maximum length."""
        out = []
        for row in sorted(rows, key=lambda r: r.name):
            cue = length_cue(row)
            if not cue or row.length is None:
                continue
            beyond = row.length.days_over > 0
            flag = "Time limit"
            style = f"color:{red}; font-weight:bold" if beyond else "font-weight:bold"
            latest = f"latest permitted end {long_date(row.length.latest_end)}"
            out.append((f"<span style='{style}'>{flag}</span> · <a href='{escape(row.enrolment_id)}'>"
                        f"{escape(row.name)}</a>: {escape(cue.lower())} ({escape(latest)})",
                        f"{flag}: {row.name}: {cue.lower()} ({latest})"))
        return out

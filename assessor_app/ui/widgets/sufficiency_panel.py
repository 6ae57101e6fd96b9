"""Evidence minimums: "Direct observations 2 of 3", a small bar, and a tick or cross in words.

Status is said in text ("✓ Met", "✗ 1 more needed"), never by colour alone; drafts are
noted beside the count because they do not count until made final.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from assessor_app.domain.enums import KIND_LABELS, EvidenceKind
from assessor_app.domain.sufficiency import MinimumStatus, Sufficiency
from assessor_app.ui.colours import overdue_red

# Short names keep each row on one line in the narrow side panel; the programme's own
# (possibly employer-edited) label is in the tooltip and the accessible name.
SHORT_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.OBSERVATION: "Direct observations",
    EvidenceKind.RECORD_REVIEW: "Written work",
    EvidenceKind.FEEDBACK_LIVED: "Lived experience feedback",
    EvidenceKind.FEEDBACK_PROFESSIONAL: "Professional feedback",
    EvidenceKind.REFLECTION: "Critical reflections",
    EvidenceKind.SELF_ASSESSMENT: "Self-assessments",
    EvidenceKind.SUPERVISION: "Supervision entries",
}


def minimum_label(m: MinimumStatus) -> str:
    """The programme's wording (tooltips, screen readers)."""
    return m.label or KIND_LABELS[m.kind]


def short_label(m: MinimumStatus) -> str:
    return SHORT_LABELS.get(m.kind, minimum_label(m))


def minimum_status_text(m: MinimumStatus) -> str:
    if m.met:
        return "✓ Met"
    missing = m.required - m.have
    return f"✗ {missing} more needed"


def drafts_text(m: MinimumStatus) -> str:
    if not m.drafts:
        return ""
    return f"+{m.drafts} draft" + ("s" if m.drafts != 1 else "")


def minimum_sentence(m: MinimumStatus) -> str:
    """One line a screen reader can say."""
    parts = [f"{minimum_label(m)}: {m.have} of {m.required}",
             "met" if m.met else f"{m.required - m.have} more needed"]
    if m.drafts:
        parts.append(f"{m.drafts} in draft, not yet counted")
    return ", ".join(parts)


class _MinimumRow:
    """The four widgets of one minimum, kept and refilled when another page opens."""

    def __init__(self, panel: QWidget, grid: QGridLayout, index: int) -> None:
        self.name = QLabel(panel)
        self.name.setWordWrap(True)  # lets the panel narrow instead of overflowing
        self.count = QLabel(panel)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bar = QProgressBar(panel)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setMinimumWidth(40)
        self.status = QLabel(panel)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._plain = QPalette(self.status.palette())
        self._red = QPalette(self._plain)
        self._red.setColor(self.status.foregroundRole(), overdue_red(self._plain))
        row = index * 2
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.count, row, 1)
        grid.addWidget(self.bar, row + 1, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.status, row + 1, 1)
        grid.setRowMinimumHeight(row + 1, panel.fontMetrics().height() + 6)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.count, self.bar, self.status)

    def show(self, m: MinimumStatus) -> None:
        """Two lines: "Direct observations ... 2 of 3 (+1 draft)", then a bar and "✓ Met"."""
        sentence = minimum_sentence(m)
        self.name.setText(short_label(m))
        self.name.setToolTip(minimum_label(m))
        self.count.setText(f"{m.have} of {m.required}" + (f" ({drafts_text(m)})" if m.drafts else ""))
        self.count.setToolTip(sentence + ("; drafts count once they are made final" if m.drafts else ""))
        self.bar.setRange(0, max(m.required, 1))
        self.bar.setValue(min(m.have, m.required))
        self.bar.setAccessibleName(sentence)
        self.bar.setToolTip(sentence)
        self.status.setText(minimum_status_text(m))
        self.status.setToolTip(sentence)
        font = QFont(self.status.font())
        font.setBold(not m.met)
        self.status.setFont(font)
        self.status.setPalette(self._plain if m.met else self._red)
        for w in self.widgets():
            w.setVisible(True)


class SufficiencyPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Evidence minimums")
        self.title = QLabel("<b>Evidence minimums</b>", self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(1)
        self.grid.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(self.grid)
        self._rows: list[_MinimumRow] = []
        self.rows_text: list[str] = []

    def set_sufficiency(self, sufficiency: Sufficiency) -> None:
        minimums = sufficiency.minimums
        met = sum(1 for m in minimums if m.met)
        if not minimums:
            self.summary.setText("This programme sets no evidence minimums.")
        elif met == len(minimums):
            self.summary.setText("✓ All minimums met.")
        else:
            self.summary.setText(f"{met} of {len(minimums)} minimums met.")
        self.rows_text = [minimum_sentence(m) for m in minimums]
        self.setAccessibleDescription(". ".join(self.rows_text))
        while len(self._rows) < len(minimums):
            self._rows.append(_MinimumRow(self, self.grid, len(self._rows)))
        for i, row in enumerate(self._rows):
            if i < len(minimums):
                row.show(minimums[i])
            else:
                for w in row.widgets():
                    w.setVisible(False)

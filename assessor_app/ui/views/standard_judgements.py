"""The standards part of the final assessment: a table of every standard and, beside it,
the judgement, comment and evidence of the selected one.

Evidence linked to a standard is listed strongest link first; for a standard the
assessor has not judged yet, every final piece is ticked (the suggestion), and it
stays editable. Each change is kept in ``judgements`` and announced by ``changed``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.enums import KIND_SHORT, EvidenceStatus
from assessor_app.domain.review_dto import (
    STANDARD_JUDGEMENTS,
    AssessmentEditorData,
    StandardJudgementInput,
)
from assessor_app.ui.dates import day_month_year
from assessor_app.ui.views.editor_parts import section_label, text_box
from assessor_app.ui.views.live_fields import replace_text

STRENGTH_WORDS = {1: "some", 2: "clear", 3: "strong"}
KEY_ROLE = Qt.ItemDataRole.UserRole


class StandardJudgementsPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: AssessmentEditorData | None = None
        self.judgements: dict[str, StandardJudgementInput] = {}
        self._filling = False
        self._read_only = False

        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Framework", "Standard", "Judgement", "Evidence"])
        self.table.setAccessibleName("Standards: choose one to judge it")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for col, mode in enumerate((fit, stretch, fit, fit)):
            header.setSectionResizeMode(col, mode)
        self.standard_title = QLabel("", self)
        self.standard_title.setWordWrap(True)
        self.standard_title.setAccessibleName("Selected standard")
        self.judgement_combo = QComboBox(self)
        self.judgement_combo.setAccessibleName("Judgement for the selected standard")
        self.judgement_combo.addItem("— not judged yet —", "")
        for value, label in STANDARD_JUDGEMENTS.items():
            self.judgement_combo.addItem(label, value)
        self.comment = text_box("Comment on the selected standard", self, lines=3)
        self.evidence_list = QListWidget(self)
        self.evidence_list.setAccessibleName(
            "Evidence for the selected standard: tick each piece that supports the judgement")
        self.evidence_list.setWordWrap(True)
        self.evidence_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence_list.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap on resize
        self.evidence_list.setStyleSheet("QListWidget::item { padding: 3px 2px; }")
        self.suggest_button = QPushButton("Select su&ggested", self)
        self.suggest_button.setAccessibleName("Select the suggested evidence for this standard")
        self.clear_button = QPushButton("Clear selection", self)
        self.clear_button.setAccessibleName("Untick all evidence for this standard")

        detail = QWidget(self)
        d = QVBoxLayout(detail)
        d.setContentsMargins(8, 0, 0, 0)
        d.addWidget(self.standard_title)
        row = QHBoxLayout()
        judgement_label = QLabel("&Judgement:", detail)
        judgement_label.setBuddy(self.judgement_combo)
        row.addWidget(judgement_label)
        row.addWidget(self.judgement_combo, 1)
        d.addLayout(row)
        d.addWidget(section_label("Comment", detail, self.comment))
        d.addWidget(self.comment)
        d.addWidget(section_label("Evidence (strongest link first; ticked = cited)", detail,
                                  self.evidence_list))
        d.addWidget(self.evidence_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.suggest_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        d.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.table.currentCellChanged.connect(lambda *_: self._show_standard())
        self.judgement_combo.currentIndexChanged.connect(lambda _i: self._detail_changed())
        self.comment.textChanged.connect(self._detail_changed)
        self.evidence_list.itemChanged.connect(lambda _i: self._detail_changed())
        self.suggest_button.clicked.connect(lambda: self._tick(suggested=True))
        self.clear_button.clicked.connect(lambda: self._tick(suggested=False))

    def set_data(self, data: AssessmentEditorData) -> None:
        """Show every standard; unjudged ones start with the suggested evidence ticked."""
        self.data = data
        self.judgements = shown_judgements(data)
        row = max(self.table.currentRow(), 0)
        self._filling = True
        self.table.setRowCount(len(data.standards))
        for r, s in enumerate(data.standards):
            self.table.setItem(r, 0, QTableWidgetItem(s.framework_title))
            item = QTableWidgetItem(f"{s.code}  {s.title}")
            item.setData(KEY_ROLE, s.key)
            item.setToolTip(s.title)
            self.table.setItem(r, 1, item)
            self._show_row(r)
        self._filling = False
        self.table.resizeRowsToContents()
        if data.standards:
            self.table.setCurrentCell(min(row, len(data.standards) - 1), 1)
        self._show_standard()

    def take_in(self, data: AssessmentEditorData,
                changed: dict[str, StandardJudgementInput]) -> None:
        """The same assessment read again (after a sync): its evidence lists, and the
        judgements in ``changed`` (the person had not touched them); the rest stay as
        they are on screen."""
        self.data = data
        self.judgements.update({k: j for k, j in changed.items() if k in self.judgements})
        for r in range(min(self.table.rowCount(), len(data.standards))):
            self._show_row(r)
        self._show_standard(keep_place=True)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.comment.setReadOnly(read_only)
        for w in (self.judgement_combo, self.suggest_button, self.clear_button):
            w.setEnabled(not read_only)
        self._show_standard()

    def _show_row(self, r: int) -> None:
        assert self.data is not None
        s = self.data.standards[r]
        j = self.judgements[s.key]
        self.table.setItem(r, 2, QTableWidgetItem(STANDARD_JUDGEMENTS.get(j.judgement, "—")))
        linked = len(self.data.options.get(s.key, ()))
        cell = QTableWidgetItem(f"{len(j.evidence_ids)} of {linked}")
        cell.setToolTip(f"{len(j.evidence_ids)} cited of {linked} linked")
        self.table.setItem(r, 3, cell)

    def current_key(self) -> str:
        item = self.table.item(self.table.currentRow(), 1)
        return str(item.data(KEY_ROLE)) if item else ""

    def select_standard(self, key: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 1).data(KEY_ROLE) == key:
                self.table.setCurrentCell(r, 1)
                return

    def _show_standard(self, *, keep_place: bool = False) -> None:
        key = self.current_key()
        if self.data is None or not key or key not in self.judgements:
            return
        s = next(x for x in self.data.standards if x.key == key)
        j = self.judgements[key]
        was_filling, self._filling = self._filling, True
        self.standard_title.setText(f"<b>{s.framework_title} {s.code}</b> — {s.title}")
        self.judgement_combo.setCurrentIndex(max(0, self.judgement_combo.findData(j.judgement)))
        if keep_place:
            replace_text(self.comment, j.comment)  # the cursor stays where it was
        else:
            self.comment.setPlainText(j.comment)
        self.evidence_list.clear()
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self._read_only:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        for o in self.data.options.get(key, ()):
            draft = " · draft, not counted" if o.status is EvidenceStatus.DRAFT else ""
            item = QListWidgetItem(f"{o.title or 'Untitled'}\n{day_month_year(o.occurred_on)} · "
                                   f"{KIND_SHORT[o.kind]} · {STRENGTH_WORDS.get(o.strength, '')} "
                                   f"link{draft}")
            item.setData(KEY_ROLE, o.id)
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if o.id in j.evidence_ids
                               else Qt.CheckState.Unchecked)
            self.evidence_list.addItem(item)
        if not self.data.options.get(key):
            self.evidence_list.addItem(QListWidgetItem("No evidence is linked to this standard yet."))
        self._filling = was_filling

    def _detail_changed(self) -> None:
        key = self.current_key()
        if self._filling or not key:
            return
        chosen = tuple(str(it.data(KEY_ROLE)) for i in range(self.evidence_list.count())
                       if (it := self.evidence_list.item(i)).data(KEY_ROLE)
                       and it.checkState() == Qt.CheckState.Checked)
        self.judgements[key] = StandardJudgementInput(
            str(self.judgement_combo.currentData() or ""), chosen, self.comment.toPlainText())
        self._show_row(self.table.currentRow())
        self.changed.emit()

    def _tick(self, *, suggested: bool) -> None:
        if self.data is None:
            return
        wanted = set(self.data.suggested.get(self.current_key(), ())) if suggested else set()
        self._filling = True
        for i in range(self.evidence_list.count()):
            it = self.evidence_list.item(i)
            if it.data(KEY_ROLE):
                it.setCheckState(Qt.CheckState.Checked if it.data(KEY_ROLE) in wanted
                                 else Qt.CheckState.Unchecked)
        self._filling = False
        self._detail_changed()


def shown_judgements(data: AssessmentEditorData) -> dict[str, StandardJudgementInput]:
    """Every standard's judgement as the panel shows it: unjudged ones with the suggested
    evidence ticked."""
    saved = data.record.data.judgements
    return {s.key: saved.get(s.key) or StandardJudgementInput("", data.suggested.get(s.key, ()), "")
            for s in data.standards}

"""The final assessment editor: a judgement per standard with the evidence behind it, the
narrative, the recommendation and its rationale, and the rules' warnings as you type.

The standards table lists every standard; the pane beside it edits the selected one.
Evidence linked to a standard is listed strongest first and, until the assessor has
chosen for that standard, every final piece is pre-selected. Warnings are worked out
on the GUI thread by the pure rules in ``domain.assessment_rules`` (no I/O); loading
and saving go through ``api.assessment`` on the DB thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.assessment_rules import MIN_RATIONALE_CHARS, RuleWarning, blocking, check
from assessor_app.domain.review_dto import (
    RECOMMENDATIONS,
    AssessmentEditorData,
    AssessmentInput,
)
from assessor_app.ui.tasks import DbRunner, Op, on_worker
from assessor_app.ui.views.editor_parts import (
    PendingOps,
    SaveBar,
    error_text,
    radio_row,
    save_shortcut,
    section_label,
    set_status,
    text_box,
)
from assessor_app.ui.views.standard_judgements import StandardJudgementsPanel

_KEY = Qt.ItemDataRole.UserRole


class FinalAssessmentEditor(QWidget):
    data_loaded = Signal()
    saved = Signal(object)  # the AssessmentEditorData after saving
    failed = Signal(str)
    warnings_changed = Signal()

    def __init__(self, runner: DbRunner, api: Any, *, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.api, self._today = runner, api, today
        self.setAccessibleName("Final assessment editor")
        self.data: AssessmentEditorData | None = None
        self.warnings: tuple[RuleWarning, ...] = ()
        self._enrolment_id = ""
        self._filling = False
        self._ops = PendingOps(self)
        self._build()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel("Final assessment", self)
        self.title_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.status_label = QLabel("", self)
        self.status_label.setAccessibleName("Assessment status")
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Final assessment sections")
        self.standards = StandardJudgementsPanel(self)
        self.standards.changed.connect(self._refresh_warnings)
        self.tabs.addTab(self.standards, "&Standards")
        self.tabs.addTab(self._narrative_tab(), "S&trengths and development")
        self.tabs.addTab(self._recommendation_tab(), "&Recommendation and comments")

        self.warning_list = QListWidget(self)
        self.warning_list.setAccessibleName("Warnings: what the assessment still lacks")
        self.warning_list.setWordWrap(True)
        self.warning_list.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap on resize
        self.warning_list.setStyleSheet(
            "QListWidget::item { padding: 4px 2px; border-bottom: 1px solid palette(midlight); }")
        self.warning_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warning_title = section_label("Warnings", self, self.warning_list)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(self.warning_title)
        side_layout.addWidget(self.warning_list, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.tabs)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([960, 300])

        bottom = SaveBar(self, hint_stretch=2)
        self.message, self.final_hint = bottom.message, bottom.final_hint
        self.save_button, self.final_button = bottom.save_button, bottom.final_button
        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        self.warning_list.itemActivated.connect(self._on_warning_activated)
        self.save_button.clicked.connect(lambda: self.save(final=False))
        self.final_button.clicked.connect(lambda: self.save(final=True))
        save_shortcut(self, lambda: self.save(final=False))

    def _narrative_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.strengths = text_box("Strengths", tab, lines=4, grow=True)
        self.development = text_box("Areas for development", tab, lines=4, grow=True)
        self.year2_plan = text_box("Development plan for year 2", tab, lines=4, grow=True)
        for label, box in (("Strengths", self.strengths),
                           ("Areas for development", self.development),
                           ("Development plan for year 2", self.year2_plan)):
            layout.addWidget(section_label(label, tab, box))
            layout.addWidget(box, 1)
            box.textChanged.connect(self._refresh_warnings)
        return tab

    def _recommendation_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.addWidget(section_label("Recommendation", tab))
        self.recommendation_group, self.recommendation_buttons, row = radio_row(
            self, tab, "Recommendation", RECOMMENDATIONS)
        layout.addLayout(row)
        self.rationale = text_box("Rationale for the recommendation", tab, lines=5, grow=True,
                                  placeholder="Why this recommendation, with reference to the evidence")
        self.rationale_count = QLabel("", tab)
        self.rationale_count.setAccessibleName("Rationale length")
        layout.addWidget(section_label("Rationale (required)", tab, self.rationale))
        layout.addWidget(self.rationale, 2)
        layout.addWidget(self.rationale_count)
        self.practitioner_comments = text_box("Practitioner's comments", tab, lines=3, grow=True)
        self.manager_comments = text_box("Line manager's comments", tab, lines=3, grow=True)
        for label, box in (("Practitioner's comments", self.practitioner_comments),
                           ("Line manager's comments", self.manager_comments)):
            layout.addWidget(section_label(label, tab, box))
            layout.addWidget(box, 1)
        self.recommendation_group.buttonToggled.connect(lambda *_: self._refresh_warnings())
        self.rationale.textChanged.connect(self._refresh_warnings)
        return tab

    # -- loading --------------------------------------------------------------------------
    def load(self, enrolment_id: str) -> Op:
        """Fetch (creating if need be) the draft assessment, then fill the form."""
        self._enrolment_id = enrolment_id
        self.message.setText("Loading…")
        op = self.runner.run_op(on_worker(self.api, "assessment", "draft"), enrolment_id, self._today())
        op.on_success(self._on_data).on_failure(self._on_failure)
        return self._ops.track(op)

    def _on_data(self, data: AssessmentEditorData) -> None:
        self._fill(data)
        self.message.setText("")
        self.data_loaded.emit()

    def _fill(self, data: AssessmentEditorData) -> None:
        self.data = data
        self._filling = True
        rec = data.record
        self.title_label.setText(f"Final assessment — {data.practitioner_name}")
        self.standards.set_data(data)
        for box, text in ((self.strengths, rec.data.strengths),
                          (self.development, rec.data.development),
                          (self.year2_plan, rec.data.year2_plan), (self.rationale, rec.data.rationale),
                          (self.practitioner_comments, rec.data.practitioner_comments),
                          (self.manager_comments, rec.data.manager_comments)):
            box.setPlainText(text)
            box.setReadOnly(rec.signed)
        self.recommendation_group.setExclusive(False)
        for value, button in self.recommendation_buttons.items():
            button.setChecked(value == rec.data.recommendation)
            button.setEnabled(not rec.signed)
        self.recommendation_group.setExclusive(True)
        self.standards.set_read_only(rec.signed)
        self._filling = False
        status = {"draft": "Draft", "final": "Final (not yet signed)",
                  "signed": "Signed — read only"}.get(rec.status, rec.status)
        set_status(self.status_label, status, "locked" if rec.signed else rec.status)
        self._refresh_warnings()

    # -- warnings and saving --------------------------------------------------------------
    def current_input(self) -> AssessmentInput:
        recommendation = next((v for v, b in self.recommendation_buttons.items() if b.isChecked()), "")
        return AssessmentInput(
            judgements=dict(self.standards.judgements), strengths=self.strengths.toPlainText(),
            development=self.development.toPlainText(), year2_plan=self.year2_plan.toPlainText(),
            recommendation=recommendation, rationale=self.rationale.toPlainText(),
            practitioner_comments=self.practitioner_comments.toPlainText(),
            manager_comments=self.manager_comments.toPlainText())

    def _refresh_warnings(self) -> None:
        if self.data is None or self._filling:
            return
        self.warnings = check(self.data.standards, self.data.minimums, self.data.options,
                              self.current_input())
        self.warning_list.clear()
        for w in self.warnings:
            item = QListWidgetItem(("Must fix: " if w.blocking else "Check: ") + w.message)
            item.setData(_KEY, w.key)
            if w.blocking:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if w.key:
                item.setToolTip("Press Enter to open this standard")
            self.warning_list.addItem(item)
        if not self.warnings:
            self.warning_list.addItem("No warnings: the assessment is complete.")
        stops = blocking(self.warnings)
        checks = len(self.warnings) - len(stops)
        self.warning_title.setText(f"<b>Warnings</b> ({len(stops)} must fix, {checks} to check)")
        n = len(self.rationale.toPlainText().strip())
        self.rationale_count.setText(f"{n} characters (at least {MIN_RATIONALE_CHARS} needed)")
        signed = self.data.record.signed
        self.save_button.setEnabled(not signed)
        self.final_button.setEnabled(not signed and not stops)
        why = ("Signed: no more changes." if signed else
               "Mark final is unavailable until you " + "; ".join(w.action for w in stops) + "."
               if stops else "")
        self.final_hint.setText(why)
        self.final_button.setToolTip(why or "Save and mark the assessment final")
        self.final_button.setAccessibleDescription(why)
        self.warnings_changed.emit()

    def _on_warning_activated(self, item: QListWidgetItem) -> None:
        key = item.data(_KEY)
        if key:
            self.tabs.setCurrentIndex(0)
            self.standards.select_standard(str(key))
            self.standards.judgement_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self, *, final: bool) -> Op | None:
        if self.data is None or self.data.record.signed:
            return None
        self.message.setText("Saving…")
        op = self.runner.run_op(on_worker(self.api, "assessment", "update"), self._enrolment_id,
                                self.current_input(), final=final)
        op.on_success(self._on_saved).on_failure(self._on_failure)
        return self._ops.track(op)

    def _on_saved(self, data: AssessmentEditorData) -> None:
        self._fill(data)
        self.message.setText("Marked final." if data.record.status == "final" else "Draft saved.")
        self.saved.emit(data)

    def _on_failure(self, exc: BaseException) -> None:
        text = error_text(exc)
        self.message.setText(text)
        self.failed.emit(text)

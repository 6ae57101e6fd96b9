"""The final assessment editor: a judgement per standard with the evidence behind it, the
narrative, the recommendation and its rationale, and the rules' warnings as you type.

The standards table lists every standard; the pane beside it edits the selected one.
Evidence linked to a standard is listed strongest first and, until the assessor has
chosen for that standard, every final piece is pre-selected. Warnings are worked out
on the GUI thread by the pure rules in ``domain.assessment_rules`` (no I/O); loading
and saving go through ``api.assessment`` on the DB thread. The page reloads the editor
after every sync: ``FormLive`` keeps typing that is not saved yet, and a save never puts
the form over parts changed meanwhile on another device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
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
    StandardJudgementInput,
)
from assessor_app.domain.review_fields import (
    ASSESSMENT_TEXTS,
    assessment_fields,
    assessment_from_fields,
)
from assessor_app.errors import RecordRemoved
from assessor_app.ui.record_watch import record_watch
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
from assessor_app.ui.views.form_live import FormLive
from assessor_app.ui.views.live_fields import replace_text
from assessor_app.ui.views.standard_judgements import StandardJudgementsPanel, shown_judgements

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
        self._keeping: dict[str, Any] | None = None  # the typing a keep_typing save sent
        self._ops = PendingOps(self)
        self.live = FormLive(self, current=lambda: assessment_fields(self.current_input()),
                             show=self._show_fields, labels=self._labels)
        self._build()
        record_watch().changed.connect(self._on_watch)

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
        layout.addWidget(self.live.notice)
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
        """Fetch (creating if need be) the draft assessment, then fill the form (typing on
        another practitioner's assessment is saved first)."""
        if enrolment_id != self._enrolment_id:
            self.keep_typing()
        self._enrolment_id = enrolment_id
        self.message.setText("Loading…")
        op = self.runner.run_op(on_worker(self.api, "assessment", "draft"), enrolment_id, self._today())
        op.on_success(self._on_data).on_failure(self._on_failure)
        return self._ops.track(op)

    def _on_data(self, data: AssessmentEditorData) -> None:
        old = self.data
        if (old is not None and self.live.base is not None and old.record.id == data.record.id
                and [s.key for s in old.standards] == [s.key for s in data.standards]):
            self._take_in(data)  # read again (after a sync): typing stays
        else:
            self._fill(data)
            self.live.shown(assessment_fields(self.current_input()), data.record.conflicts)
        self.message.setText("")
        self.data_loaded.emit()

    def _on_watch(self, record_id: str, origin: object) -> None:
        """A sync or a resolved conflict may have changed the assessment: read it again."""
        import shiboken6

        if (shiboken6.isValid(self) and origin is not self and self.data is not None
                and (not record_id or record_id == self.data.record.id)):
            self.load(self._enrolment_id)

    @staticmethod
    def _shown(data: AssessmentEditorData) -> dict[str, Any]:
        """The assessment as the form shows it (unjudged standards with their suggestions)."""
        return assessment_fields(replace(data.record.data, judgements=shown_judgements(data)))

    def _take_in(self, data: AssessmentEditorData) -> None:
        self.data = data
        self.standards.take_in(data, {})  # the evidence lists; judgements as on screen
        self.live.take_in(self._shown(data), data.record.change, data.record.conflicts)
        self._apply_state()

    def _labels(self, names: Iterable[str]) -> str:
        titles = {f"judgements.{s.key}": f"{s.framework_title} {s.code}"
                  for s in (self.data.standards if self.data else ())}
        words = {"recommendation": "recommendation", "year2_plan": "year 2 plan",
                 "development": "areas for development"}
        out = [titles.get(n) or words.get(n) or n.replace("_", " ") for n in names]
        text = ", ".join(dict.fromkeys(out))
        return text[:1].upper() + text[1:]

    def _show_fields(self, values: dict[str, Any]) -> None:
        """Put parts that changed elsewhere in place (the person had not touched them)."""
        if not values or self.data is None:
            return
        data = assessment_from_fields({**assessment_fields(self.current_input()), **values})
        self._filling = True
        for name in ASSESSMENT_TEXTS:
            if name in values:
                replace_text(self._boxes()[name], getattr(data, name))
        if "recommendation" in values:
            self.recommendation_group.setExclusive(False)
            for value, button in self.recommendation_buttons.items():
                button.setChecked(value == data.recommendation)
            self.recommendation_group.setExclusive(True)
        changed = {n.split(".", 1)[1]: data.judgements.get(n.split(".", 1)[1])
                   or StandardJudgementInput() for n in values if n.startswith("judgements.")}
        self._filling = False
        if changed:
            self.standards.take_in(self.data, changed)
        self._refresh_warnings()

    def _boxes(self) -> dict[str, Any]:
        return {"strengths": self.strengths, "development": self.development,
                "year2_plan": self.year2_plan, "rationale": self.rationale,
                "practitioner_comments": self.practitioner_comments,
                "manager_comments": self.manager_comments}

    def _fill(self, data: AssessmentEditorData) -> None:
        self.data = data
        self._filling = True
        rec = data.record
        self.title_label.setText(f"Final assessment — {data.practitioner_name}")
        self.standards.set_data(data)
        for name, box in self._boxes().items():
            box.setPlainText(getattr(rec.data, name))
        self.recommendation_group.setExclusive(False)
        for value, button in self.recommendation_buttons.items():
            button.setChecked(value == rec.data.recommendation)
        self.recommendation_group.setExclusive(True)
        self._filling = False
        self._apply_state()

    def _apply_state(self) -> None:
        """Status and read-only state of the record shown (signed: nothing can change)."""
        assert self.data is not None
        rec = self.data.record
        locked = self.locked
        for box in self._boxes().values():
            box.setReadOnly(locked)
        for button in self.recommendation_buttons.values():
            button.setEnabled(not locked)
        self.standards.set_read_only(locked)
        status = {"draft": "Draft", "final": "Final (not yet signed)",
                  "signed": "Signed — read only"}.get(rec.status, rec.status)
        if self.live.removed:
            status = "Removed from this laptop"
        set_status(self.status_label, status, "locked" if locked else rec.status)
        self._refresh_warnings()

    @property
    def locked(self) -> bool:
        """Nothing can change: signed, or the practitioner left this laptop."""
        return self.data is not None and (self.data.record.signed or self.live.removed)

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
        signed = self.locked
        self.save_button.setEnabled(not signed)
        self.final_button.setEnabled(not signed and not stops)
        why = ("Removed from this laptop: nothing can be saved here." if self.live.removed
               else "Signed: no more changes." if signed else
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

    def keep_typing(self) -> Op | None:
        """Save what is typed and not saved yet as a draft, before the editor shows another
        practitioner or the window closes: queued on the DB thread now, so it is written
        before anything the page reads next. Nothing typed (or a save of this very typing
        already on its way): nothing to do."""
        if self.data is None or self.locked or self.runner.stopped or not self.live.dirty:
            return None
        current = assessment_fields(self.current_input())
        if self._keeping is not None and self._keeping == current:
            return None
        op = self.save(final=False)
        self._keeping = current
        return op

    def save(self, *, final: bool) -> Op | None:
        if self.data is None or self.locked:
            return None
        self.message.setText("Saving…")
        current = self.current_input()
        sent = assessment_fields(current)
        base = assessment_from_fields(self.live.base) if self.live.base is not None else None
        op = self.runner.run_op(on_worker(self.api, "assessment", "update"), self._enrolment_id,
                                current, final=final, base=base)
        pending = (self._enrolment_id, sent, dict(self.live.base or sent))
        op.on_success(lambda data: self._on_saved(data, sent)) \
            .on_failure(lambda exc: self._on_failure(exc, pending))
        return self._ops.track(op)

    def _on_saved(self, data: AssessmentEditorData, sent: dict[str, Any] | None = None) -> None:
        self._keeping = None
        if sent is None or self.live.base is None:
            self._fill(data)
            self.live.shown(assessment_fields(self.current_input()), data.record.conflicts)
        else:  # typing since the save went out stays; what the store kept shows elsewhere
            self.data = data
            self.standards.take_in(data, {})
            self.live.saved(sent, self._shown(data), data.record.conflicted_with,
                            data.record.conflicts)
            self._apply_state()
        self.message.setText("Marked final." if data.record.status == "final" else "Draft saved.")
        self.saved.emit(data)

    def _on_failure(self, exc: BaseException,
                    pending: tuple[str, dict[str, Any], dict[str, Any]] | None = None) -> None:
        self._keeping = None
        if isinstance(exc, RecordRemoved):
            self._on_removed(exc, pending)
            return
        text = error_text(exc)
        self.message.setText(text)
        self.failed.emit(text)

    def _on_removed(self, exc: RecordRemoved,
                    pending: tuple[str, dict[str, Any], dict[str, Any]] | None) -> None:
        """The practitioner left this laptop (a scope exit): a failed save's text and the
        form's typing are kept aside; the form shown for them turns read only."""
        def keeper(enrolment_id: str) -> Callable[..., Op]:
            return lambda typing, base: self.runner.run_op(
                on_worker(self.api, "assessment", "keep_aside"), enrolment_id, typing, base)

        if pending is not None and pending[0] != self._enrolment_id:  # the form moved on
            keeper(pending[0])(pending[1], pending[2])
            return
        self.live.removed_from_laptop(exc, keeper(self._enrolment_id),
                                      pending[1:] if pending is not None else None)
        if self.data is not None:
            self._apply_state()

"""One editor for every kind of evidence, built from ``domain.evidence_forms``.

Every keystroke goes to the ``Autosaver`` (written on the DB thread within a second);
there is no Save button because there is nothing unsaved to lose. Text boxes keep
Qt's own undo/redo (Ctrl+Z / Ctrl+Shift+Z). "Mark final" checks the required fields.
While it is open, syncs and other windows may change the record: ``EvidenceLive`` keeps
the editor in step without writing over anyone's words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.enums import KIND_LABELS, EvidenceKind
from assessor_app.domain.evidence_forms import AutosaveResult, EvidenceForm
from assessor_app.ui.tasks import DbRunner, on_worker
from assessor_app.ui.views.editor_focus import bold_font, layout_focus_order, name_popups, set_chain
from assessor_app.ui.views.evidence_inputs import (
    change_signal,
    fit_to_font,
    input_text,
    make_input,
    set_text,
)
from assessor_app.ui.views.evidence_links import EvidenceLinks
from assessor_app.ui.views.evidence_live import EvidenceLive
from assessor_app.ui.views.feedback_fields import feedback_extras, ratings_text
from assessor_app.ui.views.review_criteria_fields import CriteriaRows, review_criteria_rows
from assessor_app.ui.widgets.attachments_panel import AttachmentsPanel
from assessor_app.ui.widgets.autosave import Autosaver, freeze_long_lived
from assessor_app.ui.widgets.privacy_highlighter import PrivacyHighlighter
from assessor_app.ui.widgets.standards_picker import StandardsPicker

STATUS_TEXT = {"draft": "Draft", "final": "Final", "signed": "Signed"}


class EvidenceEditor(EvidenceLinks, QWidget):
    loaded = Signal()
    saved = Signal()  # an autosave has been committed
    finalised = Signal()
    failed = Signal(str)
    links_saved = Signal()  # the standards links have been committed
    handover_requested = Signal(str)  # evidence id: hand this feedback form to the family

    def __init__(self, runner: DbRunner, api: Any, evidence_id: str,
                 parent: QWidget | None = None, *, delay_ms: int | None = None) -> None:
        super().__init__(parent)
        freeze_long_lived()  # the app's heap: out of the way of full collections from now on
        self._runner = self.runner = runner
        self._api = self.api = api
        self.evidence_id = evidence_id
        self.form: EvidenceForm | None = None
        self.inputs: dict[str, QWidget] = {}
        self.privacy: dict[str, PrivacyHighlighter] = {}  # likely names, dates of birth, ...
        self.criteria = CriteriaRows()  # record review: one row of choices per criterion
        self.showing = False  # values from the store are being put in: not typing
        save = on_worker(api, "evidence", "autosave")
        target = self._target = [evidence_id]  # "save as new" moves the editor to another id

        def save_fields(payload: tuple[dict[str, str], dict[str, str]]) -> object:
            fields, base = payload  # runs on the DB thread: plain values only
            return fields, save(target[0], fields, base=base)

        kwargs = {} if delay_ms is None else {"delay_ms": delay_ms}
        self.autosaver = Autosaver(runner, save_fields, self,
                                   prepare=lambda batch: self.live.prepare(batch), **kwargs)
        self.autosaver.saved.connect(self._on_saved)
        self.live = EvidenceLive(self)

        self.heading = QLabel("Opening…", self)
        self.heading.setAccessibleName("Evidence kind")
        self.state_label = QLabel(self)
        self.state_label.setAccessibleName("Status and stage")
        self.save_label = QLabel(self)
        self.save_label.setAccessibleName("Autosave status")
        self.save_label.setWordWrap(True)
        self.autosaver.status_changed.connect(self.save_label.setText)
        self.final_button = QPushButton("Mark &final", self)
        self.final_button.setAccessibleName("Mark this evidence final")
        self.final_button.setToolTip("Checks the required fields, then marks the record final")
        self.final_button.clicked.connect(self._on_final_button)
        self.final_button.setEnabled(False)
        self.handover_button = QPushButton("&Hand over to the family…", self)
        self.handover_button.setAccessibleName("Hand the laptop to the family to fill this in")
        self.handover_button.setToolTip("Full screen, large print, one question at a time; "
                                        "coming back needs your PIN")
        self.handover_button.clicked.connect(
            lambda: self.handover_requested.emit(self.evidence_id))
        self.handover_button.hide()
        self.ratings_label = QLabel(self)
        self.ratings_label.setWordWrap(True)
        self.ratings_label.setAccessibleName("Ratings given")
        self.ratings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ratings_label.hide()  # shown in the form for family feedback only

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.handover_button)
        top.addWidget(self.final_button)
        status_row = QHBoxLayout()
        status_row.addWidget(self.state_label)
        status_row.addWidget(self.save_label, 1)  # a long message wraps, right-aligned
        self.save_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.form_widget = QWidget(self)
        self.form_layout = QFormLayout(self.form_widget)
        self.form_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.form_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setAccessibleName("Evidence fields")

        # Standards: ticks and comments save on the DB thread shortly after the last change.
        self.standards_heading = QLabel("Standards", self.form_widget)
        self.standards_heading.setAccessibleName("Standards section")
        self.standards_heading.setFont(bold_font())
        self.picker = StandardsPicker(self.form_widget)
        self.picker.changed.connect(self._links_changed)
        self._links_timer = QTimer(self)
        self._links_timer.setSingleShot(True)
        self._links_timer.setInterval(400 if delay_ms is None else max(delay_ms, 0))
        self._links_timer.timeout.connect(self.save_links)
        self.links_loaded = False
        self.links_base: list[tuple[str, str, str, str, int]] = []  # as loaded or last saved
        self.attachments_heading = QLabel("Attachments", self.form_widget)
        self.attachments_heading.setFont(bold_font())
        self.attachments = AttachmentsPanel(runner, api, evidence_id, self.form_widget)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(status_row)
        layout.addWidget(self.live.notice)
        layout.addWidget(self.scroll, 1)
        self._fit_fonts()
        self.load()

    # -- text size ------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        """The OS (or app) text size changed: headings and boxes follow it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_fonts()

    def _fit_fonts(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.picker.setMinimumHeight(self.fontMetrics().lineSpacing() * 18)
        if self.form is not None:
            for f in self.form.fields:
                if f.name in self.inputs:
                    fit_to_font(self.inputs[f.name], f)

    # -- loading --------------------------------------------------------------
    def load(self) -> None:
        self._runner.run_op(on_worker(self._api, "evidence", "load"), self.evidence_id) \
            .on_success(self._guarded(self._on_loaded)).on_failure(self._guarded(self._on_failure))

    def guarded(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """``fn``, skipped when its result arrives after the editor was closed."""
        return self._guarded(fn)

    def _guarded(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        import shiboken6

        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                fn(value)

        return call

    def _on_loaded(self, form: EvidenceForm) -> None:
        first = self.form is None
        self.form = form
        self.heading.setText(KIND_LABELS[EvidenceKind(form.kind)])
        self.setAccessibleName(f"{KIND_LABELS[EvidenceKind(form.kind)]} editor")
        self._show_state(form.stage_title)
        if first:
            for f in form.fields:
                widget = make_input(f, self.form_widget)
                fit_to_font(widget, f)
                widget.setAccessibleName(f.label)
                if isinstance(widget, QPlainTextEdit):  # narrative: suggest roles, not names
                    self.privacy[f.name] = PrivacyHighlighter(widget, today=date.today())
                if f.hint:
                    widget.setToolTip(f.hint)
                set_text(widget, form.values.get(f.name, ""))
                label = QLabel(f"{f.label}{' *' if f.required else ''}", self.form_widget)
                label.setBuddy(widget)
                self.form_layout.addRow(label, widget)
                self.inputs[f.name] = widget
                change_signal(widget).connect(lambda *_, n=f.name: self._changed(n))
            if form.kind == EvidenceKind.FEEDBACK_LIVED.value:
                feedback_extras(form, self.form_widget, self.form_layout, self.inputs,
                                self.ratings_label)
            if form.criteria_set is not None:
                self.criteria = review_criteria_rows(form, self, self.form_widget,
                                                     self.form_layout, self.inputs,
                                                     self._answered)
            note = QLabel("* needed before the record can be marked final", self.form_widget)
            note.setAccessibleName("Required fields note")
            self.form_layout.addRow(note)
            self.form_layout.addRow(self.standards_heading)
            self.form_layout.addRow(self.picker)
            self.form_layout.addRow(self.attachments_heading)
            self.form_layout.addRow(self.attachments)
            self.attachments.reload()
            self.load_links()
            name_popups(self)
            set_chain(self.focus_chain())
            if self.inputs:
                next(iter(self.inputs.values())).setFocus(Qt.FocusReason.OtherFocusReason)
            freeze_long_lived()  # no 50-100 ms full garbage collection while typing
            self.live.loaded(form)
        self._apply_status()
        self.loaded.emit()

    def focus_chain(self) -> list[QWidget]:
        """The editor's focusable controls, top to bottom as they are laid out."""
        notice = self.live.notice  # its buttons, when shown, come before the form
        return [self.handover_button, self.final_button, *notice.buttons, notice.close_button,
                *layout_focus_order(self.form_layout)]

    def _apply_status(self) -> None:
        """Only a draft can be typed in; a final record can be reopened, a signed one not."""
        status = self.form.status if self.form is not None else "draft"
        if self.live.removed:
            status = "removed"  # left this laptop: nothing can be typed or saved here
        draft = status == "draft"
        for widget in self.inputs.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(not draft)
            else:
                widget.setEnabled(draft)
        self.picker.set_editable(draft)
        self.attachments.set_editable(draft)
        self.criteria.set_enabled(draft)
        lived = self.form is not None and self.form.kind == EvidenceKind.FEEDBACK_LIVED.value
        self.handover_button.setVisible(lived and draft)
        self.final_button.setText("Mark &final" if status in ("draft", "removed")
                                  else "&Edit again")
        self.final_button.setAccessibleName("Mark this evidence final" if draft
                                            else "Edit this final evidence again")
        self.final_button.setEnabled(status in ("draft", "final"))

    apply_status = _apply_status

    def _on_final_button(self) -> None:
        if self.form is not None and self.form.status == "final":
            self._runner.run_op(on_worker(self._api, "evidence", "reopen"), self.evidence_id) \
                .on_success(self._guarded(self._on_finalised)) \
                .on_failure(self._guarded(self._on_failure))
        else:
            self.mark_final()

    def _show_state(self, stage_title: str) -> None:
        if self.form is None:
            return
        stage = stage_title or self.form.stage_id or "no stage (date outside the programme)"
        self.state_label.setText(f"{STATUS_TEXT.get(self.form.status, self.form.status)}"
                                 f" · Stage: {stage}")

    def _changed(self, name: str) -> None:
        if not self.showing:
            self.autosaver.changed(name, input_text(self.inputs[name]))

    def _answered(self, name: str, value: str) -> None:
        if not self.showing:
            self.autosaver.changed(name, value)

    # -- the record changing elsewhere (EvidenceLive) ---------------------------
    def took_form(self, form: EvidenceForm) -> None:
        """The record as read again: its status (final elsewhere?), stage and ratings."""
        if self.form is None:
            return
        self.form = form
        self._show_state(form.stage_title)
        self._apply_status()
        if form.ratings and self.ratings_label.isVisible():
            self.ratings_label.setText(ratings_text(form.ratings))

    def rebind(self, evidence_id: str) -> None:
        """Edit another record from now on (the text was saved as a new record)."""
        self.evidence_id = self._target[0] = evidence_id
        self.attachments.evidence_id = evidence_id
        self.attachments.reload()
        self.load_links()

    def _on_saved(self, payload: object) -> None:
        batch, result = payload if isinstance(payload, tuple) else ({}, payload)
        if isinstance(result, AutosaveResult):
            self.live.saved(batch, result)
            if result.stage_title:
                self._show_state(result.stage_title)
            if result.invalid:
                labels = [w.accessibleName() for n, w in self.inputs.items() if n in result.invalid]
                self.save_label.setText(f"{self.autosaver.status}; not yet valid, not saved: "
                                        + ", ".join(labels))
        self.saved.emit()

    # -- final ----------------------------------------------------------------
    def mark_final(self) -> None:
        self.autosaver.flush()  # queued first, so the check sees the latest text
        self.flush_links()
        self._runner.run_op(on_worker(self._api, "evidence", "finalise"), self.evidence_id) \
            .on_success(self._guarded(self._on_finalised)) \
            .on_failure(self._guarded(self._on_failure))

    def _on_finalised(self, form: EvidenceForm) -> None:
        self.form = form
        self._show_state(form.stage_title)
        self._apply_status()
        self.finalised.emit()  # also after "Edit again": the page shows the new status

    def _on_failure(self, exc: BaseException) -> None:
        text = str(exc).replace("\n", " ")
        self.save_label.setText(text)
        self.failed.emit(text)

    show_failure = _on_failure

    def save_now(self) -> None:
        self.autosaver.flush()
        self.flush_links()

    def close_editor(self) -> None:
        """Send any pending keystrokes now (they are written before any later op); typing
        for a record deleted meanwhile goes into a new record."""
        self.autosaver.flush()
        self.live.closing()
        self.flush_links()
        self.attachments.clear_copies()  # decrypted copies opened in a viewer go now


#: Keys of the editor window (a test checks none clashes with the main window's).
SAVE_AND_CLOSE_KEYS = ("Ctrl+Return", "Ctrl+W")
NEXT_RECORD_KEYS, PREVIOUS_RECORD_KEYS = "Alt+PgDown", "Alt+PgUp"  # Alt+Down opens a list


class EvidenceDialog(QDialog):
    """An editor in its own window; closing it flushes the last keystrokes."""

    step_requested = Signal(int)  # +1 next record, -1 previous (the page's list order)

    def __init__(self, runner: DbRunner, api: Any, evidence_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evidence")
        self.editor = EvidenceEditor(runner, api, evidence_id, self)
        self.editor.loaded.connect(self._on_loaded)
        close = QPushButton("Save and &close", self)
        close.setAccessibleName("Save and close the editor")
        close.setToolTip("Everything is saved as you type; this sends the last keystrokes "
                         "and closes (Ctrl+Return or Ctrl+W)")
        close.clicked.connect(self.accept)
        self.close_button = close
        previous = QPushButton("◀ &Previous", self)
        previous.setAccessibleName("Previous record")
        previous.setToolTip(f"Save and open the previous record in the list ({PREVIOUS_RECORD_KEYS})")
        following = QPushButton("&Next ▶", self)
        following.setAccessibleName("Next record")
        following.setToolTip(f"Save and open the next record in the list ({NEXT_RECORD_KEYS})")
        previous.clicked.connect(lambda: self.step_requested.emit(-1))
        following.clicked.connect(lambda: self.step_requested.emit(1))
        self.step_buttons = (previous, following)
        row = QHBoxLayout()
        row.addWidget(previous)
        row.addWidget(following)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        self.shortcuts = [QShortcut(QKeySequence(k), self, self.accept)
                          for k in SAVE_AND_CLOSE_KEYS]
        self.shortcuts += [
            QShortcut(QKeySequence(NEXT_RECORD_KEYS), self, lambda: self.step_requested.emit(1)),
            QShortcut(QKeySequence(PREVIOUS_RECORD_KEYS), self,
                      lambda: self.step_requested.emit(-1)),
            QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                      self.editor.save_now),  # Ctrl+S: habit; sends what is pending now
        ]
        self.resize(760, 720)
        self.finished.connect(lambda *_: self.editor.close_editor())

    def _on_loaded(self) -> None:
        self.setWindowTitle(self.editor.heading.text())
        set_chain([*self.editor.focus_chain(), *self.step_buttons, self.close_button])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.editor.close_editor()
        super().closeEvent(event)

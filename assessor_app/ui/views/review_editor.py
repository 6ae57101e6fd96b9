"""The review meeting editor: one review point's meeting, with its period summarised for you.

All reads and writes go through ``api.reviews`` on the DB thread (``runner.run_op``);
the summary is fetched again whenever the review point or meeting date changes, and
fills the supervision and workload checks while they are empty (or still hold what
was filled in automatically), so the assessor edits rather than counts. The page reloads
the editor after every sync: ``FormLive`` keeps typing that is not saved yet, and a save
never puts the form over parts changed meanwhile on another device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assessor_app.domain.review_dto import (
    PARTIES,
    PARTY_LABELS,
    PROGRESS_LABELS,
    ReviewEditorData,
    ReviewInput,
    ReviewRecord,
)
from assessor_app.domain.review_fields import review_fields, review_from_fields
from assessor_app.domain.reviews import PeriodSummary
from assessor_app.errors import RecordDeleted, RecordRemoved
from assessor_app.ui.dates import day_month_year
from assessor_app.ui.record_watch import record_watch
from assessor_app.ui.tasks import DbRunner, Op, on_worker
from assessor_app.ui.views.editor_parts import (
    AttendeesTable,
    OptionalDate,
    PendingOps,
    SaveBar,
    error_text,
    radio_row,
    save_shortcut,
    section_label,
    set_status,
    summary_html,
    text_box,
)
from assessor_app.ui.views.form_live import FormLive
from assessor_app.ui.views.review_live import ReviewLive


class ReviewEditor(ReviewLive, QWidget):
    """Pick a review point, record the meeting, save it as a draft or mark it final."""

    data_loaded = Signal()
    summary_loaded = Signal()
    saved = Signal(object)  # the ReviewRecord
    failed = Signal(str)

    def __init__(self, runner: DbRunner, api: Any, *, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.api, self._today = runner, api, today
        self.setAccessibleName("Review meeting editor")
        self.data: ReviewEditorData | None = None
        self.summary: PeriodSummary | None = None
        self._enrolment_id = ""
        self._review_id: str | None = None
        self._locked = False
        self._prefilled: dict[str, str] = {}  # field → text filled in from the summary
        self._keeping: dict[str, object] | None = None  # the typing a keep_typing save sent
        self._shown_point = ""  # the point the form holds (the combo moves first)
        self._shows = 0  # counts _show_point: a save back after the point was shown again
        self._summary_op: Op | None = None
        self._ops = PendingOps(self)
        self.live = FormLive(self, current=self._current_fields, show=self._show_fields,
                             labels=self._labels)
        self._build()
        record_watch().changed.connect(self._on_watch)

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_label = QLabel("Review meeting", self)
        self.title_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.status_label = QLabel("", self)
        self.status_label.setAccessibleName("Review status")
        self.point_combo = QComboBox(self)
        self.point_combo.setAccessibleName("Review point")
        self.held = OptionalDate("Meeting held on", "Meeting held", self)
        top = QHBoxLayout()
        point_label = QLabel("Review &point:", self)
        point_label.setBuddy(self.point_combo)
        top.addWidget(point_label)
        top.addWidget(self.point_combo, 1)
        top.addSpacing(16)
        top.addWidget(self.held)

        form = QWidget(self)
        grid = QVBoxLayout(form)
        grid.setContentsMargins(0, 0, 8, 0)
        self.attendees = AttendeesTable(form)
        grid.addWidget(section_label("Attendees", form, self.attendees.table))
        grid.addWidget(self.attendees)
        grid.addWidget(section_label("Progress judgement", form))
        self.judgement_group, self.judgement_buttons, judgements = radio_row(
            self, form, "Progress judgement", PROGRESS_LABELS)
        grid.addLayout(judgements)
        self.reasons = text_box("Reasons for the progress judgement", form, lines=3,
                                placeholder="Why this judgement: what the evidence and the meeting showed")
        grid.addWidget(section_label("Reasons for the judgement", form, self.reasons))
        grid.addWidget(self.reasons)
        self.workload = text_box("Workload check", form, lines=2)
        grid.addWidget(section_label("Workload check (against the learning agreement)", form,
                                     self.workload))
        grid.addWidget(self.workload)
        self.supervision = text_box("Supervision check", form, lines=2)
        grid.addWidget(section_label("Supervision check", form, self.supervision))
        grid.addWidget(self.supervision)
        self.pdp = text_box("Professional development plan for the next period", form, lines=3)
        grid.addWidget(section_label("PDP for the next period", form, self.pdp))
        grid.addWidget(self.pdp)
        self.comments = {}
        self.signoffs = {}
        parties = QGridLayout()
        parties.setColumnStretch(0, 1)
        for row, party in enumerate(PARTIES):
            label = PARTY_LABELS[party]
            self.comments[party] = text_box(f"{label}'s comments", form, lines=2)
            self.signoffs[party] = OptionalDate("Signed off on", f"{label} signed off", form)
            parties.addWidget(section_label(f"{label}'s comments", form, self.comments[party]),
                              2 * row, 0)
            parties.addWidget(self.comments[party], 2 * row + 1, 0)
            parties.addWidget(self.signoffs[party], 2 * row + 1, 1,
                              Qt.AlignmentFlag.AlignTop)
        grid.addWidget(section_label("Comments and sign-off by each party", form))
        grid.addLayout(parties)
        grid.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.summary_view = QTextBrowser(self)
        self.summary_view.setAccessibleName("Period summary, worked out from the evidence")
        self.summary_view.setOpenLinks(False)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(section_label("Period summary (automatic)", side, self.summary_view))
        side_layout.addWidget(self.summary_view, 1)
        self.fill_button = QPushButton("&Fill checks from the summary", side)
        self.fill_button.setAccessibleName("Fill the supervision and workload checks from the summary")
        side_layout.addWidget(self.fill_button)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(scroll)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        bottom = SaveBar(self, save_text="&Save draft")
        self.message, self.final_hint = bottom.message, bottom.final_hint
        self.save_button, self.final_button = bottom.save_button, bottom.final_button

        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.status_label)
        layout.addLayout(heading)
        layout.addWidget(self.live.notice)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        self.point_combo.currentIndexChanged.connect(self._on_point_changed)
        self.held.changed.connect(self._request_summary)
        self.held.changed.connect(self._update_buttons)
        self.judgement_group.buttonToggled.connect(lambda *_: self._update_buttons())
        self.reasons.textChanged.connect(self._update_buttons)
        self.fill_button.clicked.connect(lambda: self._fill_checks(force=True))
        self.save_button.clicked.connect(lambda: self.save(final=False))
        self.final_button.clicked.connect(lambda: self.save(final=True))
        save_shortcut(self, lambda: self.save(final=False))

    # -- loading --------------------------------------------------------------------------
    def load(self, enrolment_id: str, review_point_id: str | None = None) -> Op:
        """Fetch the enrolment's review points and reviews, then show one point (typing on
        another practitioner's review is saved first)."""
        if enrolment_id != self._enrolment_id:
            self.keep_typing()
        self._enrolment_id = enrolment_id
        self.message.setText("Loading…")
        op = self.runner.run_op(on_worker(self.api, "reviews", "editor_data"), enrolment_id, self._today())
        op.on_success(lambda d: self._on_data(d, review_point_id)).on_failure(self._on_failure)
        return self._ops.track(op)

    def _on_data(self, data: ReviewEditorData, point_id: str | None) -> None:
        again = (self.data is not None and self.data.enrolment_id == data.enrolment_id
                 and self.live.base is not None)
        shown = self.current_point()
        self.data = data
        self.message.setText("")
        self.title_label.setText(f"Review meeting — {data.practitioner_name}")
        if point_id is None and again and any(p.id == shown for p in data.points):
            point_id = shown  # read again (after a sync): stay on the point being edited
        if point_id is None:  # the first point without a final review, else the last
            point_id = next((p.id for p in data.points if p.review_status != "final"),
                            data.points[-1].id if data.points else None)
        blocked = self.point_combo.blockSignals(True)
        self.point_combo.clear()
        for p in data.points:
            self.point_combo.addItem(self._point_text(p.id), p.id)
        self.point_combo.setCurrentIndex(max(0, self.point_combo.findData(point_id)))
        self.point_combo.blockSignals(blocked)
        if again and self.current_point() == shown:
            self._take_in()
        else:
            self._show_point()
        self.data_loaded.emit()

    def _point_text(self, point_id: str) -> str:
        assert self.data is not None
        p = next(x for x in self.data.points if x.id == point_id)
        rec = self.data.review_for(p.id)
        state = {"final": " · recorded (final)", "draft": " · draft"}.get(
            rec.status if rec else "", "")
        optional = " (optional)" if p.optional else ""
        return f"{p.title}{optional} · due {day_month_year(p.due)}{state}"

    def current_point(self) -> str:
        return str(self.point_combo.currentData() or "")

    def _on_point_changed(self, _index: int) -> None:
        self.keep_typing()  # the form still holds the point it showed: its typing is saved
        self._show_point()

    def _show_point(self) -> None:
        if self.data is None:
            return
        point = next((p for p in self.data.points if p.id == self.current_point()), None)
        if point is None:
            return
        rec = self.data.review_for(point.id)
        self._shown_point = point.id
        self._shows += 1
        self._review_id = rec.id if rec else None
        data = rec.data if rec else ReviewInput(point.id, attendees=self.data.usual_attendees)
        default_day = min(self.data.today, point.due)
        self.held.set_value(data.held_on, default_day)
        self.attendees.set_attendees(data.attendees)
        for value, button in self.judgement_buttons.items():
            button.setChecked(value == data.judgement)
        if not data.judgement:  # an exclusive group keeps one checked; clear it for "undecided"
            self.judgement_group.setExclusive(False)
            for button in self.judgement_buttons.values():
                button.setChecked(False)
            self.judgement_group.setExclusive(True)
        self.reasons.setPlainText(data.reasons)
        self.workload.setPlainText(data.workload_check)
        self.supervision.setPlainText(data.supervision_check)
        self.pdp.setPlainText(data.pdp)
        for party in PARTIES:
            self.comments[party].setPlainText(data.comments.get(party, ""))
            self.signoffs[party].set_value(data.signoffs.get(party), data.held_on or default_day)
        self._prefilled = {}
        self._set_locked(bool(rec and rec.locked))
        self._show_status(rec)
        self.live.shown(review_fields(data), rec.conflicts if rec else ())
        self._request_summary()

    def _show_status(self, rec: ReviewRecord | None) -> None:
        if rec is None:
            text, tone = "Not recorded yet", "none"
        elif rec.locked:
            text, tone = "Final — locked: the final assessment is signed", "locked"
        else:
            text, tone = ("Final", "final") if rec.status == "final" else ("Draft", "draft")
        set_status(self.status_label, text, tone)

    def _set_locked(self, locked: bool) -> None:
        self._locked = locked
        for box in (self.reasons, self.workload, self.supervision, self.pdp, *self.comments.values()):
            box.setReadOnly(locked)
        for button in self.judgement_buttons.values():
            button.setEnabled(not locked)
        for d in (self.held, *self.signoffs.values()):
            d.set_read_only(locked)
        self.attendees.set_read_only(locked)
        self.fill_button.setEnabled(not locked)
        self._update_buttons()

    # -- the summary ----------------------------------------------------------------------
    def _request_summary(self) -> None:
        if not self._enrolment_id or not self.current_point():
            return
        if self._summary_op is not None:
            self._summary_op.cancel()  # the newest date or point wins
        self._summary_op = self._ops.track(self.runner.run_op(
            on_worker(self.api, "reviews", "summary"), self._enrolment_id, self.current_point(),
            self.held.value(), self._today()))
        self._summary_op.on_success(self._on_summary).on_failure(self._on_failure)

    def _on_summary(self, summary: PeriodSummary) -> None:
        self._summary_op = None
        self.summary = summary
        self.summary_view.setHtml(summary_html(summary, held=self.held.value() is not None))
        self._fill_checks(force=False)
        self.summary_loaded.emit()

    def _fill_checks(self, *, force: bool) -> None:
        """Put the summary's words in the checks that are empty or still hold the last fill."""
        if self.summary is None or self._locked:
            return
        for key, box, text in (("supervision", self.supervision, self.summary.supervision.text()),
                               ("workload", self.workload, self.summary.workload_text())):
            now = box.toPlainText().strip()
            if force or not now or now == self._prefilled.get(key):
                box.setPlainText(text)
                self._prefilled[key] = text

    # -- saving ---------------------------------------------------------------------------
    def current_input(self) -> ReviewInput:
        judgement = next((v for v, b in self.judgement_buttons.items() if b.isChecked()), "")
        return ReviewInput(
            review_point_id=self._shown_point or self.current_point(), held_on=self.held.value(),
            attendees=self.attendees.attendees(), judgement=judgement,
            reasons=self.reasons.toPlainText(), workload_check=self.workload.toPlainText(),
            supervision_check=self.supervision.toPlainText(), pdp=self.pdp.toPlainText(),
            comments={p: self.comments[p].toPlainText() for p in PARTIES
                      if self.comments[p].toPlainText().strip()},
            signoffs={p: day for p in PARTIES if (day := self.signoffs[p].value()) is not None})

    def final_blockers(self) -> list[str]:
        """What "Mark final" still needs (the service checks the same and more)."""
        data = self.current_input()
        out = []
        if data.held_on is None:
            out.append("the meeting date")
        if not data.judgement:
            out.append("the progress judgement")
        if not data.reasons.strip():
            out.append("the reasons for it")
        return out

    def _update_buttons(self) -> None:
        loaded = self.data is not None and not self._locked
        self.save_button.setEnabled(loaded)
        blockers = self.final_blockers()
        self.final_button.setEnabled(loaded and not blockers)
        listed = ", ".join(blockers[:-1]) + " and " + blockers[-1] if len(blockers) > 1 else \
            "".join(blockers)
        why = f"Mark final needs {listed}." if blockers else ""
        self.final_button.setToolTip(why or "Save and mark the review final")
        self.final_button.setAccessibleDescription(why)
        self.final_hint.setText(why if loaded else "")

    def keep_typing(self) -> Op | None:
        """Save what is typed and not saved yet as a draft, before the editor shows another
        practitioner or the window closes: queued on the DB thread now, so it is written
        before anything the page reads next. Nothing typed (or a save of this very typing
        already on its way): nothing to do."""
        if self.data is None or self._locked or self.runner.stopped or not self.live.dirty:
            return None
        if self._keeping is not None and self._keeping == self._current_fields():
            return None
        op = self.save(final=False)
        self._keeping = self._current_fields()
        return op

    def save(self, *, final: bool) -> Op | None:
        if self.data is None or self._locked:
            return None
        self.message.setText("Saving…")
        data = self.current_input()
        sent = review_fields(data)
        base = review_from_fields(self.live.base) if self.live.base is not None else None
        op = self.runner.run_op(on_worker(self.api, "reviews", "save"), self._enrolment_id, data,
                                review_id=self._review_id, final=final, base=base)
        shows = self._shows
        pending = (self._enrolment_id, self._review_id, sent, dict(self.live.base or sent))
        op.on_success(lambda rec: self._on_saved(rec, sent, shows)) \
            .on_failure(lambda exc: self._on_failure(exc, pending))
        return self._ops.track(op)

    def _on_saved(self, rec: ReviewRecord, sent: dict[str, object] | None = None,
                  shows: int | None = None) -> None:
        assert self.data is not None
        self._keeping = None
        if rec.enrolment_id != self.data.enrolment_id:
            self.saved.emit(rec)  # kept while switching practitioner: the form shows another
            return
        others = tuple(r for r in self.data.reviews if r.id != rec.id)
        points = tuple(replace(p, review_id=rec.id, review_status=rec.status)
                       if p.id == rec.data.review_point_id else p for p in self.data.points)
        self.data = replace(self.data, reviews=(*others, rec), points=points)
        index = self.point_combo.findData(rec.data.review_point_id)
        self.point_combo.setItemText(index, self._point_text(rec.data.review_point_id))
        self.message.setText("Marked final." if rec.status == "final" else "Draft saved.")
        if self._shown_point != rec.data.review_point_id:  # typing kept on leaving a point
            self.saved.emit(rec)
            return
        self._review_id = rec.id
        self._show_status(rec)
        self._set_locked(rec.locked)
        if sent is not None:
            if shows is not None and shows != self._shows:  # shown again from before the save
                self._take_in()  # (its words were not on screen): they show where untouched
                self.saved.emit(rec)
                return
            self.live.saved(sent, review_fields(rec.data), rec.conflicted_with, rec.conflicts)
        if self.live.notice.isVisible() and self.live.notice.tone == "deleted":
            self.live.notice.show_notice("info", "Saved as a new review. The deleted one "
                                                 "stays deleted.")
        self.saved.emit(rec)

    def _on_failure(self, exc: BaseException,
                    pending: tuple[str, str | None, dict[str, Any], dict[str, Any]] | None = None,
                    ) -> None:
        self._keeping = None
        if isinstance(exc, RecordRemoved):
            self._on_removed(exc, pending)
            return
        text = error_text(exc)
        self.message.setText(text)
        if isinstance(exc, RecordDeleted):  # deleted by a sync: the next save makes it anew
            self._show_deleted(exc.message)
        self.failed.emit(text)

    def _on_removed(self, exc: RecordRemoved,
                    pending: tuple[str, str | None, dict[str, Any], dict[str, Any]] | None,
                    ) -> None:
        """The practitioner left this laptop (a scope exit): a failed save's text and the
        form's typing are kept aside; the form shown for them turns read only."""
        def keeper(enrolment_id: str) -> Callable[..., Op]:
            return lambda typing, base: self.runner.run_op(
                on_worker(self.api, "reviews", "keep_aside"), enrolment_id, typing, base)

        if pending is not None and pending[0] != self._enrolment_id:  # the form moved on
            keeper(pending[0])(pending[2], pending[3])
            return
        self.live.removed_from_laptop(exc, keeper(self._enrolment_id),
                                      pending[2:] if pending is not None else None)
        self._set_locked(True)
        set_status(self.status_label, "Removed from this laptop", "locked")

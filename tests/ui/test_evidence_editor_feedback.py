"""The family-feedback editor: the paper-form flag, the ratings given and the hand-over route.

A real encrypted demo store, real widgets offscreen; set ASSESSOR_APP_SCREENSHOT_DIR to
keep a grab of the editor after a hand-over.
"""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.domain.feedback_sets import HandoverStart
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceDialog, EvidenceEditor, input_text
from assessor_app.ui.views.handover_setup import HandoverLauncher
from assessor_app.ui.views.handover_view import HandoverWindow
from tests.review_demo import TODAY
from tests.ui.test_evidence_editor import _editor, _wait_saved, type_into


def _enrolment(ctx: AppContext) -> str:
    return ctx.list_rows(TODAY)[0].enrolment_id


def test_typed_in_from_paper_flag_sets_the_method_and_is_saved(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), "feedback_lived", TODAY)
    editor = _editor(qtbot, runner, ctx, eid)
    paper, method = editor.inputs["transcribed"], editor.inputs["method"]
    assert isinstance(paper, QCheckBox) and isinstance(method, QComboBox)
    assert paper.accessibleName() == "Typed in from a paper form"
    assert input_text(method) == "form" and not paper.isChecked()
    type_into(qtbot, paper, "yes")  # Space on the tick box
    assert input_text(method) == "transcribed"
    _wait_saved(qtbot, editor)
    values = ctx.evidence.load(eid).values
    assert (values["transcribed"], values["method"]) == ("yes", "transcribed")
    type_into(qtbot, paper, "no")
    assert input_text(method) == "form"
    type_into(qtbot, method, "transcribed")  # choosing the method ticks the flag too
    assert paper.isChecked()
    _wait_saved(qtbot, editor)
    row = next(r for r in ctx.page(_enrolment(ctx), TODAY).evidence if r.id == eid)
    assert row.transcribed  # the evidence list marks it "transcribed from paper"


def test_a_hand_over_record_shows_its_ratings_and_only_lived_drafts_offer_a_hand_over(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    session = ctx.handover.start(_enrolment(ctx), HandoverStart("adult", "parent"), today=TODAY)
    ctx.handover.answer(session.evidence_id, {"consent": "consent", "rating:listened": "5",
                                              "rating:kept_informed": "2"})
    editor = _editor(qtbot, runner, ctx, session.evidence_id)
    assert editor.ratings_label.text() == "Listened to me: 5 of 5\nKept me informed: 2 of 5"
    assert input_text(editor.inputs["method"]) == "hand-over"
    assert not editor.handover_button.isHidden()
    with qtbot.waitSignal(editor.handover_requested) as asked:
        qtbot.mouseClick(editor.handover_button, Qt.MouseButton.LeftButton)
    assert asked.args == [session.evidence_id]
    other = _editor(qtbot, runner, ctx, ctx.evidence.create(_enrolment(ctx), "reflection", TODAY))
    assert other.handover_button.isHidden()


def test_the_evidence_menu_runs_a_hand_over_and_then_opens_the_feedback_editor(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.list_ready, timeout=10_000):
        w.set_api(ctx)
    with qtbot.waitSignal(w.page_ready, timeout=10_000):
        w.open_practitioner(_enrolment(ctx))
    assert w.handover_action.text() == "New feedback from a famil&y…"
    w.handover_action.trigger()
    qtbot.waitUntil(lambda: isinstance(w.handover_launcher, HandoverLauncher)
                    and w.handover_launcher.dialog is not None, timeout=10_000)
    launcher = w.handover_launcher
    assert isinstance(launcher, HandoverLauncher) and launcher.dialog is not None
    dialog = launcher.dialog
    assert [dialog.form.itemData(i) for i in range(dialog.form.count())] == [
        "adult", "easy-read", "child"]
    dialog.respondent.setCurrentText("child or young person")
    assert dialog.form.currentData() == "child" and dialog.age_band.isEnabled()
    dialog.age_band.setCurrentText("10-12")
    dialog.present.setChecked(True)
    qtbot.keyClicks(dialog.pin, "4321")
    qtbot.keyClicks(dialog.pin_again, "4322")
    controls = [c for c in dialog.findChildren(QWidget)
                if isinstance(c, QLineEdit | QComboBox | QAbstractButton)]
    assert len(controls) >= 8 and [c for c in controls if not c.accessibleName()] == []
    _grab(dialog, "handover-setup")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "not the same" in dialog.message.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.pin_again, "4321")
    with qtbot.waitSignal(launcher.window_shown, timeout=10_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    hw = launcher.window
    assert isinstance(hw, HandoverWindow)
    assert hw.isFullScreen() and not w.isVisible()  # the app is out of sight
    assert QApplication.activeWindow() in (None, hw)
    qtbot.mouseClick(hw.yes_button, Qt.MouseButton.LeftButton)
    hw.buttons["anonymous"].buttons()[1].click()  # "Yes, that's OK"
    hw.next()
    hw.buttons["rating:listened"].buttons()[2].click()
    while hw.current() is not hw.thanks_page:
        hw.next()
    hw.ask_pin()
    qtbot.keyClicks(hw.pin_edit, "4321")
    qtbot.keyClick(hw.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(w.evidence_dialog, EvidenceDialog), timeout=10_000)
    assert w.isVisible() and not hw.isVisible()
    ed = w.evidence_dialog
    assert isinstance(ed, EvidenceDialog)
    qtbot.waitUntil(lambda: bool(ed.editor.inputs), timeout=10_000)
    values = {n: input_text(x) for n, x in ed.editor.inputs.items()}
    assert (values["method"], values["format"], values["consent"], values["anonymous"]) == (
        "hand-over", "child version", "assent", "no")
    assert (values["respondent_type"], values["age_band"], values["practitioner_present"]) == (
        "child or young person", "10-12", "yes")
    assert ed.editor.ratings_label.text() == "Listened to me: 5 of 5"
    assert values["occurred_on"] == TODAY.isoformat()  # the app's today, not the clock's
    _screenshot(qtbot, ed.editor)
    ed.accept()


def _screenshot(qtbot: QtBot, editor: EvidenceEditor) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        editor.window().resize(860, 1000)  # as much as the offscreen screen allows
        qtbot.waitUntil(lambda: editor.form_widget.width() <= editor.scroll.viewport().width())
        editor.scroll.verticalScrollBar().setValue(0)
        qtbot.wait(50)
        assert editor.grab().save(str(Path(folder) / "editor-feedback-after-handover.png"))


def _grab(widget: QWidget, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_a_record_with_typed_in_answers_is_refused_before_the_pin_is_asked(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), "feedback_lived", TODAY)
    ctx.evidence.autosave(eid, {"went_well": "Typed in from the paper form"})
    parent = QWidget()
    qtbot.addWidget(parent)
    launcher = HandoverLauncher(runner, ctx, parent, _enrolment(ctx), eid, TODAY)
    with qtbot.waitSignal(launcher.failed, timeout=10_000) as failed:
        launcher.start()
    assert "already has answers" in failed.args[0] and launcher.dialog is None
    assert ctx.evidence.load(eid).values["went_well"] == "Typed in from the paper form"


def test_handing_over_from_the_editor_fills_in_who_the_record_is_from(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(_enrolment(ctx), "feedback_lived", TODAY)
    ctx.evidence.autosave(eid, {"respondent_type": "carer", "format": "easy-read"})
    w = MainWindow(runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.list_ready, timeout=10_000):
        w.set_api(ctx)
    w.open_evidence(eid)
    ed = w.evidence_dialog
    assert isinstance(ed, EvidenceDialog)
    qtbot.waitUntil(lambda: bool(ed.editor.inputs), timeout=10_000)
    qtbot.mouseClick(ed.editor.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(w.handover_launcher, HandoverLauncher)
                    and w.handover_launcher.dialog is not None, timeout=10_000)
    dialog = w.handover_launcher.dialog  # type: ignore[union-attr]
    assert dialog is not None and not (shiboken6.isValid(ed) and ed.isVisible())
    assert (dialog.respondent.currentText(), dialog.form.currentData()) == ("carer", "easy-read")
    dialog.reject()

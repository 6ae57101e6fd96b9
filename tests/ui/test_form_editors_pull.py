"""The review and final assessment editors while syncs run: the page reloads them after every
sync that brought something, and their saves meet what other devices wrote meanwhile.

Two real laptops (encrypted stores) and a real sync server on 127.0.0.1 (``tests.ui.laptops``).
Typing that is not saved yet must survive a reload; a save must keep the other device's words
where both changed the same part, and take them where only the other device did.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.domain.review_dto import AssessmentInput, ReviewInput
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.final_assessment_editor import FinalAssessmentEditor
from assessor_app.ui.views.review_editor import ReviewEditor
from tests.ui.laptops import Laptops, a_syncs, drain, laptops_fixture  # noqa: F401  (fixture)

TODAY = date(2026, 11, 23)


def type_at_end(qtbot: QtBot, box: QPlainTextEdit, text: str) -> None:
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box, text)


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


# -- the review meeting editor ------------------------------------------------------------

def review_on_both(laptops: Laptops) -> str:
    rec = laptops.a.reviews.create(laptops.enrolment_id, ReviewInput(
        "review-3", reasons="First reasons.", pdp="First PDP."))
    laptops.a.sync.sync()
    laptops.b.sync.sync()
    return rec.id


def b_changes_review(laptops: Laptops, review_id: str, **fields: str) -> None:
    rec = laptops.b.reviews.get(review_id)
    laptops.b.reviews.update(review_id, replace(rec.data, **fields))
    laptops.b.sync.sync()


def open_review(qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> ReviewEditor:
    editor = ReviewEditor(runner, laptops.a, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.resize(1280, 860)
    editor.show()
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(laptops.enrolment_id, "review-3")
    return editor


def window_refreshes(qtbot: QtBot, editor: ReviewEditor | FinalAssessmentEditor,
                     enrolment_id: str) -> None:
    """What the main window does after a sync that pulled something: the page reloads."""
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(enrolment_id)


def test_a_reload_after_a_sync_keeps_unsaved_review_typing_and_shows_other_changes(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    review_id = review_on_both(laptops)
    editor = open_review(qtbot, runner, laptops)
    type_at_end(qtbot, editor.reasons, " Typed, not saved yet.")
    b_changes_review(laptops, review_id, pdp="PDP agreed on the other laptop.")
    a_syncs(qtbot, laptops)
    window_refreshes(qtbot, editor, laptops.enrolment_id)
    assert editor.current_point() == "review-3"
    assert editor.reasons.toPlainText() == "First reasons. Typed, not saved yet."
    assert editor.pdp.toPlainText() == "PDP agreed on the other laptop."
    notice = editor.live.notice
    assert notice.isVisible() and notice.tone == "info"
    assert notice.label.text().startswith("Updated from your other device at ")
    assert notice.label.text().endswith(": PDP.")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    stored = laptops.a.reviews.get(review_id).data
    assert (stored.reasons, stored.pdp) == ("First reasons. Typed, not saved yet.",
                                            "PDP agreed on the other laptop.")
    assert laptops.a.sync.conflicts() == []


def test_saving_a_review_both_laptops_changed_keeps_both_texts(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    review_id = review_on_both(laptops)
    editor = open_review(qtbot, runner, laptops)
    type_at_end(qtbot, editor.reasons, " A's addition.")
    b_changes_review(laptops, review_id, reasons="B's reasons, written on the other laptop.")
    a_syncs(qtbot, laptops)
    window_refreshes(qtbot, editor, laptops.enrolment_id)
    assert editor.reasons.toPlainText() == "First reasons. A's addition."
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    assert laptops.a.reviews.get(review_id).data.reasons == "First reasons. A's addition."
    assert [(c.field, c.kept_value, c.other_value) for c in laptops.a.sync.conflicts()] == [
        ("reasons", "First reasons. A's addition.", "B's reasons, written on the other laptop.")]
    notice = editor.live.notice
    assert notice.tone == "conflict" and "also changed on your other device" in \
        notice.label.text() and "(Reasons)" in notice.label.text()
    screenshot(editor, "review-editor-both-versions-kept")
    notice.buttons[0].click()  # Review…
    dialog = editor.live.conflicts_dialog
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 1, timeout=5_000)
    dialog.close()


def test_a_review_made_at_the_same_point_on_the_other_laptop_is_saved_into_not_refused(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_review(qtbot, runner, laptops)  # review-3 not recorded yet
    type_at_end(qtbot, editor.reasons, "Reasons typed on A.")
    made = laptops.b.reviews.create(laptops.enrolment_id, ReviewInput(
        "review-3", pdp="PDP written on B."))
    laptops.b.sync.sync()
    laptops.a.sync.sync()  # pulled while the editor still shows the point unrecorded
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    [review] = laptops.a.reviews.list_reviews(laptops.enrolment_id)
    assert review.id == made.id
    assert (review.data.reasons, review.data.pdp) == ("Reasons typed on A.", "PDP written on B.")
    assert editor.pdp.toPlainText() == "PDP written on B."  # the form shows what is stored


# -- the final assessment editor ----------------------------------------------------------

def assessment_on_both(laptops: Laptops) -> None:
    laptops.a.assessment.update(laptops.enrolment_id, AssessmentInput(
        strengths="First strengths.", rationale="First rationale."))
    laptops.a.sync.sync()
    laptops.b.sync.sync()


def b_changes_assessment(laptops: Laptops, **fields: str) -> None:
    rec = laptops.b.assessment.get(laptops.enrolment_id)
    assert rec is not None
    laptops.b.assessment.update(laptops.enrolment_id, replace(rec.data, **fields))
    laptops.b.sync.sync()


def open_assessment(qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> FinalAssessmentEditor:
    editor = FinalAssessmentEditor(runner, laptops.a, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.resize(1280, 860)
    editor.show()
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(laptops.enrolment_id)
    return editor


def test_a_reload_after_a_sync_keeps_unsaved_assessment_typing(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    assessment_on_both(laptops)
    editor = open_assessment(qtbot, runner, laptops)
    type_at_end(qtbot, editor.rationale, " Typed, not saved yet.")
    b_changes_assessment(laptops, strengths="Strengths from the other laptop.")
    a_syncs(qtbot, laptops)
    window_refreshes(qtbot, editor, laptops.enrolment_id)
    assert editor.rationale.toPlainText() == "First rationale. Typed, not saved yet."
    assert editor.strengths.toPlainText() == "Strengths from the other laptop."
    assert editor.live.notice.label.text().endswith(": Strengths.")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    stored = laptops.a.assessment.get(laptops.enrolment_id)
    assert stored is not None
    assert (stored.data.strengths, stored.data.rationale) == (
        "Strengths from the other laptop.", "First rationale. Typed, not saved yet.")


def test_saving_an_assessment_both_laptops_changed_keeps_both_texts(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    assessment_on_both(laptops)
    editor = open_assessment(qtbot, runner, laptops)
    type_at_end(qtbot, editor.rationale, " A's reasons.")
    b_changes_assessment(laptops, rationale="B's rationale.")
    laptops.a.sync.sync()  # pulled before the editor could look again
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    stored = laptops.a.assessment.get(laptops.enrolment_id)
    assert stored is not None and stored.data.rationale == "First rationale. A's reasons."
    assert [(c.field, c.kept_value, c.other_value) for c in laptops.a.sync.conflicts()] == [
        ("rationale", "First rationale. A's reasons.", "B's rationale.")]
    assert editor.live.notice.tone == "conflict"
    screenshot(editor, "assessment-editor-both-versions-kept")


def test_typing_while_an_assessment_save_is_on_its_way_is_kept(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    assessment_on_both(laptops)
    editor = open_assessment(qtbot, runner, laptops)
    gate = threading.Event()
    runner.run_op(lambda: gate.wait(20))  # the DB thread is busy: the save waits its turn
    with qtbot.waitSignal(editor.saved, timeout=20_000):
        editor.save_button.click()
        type_at_end(qtbot, editor.strengths, " Typed after clicking Save.")
        gate.set()
    assert editor.strengths.toPlainText() == "First strengths. Typed after clicking Save."
    drain(qtbot, runner)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    stored = laptops.a.assessment.get(laptops.enrolment_id)
    assert stored is not None
    assert stored.data.strengths == "First strengths. Typed after clicking Save."


def test_a_review_deleted_on_the_other_laptop_keeps_the_typing_and_saves_it_anew(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    from assessor_app.store.base import utcnow
    from assessor_app.store.models import Review

    review_id = review_on_both(laptops)
    editor = open_review(qtbot, runner, laptops)
    type_at_end(qtbot, editor.reasons, " Typed as it was deleted.")
    with laptops.b.database.uow("tester") as uow:
        uow.session.get(Review, review_id).deleted_at = utcnow()
        uow.commit()
    laptops.b.sync.sync()
    a_syncs(qtbot, laptops)
    window_refreshes(qtbot, editor, laptops.enrolment_id)
    assert editor.reasons.toPlainText() == "First reasons. Typed as it was deleted."
    notice = editor.live.notice
    assert notice.tone == "deleted" and notice.label.text().startswith(
        "This review was deleted on another device.")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        notice.buttons[0].click()  # Save it as a new review
    [review] = laptops.a.reviews.list_reviews(laptops.enrolment_id)
    assert review.id != review_id
    assert review.data.reasons == "First reasons. Typed as it was deleted."
    assert review.data.pdp == "First PDP."
    assert notice.tone == "info" and notice.label.text().startswith("Saved as a new review.")

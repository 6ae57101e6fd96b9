"""The review meeting editor over a real demo store through the real services (no mocks).

Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots of the editor.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.domain.review_dto import PARTIES
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.review_editor import ReviewEditor
from tests.review_demo import TODAY, Services


@pytest.fixture
def api(review_services: Services) -> Services:
    """The real review and assessment services over this test's own copy of the demo."""
    return review_services


def open_editor(qtbot: QtBot, runner: DbRunner, api: Services, enrolment_id: str,
                point: str | None = None) -> ReviewEditor:
    ed = ReviewEditor(runner, api, today=lambda: TODAY)
    qtbot.addWidget(ed)
    ed.resize(1280, 860)
    ed.show()
    qtbot.waitExposed(ed)
    with qtbot.waitSignals([ed.data_loaded, ed.summary_loaded], timeout=10_000):
        ed.load(enrolment_id, point)
    return ed


def shot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()  # let pending layout requests settle, as on screen
    image = widget.grab()
    assert not image.isNull() and image.width() >= 1000
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def set_date(qtbot: QtBot, ed: ReviewEditor, day: date) -> None:
    """Tick "meeting held" and set its date, then wait for the summary of the new period."""
    with qtbot.waitSignal(ed.summary_loaded, timeout=10_000):
        if not ed.held.check.isChecked():
            ed.held.check.click()
        ed.held.edit.setDate(QDate(day.year, day.month, day.day))


def retype(qtbot: QtBot, box: QPlainTextEdit, text: str) -> None:
    box.clear()
    qtbot.keyClicks(box, text)


def test_every_field_round_trips_through_the_store(qtbot: QtBot, runner: DbRunner,
                                                   api: Services) -> None:
    new = api.scenarios()["new"]
    ed = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    assert ed.status_label.text() == "Not recorded yet"
    set_date(qtbot, ed, date(2026, 11, 20))
    ed.attendees.add_button.click()
    row = ed.attendees.table.rowCount() - 1
    ed.attendees.table.item(row, 0).setText("Morgan Adeyemi")
    ed.attendees.table.item(row, 1).setText("principal social worker")
    ed.judgement_buttons["some_concerns"].click()
    retype(qtbot, ed.reasons, "Second observation is late; caseload above the agreement.")
    retype(qtbot, ed.workload, "Two cases to move by Friday.")
    retype(qtbot, ed.supervision, "One session cancelled, rearranged.")
    retype(qtbot, ed.pdp, "1. Observation in December. 2. Court skills course.")
    for n, party in enumerate(PARTIES):
        retype(qtbot, ed.comments[party], f"Comment from the {party}.")
        ed.signoffs[party].check.click()
        ed.signoffs[party].edit.setDate(QDate(2026, 11, 20 + n))
    typed = ed.current_input()
    assert typed.reasons.startswith("Second observation") and typed.judgement == "some_concerns"
    assert typed.attendees[-1].role == "principal social worker" and len(typed.attendees) == 4
    assert typed.signoffs["assessor"] == date(2026, 11, 22)
    with qtbot.waitSignal(ed.saved, timeout=10_000) as saved:
        qtbot.mouseClick(ed.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].status == "draft" and ed.status_label.text() == "Draft"
    assert ed.point_combo.currentText().endswith("· draft")

    again = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    assert again.current_input() == typed
    stored = api.reviews.for_point(new.enrolment_id, "review-3")
    assert stored is not None and stored.data == typed


def test_mark_final_says_what_it_needs_until_it_has_it(qtbot: QtBot, runner: DbRunner,
                                                       api: Services) -> None:
    new = api.scenarios()["new"]
    ed = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    assert not ed.final_button.isEnabled()
    assert ed.final_hint.text() == ("Mark final needs the meeting date, the progress judgement "
                                    "and the reasons for it.")
    assert ed.final_button.accessibleDescription() == ed.final_hint.text()
    set_date(qtbot, ed, date(2026, 11, 20))
    ed.judgement_buttons["on_track"].click()
    assert ed.final_hint.text() == "Mark final needs the reasons for it."
    qtbot.keyClicks(ed.reasons, "A good start.")
    assert ed.final_button.isEnabled() and ed.final_hint.text() == ""
    with qtbot.waitSignal(ed.saved, timeout=10_000) as saved:
        qtbot.mouseClick(ed.final_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].status == "final" and ed.status_label.text() == "Final"
    assert ed.point_combo.currentText().endswith("recorded (final)")


def test_the_summary_is_shown_and_fills_the_checks(qtbot: QtBot, runner: DbRunner,
                                                   api: Services) -> None:
    new = api.scenarios()["new"]
    ed = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    assert ed.summary is not None
    assert ed.summary == api.reviews.summary(new.enrolment_id, "review-3", None, TODAY)
    assert ed.supervision.toPlainText() == ed.summary.supervision.text()
    assert ed.workload.toPlainText() == ed.summary.workload_text()
    text = ed.summary_view.toPlainText()
    assert "(so far: the meeting has no date yet)" in text and ed.summary.supervision.text() in text
    shot(ed, "editor-review-new")

    set_date(qtbot, ed, date(2026, 10, 30))  # an earlier meeting: fewer sessions owed
    assert ed.summary.end == date(2026, 10, 30)
    assert ed.supervision.toPlainText() == ed.summary.supervision.text()  # refreshed
    retype(qtbot, ed.supervision, "My own words.")
    set_date(qtbot, ed, date(2026, 11, 2))
    assert ed.supervision.toPlainText() == "My own words."  # never overwritten once edited
    ed.fill_button.click()
    assert ed.supervision.toPlainText() == ed.summary.supervision.text()


def test_a_recorded_review_and_its_summary_match_the_store(qtbot: QtBot, runner: DbRunner,
                                                          api: Services) -> None:
    done = api.scenarios()["completed"]
    stored = api.reviews.for_point(done.enrolment_id, "review-6")
    assert stored is not None
    ed = open_editor(qtbot, runner, api, done.enrolment_id, "review-6")
    assert ed.current_input() == stored.data  # stored checks are kept, not replaced
    expected = api.reviews.summary(done.enrolment_id, "review-6", stored.data.held_on, TODAY)
    assert ed.summary == expected
    text = ed.summary_view.toPlainText()
    assert f"{expected.total} final" in text and "Supervision:" in text
    shot(ed, "editor-review-completed-6-month")


def test_a_service_refusal_is_shown_and_nothing_is_saved(qtbot: QtBot, runner: DbRunner,
                                                         api: Services) -> None:
    new = api.scenarios()["new"]
    ed = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    set_date(qtbot, ed, date(2026, 11, 20))
    ed.signoffs["manager"].check.click()
    ed.signoffs["manager"].edit.setDate(QDate(2026, 11, 1))
    with qtbot.waitSignal(ed.failed, timeout=10_000):
        ed.save_button.click()
    assert "sign-off (1 Nov 2026) is before the meeting" in ed.message.text()
    assert api.reviews.list_reviews(new.enrolment_id) == []


def test_a_final_review_is_read_only_once_the_assessment_is_signed(qtbot: QtBot, runner: DbRunner,
                                                                  api: Services) -> None:
    done = api.scenarios()["completed"]
    api.assessment.mark_signed(done.enrolment_id)
    ed = open_editor(qtbot, runner, api, done.enrolment_id, "final")
    assert "locked" in ed.status_label.text()
    assert ed.reasons.isReadOnly() and ed.comments["assessor"].isReadOnly()
    assert not ed.save_button.isEnabled() and not ed.final_button.isEnabled()
    assert not ed.attendees.add_button.isEnabled() and not ed.held.check.isEnabled()
    assert ed.save(final=False) is None


def test_every_input_has_an_accessible_name(qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    ed = open_editor(qtbot, runner, api, api.scenarios()["new"].enrolment_id)
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTableWidget,
             QListWidget, QTextBrowser)
    inputs = [w for w in ed.findChildren(QWidget) if isinstance(w, kinds)
              and not isinstance(w.parent(), QAbstractSpinBox | QComboBox | QTableWidget)
              and w.objectName() != "qt_calendar_navigationbar"]
    assert len(inputs) > 25
    unnamed = [type(w).__name__ + ":" + getattr(w, "text", lambda: "")() for w in inputs
               if not w.accessibleName()]
    assert unnamed == []


def test_closing_the_editor_while_it_loads_delivers_nothing(qtbot: QtBot, runner: DbRunner,
                                                            api: Services) -> None:
    ed = ReviewEditor(runner, api, today=lambda: TODAY)
    op = ed.load(api.scenarios()["completed"].enrolment_id)
    ed.deleteLater()
    qtbot.waitUntil(lambda: op.cancelled, timeout=5000)
    done: list[bool] = []
    runner.run_op(lambda: True).on_success(done.append)  # queued after the load
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)  # no callback reached a deleted widget


def test_ctrl_s_saves_a_draft_from_inside_the_editor(qtbot: QtBot, runner: DbRunner,
                                                     api: Services) -> None:
    new = api.scenarios()["new"]
    ed = open_editor(qtbot, runner, api, new.enrolment_id, "review-3")
    ed.activateWindow()
    ed.reasons.setFocus()
    qtbot.waitUntil(ed.reasons.hasFocus, timeout=3000)
    with qtbot.waitSignal(ed.saved, timeout=10_000) as saved:
        qtbot.keyClick(ed.reasons, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].status == "draft"

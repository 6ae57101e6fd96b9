"""The review and final assessment editors follow the open practitioner without losing typing.

The real main window over a real encrypted demo store, through the real services: text typed
into an editor and not saved yet is saved as a draft when another practitioner is opened
(and when the window closes), before the page reads anything else.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.domain.enums import EnrolmentStatus
from assessor_app.ui.main_window import MainWindow
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.review_editor import ReviewEditor
from tests.review_demo import TODAY
from tests.ui.laptops import drain


@pytest.fixture
def own_runner(qapp: object) -> Iterator[DbRunner]:
    runner = DbRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def window(qtbot: QtBot, own_runner: DbRunner, ctx: AppContext) -> MainWindow:
    w = MainWindow(own_runner, today=lambda: TODAY, demo=True)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.list_ready, timeout=10_000):
        w.set_api(ctx)
    return w


def two_running(ctx: AppContext) -> tuple[str, str]:
    rows = [r for r in ctx.list_rows(TODAY) if r.status is EnrolmentStatus.ACTIVE]
    return rows[0].enrolment_id, rows[1].enrolment_id


def open_page(qtbot: QtBot, w: MainWindow, enrolment_id: str, runner: DbRunner) -> None:
    with qtbot.waitSignal(w.page_ready, timeout=10_000):
        w.open_practitioner(enrolment_id)
    drain(qtbot, runner)  # the editors have loaded this practitioner


def type_at_end(qtbot: QtBot, box: QPlainTextEdit, text: str) -> None:
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box, text)


def review_reasons(ctx: AppContext, enrolment_id: str, point_id: str) -> str:
    rec = ctx.reviews.editor_data(enrolment_id, TODAY).review_for(point_id)
    return rec.data.reasons if rec is not None else ""


def test_switching_practitioner_keeps_review_typing(qtbot: QtBot, window: MainWindow,
                                                     own_runner: DbRunner,
                                                     ctx: AppContext) -> None:
    first, second = two_running(ctx)
    open_page(qtbot, window, first, own_runner)
    view = window.page_view
    view.show_tab("Reviews")
    editor = view.review_editor
    assert editor is not None and editor._enrolment_id == first
    point = editor.current_point()
    before = review_reasons(ctx, first, point)
    type_at_end(qtbot, editor.reasons, " Typed just before switching.")
    with qtbot.waitSignal(window.page_ready, timeout=10_000):
        window.open_practitioner(second)  # at once: no save pressed, no pause
    drain(qtbot, own_runner)
    assert editor._enrolment_id == second
    assert review_reasons(ctx, first, point) == (before + " Typed just before switching.").strip()
    assert " Typed just before switching." not in editor.reasons.toPlainText()


def test_switching_practitioner_keeps_final_assessment_typing(qtbot: QtBot, window: MainWindow,
                                                               own_runner: DbRunner,
                                                               ctx: AppContext) -> None:
    first, second = two_running(ctx)
    open_page(qtbot, window, first, own_runner)
    view = window.page_view
    view.show_tab("Final assessment")
    editor = view.assessment_editor
    assert editor is not None and editor.data is not None
    editor.tabs.setCurrentIndex(1)
    before = ctx.assessment.draft(first, TODAY).record.data.strengths
    type_at_end(qtbot, editor.strengths, " Strengths typed just before switching.")
    with qtbot.waitSignal(window.page_ready, timeout=10_000):
        window.open_practitioner(second)
    drain(qtbot, own_runner)
    assert editor._enrolment_id == second
    stored = ctx.assessment.draft(first, TODAY).record.data.strengths
    assert stored == (before + " Strengths typed just before switching.").strip()


def test_closing_the_window_keeps_typing_in_both_editors(qtbot: QtBot, window: MainWindow,
                                                         own_runner: DbRunner,
                                                         ctx: AppContext) -> None:
    first, _second = two_running(ctx)
    open_page(qtbot, window, first, own_runner)
    view = window.page_view
    review, assessment = view.review_editor, view.assessment_editor
    assert review is not None and assessment is not None
    point = review.current_point()
    view.show_tab("Reviews")
    type_at_end(qtbot, review.pdp, " PDP typed before closing.")
    view.show_tab("Final assessment")
    assessment.tabs.setCurrentIndex(1)
    type_at_end(qtbot, assessment.development, " Development typed before closing.")
    window.close()
    drain(qtbot, own_runner)
    rec = ctx.reviews.editor_data(first, TODAY).review_for(point)
    assert rec is not None and rec.data.pdp.endswith("PDP typed before closing.")
    stored = ctx.assessment.draft(first, TODAY).record.data.development
    assert stored.endswith("Development typed before closing.")


def test_nothing_typed_saves_nothing(qtbot: QtBot, window: MainWindow, own_runner: DbRunner,
                                     ctx: AppContext) -> None:
    """Opening and leaving a practitioner without typing records no review (a positive
    control: the switch saves typing, not every form it shows)."""
    first, second = two_running(ctx)
    open_page(qtbot, window, first, own_runner)
    editor = window.page_view.review_editor
    assert editor is not None
    point = editor.current_point()
    had = ctx.reviews.editor_data(first, TODAY).review_for(point)
    open_page(qtbot, window, second, own_runner)
    now = ctx.reviews.editor_data(first, TODAY).review_for(point)
    assert (had is None) == (now is None)
    if had is not None and now is not None:
        assert now.data == had.data


def test_switching_review_point_keeps_typing_even_when_switched_straight_back(
        qtbot: QtBot, own_runner: DbRunner, ctx: AppContext) -> None:
    """Another review point is another record: the point left keeps its typing (saved as a
    draft), and going straight back, before that save is back, shows the typing again."""
    first, _second = two_running(ctx)
    editor = ReviewEditor(own_runner, ctx, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.show()
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(first)
    drain(qtbot, own_runner)
    assert editor.point_combo.count() > 1
    start = editor.point_combo.currentIndex()
    point = editor.current_point()
    before = review_reasons(ctx, first, point)
    type_at_end(qtbot, editor.reasons, " Typed before choosing another point.")
    other = (start + 1) % editor.point_combo.count()
    editor.point_combo.setCurrentIndex(other)  # no save pressed, no pause
    assert "Typed before choosing" not in editor.reasons.toPlainText()
    editor.point_combo.setCurrentIndex(start)  # straight back, before the save is back
    drain(qtbot, own_runner)
    expected = (before + " Typed before choosing another point.").strip()
    assert review_reasons(ctx, first, point) == expected
    assert editor.reasons.toPlainText().strip() == expected
    assert not editor.live.dirty  # shown as stored: nothing typed waits
    other_point = editor.point_combo.itemData(other)
    assert "Typed before choosing" not in review_reasons(ctx, first, other_point)

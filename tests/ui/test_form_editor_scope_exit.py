"""The review-meeting and final-assessment editors open on a practitioner who is moved to
another assessor (a scope exit).

A real sync server on 127.0.0.1, real encrypted stores (the coordinator's laptop and
assessor one's), real editor widgets typed into with pytest-qt. The sync removes the
portfolio from assessor one's laptop while the editor is open: the editor must say so
plainly, turn read only, and keep the typing aside with the other kept-aside changes, so
that it goes into the record when the practitioner comes back (where the record changed
meanwhile, both texts are kept as a conflict). Set ASSESSOR_APP_SCREENSHOT_DIR to keep
screenshots of the notices.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from assessor_app.app import AppContext
from assessor_app.domain.review_dto import AssessmentInput, ReviewInput
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.final_assessment_editor import FinalAssessmentEditor
from assessor_app.ui.views.review_editor import ReviewEditor
from tests.ui.laptops import drain
from tests.ui.test_editor_scope_exit import moved  # noqa: F401  (fixture)
from tests.ui.test_form_editors_pull import screenshot, type_at_end

TODAY = date(2026, 11, 23)
TYPED = " Quokkaberry plan agreed at the meeting."  # a word found nowhere else
REMOVED = "This portfolio was moved to another assessor and removed from this laptop."


def kept_rows(ctx: AppContext) -> list[str]:
    """The kept-aside entries' kinds and encrypted-store text, as stored."""
    with ctx.database.uow() as uow:
        rows = uow.session.connection().execute(
            text("SELECT table_name, row FROM kept_aside")).all()
    return [f"{t}: {r}" for t, r in rows]


def says_kept_aside(qtbot: QtBot, editor: ReviewEditor | FinalAssessmentEditor) -> str:
    notice = editor.live.notice
    qtbot.waitUntil(lambda: "kept aside, encrypted" in notice.label.text(), timeout=10_000)
    words = notice.label.text()
    assert words.startswith(REMOVED)
    assert "goes back into the record if the practitioner is assigned to you again" in words
    assert "--kept-aside" in words
    assert not [b for b in notice.buttons if b.isVisible()]  # nothing to restore or save here
    return words


def test_review_typing_of_a_practitioner_moved_away_is_kept_aside_and_goes_back(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:  # noqa: F811
    server, coord, one, tree = moved["server"], moved["coord"], moved["one"], moved["tree"]
    enrolment_id = tree["enrolment"]
    coord.reviews.create(enrolment_id, ReviewInput("review-3", reasons="First reasons."))
    coord.sync.sync()
    one.sync.sync()
    editor = ReviewEditor(runner, one, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.resize(1280, 860)
    editor.show()
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(enrolment_id, "review-3")
    type_at_end(qtbot, editor.reasons, TYPED)  # not saved yet

    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()  # the portfolio leaves this laptop while the editor is open
    assert one.reviews.list_reviews(enrolment_id) == []
    editor.save(final=False)  # the person presses Save draft
    says_kept_aside(qtbot, editor)
    assert editor.reasons.toPlainText() == "First reasons." + TYPED  # still on screen …
    assert editor.reasons.isReadOnly() and editor.pdp.isReadOnly()  # … and read only
    assert not editor.save_button.isEnabled()
    assert "Traceback" not in editor.message.text()
    screenshot(editor, "review-editor-portfolio-removed")

    [group] = one.sync.kept_aside()
    assert (group.practitioner_name, group.changes) == ("Sam Example", 1)
    [row] = kept_rows(one)
    assert row.startswith("review-typing: ") and "Quokkaberry" in row
    with qtbot.waitSignal(editor.data_loaded, raising=False, timeout=1_500) as loaded:
        editor.load(enrolment_id)  # the window refreshes after a sync: no error, no reload
    assert not loaded.signal_triggered
    assert editor.keep_typing() is None  # switching or closing saves nothing more
    drain(qtbot, runner)
    assert one.sync.status().kept_aside == 1

    # the coordinator assigns Sam back: the typing goes into the review and is sent
    server.assign("Assessor One", tree["practitioner"])
    report = one.sync.sync()
    assert any(n.startswith("Sam Example is assigned to you again") for n in report.notices)
    assert one.sync.status().kept_aside == 0 and one.sync.status().waiting == 0
    [back] = one.reviews.list_reviews(enrolment_id)
    assert back.data.reasons == ("First reasons." + TYPED).strip()
    coord.sync.sync()
    assert coord.reviews.list_reviews(enrolment_id)[0].data.reasons == back.data.reasons


def test_final_assessment_typing_of_a_practitioner_moved_away_is_kept_aside_and_goes_back(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:  # noqa: F811
    server, coord, one, tree = moved["server"], moved["coord"], moved["one"], moved["tree"]
    enrolment_id = tree["enrolment"]
    coord.assessment.update(enrolment_id, AssessmentInput(strengths="First strengths.",
                                                          rationale="First rationale."))
    coord.sync.sync()
    one.sync.sync()
    editor = FinalAssessmentEditor(runner, one, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.resize(1280, 860)
    editor.show()
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(enrolment_id)
    type_at_end(qtbot, editor.strengths, TYPED)  # not saved yet

    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()
    editor.load(enrolment_id)  # what the window does after a sync: the editor reads again
    says_kept_aside(qtbot, editor)
    assert editor.strengths.toPlainText() == "First strengths." + TYPED
    assert all(isinstance(b, QPlainTextEdit) and b.isReadOnly()
               for b in editor._boxes().values())
    assert not any(b.isEnabled() for b in editor.recommendation_buttons.values())
    assert not editor.save_button.isEnabled() and not editor.final_button.isEnabled()
    assert editor.save(final=False) is None
    qtbot.wait(200)  # the notice grew: its layout runs before the screenshot
    screenshot(editor, "final-assessment-editor-portfolio-removed")
    [group] = one.sync.kept_aside()
    assert (group.practitioner_name, group.changes) == ("Sam Example", 1)
    [row] = kept_rows(one)
    assert row.startswith("assessment-typing: ") and "Quokkaberry" in row
    editor.close()
    drain(qtbot, runner)

    # meanwhile the coordinator changes the same part: both texts are kept when it goes back
    coord.assessment.update(enrolment_id, AssessmentInput(strengths="Coordinator's strengths.",
                                                          rationale="First rationale."))
    coord.sync.sync()
    server.assign("Assessor One", tree["practitioner"])
    one.sync.sync()
    assert one.sync.status().kept_aside == 0
    record = one.assessment.draft(enrolment_id, TODAY).record
    assert record.data.strengths == ("First strengths." + TYPED).strip()
    assert record.conflicts == ("strengths",)  # the coordinator's text kept beside it
    assert one.assessment.get(enrolment_id).data.rationale == "First rationale."


def test_an_assessment_editor_with_nothing_typed_says_nothing_was_lost(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:  # noqa: F811
    server, one, tree = moved["server"], moved["one"], moved["tree"]
    editor = FinalAssessmentEditor(runner, one, today=lambda: TODAY)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.data_loaded, timeout=10_000):
        editor.load(tree["enrolment"])
    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()
    editor.load(tree["enrolment"])
    notice = editor.live.notice
    qtbot.waitUntil(lambda: "nothing is lost" in notice.label.text(), timeout=10_000)
    assert notice.label.text().startswith(REMOVED)
    drain(qtbot, runner)
    # (the empty draft the editor made on opening, never sent, is kept aside as a change)
    assert not [r for r in kept_rows(one) if r.startswith("assessment-typing")]

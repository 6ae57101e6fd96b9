"""The final assessment editor over a real demo store through the real services (no mocks).

Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots of the editor.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.domain.assessment_rules import MIN_RATIONALE_CHARS
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.final_assessment_editor import FinalAssessmentEditor
from tests.review_demo import TODAY, Services
from tests.ui.test_review_editor import retype, shot

RATIONALE = ("Across three observations, assessed written work and feedback from families and "
             "colleagues the practitioner has not yet shown safe analysis of risk in court work.")


@pytest.fixture
def api(review_services: Services) -> Services:
    """The real review and assessment services over this test's own copy of the demo."""
    return review_services


def open_editor(qtbot: QtBot, runner: DbRunner, api: Services, enrolment_id: str) -> FinalAssessmentEditor:
    ed = FinalAssessmentEditor(runner, api, today=lambda: TODAY)
    qtbot.addWidget(ed)
    ed.resize(1280, 800)
    ed.show()
    qtbot.waitExposed(ed)
    with qtbot.waitSignal(ed.data_loaded, timeout=10_000):
        ed.load(enrolment_id)
    return ed


def warning_texts(ed: FinalAssessmentEditor) -> list[str]:
    return [ed.warning_list.item(i).text() for i in range(ed.warning_list.count())]


def choose(ed: FinalAssessmentEditor, row: int, judgement: str) -> str:
    panel = ed.standards
    panel.table.setCurrentCell(row, 1)
    panel.judgement_combo.setCurrentIndex(panel.judgement_combo.findData(judgement))
    return panel.current_key()


def test_suggested_evidence_is_ticked_until_the_assessor_chooses(qtbot: QtBot, runner: DbRunner,
                                                                api: Services) -> None:
    mid = api.scenarios()["overdue"]
    ed = open_editor(qtbot, runner, api, mid.enrolment_id)
    data = ed.data
    assert data is not None
    assert {k: j.evidence_ids for k, j in ed.standards.judgements.items()} == data.suggested
    row = next(r for r, s in enumerate(data.standards) if data.suggested[s.key])
    ed.standards.table.setCurrentCell(row, 1)
    items = [ed.standards.evidence_list.item(i) for i in range(ed.standards.evidence_list.count())]
    ticked = [str(i.data(Qt.ItemDataRole.UserRole)) for i in items
              if i.checkState() == Qt.CheckState.Checked]
    assert tuple(ticked) == data.suggested[data.standards[row].key]
    assert ed.standards.table.item(row, 3).text() == \
        f"{len(ticked)} of {len(data.options[data.standards[row].key])}"


def test_every_field_round_trips_through_the_store(qtbot: QtBot, runner: DbRunner,
                                                   api: Services) -> None:
    mid = api.scenarios()["overdue"]
    ed = open_editor(qtbot, runner, api, mid.enrolment_id)
    first = choose(ed, 0, "partly")
    retype(qtbot, ed.standards.comment, "Relationships are warm; planning is thin.")
    lst = ed.standards.evidence_list
    if lst.count() and lst.item(0).data(Qt.ItemDataRole.UserRole):
        lst.item(0).setCheckState(Qt.CheckState.Unchecked)
    second = choose(ed, 1, "not_met")
    ed.tabs.setCurrentIndex(1)
    retype(qtbot, ed.strengths, "Warm, creative direct work.")
    retype(qtbot, ed.development, "Risk analysis in court work.")
    retype(qtbot, ed.year2_plan, "Extend the programme and co-work care proceedings.")
    ed.tabs.setCurrentIndex(2)
    ed.recommendation_buttons["fail"].click()
    retype(qtbot, ed.rationale, RATIONALE)
    retype(qtbot, ed.practitioner_comments, "I would like more time.")
    retype(qtbot, ed.manager_comments, "Caseload will be protected.")
    typed = ed.current_input()
    assert typed.judgements[first].judgement == "partly" and typed.judgements[second].judgement == "not_met"
    assert typed.judgements[first].comment.startswith("Relationships")
    assert typed.recommendation == "fail" and typed.rationale == RATIONALE
    with qtbot.waitSignal(ed.saved, timeout=10_000):
        qtbot.mouseClick(ed.save_button, Qt.MouseButton.LeftButton)
    assert ed.message.text() == "Draft saved." and ed.status_label.text() == "Draft"

    again = open_editor(qtbot, runner, api, mid.enrolment_id)
    assert again.current_input() == typed
    stored = api.assessment.get(mid.enrolment_id)
    assert stored is not None and stored.data.judgements == typed.judgements
    assert stored.data.manager_comments == "Caseload will be protected."


def test_rationale_is_required_and_mark_final_explains_why_not(qtbot: QtBot, runner: DbRunner,
                                                               api: Services) -> None:
    done = api.scenarios()["completed"]
    ed = open_editor(qtbot, runner, api, done.enrolment_id)
    assert ed.final_button.isEnabled() and ed.final_hint.text() == ""
    ed.rationale.clear()
    assert not ed.final_button.isEnabled()
    assert ed.final_hint.text() == "Mark final is unavailable until you write the rationale."
    assert ed.final_button.accessibleDescription() == ed.final_hint.text()
    qtbot.keyClicks(ed.rationale, "Meets the standards.")
    assert ed.final_hint.text() == ("Mark final is unavailable until you lengthen the rationale "
                                    f"to {MIN_RATIONALE_CHARS} characters (20 so far).")
    assert ed.rationale_count.text() == f"20 characters (at least {MIN_RATIONALE_CHARS} needed)"
    qtbot.keyClicks(ed.rationale, " " + RATIONALE)
    assert ed.final_button.isEnabled()
    with qtbot.waitSignal(ed.saved, timeout=10_000):
        qtbot.mouseClick(ed.final_button, Qt.MouseButton.LeftButton)
    assert ed.message.text() == "Marked final."
    stored = api.assessment.get(done.enrolment_id)
    assert stored is not None and stored.status == "final"
    assert stored.data.rationale == "Meets the standards. " + RATIONALE


def test_warnings_for_the_mid_year_practitioner_and_none_when_complete(
        qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    rows = api.scenarios()
    ed = open_editor(qtbot, runner, api, rows["overdue"].enrolment_id)
    texts = warning_texts(ed)
    assert "Must fix: Choose the recommendation: pass or fail." in texts
    minimums = [t for t in texts if t.startswith("Check: ") and " of 3 (" in t]
    assert minimums, texts
    assert any(t.startswith("Check: No final evidence is linked to") for t in texts)
    assert not ed.final_button.isEnabled()
    shot(ed, "editor-final-mid-year-standards")

    with_key = next(i for i in range(ed.warning_list.count())
                    if ed.warning_list.item(i).data(Qt.ItemDataRole.UserRole)
                    and "No final evidence" in ed.warning_list.item(i).text())
    ed.tabs.setCurrentIndex(2)
    ed.warning_list.itemActivated.emit(ed.warning_list.item(with_key))  # Enter on a warning
    assert ed.tabs.currentIndex() == 0
    assert ed.standards.current_key() == ed.warning_list.item(with_key).data(Qt.ItemDataRole.UserRole)

    done = open_editor(qtbot, runner, api, rows["completed"].enrolment_id)
    assert warning_texts(done) == ["No warnings: the assessment is complete."]
    assert done.warnings == ()
    for tab, name in enumerate(("standards", "strengths", "recommendation")):
        done.tabs.setCurrentIndex(tab)
        shot(done, f"editor-final-completed-{tab + 1}-{name}")


def test_warnings_follow_typing(qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    done = api.scenarios()["completed"]
    ed = open_editor(qtbot, runner, api, done.enrolment_id)
    ed.recommendation_buttons["fail"].click()
    ed.development.clear()
    texts = warning_texts(ed)
    assert "Must fix: A fail recommendation needs the areas for development." in texts
    assert any("every standard is judged demonstrated" in t for t in texts)
    choose(ed, 0, "")
    assert any(t.startswith("Must fix: Give a judgement for 1 more standard") for t in warning_texts(ed))
    assert ed.standards.table.item(0, 2).text() == "—"


def test_a_signed_assessment_is_read_only(qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    done = api.scenarios()["completed"]
    api.assessment.mark_signed(done.enrolment_id)
    ed = open_editor(qtbot, runner, api, done.enrolment_id)
    assert ed.status_label.text() == "Signed — read only"
    assert not ed.save_button.isEnabled() and not ed.final_button.isEnabled()
    assert ed.rationale.isReadOnly() and ed.strengths.isReadOnly()
    assert not ed.standards.judgement_combo.isEnabled()
    assert not ed.recommendation_buttons["pass"].isEnabled()
    assert ed.save(final=False) is None
    assert ed.final_hint.text() == "Signed: no more changes."


def test_a_service_refusal_is_shown(qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    mid = api.scenarios()["overdue"]
    ed = open_editor(qtbot, runner, api, mid.enrolment_id)
    with qtbot.waitSignal(ed.failed, timeout=10_000):
        ed.save(final=True)  # the button is disabled; the service refuses too
    assert ed.message.text().startswith("The final assessment cannot be marked final yet")
    stored = api.assessment.get(mid.enrolment_id)
    assert stored is not None and stored.status == "draft"


def test_every_input_has_an_accessible_name(qtbot: QtBot, runner: DbRunner, api: Services) -> None:
    ed = open_editor(qtbot, runner, api, api.scenarios()["completed"].enrolment_id)
    kinds = (QAbstractButton, QComboBox, QPlainTextEdit, QTableWidget, QListWidget)
    inputs = [w for w in ed.findChildren(QWidget) if isinstance(w, kinds)
              and not isinstance(w.parent(), QAbstractSpinBox | QComboBox | QTableWidget)
              and w.parent() is not None and "QTabBar" not in type(w.parent()).__name__]
    assert len(inputs) > 12
    assert [type(w).__name__ for w in inputs if not w.accessibleName()] == []

"""Each standards link has a strength (some / clear / strong evidence) beside its comment."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.errors import UsageError
from assessor_app.services.evidence import StandardLinkDTO
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor
from tests.review_demo import TODAY


def _editor(qtbot: QtBot, runner: DbRunner, ctx: AppContext, eid: str) -> EvidenceEditor:
    editor = EvidenceEditor(runner, ctx, eid, delay_ms=50)
    qtbot.addWidget(editor)
    editor.resize(820, 900)
    editor.show()
    qtbot.waitUntil(lambda: editor.links_loaded and editor.form is not None, timeout=10_000)
    return editor


def test_strength_is_chosen_by_keyboard_saved_and_reopened(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "observation", TODAY)
    editor = _editor(qtbot, runner, ctx, eid)
    a, b = list(editor.picker.items)[:2]
    assert a not in editor.picker.strengths  # only a ticked statement has a strength
    with qtbot.waitSignal(editor.links_saved, timeout=10_000):
        editor.picker.set_checked(a, True)
        editor.picker.set_checked(b, True)
    strength = editor.picker.strengths[a]
    assert strength.isEnabled() and strength.accessibleName().startswith("Strength for ")
    strength.setFocus()
    with qtbot.waitSignal(editor.links_saved, timeout=10_000):
        qtbot.keyClick(strength, Qt.Key.Key_Down)
        qtbot.keyClick(strength, Qt.Key.Key_Down)  # some → clear → strong
    qtbot.waitUntil(lambda: {(x.framework_id, x.statement_code): x.strength
                             for x in ctx.evidence.links(eid).links} == {a: 3, b: 1},
                    timeout=10_000)
    again = _editor(qtbot, runner, ctx, eid)
    assert again.picker.strengths[a].currentText() == "Strong evidence"
    assert again.picker.strengths[b].currentText() == "Some evidence"
    assert [x[4] for x in again.picker.links()] == [3, 1]
    with qtbot.waitSignal(again.links_saved, timeout=10_000):
        again.picker.set_checked(a, False)  # unticked: its strength box goes
    assert a not in again.picker.strengths and len(again.picker.strengths) == 1


def test_a_strength_out_of_range_is_refused(ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "reflection", TODAY)
    fw = ctx.evidence.links(eid).frameworks[0]
    link = StandardLinkDTO(fw.id, fw.statements[0].code, "", "", 2)
    assert ctx.evidence.set_links(eid, [link]).links[0].strength == 2
    with pytest.raises(UsageError, match="Strength 4"):
        ctx.evidence.set_links(eid, [StandardLinkDTO(fw.id, fw.statements[0].code, "", "", 4)])

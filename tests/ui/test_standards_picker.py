"""The editor's Standards section over a real encrypted demo store.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep a screenshot (standards-picker.png).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.store.models import StandardLink
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceDialog, EvidenceEditor
from assessor_app.ui.widgets.standards_picker import StandardsPicker
from tests.review_demo import TODAY  # the date the shared demo_folder is made for
from tests.services.test_evidence import sample


def _draft(ctx: AppContext) -> tuple[str, str]:
    enrolment = ctx.list_rows(TODAY)[0].enrolment_id
    eid = ctx.evidence.create(enrolment, "reflection", TODAY)
    ctx.evidence.autosave(eid, {k: v for k, v in sample("reflection").items()
                                if k != "occurred_on"})
    return enrolment, eid


def _editor(qtbot: QtBot, runner: DbRunner, api: Any, eid: str) -> EvidenceEditor:
    editor = EvidenceEditor(runner, api, eid, delay_ms=50)
    qtbot.addWidget(editor)
    editor.resize(820, 900)
    editor.show()
    qtbot.waitUntil(lambda: editor.links_loaded and editor.form is not None, timeout=10_000)
    return editor


def _two_keys(picker: StandardsPicker) -> tuple[tuple[str, str], tuple[str, str]]:
    keys = list(picker.items)
    first = keys[0]
    other = next(k for k in keys if k[0] != first[0])
    return first, other


def _tick(qtbot: QtBot, editor: EvidenceEditor, key: tuple[str, str], comment: str) -> None:
    editor.picker.set_checked(key, True)
    box = editor.picker.comments[key]
    assert box.isEnabled()
    box.setFocus()
    qtbot.keyClicks(box, comment)


def _coverage(ctx: AppContext, enrolment: str, key: tuple[str, str]) -> int:
    cov = ctx.practitioners.page(enrolment, TODAY).sufficiency.coverage
    return next(c.items for c in cov if (c.framework_id, c.code) == key)


def test_ticks_and_comments_round_trip_untick_tombstones_and_coverage_follows(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    enrolment, eid = _draft(ctx)
    editor = _editor(qtbot, runner, ctx, eid)
    a, b = _two_keys(editor.picker)
    before = {k: _coverage(ctx, enrolment, k) for k in (a, b)}
    with qtbot.waitSignal(editor.links_saved, timeout=10_000):
        _tick(qtbot, editor, a, "Used a genogram")
        _tick(qtbot, editor, b, "Clear analysis")
    qtbot.waitUntil(lambda: not editor._links_timer.isActive() and len(
        ctx.evidence.links(eid).links) == 2 and all(x.comment for x in ctx.evidence.links(eid).links),
        timeout=10_000)

    again = _editor(qtbot, runner, ctx, eid)  # a new editor shows them
    assert again.picker.is_checked(a) and again.picker.is_checked(b)
    assert again.picker.comments[a].text() == "Used a genogram"
    assert again.picker.comments[b].text() == "Clear analysis"
    assert sum(again.picker.is_checked(k) for k in again.picker.items) == 2

    with qtbot.waitSignal(again.finalised, timeout=10_000):
        again.mark_final()
    assert {k: _coverage(ctx, enrolment, k) for k in (a, b)} == {k: v + 1 for k, v in before.items()}
    # final: read-only, and the service refuses a change
    flags = again.picker.items[a].flags()
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    assert not again.picker.comments[a].isEnabled()

    with qtbot.waitSignal(again.finalised, timeout=10_000):
        again.final_button.click()  # Edit again
    assert again.picker.items[a].flags() & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(again.links_saved, timeout=10_000):
        again.picker.set_checked(b, False)
    with qtbot.waitSignal(again.finalised, timeout=10_000):
        again.mark_final()
    assert _coverage(ctx, enrolment, a) == before[a] + 1
    assert _coverage(ctx, enrolment, b) == before[b]
    with ctx.database.uow() as uow:
        rows = list(uow.session.query(StandardLink.framework_id, StandardLink.statement_code,
                                      StandardLink.deleted_at)
                    .filter(StandardLink.evidence_id == eid))
    assert len(rows) == 2  # the unticked link is tombstoned, not deleted
    assert {(fw, code): d is not None for fw, code, d in rows} == {a: False, b: True}


def test_filter_hides_statements_that_do_not_match(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    _, eid = _draft(ctx)
    editor = _editor(qtbot, runner, ctx, eid)
    key = next(iter(editor.picker.items))
    editor.picker.filter_box.setText(key[1])
    shown = [k for k, item in editor.picker.items.items() if not item.isHidden()]
    assert key in shown and len(shown) < len(editor.picker.items)
    editor.picker.filter_box.setText("")
    assert not any(item.isHidden() for item in editor.picker.items.values())


def test_every_standards_control_has_an_accessible_name(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    _, eid = _draft(ctx)
    dialog = EvidenceDialog(runner, ctx, eid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.editor.links_loaded, timeout=10_000)
    picker = dialog.editor.picker
    controls = [w for w in picker.findChildren(QWidget)
                if isinstance(w, QLineEdit | QAbstractButton | QAbstractItemView)]
    assert len(controls) > len(picker.items)
    assert [type(w).__name__ for w in controls if not w.accessibleName()] == []
    assert picker.accessibleName() and dialog.editor.standards_heading.accessibleName()


def test_screenshot_of_the_standards_section(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    _, eid = _draft(ctx)
    editor = _editor(qtbot, runner, ctx, eid)
    a, b = _two_keys(editor.picker)
    with qtbot.waitSignal(editor.links_saved, timeout=10_000):
        _tick(qtbot, editor, a, "Used a genogram with the family")
        _tick(qtbot, editor, b, "Clear analysis of risk")
    qtbot.waitUntil(lambda: not editor._links_timer.isActive())
    editor.scroll.ensureWidgetVisible(editor.picker)
    qtbot.wait(100)
    image = editor.grab()
    assert not image.isNull() and image.width() > 400 and image.height() > 400
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")  # set it to keep the picture
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / "standards-picker.png"))

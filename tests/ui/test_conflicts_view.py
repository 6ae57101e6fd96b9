"""The conflicts view: both versions side by side with the differences marked, keep / use the
other / merge. Rendering tests use the service's own frozen ``ConflictItem``; the end-to-end
test at the bottom makes a real conflict between two devices and a real server.

Set ASSESSOR_APP_SCREENSHOT_DIR to keep grabs of the view and the merge editor.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from assessor_app.app import AppContext
from assessor_app.services.sync import ConflictItem
from assessor_app.store.models import Observation
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.conflicts_view import ConflictsDialog, MergeDialog, diff_html
from assessor_app.ui.widgets.sync_status import SyncStatusIndicator
from tests.sync.devices import Devices

KEPT = ("Priya led the visit and explained the safety plan clearly. She checked the "
        "children's understanding and agreed next steps with the parent.")
OTHER = ("Priya led the visit and explained the safety plan clearly, using plain words. She "
         "checked that both children understood and wrote the next steps down with the parent.")


def item(cid: str = "c1", *, kept: str = KEPT, other: str = OTHER) -> ConflictItem:
    return ConflictItem(
        id=cid, entity="evidence", entity_id="e1", field="narrative",
        field_label="What happened", record_title="Home visit with the Okafor family",
        practitioner_name="Priya Shah", kept_value=kept, other_value=other,
        base_value="Priya led the visit.", other_user="Sam Patel", other_device="Work laptop",
        created_at=datetime(2026, 11, 22, 10, 5, tzinfo=UTC))


def shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    image = widget.grab()
    assert not image.isNull()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def unnamed_controls(root: QWidget) -> list[str]:
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit)
    return [f"{type(w).__name__}:{getattr(w, 'text', lambda: '')()}"
            for w in root.findChildren(QWidget)
            if isinstance(w, kinds) and w.isVisible() and not w.accessibleName()]


@pytest.fixture
def dialog(qtbot: QtBot, runner: DbRunner) -> ConflictsDialog:
    d = ConflictsDialog(runner, None)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_diff_marks_only_the_words_that_differ() -> None:
    html = diff_html(KEPT, OTHER, "#cfe8ff")
    assert "explained the safety plan" in html  # shared words are plain
    marked = [part.split(">", 1)[1].split("</span>")[0]
              for part in html.split("<span")[1:]]
    assert "clearly." in marked and any("understanding" in m for m in marked)
    assert not any("safety" in m for m in marked)
    assert all("font-weight:bold" in part for part in html.split("<span")[1:])  # not colour alone


def test_diff_escapes_text_and_keeps_line_breaks() -> None:
    html = diff_html("Line one <b>not bold</b>\nLine two", "Line one\nLine two", "#fff")
    assert "<b>not" not in html and "&lt;b&gt;not" in html
    assert "pre-wrap" in html and "\n" in html
    assert "empty" in diff_html("", "something", "#fff")


def test_lists_conflicts_and_shows_both_versions(qtbot: QtBot, dialog: ConflictsDialog) -> None:
    second = item("c2", kept="Short note.", other="")
    dialog.show_conflicts([item(), second])
    assert dialog.list.topLevelItemCount() == 2
    row = dialog.list.topLevelItem(0)
    assert [row.text(c) for c in range(4)] == [
        "Home visit with the Okafor family", "What happened", "Priya Shah",
        "Sam Patel on Work laptop"]
    assert row.text(4).startswith("22 Nov 2026")
    assert dialog.current_id() == "c1"
    assert dialog.kept_text.toPlainText() == KEPT
    assert dialog.other_text.toPlainText() == OTHER
    assert dialog.kept_text.isReadOnly() and dialog.other_text.isReadOnly()
    assert "Sam Patel on Work laptop" in dialog.other_title.text()
    assert all(b.isEnabled() for b in (dialog.keep_button, dialog.other_button,
                                       dialog.merge_button))
    assert "2 conflicts to resolve" in dialog.status.text()
    assert unnamed_controls(dialog) == []
    shot(dialog, "sync-conflicts-view-rendered")
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)  # keyboard-first: arrows move between them
    assert dialog.current_id() == "c2"
    assert "nothing written here" in dialog.other_text.toPlainText()
    for text in (dialog.status.text(), dialog.kept_title.text(), dialog.other_title.text()):
        for word in ("rev", "row", "entity"):
            assert word not in text.lower().split()


def test_nothing_to_resolve(dialog: ConflictsDialog) -> None:
    dialog.show_conflicts([item()])
    dialog.show_conflicts([])
    assert dialog.list.topLevelItemCount() == 0
    assert dialog.status.text().startswith("No conflicts are waiting")
    assert not any(b.isEnabled() for b in (dialog.keep_button, dialog.other_button,
                                           dialog.merge_button))
    assert dialog.kept_text.toPlainText() == ""


def test_merge_editor_starts_with_both_and_saves_the_edit(qtbot: QtBot,
                                                          dialog: ConflictsDialog) -> None:
    merge = MergeDialog(item(), dialog)
    qtbot.addWidget(merge)
    merge.show()
    text = merge.editor.toPlainText()
    assert text.index(KEPT) < text.index(OTHER)  # the record's first, then the other
    assert len(merge.editor.extraSelections()) == 2  # each tinted
    assert "Sam Patel on Work laptop" in merge.caption.text()
    assert unnamed_controls(merge) == []
    shot(merge, "sync-merge-editor-rendered")
    merge.editor.selectAll()
    qtbot.keyClicks(merge.editor, "   ")
    assert not merge.save_button.isEnabled()  # an empty merge cannot be saved
    merge.editor.setPlainText("Priya explained the safety plan in plain words.")
    assert merge.save_button.isEnabled()
    with qtbot.waitSignal(merge.merged, timeout=1000) as got:
        qtbot.mouseClick(merge.save_button, Qt.MouseButton.LeftButton)
    assert got.args == ["Priya explained the safety plan in plain words."]


# -- a real conflict: two devices, one server ---------------------------------------------------
USER = "Fictional Assessor"
A_TEXT = ("Observed a home visit. The practitioner explained the safety plan clearly and "
          "checked the children's understanding.")
B_TEXT = ("Observed a home visit. The practitioner explained the safety plan in plain words "
          "and wrote the next steps down with the parent.")


def observation_id(ctx: AppContext) -> str:
    with ctx.database.uow() as uow:
        return uow.session.execute(
            select(Observation.id).order_by(Observation.id).limit(1)).scalar_one()


def write_notes(ctx: AppContext, obs_id: str, text: str) -> None:
    with ctx.database.uow("tester") as uow:
        obs = uow.session.get(Observation, obs_id)
        assert obs is not None
        obs.notes = text
        uow.commit()


def notes(ctx: AppContext, obs_id: str) -> str:
    with ctx.database.uow() as uow:
        obs = uow.session.get(Observation, obs_id)
        assert obs is not None
        return str(obs.notes)


def conflicted_pair(server: Any, devices: Devices) -> tuple[AppContext, AppContext, str]:
    """Device a (the demo cohort) and b (filled by sync) both change one observation's notes
    offline; a syncs first, so b's sync meets a hard conflict."""
    server.add_user(USER, "assessor")
    a = devices.enrolled("a", server, USER, demo=True)
    b = devices.enrolled("b", server, USER)
    a.sync.sync()
    b.sync.sync()
    obs_id = observation_id(a)
    write_notes(a, obs_id, A_TEXT)
    write_notes(b, obs_id, B_TEXT)
    a.sync.sync()
    assert b.sync.sync().conflicts == 1
    return a, b, obs_id


def open_view(qtbot: QtBot, runner: DbRunner, ctx: AppContext, expected: int) -> ConflictsDialog:
    d = ConflictsDialog(runner, ctx)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.loaded, timeout=10_000) as got:
        d.show()
    assert got.args == [expected]
    return d


def test_a_real_conflict_merged_in_the_view_reaches_the_other_device(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any) -> None:
    a, b, obs_id = conflicted_pair(live_server("sqlite"), devices)
    ind = SyncStatusIndicator()
    qtbot.addWidget(ind)
    ind.set_status(b.sync.status())
    assert ind.conflicts_button.isVisibleTo(ind) and ind.conflicts_button.text() == "1 conflict"
    shot(ind, "sync-indicator-real-conflict")
    d = open_view(qtbot, runner, b, 1)
    conflict = d.current()
    assert conflict is not None
    assert (conflict.kept_value, conflict.other_value) == (A_TEXT, B_TEXT)  # nothing lost
    row = d.list.topLevelItem(0)
    assert row.text(1) == conflict.field_label and row.text(3) == "Fictional Assessor on b laptop"
    assert row.text(0).startswith("Observation ") and not row.text(0).startswith("Observation: ")
    assert d.kept_text.toPlainText() == A_TEXT and d.other_text.toPlainText() == B_TEXT
    shot(d, "sync-conflicts-view")

    qtbot.keyClick(d, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Merge… from the keyboard
    qtbot.waitUntil(lambda: d.merge_dialog is not None and d.merge_dialog.isVisible(),
                    timeout=2000)
    merge = d.merge_dialog
    assert merge is not None
    assert A_TEXT in merge.editor.toPlainText() and B_TEXT in merge.editor.toPlainText()
    shot(merge, "sync-merge-editor")
    merged = ("Observed a home visit. The practitioner explained the safety plan in plain words, "
              "checked the children's understanding and wrote the next steps down.")
    merge.editor.setPlainText(merged)
    with qtbot.waitSignal(d.resolved, timeout=10_000), \
            qtbot.waitSignal(d.loaded, timeout=10_000) as reloaded:
        qtbot.mouseClick(merge.save_button, Qt.MouseButton.LeftButton)
    assert reloaded.args == [0] and d.resolved_count == 1
    assert "No conflicts are waiting" in d.status.text()
    assert notes(b, obs_id) == merged
    assert b.sync.status().waiting >= 1  # the resolution travels like any edit

    b.sync.sync()
    a.sync.sync()
    assert notes(a, obs_id) == merged
    assert a.sync.conflicts() == [] and b.sync.conflicts() == []


def test_keep_or_use_the_other_version_from_the_keyboard(
        qtbot: QtBot, runner: DbRunner, devices: Devices, live_server: Any) -> None:
    a, b, obs_id = conflicted_pair(live_server("sqlite"), devices)
    a.sync.sync()  # a lists the conflict too
    d = open_view(qtbot, runner, a, 1)
    with qtbot.waitSignal(d.loaded, timeout=10_000) as reloaded:
        qtbot.keyClick(d, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # Use the other version
    assert reloaded.args == [0]
    assert notes(a, obs_id) == B_TEXT
    a.sync.sync()
    b.sync.sync()
    assert notes(b, obs_id) == B_TEXT and b.sync.conflicts() == []
    # resolving it again on a stale list says so in plain words
    d.show_conflicts([item("not-a-conflict-here")])
    with qtbot.waitSignal(d.failed, timeout=10_000) as failed:
        d.resolve_current("kept")
    assert "not on this computer" in failed.args[0]
    assert d.keep_button.isEnabled()  # the choice can be made again

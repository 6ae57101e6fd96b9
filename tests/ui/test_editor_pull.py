"""An evidence editor open while the background sync pulls the same record from another laptop.

Two real devices (encrypted stores) enrolled with a real sync server on 127.0.0.1; laptop A
has the editor open (a real widget, typed into with pytest-qt), laptop B edits and syncs;
A syncs through the app's own sync controller (its thread, its "finished" signal). The
editor must never write its text over B's, nor B's over its typing, and must say what
happened. Set ASSESSOR_APP_SCREENSHOT_DIR to keep screenshots of the notices.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from assessor_app.app import AppContext
from assessor_app.store.models import Evidence, Observation
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor
from tests.ui.laptops import Laptops, a_syncs, drain, laptops_fixture  # noqa: F401  (fixture)

SLOW = 60_000  # an autosave delay no test waits for: typing stays unsaved until flushed


def open_editor(qtbot: QtBot, runner: DbRunner, ctx: AppContext, evidence_id: str,
                delay_ms: int | None = None) -> EvidenceEditor:
    editor = EvidenceEditor(runner, ctx, evidence_id, delay_ms=delay_ms)
    qtbot.addWidget(editor)
    editor.resize(760, 720)
    editor.show()
    qtbot.waitUntil(lambda: "notes" in editor.inputs, timeout=10_000)
    return editor


def notes_box(editor: EvidenceEditor) -> QPlainTextEdit:
    box = editor.inputs["notes"]
    assert isinstance(box, QPlainTextEdit)
    return box


def type_at_end(qtbot: QtBot, box: QPlainTextEdit, text: str) -> None:
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(box, text)


def flush(qtbot: QtBot, editor: EvidenceEditor) -> None:
    editor.save_now()
    qtbot.waitUntil(lambda: editor.autosaver.clean, timeout=10_000)


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_an_untouched_editor_shows_the_pulled_text_in_place_and_says_so(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id)
    box = notes_box(editor)
    cursor = box.textCursor()
    cursor.setPosition(5)  # the person's place: "Notes| of visit 1"
    box.setTextCursor(cursor)
    laptops.b_writes(notes="Notes of visit 1, with what the family said afterwards.")
    a_syncs(qtbot, laptops)
    qtbot.waitUntil(lambda: box.toPlainText().endswith("afterwards."), timeout=10_000)
    assert box.textCursor().position() == 5  # the change came after it: the place is kept
    notice = editor.live.notice
    assert notice.isVisible() and notice.tone == "info"
    assert notice.label.text().startswith("Updated from your other device at ")
    # the shown text is not written back as if typed: the record is as laptop B left it
    qtbot.wait(50)
    assert editor.autosaver.clean
    assert laptops.a.sync.status().waiting == 0
    screenshot(editor, "editor-updated-from-other-laptop")


def test_typing_meets_a_pulled_change_both_texts_are_kept_and_the_editor_says_so(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    box = notes_box(editor)
    type_at_end(qtbot, box, " Child was calm.")
    laptops.b_writes(notes="B rewrote these notes on the other laptop.")
    a_syncs(qtbot, laptops)
    # the pull never writes over typing that is not saved yet
    drain(qtbot, runner)
    assert box.toPlainText() == "Notes of visit 1 Child was calm."
    flush(qtbot, editor)
    # the typing is saved in the record, and B's words wait in a conflict to compare
    assert laptops.notes() == "Notes of visit 1 Child was calm."
    conflicts = laptops.a.sync.conflicts()
    assert [(c.field, c.kept_value, c.other_value) for c in conflicts] == [
        ("notes", "Notes of visit 1 Child was calm.",
         "B rewrote these notes on the other laptop.")]
    notice = editor.live.notice
    qtbot.waitUntil(notice.isVisible, timeout=5_000)
    assert notice.tone == "conflict"
    assert "also changed on your other device" in notice.label.text()
    assert "Both versions are kept" in notice.label.text()
    screenshot(editor, "editor-both-versions-kept")
    # Review… lists it; after the next syncs laptop B lists the same two texts
    notice.buttons[0].click()
    dialog = editor.live.conflicts_dialog
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 1, timeout=5_000)
    dialog.resize(1000, 600)
    screenshot(dialog, "conflicts-view-from-the-editor")
    a_syncs(qtbot, laptops)
    laptops.b.sync.sync()
    assert [(c.kept_value, c.other_value) for c in laptops.b.sync.conflicts()] == [
        ("Notes of visit 1 Child was calm.", "B rewrote these notes on the other laptop.")]
    dialog.close()


def test_typing_in_one_field_while_another_is_pulled_merges_without_a_conflict(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    box = notes_box(editor)
    type_at_end(qtbot, box, " Child was calm.")
    laptops.b_writes(title="Home visit 1 (with interpreter)")
    a_syncs(qtbot, laptops)
    title = editor.inputs["title"]
    qtbot.waitUntil(lambda: title.text() == "Home visit 1 (with interpreter)",
                    timeout=10_000)
    assert box.toPlainText() == "Notes of visit 1 Child was calm."
    flush(qtbot, editor)
    form = laptops.a.evidence.load(laptops.evidence_id)
    assert form.values["title"] == "Home visit 1 (with interpreter)"
    assert form.values["notes"] == "Notes of visit 1 Child was calm."
    assert laptops.a.sync.conflicts() == []


def test_a_pushed_edit_the_server_kept_the_other_text_of_shows_it_and_the_conflict(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    """The settled push changes the record under the editor (the server kept B's text): the
    editor must show the record as it is now, or its next keystroke would write over B."""
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id)
    box = notes_box(editor)
    type_at_end(qtbot, box, " A added this.")
    qtbot.waitUntil(lambda: editor.autosaver.clean and laptops.notes().endswith("this."),
                    timeout=10_000)
    laptops.b_writes(notes="B's version, synced first.")
    a_syncs(qtbot, laptops)
    qtbot.waitUntil(lambda: box.toPlainText() == "B's version, synced first.", timeout=10_000)
    qtbot.waitUntil(lambda: editor.live.notice.tone == "conflict", timeout=5_000)
    texts = {laptops.notes()} | {t for c in laptops.a.sync.conflicts()
                                 for t in (c.kept_value, c.other_value)}
    assert {"B's version, synced first.", "Notes of visit 1 A added this."} <= texts
    # typing on from here is typing on B's text, not over it
    type_at_end(qtbot, box, " And more.")
    flush(qtbot, editor)
    assert laptops.notes() == "B's version, synced first. And more."


def test_a_record_deleted_while_typing_keeps_the_typing_and_can_be_restored(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(editor), " Written as it was deleted.")
    laptops.b_deletes()
    a_syncs(qtbot, laptops)
    editor.save_now()
    notice = editor.live.notice
    qtbot.waitUntil(lambda: notice.tone == "deleted", timeout=10_000)
    assert notice.label.text().startswith("This record was deleted on your other device.")
    assert [b.text() for b in notice.buttons] == ["Re&store it", "Save as a ne&w record"]
    assert notes_box(editor).toPlainText() == "Notes of visit 1 Written as it was deleted."
    screenshot(editor, "editor-record-deleted")
    notice.buttons[0].click()  # Restore it
    qtbot.waitUntil(lambda: laptops.notes().endswith("deleted."), timeout=10_000)
    qtbot.waitUntil(lambda: editor.autosaver.clean, timeout=10_000)
    assert laptops.a.evidence.load(laptops.evidence_id).values["notes"] == \
        "Notes of visit 1 Written as it was deleted."
    a_syncs(qtbot, laptops)
    laptops.b.sync.sync()
    assert laptops.notes(laptops.b) == "Notes of visit 1 Written as it was deleted."


def test_a_record_deleted_while_typing_can_be_saved_as_a_new_record(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(editor), " Kept in a new record.")
    laptops.b_deletes()
    a_syncs(qtbot, laptops)
    editor.save_now()
    notice = editor.live.notice
    qtbot.waitUntil(lambda: notice.tone == "deleted", timeout=10_000)
    with qtbot.waitSignal(editor.live.replaced, timeout=10_000) as replaced:
        notice.buttons[1].click()  # Save as a new record
    old, new = replaced.args
    assert old == laptops.evidence_id and editor.evidence_id == new != old
    qtbot.waitUntil(lambda: editor.autosaver.clean, timeout=10_000)
    assert laptops.a.evidence.load(new).values["notes"] == "Notes of visit 1 Kept in a new record."
    with laptops.a.database.uow() as uow:
        assert uow.session.get(Evidence, old).deleted_at is not None  # B's deletion stands
    # typing goes on into the new record
    type_at_end(qtbot, notes_box(editor), " More.")
    flush(qtbot, editor)
    assert laptops.a.evidence.load(new).values["notes"].endswith("new record. More.")


def test_closing_the_editor_of_a_deleted_record_saves_the_typing_as_a_new_record(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(editor), " Typed, then closed.")
    laptops.b_deletes()
    a_syncs(qtbot, laptops)
    editor.save_now()
    qtbot.waitUntil(lambda: editor.save_label.text().startswith("Not saved yet"),
                    timeout=10_000)
    editor.close_editor()
    editor.close()

    def saved_as_new() -> bool:
        with laptops.a.database.uow() as uow:
            return any(n.endswith("Typed, then closed.") for n in uow.session.scalars(
                select(Observation.notes).join(Evidence, Evidence.id == Observation.evidence_id)
                .where(Evidence.deleted_at.is_(None))))

    qtbot.waitUntil(saved_as_new, timeout=10_000)


def test_two_editors_of_one_record_in_one_app_never_write_over_each_other(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    first = open_editor(qtbot, runner, laptops.a, laptops.evidence_id)
    second = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(first), " From the first window.")
    qtbot.waitUntil(lambda: first.autosaver.clean and laptops.notes().endswith("window."),
                    timeout=10_000)
    # the other window, untouched, shows it in place
    qtbot.waitUntil(lambda: notes_box(second).toPlainText().endswith("first window."),
                    timeout=10_000)
    assert second.live.notice.label.text().startswith(
        "Updated in another window on this computer at ")
    # typing in both: the first window saves, the second's typing stays and then both are kept
    type_at_end(qtbot, notes_box(second), " Second.")
    type_at_end(qtbot, notes_box(first), " First again.")
    qtbot.waitUntil(lambda: first.autosaver.clean and laptops.notes().endswith("again."),
                    timeout=10_000)
    drain(qtbot, runner)
    assert notes_box(second).toPlainText() == "Notes of visit 1 From the first window. Second."
    flush(qtbot, second)
    assert laptops.notes() == "Notes of visit 1 From the first window. Second."
    assert [(c.kept_value, c.other_value) for c in laptops.a.sync.conflicts()] == [
        ("Notes of visit 1 From the first window. Second.",
         "Notes of visit 1 From the first window. First again.")]
    # and the first window, which typed nothing since, now shows the record as it is
    qtbot.waitUntil(lambda: notes_box(first).toPlainText().endswith("Second."), timeout=10_000)
    qtbot.waitUntil(lambda: first.live.notice.tone == "conflict", timeout=10_000)


def test_links_ticked_on_the_other_laptop_show_and_survive_a_tick_here(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    from assessor_app.services.evidence import StandardLinkDTO

    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id)
    qtbot.waitUntil(lambda: editor.links_loaded, timeout=10_000)
    laptops.b.evidence.set_links(laptops.evidence_id,
                                 [StandardLinkDTO("pcf", "3", "Linked on B.", "2018", 2)])
    laptops.b.sync.sync()
    a_syncs(qtbot, laptops)
    qtbot.waitUntil(lambda: editor.picker.is_checked(("pcf", "3")), timeout=10_000)
    assert editor.picker.comments[("pcf", "3")].text() == "Linked on B."
    with qtbot.waitSignal(editor.links_saved, timeout=10_000):
        editor.picker.set_checked(("pcf", "4"), True)
    linked = {(x.statement_code, x.comment)
              for x in laptops.a.evidence.links(laptops.evidence_id).links}
    assert {("3", "Linked on B."), ("4", "")} <= linked


def b_marks_final(laptops: Laptops) -> None:
    from assessor_app.domain.evidence_forms import form_for

    needed = {f.name: "2026-10-01" if f.widget == "date" else "Filled in on B"
              for f in form_for("observation") if f.required and f.name != "notes"}
    laptops.b.evidence.autosave(laptops.evidence_id, needed)
    laptops.b.evidence.finalise(laptops.evidence_id)
    laptops.b.sync.sync()


def test_a_record_marked_final_while_typing_can_be_edited_again_with_the_typing(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(editor), " Typed as B marked it final.")
    b_marks_final(laptops)
    a_syncs(qtbot, laptops)
    editor.save_now()
    notice = editor.live.notice
    qtbot.waitUntil(lambda: notice.label.text().startswith("This record is now final"),
                    timeout=10_000)
    assert notes_box(editor).toPlainText() == "Notes of visit 1 Typed as B marked it final."
    screenshot(editor, "editor-record-marked-final")
    notice.buttons[0].click()  # Edit again
    qtbot.waitUntil(lambda: laptops.notes().endswith("marked it final."), timeout=10_000)
    assert laptops.a.evidence.load(laptops.evidence_id).status == "draft"


def test_closing_the_editor_of_a_record_marked_final_keeps_the_typing_beside_it(
        qtbot: QtBot, runner: DbRunner, laptops: Laptops) -> None:
    editor = open_editor(qtbot, runner, laptops.a, laptops.evidence_id, delay_ms=SLOW)
    type_at_end(qtbot, notes_box(editor), " Typed, then closed.")
    b_marks_final(laptops)
    a_syncs(qtbot, laptops)
    editor.save_now()
    qtbot.waitUntil(lambda: editor.save_label.text().startswith("Not saved yet"),
                    timeout=10_000)
    editor.close_editor()
    editor.close()
    qtbot.waitUntil(lambda: bool(laptops.a.sync.conflicts()), timeout=10_000)
    [c] = laptops.a.sync.conflicts()
    assert (c.field, c.kept_value, c.other_value) == (
        "notes", "Notes of visit 1", "Notes of visit 1 Typed, then closed.")
    assert laptops.a.evidence.load(laptops.evidence_id).status == "final"

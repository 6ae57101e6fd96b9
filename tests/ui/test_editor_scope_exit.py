"""An evidence editor open on a record whose practitioner is moved to another assessor.

A real sync server on 127.0.0.1, real encrypted stores (the coordinator's laptop and
assessor one's), a real editor widget typed into with pytest-qt. The sync removes the
portfolio from assessor one's laptop while the editor is open: the editor must say so
plainly, stop trying to save (no retry loop), and keep the typing aside with the other
kept-aside changes, so that it goes into the record when the practitioner comes back.
Set ASSESSOR_APP_SCREENSHOT_DIR to keep a screenshot of the notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from assessor_app.app import AppContext
from assessor_app.store.models import AuditEvent, Observation
from assessor_app.ui.tasks import DbRunner
from tests.sync.devices import Devices, add_portfolio
from tests.ui.laptops import drain
from tests.ui.test_editor_pull import SLOW, notes_box, open_editor, screenshot, type_at_end

TYPED = " Quokkaberry follow-up agreed with the family."  # a word found nowhere else


@pytest.fixture
def moved(live_server: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Sam's portfolio, made by the coordinator, assigned to assessor one and synced there."""
    server = live_server("sqlite")
    for name, role in (("Fictional Coordinator", "coordinator"), ("Assessor One", "assessor"),
                       ("Assessor Two", "assessor")):
        server.add_user(name, role)
    devices = Devices(tmp_path / "devices")
    coord = devices.enrolled("coord", server, "Fictional Coordinator")
    tree = add_portfolio(coord, "Sam Example", evidence=2)
    assert coord.sync.sync().refused == 0
    server.assign("Assessor One", tree["practitioner"])
    one = devices.enrolled("one", server, "Assessor One")
    one.sync.sync()
    yield {"server": server, "coord": coord, "one": one, "tree": tree}
    devices.close()


def notes_in(ctx: AppContext, evidence_id: str) -> str | None:
    with ctx.database.uow() as uow:
        obs = uow.session.scalars(select(Observation).where(
            Observation.evidence_id == evidence_id)).first()
        return None if obs is None else str(obs.notes)


def saves_tried(ctx: AppContext) -> int:
    """Writes of observation rows on this laptop (each autosave that went in is one)."""
    with ctx.database.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "observation", AuditEvent.action == "update")) or 0)


def test_typing_in_an_editor_whose_portfolio_left_the_laptop_is_kept_aside_and_goes_back(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:
    server, coord, one, tree = moved["server"], moved["coord"], moved["one"], moved["tree"]
    evidence_id = tree["evidence"][0]
    before = notes_in(one, evidence_id) or ""
    editor = open_editor(qtbot, runner, one, evidence_id, delay_ms=SLOW)
    box = notes_box(editor)
    type_at_end(qtbot, box, TYPED)  # not saved yet: the autosave waits
    assert not editor.autosaver.clean

    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()  # the portfolio leaves this laptop while the editor is open
    assert notes_in(one, evidence_id) is None
    editor.save_now()  # the autosave goes out now (as after the person's pause)
    notice = editor.live.notice
    qtbot.waitUntil(lambda: "kept aside" in notice.label.text(), timeout=10_000)
    words = notice.label.text()
    assert words.startswith("This portfolio was moved to another assessor and removed from "
                            "this laptop.")
    assert "goes back into the record if the practitioner is assigned to you again" in words
    assert "--kept-aside" in words
    assert not [b for b in notice.buttons if b.isVisible()]  # no Restore / Save as new here
    assert box.toPlainText() == before + TYPED  # the text stays on screen …
    assert box.isReadOnly()  # … and cannot grow into something that cannot be saved
    assert all(w.isReadOnly() if isinstance(w, QLineEdit | QPlainTextEdit) else not w.isEnabled()
               for w in editor.inputs.values())
    screenshot(editor, "evidence-editor-portfolio-removed")

    # kept aside with the other kept-aside changes, encrypted in the store; no retries
    [group] = one.sync.kept_aside()
    assert (group.practitioner_name, group.changes) == ("Sam Example", 1)
    with one.database.uow() as uow:
        raw = uow.session.connection().execute(text("SELECT row FROM kept_aside")).scalar_one()
    assert "Quokkaberry" in raw
    tried = saves_tried(one)
    qtbot.wait(2_500)  # longer than the autosave's retry delay
    drain(qtbot, runner)
    assert saves_tried(one) == tried
    assert editor.autosaver.clean and "trying again" not in editor.save_label.text()
    editor.close_editor()  # closing: nothing more to send, nothing lost, no error
    drain(qtbot, runner)
    assert one.sync.status().kept_aside == 1

    # the coordinator assigns Sam back: the typing goes into the record and is sent
    server.assign("Assessor One", tree["practitioner"])
    report = one.sync.sync()
    assert one.sync.status().kept_aside == 0 and one.sync.status().waiting == 0
    assert any(n.startswith("Sam Example is assigned to you again") for n in report.notices)
    assert notes_in(one, evidence_id) == (before + TYPED).strip()
    coord.sync.sync()
    assert notes_in(coord, evidence_id) == (before + TYPED).strip()


def test_an_editor_with_nothing_unsaved_says_nothing_was_lost(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:
    server, one, tree = moved["server"], moved["one"], moved["tree"]
    editor = open_editor(qtbot, runner, one, tree["evidence"][1], delay_ms=SLOW)
    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()
    editor.live.check()  # what the window does after a sync: the editor reads its record
    notice = editor.live.notice
    qtbot.waitUntil(lambda: "nothing is lost" in notice.label.text(), timeout=10_000)
    assert notice.label.text().startswith("This portfolio was moved to another assessor")
    assert one.sync.kept_aside() == []


def links_in(ctx: AppContext, evidence_id: str) -> set[tuple[str, str]]:
    return {(x.statement_code, x.comment) for x in ctx.evidence.links(evidence_id).links}


def test_standards_ticked_and_not_saved_yet_are_kept_aside_and_go_back(
        qtbot: QtBot, runner: DbRunner, moved: dict[str, Any]) -> None:
    server, coord, one, tree = moved["server"], moved["coord"], moved["one"], moved["tree"]
    evidence_id = tree["evidence"][0]
    editor = open_editor(qtbot, runner, one, evidence_id, delay_ms=SLOW)
    qtbot.waitUntil(lambda: editor.links_loaded, timeout=10_000)
    editor.picker.set_checked(("pcf", "3"), True)  # ticked and commented, not saved yet
    comment = editor.picker.comments[("pcf", "3")]
    qtbot.waitUntil(comment.isEnabled, timeout=5_000)
    qtbot.keyClicks(comment, "Quokkaberry diversity work")
    assert not editor.links_idle()

    server.reassign(tree["practitioner"], "Assessor Two")
    one.sync.sync()
    editor.save_links()  # the links' save goes out now (as after the person's pause)
    notice = editor.live.notice
    qtbot.waitUntil(lambda: "kept aside, encrypted" in notice.label.text(), timeout=10_000)
    assert notice.label.text().startswith("This portfolio was moved to another assessor")
    assert editor.picker.is_checked(("pcf", "3"))  # still shown, no longer editable
    assert not comment.isEnabled() or comment.isReadOnly()
    [group] = one.sync.kept_aside()
    assert (group.practitioner_name, group.changes) == ("Sam Example", 1)
    with one.database.uow() as uow:
        raw = uow.session.connection().execute(text("SELECT row FROM kept_aside")).scalar_one()
    assert "Quokkaberry diversity work" in raw
    editor.close_editor()
    drain(qtbot, runner)

    server.assign("Assessor One", tree["practitioner"])
    one.sync.sync()
    assert one.sync.status().kept_aside == 0 and one.sync.status().waiting == 0
    assert ("3", "Quokkaberry diversity work") in links_in(one, evidence_id)
    assert ("PCF1", "Fictional comment") in links_in(one, evidence_id)  # kept, not replaced
    coord.sync.sync()
    assert ("3", "Quokkaberry diversity work") in links_in(coord, evidence_id)

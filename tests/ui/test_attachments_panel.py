"""The attachments panel in an evidence editor over a real encrypted demo store."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor
from assessor_app.ui.widgets import attachments_panel
from tests.review_demo import TODAY
from tests.services.test_attachments import PDF, PNG


def _editor(qtbot: QtBot, runner: DbRunner, ctx: AppContext, kind: str = "observation",
            ) -> EvidenceEditor:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, kind, TODAY)
    editor = EvidenceEditor(runner, ctx, eid)
    qtbot.addWidget(editor)
    editor.resize(760, 900)
    editor.show()
    qtbot.waitUntil(lambda: bool(editor.inputs), timeout=10_000)
    return editor


def test_add_by_dialog_and_drop_then_thumbnail_open_save_and_remove(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext, tmp_path: Path) -> None:
    editor = _editor(qtbot, runner, ctx)
    panel = editor.attachments
    drawing, form = tmp_path / "drawing.png", tmp_path / "form.jpg"
    drawing.write_bytes(PNG)
    form.write_bytes(PDF)  # named .jpg, but a PDF
    panel.choose_files = lambda: [str(drawing)]
    with qtbot.waitSignal(panel.finished, timeout=10_000) as done:
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert done.args == [True]

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(form))])
    drop = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(panel.finished, timeout=10_000):
        panel.dropEvent(drop)  # Qt delivers drops only during a real drag; the handler itself
    assert drop.isAccepted()
    assert [panel.list.item(i).text().split("\n")[0] for i in range(panel.list.count())] == \
        ["drawing.png", "form.jpg"]
    assert "PDF document" in panel.list.item(1).text()
    assert "Named .jpg but it is a PDF document" in panel.message.text()
    qtbot.waitUntil(lambda: not panel.list.item(0).icon().pixmap(16, 16).isNull()
                    and panel.list.item(0).icon().cacheKey() != panel.list.item(1).icon().cacheKey(),
                    timeout=5_000)  # the photo has its own thumbnail, the PDF a file icon
    stored = ctx.attachments.list(editor.evidence_id)
    assert [ctx.attachments.content(r.id) for r in stored] == [PNG, PDF]

    opened: list[Path] = []
    panel.open_url = lambda url: opened.append(Path(url.toLocalFile())) or True
    panel.list.setCurrentRow(1)
    with qtbot.waitSignal(panel.finished, timeout=10_000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    copy = opened[0]
    assert copy.read_bytes() == PDF and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert "private temporary copy" in panel.message.text()

    target = tmp_path / "kept.pdf"
    panel.choose_save_path = lambda suggested: str(target)
    with qtbot.waitSignal(panel.finished, timeout=10_000):
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == PDF

    asked: list[str] = []
    panel.confirm_remove = lambda name: asked.append(name) is None and False  # "No"
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["form.jpg"] and len(ctx.attachments.list(editor.evidence_id)) == 2
    panel.confirm_remove = lambda name: True
    with qtbot.waitSignal(panel.finished, timeout=10_000):
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert [r.filename for r in ctx.attachments.list(editor.evidence_id)] == ["drawing.png"]
    assert panel.list.count() == 1

    editor.close_editor()  # the decrypted copy goes with the editor
    assert not copy.exists() and not copy.parent.exists()


def test_a_file_over_the_limit_gets_a_clear_message(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext, tmp_path: Path) -> None:
    editor = _editor(qtbot, runner, ctx, "record_review")
    big = tmp_path / "scan.pdf"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    with qtbot.waitSignal(editor.attachments.finished, timeout=10_000) as done:
        editor.attachments.add_files([str(big)])
    assert done.args == [False]
    assert editor.attachments.message.text().startswith(
        "scan.pdf: This file is 200.0 MB; attachments can be at most 25.0 MB.")
    assert editor.attachments.list.count() == 0


def test_thumbnails_are_decoded_on_the_worker_at_thumbnail_size(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A big photo is decoded off the GUI thread, straight at icon size (no typing stall)."""
    from PySide6.QtGui import QColor, QImage

    photo = QImage(3000, 2000, QImage.Format.Format_RGB32)
    photo.fill(QColor("#2a7"))
    path = tmp_path / "visit.jpg"
    assert photo.save(str(path), "JPG")
    threads: list[str] = []
    sizes: list[tuple[int, int]] = []
    real = attachments_panel.thumbnail_image

    def spy(data: bytes, side: int) -> QImage:
        threads.append(threading.current_thread().name)
        image = real(data, side)
        sizes.append((image.width(), image.height()))
        return image

    monkeypatch.setattr(attachments_panel, "thumbnail_image", spy)
    editor = _editor(qtbot, runner, ctx)
    panel = editor.attachments
    panel.choose_files = lambda: [str(path)]
    with qtbot.waitSignal(panel.finished, timeout=10_000):
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(sizes), timeout=5_000)
    side = panel.list.iconSize().width()
    assert threads and threading.main_thread().name not in threads
    assert max(sizes[0]) == side and sizes[0][0] > sizes[0][1]  # 3:2 kept, not 3000 wide
    qtbot.waitUntil(lambda: not panel.list.item(0).icon().isNull(), timeout=5_000)


def test_a_picture_that_does_not_decode_gets_no_thumbnail(qapp: object) -> None:
    assert attachments_panel.thumbnail_image(b"\xff\xd8\xff\xe0 not really a jpeg", 48).isNull()
    assert attachments_panel.thumbnail_image(PNG, 48).width() <= 48

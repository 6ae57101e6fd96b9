"""Editors follow the OS text size: a bigger application font makes labels and boxes grow,
and nothing is cut off. Set ASSESSOR_APP_SCREENSHOT_DIR to keep grabs at both sizes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceDialog
from tests.review_demo import TODAY

KINDS = ("observation", "record_review", "feedback_lived", "supervision")


@pytest.fixture
def restore_font(qapp: QApplication) -> Iterator[QFont]:
    original = QFont(qapp.font())
    yield original
    qapp.setFont(original)


def _dialog(qtbot: QtBot, runner: DbRunner, ctx: AppContext, kind: str) -> EvidenceDialog:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, kind, TODAY)
    dialog = EvidenceDialog(runner, ctx, eid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.editor.inputs) and dialog.editor.links_loaded,
                    timeout=10_000)
    qtbot.wait(50)
    return dialog


def _clipped(dialog: EvidenceDialog) -> list[str]:
    """Visible texts and boxes smaller than they need to be (±1 px of rounding)."""
    out = []
    for w in dialog.findChildren(QWidget):
        if not w.isVisibleTo(dialog) or not isinstance(
                w, QLabel | QAbstractButton | QLineEdit | QComboBox | QPlainTextEdit):
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parentWidget(), QComboBox):
            continue  # sized by its combo
        if isinstance(w, QPlainTextEdit):  # scrolls inside; at least three lines show
            if w.viewport().height() < 3 * w.fontMetrics().lineSpacing():
                out.append(f"text box {w.accessibleName()!r}: {w.viewport().height()} px high")
            continue
        need = w.minimumSizeHint()
        if isinstance(w, QLabel) and w.wordWrap():
            need.setHeight(w.heightForWidth(w.width()))
            need.setWidth(0)
        if isinstance(w, QAbstractButton | QLabel) and not (isinstance(w, QLabel) and w.wordWrap()):
            need.setWidth(max(need.width(), w.sizeHint().width()))
        if w.width() < need.width() - 1 or w.height() < need.height() - 1:
            name = w.accessibleName() or getattr(w, "text", lambda: "")()
            out.append(f"{type(w).__name__} {name!r}: {w.width()}x{w.height()} < "
                       f"{need.width()}x{need.height()}")
    return out


def _shot(dialog: EvidenceDialog, name: str) -> None:
    folder = os.environ.get("ASSESSOR_APP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        dialog.editor.scroll.verticalScrollBar().setValue(0)
        assert dialog.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_bigger_os_font_makes_the_editor_grow_and_nothing_is_cut_off(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext, restore_font: QFont,
        qapp: QApplication, kind: str) -> None:
    dialog = _dialog(qtbot, runner, ctx, kind)
    dialog.resize(900, 800)
    qtbot.wait(50)
    editor = dialog.editor
    label = editor.form_layout.labelForField(editor.inputs["title"])
    assert isinstance(label, QLabel)
    title, date = editor.inputs["title"], editor.inputs["occurred_on"]
    text = next(w for w in editor.inputs.values() if isinstance(w, QPlainTextEdit))
    before = (label.fontInfo().pointSizeF(), title.height(), text.height(),
              editor.heading.fontInfo().pointSizeF(), date.maximumWidth())
    assert _clipped(dialog) == []
    _shot(dialog, f"editor-{kind}-normal-text")

    bigger = QFont(restore_font)
    bigger.setPointSizeF(restore_font.pointSizeF() * 1.6)
    qapp.setFont(bigger)  # what Qt does when the OS text size changes
    qtbot.wait(100)
    after = (label.fontInfo().pointSizeF(), title.height(), text.height(),
             editor.heading.fontInfo().pointSizeF(), date.maximumWidth())
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    assert date.width() >= date.fontMetrics().horizontalAdvance("YYYY-MM-DD")
    assert _clipped(dialog) == []
    _shot(dialog, f"editor-{kind}-large-text")

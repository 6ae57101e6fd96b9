"""Bad input in the observation editor: a 2 MB paste, right-to-left text, emoji and
combining characters round-trip intact; a full disk while autosaving says so plainly,
without a dialog, typing goes on and nothing is lost once space returns.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor, input_text
from tests.review_demo import TODAY, copy_store

ROOT = Path(__file__).resolve().parents[2]
RTL = "قالت الأم: نحن بخير الآن — שלום, ok"
EMOJI = "Child drew 🏠👩‍👧 and 👍🏽; flag 🏴󠁧󠁢󠁥󠁮󠁧󠁿"
COMBINING = "Zoe\u0308 and Jose\u0301, Ha\u0301\u0323i, e\u0301\u0301\u0301"


def _open(qtbot: QtBot, runner: DbRunner, ctx: AppContext, eid: str) -> EvidenceEditor:
    editor = EvidenceEditor(runner, ctx, eid, delay_ms=100)
    qtbot.addWidget(editor)
    editor.resize(760, 900)
    editor.show()
    qtbot.waitUntil(lambda: bool(editor.inputs), timeout=10_000)
    return editor


def test_a_2mb_paste_rtl_emoji_and_combining_characters_round_trip(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "observation", TODAY)
    editor = _open(qtbot, runner, ctx, eid)
    big = ("The practitioner explained her role to the family and listened. " * 33_000)[:2_000_000]
    notes = editor.inputs["notes"]
    assert isinstance(notes, QPlainTextEdit)
    QApplication.clipboard().setText(big)
    notes.setFocus()
    qtbot.keySequence(notes, QKeySequence(QKeySequence.StandardKey.Paste))
    assert len(notes.toPlainText()) == 2_000_000
    title = editor.inputs["title"]
    assert isinstance(title, QLineEdit)
    title.setFocus()
    title.selectAll()
    QApplication.clipboard().setText(COMBINING)  # QTest cannot type combining marks: paste
    qtbot.keySequence(title, QKeySequence(QKeySequence.StandardKey.Paste))
    went_well = editor.inputs["went_well"]
    went_well.setFocus()
    for text in (RTL, "\n", EMOJI, "\n", COMBINING):
        QApplication.clipboard().setText(text)
        qtbot.keySequence(went_well, QKeySequence(QKeySequence.StandardKey.Paste))
    expected = {n: input_text(w) for n, w in editor.inputs.items()}
    assert expected["went_well"] == f"{RTL}\n{EMOJI}\n{COMBINING}"
    assert expected["title"] == COMBINING  # not normalised: kept exactly as typed
    assert unicodedata.normalize("NFC", COMBINING) != COMBINING
    qtbot.waitUntil(lambda: editor.autosaver.clean and ctx.evidence.load(eid).values == expected,
                    timeout=30_000)
    again = _open(qtbot, runner, ctx, eid)
    assert {n: input_text(w) for n, w in again.inputs.items()} == expected


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_while_autosaving_is_said_plainly_and_nothing_is_lost(
        demo_folder: Path, tmp_path: Path) -> None:
    folder = copy_store(demo_folder, tmp_path / "demo")
    proc = subprocess.run([sys.executable, "-m", "tests.ui.full_disk_editor", str(folder)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT),
                               "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["full_message"], seen["status_when_full"]
    assert seen["status_when_full"].startswith("Not saved yet: Your typing could not be saved: "
                                               "the disk is full")
    assert seen["status_when_full"].endswith("Free some space on this computer; nothing saved "
                                             "before is lost. Your text is kept; trying again…")
    assert seen["modal"] is False
    assert seen["typing_continues"] is True
    assert seen["saved_after"] is True and seen["stored_matches"] is True
    assert seen["chars"] > 1_000_000

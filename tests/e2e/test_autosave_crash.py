"""Never lose typing: a real GUI process killed with SIGKILL after an autosave.

The child opens the observation editor on a demo store, types, waits for the editor's
``saved`` signal, prints READY and keeps running; the test kills it without warning
and reads the store again in this process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from assessor_app.app import create_demo, demo_paths, open_context

TODAY = date(2026, 11, 23)
TYPED = "Mother said the visit felt respectful and calm"
PASTED = " — café, naïve, שלום, 👍"  # QTest types ASCII only; the rest arrives as a paste
TEXT = TYPED + PASTED

CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from assessor_app.app import demo_paths, open_context
    from assessor_app.ui.tasks import DbRunner
    from assessor_app.ui.views.evidence_editor import EvidenceEditor

    folder, evidence_id, typed, pasted = sys.argv[1:5]
    app = QApplication([])
    ctx = open_context(demo_paths(folder), create=False)
    runner = DbRunner()
    editor = EvidenceEditor(runner, ctx, evidence_id)
    editor.show()

    def type_text():
        box = editor.inputs["notes"]
        box.setFocus()
        QTest.keyClicks(box, typed)
        box.insertPlainText(pasted)

    def ready():
        if editor.autosaver.clean and "notes" in editor.inputs:
            print("READY", flush=True)

    editor.loaded.connect(type_text)
    editor.saved.connect(ready)
    app.exec()  # runs until killed
""")


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    create_demo(demo_paths(folder), today=TODAY)
    return folder


def test_typed_text_survives_sigkill_after_the_autosave(demo_folder: Path) -> None:
    ctx = open_context(demo_paths(demo_folder), create=False)
    try:
        enrolment = ctx.list_rows(TODAY)[0].enrolment_id
        evidence_id = ctx.evidence.create(enrolment, "observation", TODAY)
    finally:
        ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(demo_folder), evidence_id, TYPED, PASTED],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        line = ""
        assert child.stdout is not None
        while time.monotonic() < deadline and "READY" not in line:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                break
        assert "READY" in line, child.stderr.read() if child.poll() is not None else "no READY"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL

    ctx = open_context(demo_paths(demo_folder), create=False)
    try:
        form = ctx.evidence.load(evidence_id)
    finally:
        ctx.close()
    assert form.values["notes"] == TEXT
    assert form.status == "draft"

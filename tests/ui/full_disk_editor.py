"""Run in a subprocess by test_evidence_editor_bad_input: the disk fills while autosaving.

The file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so writes fail with EFBIG) is set just
above the store's write-ahead log, so the next big autosave (a 1 MB paste) fails as on a
full disk; then the limit is lifted ("space returns"). Prints one JSON line of what was seen.

    python -m tests.ui.full_disk_editor <demo folder>
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from assessor_app.app import demo_paths, open_context
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor

TODAY = date(2026, 11, 23)


def wait(predicate, timeout_s: float = 20) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        QApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return False


def main(folder: Path) -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    ctx = open_context(demo_paths(folder), create=False)
    runner = DbRunner()
    out: dict[str, object] = {}
    try:
        eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "observation", TODAY)
        editor = EvidenceEditor(runner, ctx, eid, delay_ms=100)
        editor.resize(760, 900)
        editor.show()
        wait(lambda: bool(editor.inputs))
        notes = editor.inputs["notes"]
        assert isinstance(notes, QPlainTextEdit)
        notes.setFocus()
        QTest.keyClicks(notes, "Typed before the disk filled. ")
        wait(lambda: editor.autosaver.clean and editor.save_label.text().startswith("Saved"))

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        wal = max((p.stat().st_size for p in folder.rglob("*-wal")), default=0)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max(wal, 256 * 1024) + 64 * 1024, hard))
        notes.moveCursor(notes.textCursor().MoveOperation.End)
        notes.insertPlainText("A long paste while the disk is full. " * 30_000)  # about 1 MB
        out["full_message"] = wait(lambda: "disk is full" in editor.save_label.text())
        out["status_when_full"] = editor.save_label.text()
        out["modal"] = QApplication.activeModalWidget() is not None
        QTest.keyClicks(notes, " Still typing.")
        out["typing_continues"] = notes.toPlainText().endswith(" Still typing.")
        time.sleep(0.3)
        QApplication.processEvents()

        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space returns
        typed = notes.toPlainText()
        out["saved_after"] = wait(lambda: editor.autosaver.clean
                                  and editor.save_label.text().startswith("Saved"), 30)
        out["stored_matches"] = ctx.evidence.load(eid).values["notes"] == typed
        out["chars"] = len(typed)
        editor.close()
    finally:
        runner.shutdown()
        ctx.close()
        app.processEvents()
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))

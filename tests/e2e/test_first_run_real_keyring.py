"""The real first start: `assessor-app` on a new data folder with a real Secret Service.

A subprocess runs the app (gui_launch, offscreen); a timer in it plays the user through
the set-up wizard, then waits for the main window over the new store. Afterwards the
store opens from the command line with the key the wizard put in the keyring.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DRIVER = r'''
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from assessor_app import gui_launch
from assessor_app.services.assessor_profile import Profile
from assessor_app.ui.views.first_run_wizard import SetupWizard

app = QApplication(sys.argv)
typed = set()

def drive():
    widgets = [w for w in app.topLevelWidgets() if w.isVisible()]
    main = next((w for w in widgets if hasattr(w, "list_view")), None)
    if main is not None and main.api is not None and main.counts_label.text():
        print("MAIN", main.store_label.text(), flush=True)
        app.exit(0)
        return
    wiz = next((w for w in widgets if isinstance(w, SetupWizard)), None)
    if wiz is not None:
        page = wiz.currentPage()
        if page is wiz.identity and "who" not in typed:
            typed.add("who")
            page.fill(Profile("Aisha Fictional", "assessor", "SW123456", "Northshire"))
        if page is wiz.store and page.done and "store" not in typed:
            typed.add("store")
            print("KEYRING", page.backend_label.text(), flush=True)
        if page is wiz.recovery and page.done and "rec" not in typed:
            typed.add("rec")
            page.written.setChecked(True)
            words = page.words()
            page.first_word.setText(words[page.word_positions[0]])
            page.second_word.setText(words[page.word_positions[1]])
            print("PASSPHRASE", page.passphrase, flush=True)
        if page.isComplete():
            if page is wiz.done_page:
                wiz.accept()
            else:
                wiz.next()
    QTimer.singleShot(50, drive)

QTimer.singleShot(0, drive)
raise SystemExit(gui_launch.run(sys.argv[1]))
'''


@pytest.mark.slow
def test_first_start_sets_up_a_store_in_the_real_keyring(real_keyring_env: dict[str, str],
                                                         tmp_path: Path) -> None:
    data = tmp_path / "laptop-data"
    env = real_keyring_env | {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
                              "ASSESSOR_APP_CONFIG_DIR": str(tmp_path / "config"),
                              "ASSESSOR_APP_LOG_DIR": str(tmp_path / "log")}
    env.pop("ASSESSOR_APP_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(data)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert "Secret Service" in lines["KEYRING"]
    assert lines["MAIN"] == "Store open"
    assert "Traceback" not in proc.stderr
    assert (data / "workbench.db").exists() and not (data / "SETUP-INCOMPLETE").exists()

    check = subprocess.run([sys.executable, "-m", "assessor_app", "db", "check", "--data-dir",
                            str(data)], env=env, cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0 and "Integrity:    ok" in check.stdout, check.stderr
    # The passphrase was never written to the log.
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "log").rglob("*")
                   if p.is_file())
    assert "store created by the first-run set-up" in logs  # the log was written...
    assert lines["PASSPHRASE"] not in logs and "Aisha" not in logs  # ...without secrets or names
    assert os.stat(data).st_mode & 0o077 == 0  # the data folder is private
